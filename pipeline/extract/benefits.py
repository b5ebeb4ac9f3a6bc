"""Benefit statements: what the page itself presents as a benefit or advantage of a drug.

Read from benefit sections (a "Benefits" list or column, the sub-headings of a benefits
section, "Pros") and, anywhere outside mechanism, safety and dosing text, from statements
whose verb is a benefit ("X helps to ...", "Improves sleep", "Boost your immunity"). An
indication ("used to treat X") is a condition, not a benefit.
"""

from __future__ import annotations

import re

from pipeline.classify import Classified, classify_heading
from pipeline.extract.context import PageContext
from pipeline.models import Benefit
from pipeline.normalize.drugs import lexicon as drug_lexicon
from pipeline.text import split_sentences, word_count

_MAX_WORDS = 60
# a section that names benefits ("Research-backed benefits", "Pros"), not one that sells
# ("Why choose us"): its sub-headings are the benefits
_BENEFITS_NAMED = re.compile(r"benefit|advantage|\bpros\b|upside|the case for|positives", re.I)
_STARTS_WITH_FIGURE = re.compile(r"^\W*\d")
_MAX_HEADING_WORDS = 12
_NOT_HERE = frozenset({"drawbacks", "mechanism", "side_effects", "warnings", "dosage", "author",
                       "references", "pharmacokinetics", "storage", "faq"})
_VERB = (r"(?:helps?|helped|improves?|improved|promotes?|boosts?|protects?|prevents?|reduces?|reduced|"
         r"lowers?|lowered|relieves?|relieved|supports?|enhances?|stops?|blocks?|stimulates?|"
         r"stabili[sz]es?|strengthens?|maximi[sz]es?|regulates?|suppress(?:es)?|rejuvenates?|"
         r"decreases? (?:your|the) risk|decreased|"
         r"eases?|restores?|speeds? up|keeps?|is known to help|has been shown to \w+|"
         r"(?:is|are) (?:highly |very )?effective)")
_IMPERATIVE = (r"(?:help|improve|promote|boost|protect|prevent|relieve|strengthen|support|enhance|"
               r"lower|reduce|ease)")
# A statement may open with its verb: third person ("Stops hair loss") or, for verbs that only
# promise, the imperative of an advert ("Boost your immunity"); "Keep it", "Stop taking it"
# are instructions.
_LEADING_VERB = re.compile(
    rf"^(?:(?:can|may|will|also|often|effectively|significantly)\s+)*(?:{_IMPERATIVE}|"
    rf"(?=\w+s\b){_VERB})\b",
    re.I,
)
_SUBJECT_VERB = re.compile(
    rf"^(?:it|this (?:medicine|medication|drug|supplement|treatment|product|herb)|"
    rf"the (?:medicine|medication|drug|supplement|treatment|product|herb)|taking(?:\s+\w+){{1,5}}?|"
    rf"patients taking(?:\s+\w+){{1,3}}?|(?P<name>[\w/-]+(?:\s+[\w/-]+)?)(?:\s+\d+\s?mg)?"
    rf"(?:\s*\([^()]{{1,40}}\))?)"
    rf"(?:\s+taken (?:on its own|alone|daily))?\s+(?:(?:can|may|will|also|often|not only|\w+ly)\s+)*"
    rf"(?:{_VERB}|produces|achieves|amplifies|appears to (?:suppress|reduce|improve|lower))\b",
    re.I,
)


# a benefit stated inside a sentence: "..., and they improve exercise capacity", "beta blockers
# reduce mortality in heart failure", "Long-term use shows effective control of lipids"
_CLAUSES = re.compile(r";|\s[—–]\s|:\s|,\s(?:and|but|while|whereas|so)\s|\.\s")
_CLAUSE_VERB = re.compile(
    rf"\b(?:(?:can|may|will|also|often|not only|further|\w+ly)\s+)*(?:{_VERB}|produces?|achieves?|"
    rf"provides?|delivers?|offers?|leads? to|results? in|amplifies|controls?|shows? effective|"
    rf"(?:is|are) (?:a |an )?(?:highly |very |clinically )?(?:effective|beneficial|helpful))\b", re.I)
_CLAUSE_SUBJECT = re.compile(
    r"\b(?:it|they|this|these|its|use|using|treatment|therapy|taking|inhibition|supplementation|"
    r"herb|supplement|medicine|medication|drug|dose|doses)\b", re.I)
_LEAD_CLAUSE = re.compile(r"^([^.:;–—]{5,80}?)\s[–—-]\s\S")
_FEWER_WITH = re.compile(
    r"^(?:overall\s+)?(?:fewer|less|lower|smaller)\b[^.]{0,120}?\b(?:with|on)\s+([\w®-]+)\s+"
    r"(?:\w+\s+)?(?:compared|than|vs\.?|versus)\b", re.I)
_PROVEN = re.compile(r"^(?:clinically\s+)?(?:proven|shown|demonstrated)\s+(?:\w+\s+){0,6}?to\s+\w+", re.I)
_NOT_A_BENEFIT = re.compile(r"\b(?:not|no|never|nor|cannot|doesn't|don't|isn't|fails?|risk|side effects?)\b",
                            re.I)
_SUBJECT_WORDS = 10


def _states_benefit_within(text: str, ctx: PageContext) -> bool:
    """Whether a clause of the sentence has the drug (or "it", "they", "its use") as the
    subject of a benefit verb."""
    for clause in _CLAUSES.split(text):
        m = _CLAUSE_VERB.search(clause)
        if m is None:
            continue
        subject = clause[: m.start()]
        if (len(subject.split()) <= _SUBJECT_WORDS and not _NOT_A_BENEFIT.search(subject)
                and (ctx.mentions(subject) or drug_lexicon().find_classes(subject)
                     or _CLAUSE_SUBJECT.search(subject))):
            return True
    return False


def _is_benefit_statement(text: str, ctx: PageContext, anywhere: bool = False) -> bool:
    if text.endswith("?") or not 2 <= word_count(text) <= _MAX_WORDS:
        return False
    if _LEADING_VERB.match(text) or _PROVEN.match(text):
        return True
    m = _SUBJECT_VERB.match(text)
    if m:
        name = m.group("name")
        if name is None or bool(ctx.mentions(name)) or bool(drug_lexicon().find_classes(name)):
            return True
    fewer = _FEWER_WITH.match(text)  # "Fewer grade 3-4 reactions occurred with X than with Y"
    if fewer and ctx.mentions(fewer.group(1)):
        return True
    return anywhere and _states_benefit_within(text, ctx)


def _stated(sentence: str) -> str:
    """The benefit a sentence states before a dash, when it leads with one: "Rejuvenates
    your mind and body - Ashwagandha is an Indian herb ..." states the first part."""
    lead = _LEAD_CLAUSE.match(sentence)
    if lead and _LEADING_VERB.match(lead.group(1)):
        return lead.group(1).strip()
    return sentence


def extract_benefits(ctx: PageContext) -> list[Benefit]:
    records: list[Benefit] = []
    seen: set[str] = set()

    def add(text: str, cb: Classified) -> None:
        key = " ".join(text.lower().split())
        if key in seen:
            return
        seen.add(key)
        record = ctx.make(Benefit, drug=ctx.sentence_drug(text, cb), text=text, section=cb.heading)
        if record is not None:
            records.append(record)

    for cb in ctx.blocks:
        block = cb.block
        if cb.kind == "benefits":
            if block.kind == "heading":
                # a sub-heading of a benefits section states a benefit ("Blood sugar
                # control", "Stops hair loss progression"); one that names another section or
                # asks a question does not
                own = classify_heading(block.text)
                named = (block.level < 7 and _BENEFITS_NAMED.search(" ".join(cb.path))
                         and not ctx.mentions(block.text) and not _STARTS_WITH_FIGURE.match(block.text))
                if (word_count(block.text) <= _MAX_HEADING_WORDS and not block.text.endswith("?")
                        and own.kind is None and block.source not in ("lead-in", "th", "label")
                        and (named or _is_benefit_statement(block.text, ctx))):
                    add(block.text, cb)
            elif block.kind == "item":
                # "**Non-habit forming.** Unlike sleeping pills, ..." states its benefit first
                text = block.label if block.label and word_count(block.label) >= 2 else block.text
                if 1 <= word_count(text) <= _MAX_WORDS:
                    add(text, cb)
            elif block.kind == "paragraph":
                if block.label and word_count(block.label) >= 2:
                    add(block.label, cb)  # "**Rejuvenates your mind and body** - It ..."
                for sentence in split_sentences(block.text):
                    if _is_benefit_statement(sentence, ctx, anywhere=True):
                        add(_stated(sentence), cb)
            continue
        if cb.kind in _NOT_HERE or block.kind not in ("heading", "item", "paragraph"):
            continue
        texts = [block.text] if block.kind != "paragraph" else split_sentences(block.text)
        for text in texts:
            if _is_benefit_statement(text, ctx):
                add(_stated(text), cb)
    return records

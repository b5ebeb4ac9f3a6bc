"""Conditions the drug treats: from "Uses" sections and from indication phrases in prose
("used to treat A and B", "indicated for A", "conditions such as A, B or C", "great for A").

After a strong indication phrase ("used to treat", "indicated for", "approved for") a short
noun phrase headed like an illness ("severe nodular acne", "delayed sleep phase disorder")
is taken as written, known or not. Weaker cues ("improves", "helps with", "patients with")
and lists in a uses section name a condition only where the lexicon knows it, because the
same patterns also catch goals ("to treat the cause") and the patients' other illnesses. A
statement about another drug ("carbamazepine – used to treat epilepsy") or a caution ("people
with conditions like kidney disease should ask a doctor") names no condition of this one.
"""

from __future__ import annotations

import functools
import re

from pipeline.classify import Classified
from pipeline.extract.context import PageContext
from pipeline.extract.warnings import is_warning_sentence
from pipeline.models import Condition
from pipeline.normalize.drugs import lexicon
from pipeline.normalize.terms import (
    TermMention,
    clean_term,
    find_conditions,
    is_known_condition,
    normalize_condition,
    split_terms,
)
from pipeline.text import split_sentences

_STRONG = re.compile(
    # "as clinically indicated in patients reporting ..." means "as needed": no indication
    r"\b(?<!clinically )(?:(?:used|prescribed|approved|indicated|licensed|taken|given|recommended)\s+"
    r"(?:(?:[\w,]+\s+){0,5}?)(?:to treat|to manage|to prevent|to relieve|to control|for|in)"
    r"(?:\s+(?:the\s+)?(?:\w+\s+)?(?:treatment|management|prevention|relief|control)\s+of)?"
    r"|(?:treat|treats|treating|treatment of|management of|relief of|prevention of|therapy of|"
    r"therapy for)"
    r"|(?:medications?|medicines?|drugs?|treatments?|therap(?:y|ies)|pills?|remed(?:y|ies))\s+"
    r"(?:for|against)"
    r"|(?:effective|useful|helpful|beneficial|great|good|best|ideal|first-line|first line)\s+"
    r"(?:treatment\s+)?(?:for|in|against)"
    r"|conditions?\s+(?:such as|like|including)"
    r"|(?:disorders?|diseases?|illnesses?)\s+(?:such as|like|including))\s+",
    re.I,
)
_WEAK = re.compile(
    r"\b(?:manage|manages|managing|(?:suffer|suffers|suffering)(?:\s+from)?|"
    r"(?:improves?|improved|improving|relieves?|relieved|eases?|alleviates?|"
    r"helps?\s+(?:with|manage|control|treat|relieve|reduce))"
    r")\s+",
    re.I,
)
# a caution about people who have other illnesses names none the drug treats: "people with
# conditions like kidney disease should speak with a provider"
_CAUTION = re.compile(r"\b(?:should (?:also )?(?:speak|talk|consult|check|ask|avoid|not)|not recommended|"
                      r"caution|contraindicated|avoid|do not|don't|must not)\b", re.I)
# "pooled the trials in adults with chronic neuropathic pain": the population a drug is studied in
_STUDIED_IN = re.compile(r"\b(?:trials?|studies|study|meta-analys[ie]s)\b[^.;]{0,80}?\b(?:in|enrolled)\s+"
                         r"(?:[\d,]+\s+)?(?:\w+\s+)?(?:adults|people|patients|children|participants)\s+"
                         r"with\s+", re.I)
# the drug as subject of a relieving verb: "It reduces fatigue, anxiety and depression"
_IT_RELIEVES = re.compile(
    r"^(?:it|this (?:medicine|medication|drug|supplement|herb|product)|the (?:herb|supplement))\s+"
    r"(?:\w+ly\s+)?(?:reduces|lowers|relieves|eases|fights|combats|alleviates|improves)\s+", re.I)
# "Brand names: Wegovy (obesity), Ozempic (diabetes)": a name and what it is for
_BRAND_FOR = re.compile(r"\b([A-Z][\w-]+)\s*\(([a-z][\w\s'-]{2,40})\)")
# what a page wants done about an illness, before its name: "the management of", "treating"
_GOAL_HEAD = re.compile(
    r"^(?:(?:primarily|mainly|mostly|also|especially|usually|often|centuries)\s+(?:for\s+)?)?"
    r"(?:(?:the\s+)?(?:\w+\s+)?(?:treatment|management|prevention|relief|control|therapy)\s+(?:of|in|for)\s+|"
    r"(?:treating|managing|preventing|relieving|controlling)\s+|diagnosed\s+|"
    # an item of a "used to:" list opens with its verb: "treat heart failure", "prevent
    # future strokes"
    r"(?:to\s+)?(?:help\s+(?:to\s+)?)?(?:treat|manage|prevent|control|relieve|ease|"
    r"reduce the risk of|lower the risk of|protect against)\s+(?:future\s+|further\s+)?)", re.I)
_NOT_MODIFIER = re.compile(r"^(?:of|in|for|with|by|to|from|and|or|the|a|an|\w+ing)$|\b(?:of|in|for|with)\b",
                           re.I)
_LIST_INTRO = re.compile(r"\b(?:such as|including|like|e\.g\.)\s+", re.I)
_PATIENTS_WITH = re.compile(r"\b(?:people|patients|individuals|adults|children|those|men|women|"
                            r"participants|subjects)\s+(?:with|who have|suffering from|living with)\s+",
                            re.I)
_DEFINED = re.compile(r"^(?P<name>[\w' -]{3,40}?)\s+(?:is|are)\s+(?:a|an)\s+(?:\w+\s+){0,2}"
                      r"(?:condition|disease|disorder|illness|infection|syndrome)\b", re.I)
_PARENS = re.compile(r"\s*\([^)]*\)")
_CLAUSE_END = re.compile(
    r"[.;:!?](?:\s|$)|\s[—–-]\s|\(|\s(?:which|that|who|when|if|because|although|but|while|by|caused|"
    r"as well as|associated|caused|in (?:adults|children|patients|people)|and (?:is|are|can|may|"
    r"has|it|to)|with|without|so|after|since|etc|as|to|is|are|was|were|whose|where|in which)\b",
    re.I,
)
_MAX_ITEM_WORDS = 6
_NEGATION = re.compile(r"\b(?:not|no|never|nor|cannot|won't|doesn't|don't|isn't)\b", re.I)
# what a page wants for an illness, not the illness: "heartburn relief", "weight management"
_GOAL_TAIL = re.compile(r"\s+(?:relief|treatment|management|control|prevention|support|therapy)$",
                        re.I)
_GRADE_HEAD = re.compile(r"^(?:(?:mild|moderate|severe)(?:\s+(?:to|or)\s+(?:mild|moderate|severe))?|"
                         r"non-specific|nonspecific|both|other|symptomatic|certain|some)\s+", re.I)
_CONDITION_HEAD = re.compile(
    r"(?:disease|diseases|disorder|disorders|syndrome|infection|infections|pain|acne|ulcers?|cancer|"
    r"failure|deficiency|deficiencies|dependence|addiction|asthma|gout|reflux|heartburn|diabetes|"
    r"migraines?|epilepsy|seizures|allergies|eczema|angina|lupus|obesity|hypertension|insomnia|"
    r"dysfunction|loss|lag|disorder)$", re.I)
_DRUG_SUBJECT = re.compile(r"^\s*(?:it|this (?:medicine|medication|drug|supplement|herb|product))\b",
                           re.I)
_USE_VERB = re.compile(
    r"\b(?:treat\w*|manag\w*|reliev\w*|prevent\w*|help\w*|used|use|indicated|approved|prescribed|"
    r"for|against|improv\w*|effective|useful|therapy|remedy)\b", re.I)


def _split(text: str) -> list[str]:
    """Terms of a list; "stiffness/spasticity" is two when both halves are conditions."""
    out: list[str] = []
    for term in split_terms(text):
        halves = [h.strip() for h in term.split("/")]
        if len(halves) > 1 and all(is_known_condition(clean_term(h)) for h in halves):
            out.extend(halves)
        else:
            out.append(term)
    return out


def _condition_shaped(name: str) -> bool:
    """A short noun phrase headed like an illness, known or not ("severe nodular acne")."""
    words = name.split()
    return 0 < len(words) <= _MAX_ITEM_WORDS and bool(_CONDITION_HEAD.search(name))


def _head_condition(phrase: str) -> TermMention | None:
    """The known condition that heads a phrase: "anaplastic lymphoma kinase-positive
    metastatic non-small cell lung cancer" is lung cancer of a kind, not lymphoma."""
    found = find_conditions(phrase)
    if not found:
        return None
    last = found[-1]
    tail = phrase[last.end :].split()
    if found[0].start == 0 or len(tail) <= 1:
        return last if len(tail) <= 1 else found[0]
    return None


def _phrases_after(sentence: str, in_uses: bool) -> list[tuple[str, bool]]:
    """(phrase, strong) for every phrase an indication cue introduces."""
    out: list[tuple[str, bool]] = []
    for m in _BRAND_FOR.finditer(sentence):
        if lexicon().find(m.group(1)):  # "Wegovy (obesity), Ozempic (diabetes)"
            out.append((m.group(2), False))
    sentence = _PARENS.sub("", sentence)
    strong = [*_STRONG.finditer(sentence), *_STUDIED_IN.finditer(sentence)]
    triggers = [(m, True) for m in strong] + [(m, False) for m in _WEAK.finditer(sentence)]
    triggers += [(m, False) for m in _IT_RELIEVES.finditer(sentence)]
    if in_uses:  # in a uses section any example list names conditions
        triggers += [(m, False) for m in _LIST_INTRO.finditer(sentence)]
    if triggers or in_uses:  # "used to manage X in people with Y": Y is treated too
        triggers += [(m, False) for m in _PATIENTS_WITH.finditer(sentence)]
    defined = _DEFINED.match(sentence)  # "Diabetes is a chronic condition that ..."
    if defined:
        out.append((defined.group("name"), False))
    for m, is_strong in triggers:
        if _NEGATION.search(" ".join(sentence[: m.start()].split()[-4:])):
            continue
        rest = sentence[m.end() :]
        end = _CLAUSE_END.search(rest)
        out.extend((part, is_strong) for part in _split(rest[: end.start()] if end else rest))
    return out


_SPELLING = ((re.compile(r"ae"), "e"), (re.compile(r"oe"), "e"), (re.compile(r"our\b"), "or"),
             (re.compile(r"is(e|ed|ing)\b"), r"iz\1"), (re.compile(r"[\s-]+"), " "))


def _fold(text: str) -> str:
    text = text.lower()
    for pattern, repl in _SPELLING:
        text = pattern.sub(repl, text)
    return text.strip()


def name_normalized(name: str) -> str:
    """The lexicon's name for a condition ("BPH" -> benign prostatic hyperplasia, "cerebral
    paralysis" -> cerebral palsy; "mild to moderate pain" -> pain), except where it differs
    from the page's only by spelling ("hypercholesterolaemia"): that stays as written."""
    written = clean_term(name).lower()
    bare = _GOAL_TAIL.sub("", written)
    if bare != written and is_known_condition(bare):
        written = bare  # "heartburn relief" is heartburn; "chronic weight management" stays
    written = _GRADE_HEAD.sub("", written).strip()
    canonical = normalize_condition(written)
    if _fold(canonical) == _fold(written):
        return written
    return canonical


def _trusted_lists(ctx: PageContext) -> set[int | None]:
    """Lists of a uses section in which at least half the items are known conditions: their
    other items are conditions too; in any other list only known conditions count."""
    known: dict[int | None, list[bool]] = {}
    for cb in ctx.blocks:
        block = cb.block
        if cb.kind == "uses" and block.kind == "item":
            name = clean_term(block.label or block.text)
            known.setdefault(block.list_id, []).append(is_known_condition(name))
    return {k for k, flags in known.items() if 2 * sum(flags) >= len(flags)}


def _about_the_drug(ctx: PageContext, text: str, pos: int, cb: Classified) -> bool:
    """Whether a statement at ``pos`` speaks of the page's drug, not of another named one."""
    if ctx.primary is None:
        return True
    drug = ctx.effect_drug(text, pos, cb)
    return drug is None or drug == ctx.primary


@functools.lru_cache(maxsize=4096)
def _ending_with(name: str) -> re.Pattern[str]:
    """``name`` at the end of a longer name, from a word boundary: compiled once per name."""
    return re.compile(rf"\b{re.escape(name)}$")


_BRACKETED_NAMES = re.compile(r"^([^()]+?)\s*\(([^()]+)\)\s*$")


def _item_names(text: str) -> list[str]:
    """The conditions a uses item names: "Peptic ulcer disease (gastric and duodenal ulcers)"
    names the ulcers in its brackets too; "Heartburn relief" names heartburn."""
    text = _GOAL_HEAD.sub("", text.strip())  # "treat heart failure", "prevent future strokes"
    m = _BRACKETED_NAMES.match(text)
    parts = _split(m.group(1)) + _split(m.group(2)) if m else _split(text)
    return [_GOAL_TAIL.sub("", p).strip() for p in parts]


def extract_conditions(ctx: PageContext) -> list[Condition]:
    records: list[Condition] = []
    seen: set[str] = set()

    def add(raw: str, text: str) -> None:
        name = clean_term(raw)
        if not name or len(name.split()) > _MAX_ITEM_WORDS:
            return
        normalized = name_normalized(raw)
        if not normalized or normalized in seen:
            return
        seen.add(normalized)
        record = ctx.make(Condition, name=name, name_normalized=normalized, text=text)
        if record is not None:
            records.append(record)

    trusted = _trusted_lists(ctx)
    for cb in ctx.blocks:
        block = cb.block
        if block.kind not in ("item", "paragraph") or cb.kind in ("side_effects", "author",
                                                                 "references", "warnings"):
            continue
        in_uses = cb.kind == "uses"
        if in_uses and block.kind == "item" and (block.label or
                                                  len(block.text.split()) <= _MAX_ITEM_WORDS + 2):
            for part in _item_names(block.label or block.text):
                name = _GRADE_HEAD.sub("", clean_term(part))
                if block.list_id in trusted or is_known_condition(name):
                    add(part, block.text)
            if not block.label:
                continue
            scan_uses = False  # "Label – its description": the label names it, the rest describes
        else:
            scan_uses = in_uses
        for sentence in split_sentences(block.text):
            cautious = is_warning_sentence(sentence) or bool(_CAUTION.search(sentence))
            for phrase, strong in _phrases_after(sentence, in_uses):
                pos = sentence.find(phrase)
                if cautious or not _about_the_drug(ctx, sentence, max(pos, 0), cb):
                    continue
                phrase = _GOAL_HEAD.sub("", phrase.strip())
                name = _GRADE_HEAD.sub("", clean_term(phrase))
                head = _head_condition(phrase)
                if is_known_condition(name):
                    add(phrase, sentence)
                elif head is not None:
                    # "severe nodular acne" is acne named more closely; "erectile dysfunction
                    # try it first": the clause ran on past the name
                    modifiers = phrase[: head.start].split()
                    whole = head.end >= len(phrase.rstrip(". ")) and len(modifiers) <= 2 and not any(
                        _NOT_MODIFIER.match(w) for w in modifiers)
                    add(phrase if whole and strong else head.text, sentence)
                elif strong and _condition_shaped(name) and not _NOT_MODIFIER.search(name):
                    add(phrase, sentence)  # "used to treat delayed sleep phase disorder"
            # a line or item of a uses list names conditions without a verb
            listed = block.kind == "item" or len(sentence.split()) <= _MAX_ITEM_WORDS + 4
            if scan_uses and (listed or _USE_VERB.search(sentence) or _DRUG_SUBJECT.match(sentence)) and (
                    not cautious):
                for mention in find_conditions(sentence):
                    before = " ".join(sentence[: mention.start].split()[-6:])
                    ending = _ending_with(mention.text.lower())
                    inside = any(ending.search(r.name.lower()) and r.text == sentence
                                 for r in records)  # "cancer" of "thyroid cancer"
                    if (not _NEGATION.search(before) and not inside
                            and not _MOLECULE_AFTER.match(sentence, mention.end)
                            and _about_the_drug(ctx, sentence, mention.start, cb)):
                        add(mention.text, sentence)
    return records


# an illness's name inside a molecule's: "anaplastic lymphoma kinase (ALK)-positive"
_MOLECULE_AFTER = re.compile(r"\s*(?:kinase|receptors?|genes?|proteins?|antigens?|mutations?|"
                             r"enzymes?|fusions?|markers?|pathways?)\b", re.I)

"""Benefit statements: what the page itself presents as a benefit or advantage of a drug.

Read from benefit sections (a "Benefits" list or column, the sub-headings of a benefits
section, "Pros") and, anywhere outside mechanism, safety and dosing text, from statements
whose verb is a benefit ("X helps to ...", "Improves sleep", "Boost your immunity"). An
indication ("used to treat X") is a condition, not a benefit.
"""

from __future__ import annotations

import re

from pipeline.classify import Classified
from pipeline.extract.context import PageContext
from pipeline.models import Benefit
from pipeline.text import split_sentences, word_count

_MAX_WORDS = 60
_MAX_HEADING_WORDS = 12
_NOT_HERE = frozenset({"drawbacks", "mechanism", "side_effects", "warnings", "dosage", "author",
                       "references", "pharmacokinetics", "storage", "faq"})
_VERB = (r"(?:helps?|improves?|promotes?|boosts?|protects?|prevents?|reduces?|lowers?|relieves?|"
         r"supports?|enhances?|stops?|blocks?|stimulates?|stabili[sz]es?|"
         r"strengthens?|maximi[sz]es?|"
         r"decreases? (?:your|the) risk|"
         r"eases?|restores?|speeds? up|keeps?)")
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
    rf"^(?:it|this (?:medicine|medication|drug|supplement|treatment|product)|taking (?:\w+\s+){{1,5}}|"
    rf"(?P<name>[\w/-]+(?:\s+[\w/-]+)?))\s+(?:(?:can|may|will|also|often|effectively|"
    rf"significantly|not only)\s+)*{_VERB}\b",
    re.I,
)


def _is_benefit_statement(text: str, ctx: PageContext) -> bool:
    if text.endswith("?") or not 2 <= word_count(text) <= _MAX_WORDS:
        return False
    if _LEADING_VERB.match(text):
        return True
    m = _SUBJECT_VERB.match(text)
    if not m:
        return False
    name = m.group("name")
    return name is None or bool(ctx.mentions(name))


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
                # a sub-heading that states a benefit ("Stops hair loss progression"), not a
                # product name or a topic ("Comprehensive screening")
                if word_count(block.text) <= _MAX_HEADING_WORDS and _is_benefit_statement(
                        block.text, ctx):
                    add(block.text, cb)
            elif block.kind == "item":
                if 1 <= word_count(block.text) <= _MAX_WORDS:
                    add(block.text, cb)
            elif block.kind == "paragraph":
                for sentence in split_sentences(block.text):
                    if _is_benefit_statement(sentence, ctx):
                        add(sentence, cb)
            continue
        if cb.kind in _NOT_HERE or block.kind not in ("heading", "item", "paragraph"):
            continue
        texts = [block.text] if block.kind != "paragraph" else split_sentences(block.text)
        for text in texts:
            if _is_benefit_statement(text, ctx):
                add(text, cb)
    return records

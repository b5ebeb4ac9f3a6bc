"""Conditions the drug treats: from "Uses" sections and from indication phrases in prose
("used to treat A and B", "conditions such as A, B or C").

A phrase found in prose must name a condition the lexicon knows, because the same patterns
also catch goals ("to treat the cause"); items of a uses section are trusted as written.
"""

from __future__ import annotations

import re

from pipeline.extract.context import PageContext
from pipeline.models import Condition
from pipeline.normalize.terms import (
    clean_term,
    find_conditions,
    is_known_condition,
    normalize_condition,
    split_terms,
)
from pipeline.text import split_sentences

_TRIGGER = re.compile(
    r"\b(?:(?:used|prescribed|approved|indicated|licensed|taken|given|recommended|effective)\s+"
    r"(?:\w+\s+)?(?:to treat|to manage|to prevent|to relieve|to control|to reduce|for|in)"
    r"(?:\s+(?:the\s+)?(?:treatment|management|prevention|relief|control)\s+of)?"
    r"|(?:treat|treats|treating|treatment of|management of|manage|manages|relief of|"
    r"prevention of|therapy of|therapy for)"
    r"|(?:medications?|medicines?|drugs?|treatments?|therap(?:y|ies)|pills?|remed(?:y|ies))\s+"
    r"(?:for|against)"
    r"|(?:suffer|suffers|suffering)\s+from"
    r"|conditions?\s+(?:such as|like|including)"
    r"|(?:disorders?|diseases?)\s+(?:such as|like|including))\s+",
    re.I,
)
_LIST_INTRO = re.compile(r"\b(?:such as|including|like|e\.g\.)\s+", re.I)
_PATIENTS_WITH = re.compile(r"\b(?:people|patients|individuals|adults|children|those|men|women)\s+"
                            r"(?:with|who have|suffering from|living with)\s+", re.I)
_DEFINED = re.compile(r"^(?P<name>[\w' -]{3,40}?)\s+(?:is|are)\s+(?:a|an)\s+(?:\w+\s+){0,2}"
                      r"(?:condition|disease|disorder|illness|infection|syndrome)\b", re.I)
_PARENS = re.compile(r"\s*\([^)]*\)")
_CLAUSE_END = re.compile(
    r"[.;:!?](?:\s|$)|\s[—–-]\s|\(|\s(?:which|that|who|when|if|because|although|but|while|by|caused|"
    r"as well as|associated|caused|in (?:adults|children|patients|people)|and (?:is|are|can|may|"
    r"has|it|to)|with|without|so|after|since|etc)\b",
    re.I,
)
_MAX_ITEM_WORDS = 6
_NEGATION = re.compile(r"\b(?:not|no|never|nor|cannot|won't|doesn't|don't|isn't)\b", re.I)


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


def _phrases_after(sentence: str, in_uses: bool) -> list[str]:
    out: list[str] = []
    sentence = _PARENS.sub("", sentence)
    triggers = list(_TRIGGER.finditer(sentence))
    if in_uses:  # in a uses section any example list names conditions
        triggers += list(_LIST_INTRO.finditer(sentence))
    if triggers:  # "used to manage X in people with Y": Y is treated too
        triggers += list(_PATIENTS_WITH.finditer(sentence))
    defined = _DEFINED.match(sentence)  # "Diabetes is a chronic condition that ..."
    if defined:
        out.append(defined.group("name"))
    for m in triggers:
        if _NEGATION.search(" ".join(sentence[: m.start()].split()[-4:])):
            continue
        rest = sentence[m.end() :]
        end = _CLAUSE_END.search(rest)
        out.extend(_split(rest[: end.start()] if end else rest))
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
    paralysis" -> cerebral palsy), except where it differs from the page's only by spelling
    ("hypercholesterolaemia"): that stays as written, lower-cased."""
    written = clean_term(name).lower()
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
                                                  len(block.text.split()) <= _MAX_ITEM_WORDS):
            for part in _split(block.label or block.text):
                if block.list_id in trusted or is_known_condition(clean_term(part)):
                    add(part, block.text)
            continue
        for sentence in split_sentences(block.text):
            for phrase in _phrases_after(sentence, in_uses):
                if is_known_condition(clean_term(phrase)):
                    add(phrase, sentence)
                    continue
                # "erectile dysfunction try it first": the clause ran on past the name
                lead = find_conditions(phrase.strip())
                if lead and lead[0].start == 0:
                    add(lead[0].text, sentence)
            if in_uses:
                for mention in find_conditions(sentence):
                    before = " ".join(sentence[: mention.start].split()[-6:])
                    if not _NEGATION.search(before):
                        add(mention.text, sentence)
    return records

"""Stage 5: decide what each section is about (uses, dosage, side effects, warnings, ...).

Headings in every form the segmenter found are matched against the section lexicon in
``data/sections.json``. The longest matching phrase wins, because specific phrases ("how to
use", "who should not use") must beat the short words inside them ("use"). A side-effect
category (common, serious, rare, withdrawal, overdose) is read from the innermost heading
that carries a cue, so "Side effects" > "Serious" gives serious.

Short stand-alone lines that name a section ("💊 Dosage", "Side effects") are promoted to
headings here, since only the lexicon can tell them from a short sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.phrases import phrase_pattern
from pipeline.segment import PSEUDO_LEVEL, Block

NEUTRAL = frozenset(
    {"overview", "faq", "references", "storage", "pharmacokinetics", "title", "table", "drawbacks",
     "symptoms"}
)
"""Kinds that name a section but ask no extractor to read it specially."""

_MAX_SECTION_TITLE_WORDS = 6
_TABLE_SOURCES = frozenset({"th", "caption", "row-header"})
_SE_KINDS = {"withdrawal": "withdrawal", "overdose": "overdose"}
_LEAD = re.compile(r"^[\W\d_]+", re.UNICODE)  # emoji, bullets, numbering before a heading
_SENTENCE_END = re.compile(r"[.!]$")


@dataclass(frozen=True, slots=True)
class HeadingClass:
    kind: str | None
    category: str | None
    named: int = 0
    """How many section kinds the heading named: a headline naming exactly one ("Important
    safety information") heads a section; one naming several names the whole page."""


@dataclass(frozen=True, slots=True)
class Classified:
    """A content block with the section it sits in."""

    block: Block
    kind: str | None
    category: str | None
    heading: str | None
    path: tuple[str, ...]
    drug: str | None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    order: dict[str, int]


@cache
def _lexicon() -> _Lexicon:
    data = json.loads(resources.files("pipeline.data").joinpath("sections.json").read_text())
    kinds = tuple((k, phrase_pattern(v)) for k, v in data["kinds"].items())
    cats = tuple((k, phrase_pattern(v)) for k, v in data["categories"].items())
    return _Lexicon(kinds, cats, {k: i for i, (k, _) in enumerate(kinds)})


def normalize_heading(text: str) -> str:
    return " ".join(_LEAD.sub("", text.lower()).replace("’", "'").split())


@cache
def classify_heading(text: str) -> HeadingClass:
    """The section kind and side-effect category a heading names, if any."""
    norm = normalize_heading(text)
    lex = _lexicon()
    best: tuple[int, int, str] | None = None
    span = (0, 0)
    kinds_seen: set[str] = set()
    for kind, pattern in lex.kinds:
        for m in pattern.finditer(norm):
            kinds_seen.add(kind)
            key = (len(m.group(0)), -lex.order[kind], kind)
            if best is None or key > best:
                best, span = key, m.span()
    found: str | None = best[2] if best else None
    if len(kinds_seen - NEUTRAL) >= 3:
        found = "title"  # "X: uses, dosage and side effects" names the whole page
    category: str | None = None
    best_cat: tuple[int, int] | None = None
    for cat, pattern in lex.categories:
        for m in pattern.finditer(norm):
            if found in NEUTRAL and span[0] <= m.start() and m.end() <= span[1]:
                continue  # the "frequently" of "Frequently asked questions" is no category
            cat_key = (len(m.group(0)), -m.start())  # "less common" beats the "common" inside
            if best_cat is None or cat_key > best_cat:
                best_cat, category = cat_key, cat
    if found in _SE_KINDS:
        category, found = _SE_KINDS[found], "side_effects"
    elif category in _SE_KINDS and found in (None, "dosage", "overview", "warnings"):
        found = "side_effects"  # "Signs your dose may be too high", "If you stop suddenly"
    return HeadingClass(found, category, len(kinds_seen - NEUTRAL))


def _looks_like_heading(block: Block) -> bool:
    text = block.text
    if block.kind != "paragraph" or len(text) > 70 or _SENTENCE_END.search(text):
        return False
    if len(text.split()) > 8:
        return False
    hc = classify_heading(text)
    return hc.kind is not None or hc.category is not None


def classify(
    blocks: Sequence[Block],
    title: str | None = None,
    drug_of: Callable[[str], str | None] | None = None,
) -> list[Classified]:
    """Attach to every content block the kind, category and heading path in force."""
    stack: list[tuple[int, str, HeadingClass, str | None]] = []
    out: list[Classified] = []
    title_norm = normalize_heading(title or "")
    for i, block in enumerate(blocks):
        introduces_list = (
            block.kind == "paragraph" and block.text.endswith(":") and len(block.text) <= 160
            and i + 1 < len(blocks) and blocks[i + 1].kind == "item"
        )
        if introduces_list or (block.kind == "paragraph" and _looks_like_heading(block)):
            source = "lead-in" if introduces_list and len(block.text.split()) > 6 else "line"
            block = Block("heading", block.text.rstrip(":"), PSEUDO_LEVEL, source)
        if block.kind == "boundary":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            continue
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            out.append(_in_section(block, stack))  # a heading is also content of its parent
            hc = classify_heading(block.text)
            is_title = block.level == 1 or (title_norm and normalize_heading(block.text) == title_norm)
            if is_title and (hc.named != 1 or len(block.text.split()) > _MAX_SECTION_TITLE_WORDS):
                hc = HeadingClass("title", None)  # the headline names the page, not a section
            elif hc.kind in NEUTRAL and block.source == "lead-in":
                hc = HeadingClass(None, hc.category, hc.named)  # a lead-in sentence, not a topic
            elif hc.kind is None and block.source in _TABLE_SOURCES:
                hc = HeadingClass("table", hc.category)  # a column name does not extend a section
            drug = drug_of(block.text) if drug_of else None
            stack.append((block.level, block.text, hc, drug))
            continue
        out.append(_in_section(block, stack))
    return out


def _in_section(block: Block, stack: list[tuple[int, str, HeadingClass, str | None]]) -> Classified:
    kind: str | None = None
    category: str | None = None
    for _level, _text, hc, _drug in reversed(stack):
        if category is None and hc.category is not None:
            category = hc.category
        if hc.kind is not None:
            kind = hc.kind
            break
    drug = next((d for *_, d in reversed(stack) if d is not None), None)
    heading = stack[-1][1] if stack else None
    return Classified(block, kind, category, heading, tuple(h[1] for h in stack), drug)

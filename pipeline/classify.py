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
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from pipeline.normalize.drugs import lexicon
from pipeline.phrases import phrase_pattern
from pipeline.segment import LABEL_LEVEL, PSEUDO_LEVEL, Block

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
_WORD = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class HeadingClass:
    kind: str | None
    category: str | None
    named: int = 0
    """How many section kinds the heading named: a headline naming exactly one ("Important
    safety information") heads a section; one naming several names the whole page."""
    weak: bool = False
    """The kind rests on a weak phrase only ("use", "monitoring", "pregnancy", "dose"): such a
    sub-heading names a detail of the section it sits in, not a section of its own."""


@dataclass(frozen=True, slots=True)
class Classified:
    """A content block with the section it sits in."""

    block: Block
    kind: str | None
    category: str | None
    heading: str | None
    path: tuple[str, ...]
    drug: str | None
    opens: tuple[str | None, str | None] = (None, None)
    """For a heading: the kind and category of the section it opens (its own ``kind`` and
    ``category`` are those of the section it sits in)."""


@dataclass(frozen=True, slots=True)
class _Lexicon:
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    order: dict[str, int]
    weak: frozenset[str]
    weak_categories: frozenset[str]
    harm_intro: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    data = json.loads(resources.files("pipeline.data").joinpath("sections.json").read_text())
    kinds = tuple((k, phrase_pattern(v)) for k, v in data["kinds"].items())
    cats = tuple((k, phrase_pattern(v)) for k, v in data["categories"].items())
    return _Lexicon(kinds, cats, {k: i for i, (k, _) in enumerate(kinds)},
                    frozenset(p.lower() for p in data["weak_phrases"]),
                    frozenset(p.lower() for p in data["weak_categories"]),
                    phrase_pattern(data["harm_lead_ins"]))


def normalize_heading(text: str) -> str:
    return " ".join(_LEAD.sub("", text.lower()).replace("’", "'").split())


CONTENT_KINDS = frozenset({"side_effects", "warnings", "dosage"})
"""Sections whose sub-headings name details of their topic: under "Dosage", "2.5 mg
(starting dose)" or "Use in kidney disease" is still dosage."""
_WEAK_KINDS = frozenset({"overview", "symptoms", "mechanism"})
"""Kinds that never take over a content section from a sub-heading ("Symptoms of an allergic
reaction" under "Side effects" lists side effects)."""
_LEAD_SOURCES = frozenset({"lead-in", "line", "li", "label", "bold", "summary"})
"""Headings that are lines of the text ("If you notice any of these, call your doctor:")."""
_HARM_CATEGORIES = frozenset({"serious", "withdrawal", "overdose"})
_NAMES_EFFECTS = re.compile(r"\b(?:symptoms?|side effects?|effects|reactions?)\b", re.I)


_MAX_HEADING_WORDS = 16
"""A longer "heading" is a sentence set in large type (a disclaimer in an <h2>): it names no
section, whatever words it holds."""


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
    weak = found is not None and norm[span[0]:span[1]] in lex.weak
    if len(kinds_seen - NEUTRAL) >= 3:
        found, weak = "title", False  # "X: uses, dosage and side effects" names the whole page
    category: str | None = None
    best_cat: tuple[bool, int, int] | None = None
    for cat, pattern in lex.categories:
        for m in pattern.finditer(norm):
            if found in NEUTRAL and span[0] <= m.start() and m.end() <= span[1]:
                continue  # the "frequently" of "Frequently asked questions" is no category
            if cat == "overdose" and not _overdose_toxicity(norm, m):
                continue  # "Embryo-fetal toxicity" names an effect; "Digoxin toxicity" an overdose
            if cat == "serious" and is_predicate(norm, m.start()):
                continue  # "tell your doctor if any of these are severe or do not go away"
            # a category noun ("overdose", "rare") outranks a list opener ("may include");
            # then the longer phrase: "less common" beats the "common" inside it
            cat_key = (m.group(0).lower() not in lex.weak_categories, len(m.group(0)), -m.start())
            if best_cat is None or cat_key > best_cat:
                best_cat, category = cat_key, cat
    if category is None:
        category = frequency_category(text)  # "affects more than 1 in 10 people"
    if found in _SE_KINDS:
        category, found, weak = _SE_KINDS[found], "side_effects", False
    elif category in _SE_KINDS and (found is None or weak or found in (
            "dosage", "overview", "warnings", "safety", "symptoms")):
        found, weak = "side_effects", False  # "Signs your dose may be too high", "If you stop"
    return HeadingClass(found, category, len(kinds_seen - NEUTRAL), weak)


_ONE_IN = re.compile(r"(?:(?P<bound>more than|over|at least|up to|fewer than|less than|under)\s+)?"
                     r"(?:about\s+)?1\s+(?:in|out of)\s+(?P<n>\d{1,3}(?:,?\d{3})*)\b", re.I)


def frequency_category(text: str) -> str | None:
    """The category a frequency in words gives, by the convention of product information
    (very common >= 1 in 10, common >= 1 in 100, uncommon and rare below): "more than 1 in
    10 people" and "up to 1 in 10" are common, "up to 1 in 100" and "1 in 1,000" rare."""
    m = _ONE_IN.search(text)
    if m is None:
        return None
    n = int(m.group("n").replace(",", ""))
    below = (m.group("bound") or "").lower() in ("up to", "fewer than", "less than", "under")
    if n < 100 or (n == 100 and not below):
        return "common"
    return "rare"


_WORD_BEFORE = re.compile(r"([\w-]+)\s*$")
_PREDICATIVE = re.compile(r"\b(?:are|is|be|become|becomes|get|gets|getting|seem|seems)\s+$", re.I)


def is_predicate(text: str, start: int) -> bool:
    """Whether a grade word at ``start`` is said of the effects ("tell your doctor if any of
    these symptoms are severe or do not go away"): a condition on the list, not its category."""
    return _PREDICATIVE.search(text, 0, start) is not None


def _overdose_toxicity(norm: str, m: re.Match[str]) -> bool:
    """Whether a "toxicity" cue speaks of too much of a drug: "signs of toxicity", "digoxin
    toxicity", not "renal toxicity" or "embryo-fetal toxicity" (an effect on an organ)."""
    if not m.group(0).startswith("toxicit"):
        return True
    before = _WORD_BEFORE.search(norm, 0, m.start())
    if before is None or before.group(1) in ("of", "signs", "symptoms", "drug", "vitamin"):
        return True
    return bool(lexicon().find(before.group(1)))


def introduces_effects(text: str) -> bool:
    """Whether a lead-in introduces effects to look out for: "If you notice any of the
    following", "Signs of an allergic reaction include", "Call your doctor if you have"."""
    return bool(_lexicon().harm_intro.search(normalize_heading(text)))


def _looks_like_heading(block: Block) -> bool:
    text = block.text
    if len(text) > 70 or _SENTENCE_END.search(text):
        return False
    if len(text.split()) > 8:
        return False
    hc = classify_heading(text)
    return hc.kind is not None or hc.category is not None


_THE_FOLLOWING = re.compile(r"\bthe following\b", re.I)
_BULLETED = re.compile(r"^[•·▪◦‣●○■□►▸✓✔☑➤➢→*-]\s")


def _names_a_section(text: str) -> bool:
    hc = classify_heading(text)
    return hc.kind is not None and not hc.weak


_SHORT_LINE_WORDS = 8
_SHORT_LINE_CHARS = 80
_MIN_LINE_RUN = 3


def _short_line(block: Block) -> bool:
    text = block.text
    return (block.kind == "paragraph" and block.label is None and len(text) <= _SHORT_LINE_CHARS
            and len(text.split()) <= _SHORT_LINE_WORDS and not text.endswith((":", "?")))


def _promote(blocks: Sequence[Block]) -> list[Block]:
    """Lines that are headings in all but markup become headings, and runs of short lines
    ("<p>Nausea</p><p>Headache</p><p>Dizziness</p>") become the items of one list."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        # "...if you experience any of the following side effects after taking it." too
        introduces_list = (
            block.kind == "paragraph" and len(block.text) <= 160
            and (block.text.endswith(":") or (block.text.endswith(".")
                                              and _THE_FOLLOWING.search(block.text) is not None))
            and i + 1 < len(blocks) and blocks[i + 1].kind == "item"
        )
        # a line broken off with <br> is a heading when it names a section ("Safety
        # information"); a bulleted line, or one that only names a category, is an item
        # a table's cell ("Nervous system disorders — Common: Ataxia, tremor") is no heading
        line = (block.kind == "paragraph" and block.source != "td") or (
            block.kind == "item" and block.source == "br" and (
                not _BULLETED.match(block.text) and _names_a_section(block.text)))
        if introduces_list:
            # a sentence that introduces a list nests under the heading before it
            source = "lead-in" if len(block.text.split()) > 6 else "line"
            block = Block("heading", block.text.rstrip(":"), LABEL_LEVEL, source)
        elif line and _looks_like_heading(block):
            block = Block("heading", block.text.rstrip(":"), PSEUDO_LEVEL, "line")
        out.append(block)
    list_ids = max((b.list_id or 0 for b in out), default=0)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and _short_line(out[j]) and out[j].context == out[i].context:
            j += 1
        if j - i >= _MIN_LINE_RUN:
            list_ids += 1
            for k in range(i, j):
                b = out[k]
                out[k] = Block("item", b.text, context=b.context, list_id=list_ids, source="lines")
            # the line before a run that ends in a colon introduces it
            if i > 0 and out[i - 1].kind == "paragraph" and out[i - 1].text.endswith(":"):
                prev = out[i - 1]
                out[i - 1] = Block("heading", prev.text.rstrip(":"), LABEL_LEVEL, "lead-in")
        i = max(j, i + 1)
    return out


_Entry = tuple[int, str, HeadingClass, str | None]


def _effective_kind(stack: Sequence[_Entry]) -> str | None:
    return next((hc.kind for *_, hc, _d in reversed(stack) if hc.kind is not None), None)


def _heading_class(block: Block, stack: Sequence[_Entry], title_norm: str,
                   divider: str | None) -> HeadingClass:
    """What a heading names, in the context of the sections it sits in."""
    if block.source not in ("lead-in", "li") and len(block.text.split()) > _MAX_HEADING_WORDS:
        return HeadingClass(None, None)
    hc = classify_heading(block.text)
    is_title = block.level == 1 or (title_norm and normalize_heading(block.text) == title_norm)
    if is_title and (hc.named != 1 or len(block.text.split()) > _MAX_SECTION_TITLE_WORDS) and not (
            hc.named == 1 and hc.kind == "side_effects" and not hc.weak):
        # the headline names the page, not a section; a page whose headline names only its
        # side effects ("7 Ozempic side effects you should know about") is one section of them
        return HeadingClass("title", None)
    if hc.kind in NEUTRAL and block.source == "lead-in":
        hc = HeadingClass(None, hc.category, hc.named)  # a lead-in sentence, not a topic
    elif hc.kind is None and block.source in _TABLE_SOURCES:
        if block.source == "th" and hc.category is not None and _effective_kind(stack) == "side_effects":
            return HeadingClass("side_effects", hc.category)  # a frequency column of effects
        return HeadingClass("table", hc.category)  # a column name does not extend a section
    parent = _effective_kind(stack)
    lead = block.source in _LEAD_SOURCES
    if (lead or hc.kind is None or hc.weak) and (
            # a lead-in is classified by what it introduces, wherever it stands; under a
            # warning, "Severe myalgia" names the risk the warning is about
            (hc.category in _HARM_CATEGORIES and hc.kind in (None, "warnings", "safety", *NEUTRAL)
             and not (parent == "warnings" and hc.kind is None and hc.category == "serious"))
            or ((hc.kind in (None, *NEUTRAL) or hc.weak) and introduces_effects(block.text))
            # "Tell your doctor if any of these symptoms are severe or do not go away:" under
            # "Side effects" introduces effects, though "tell your doctor if" opens warnings
            or (lead and hc.kind == "warnings" and parent == "side_effects"
                and introduces_effects(block.text) and _NAMES_EFFECTS.search(block.text))):
        return HeadingClass("side_effects", hc.category, hc.named)
    if parent in CONTENT_KINDS and hc.kind not in (None, parent) and (
            hc.weak or hc.kind in _WEAK_KINDS):
        hc = HeadingClass(None, hc.category, hc.named)  # a detail of the section it is in
    if hc.category is None and divider is not None and hc.kind in (None, "side_effects"):
        hc = HeadingClass(hc.kind, divider, hc.named, hc.weak)
    return hc


def classify(
    blocks: Sequence[Block],
    title: str | None = None,
    drug_of: Callable[[str], str | None] | None = None,
) -> list[Classified]:
    """Attach to every content block the kind, category and heading path in force."""
    stack: list[_Entry] = []
    out: list[Classified] = []
    title_norm = normalize_heading(title or "")
    # a category heading with nothing under it ("<h3>Common</h3><h3>Dry skin</h3><h3>Dry
    # eyes</h3><h3>Rare</h3>...") divides the sibling headings that follow it
    dividers: dict[int, str] = {}
    blocks = _promote(blocks)
    for i, block in enumerate(blocks):
        if block.kind == "boundary":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            for level in [lv for lv in dividers if lv >= block.level]:
                del dividers[level]
            continue
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            for level in [lv for lv in dividers if lv > block.level]:
                del dividers[level]
            out.append(_in_section(block, stack))  # a heading is also content of its parent
            hc = _heading_class(block, stack, title_norm, dividers.get(block.level))
            following = next((b for b in blocks[i + 1:] if b.kind == "boundary" or _WORD.search(b.text)),
                             None)  # a card's bare number ("1") is no content
            own = classify_heading(block.text)
            if (own.category is not None and own.kind in (None, "side_effects")
                    and following is not None and following.kind == "heading"
                    and following.level == block.level):
                dividers[block.level] = own.category
            drug = drug_of(block.text) if drug_of else None
            stack.append((block.level, block.text, hc, drug))
            inside = _in_section(block, stack)
            out[-1] = replace(out[-1], opens=(inside.kind, inside.category))
            continue
        out.append(_in_section(block, stack))
    return out


def _in_section(block: Block, stack: list[_Entry]) -> Classified:
    kind: str | None = None
    category: str | None = None
    for _level, _text, hc, _drug in reversed(stack):
        if kind is not None and hc.kind not in (None, kind):
            break  # an enclosing section of another kind lends no category
        if category is None and hc.category is not None:
            category = hc.category
        if kind is None and hc.kind is not None:
            kind = hc.kind
            if kind != "side_effects":
                break  # only side-effect sections inherit a category through sub-headings
    drug = next((d for *_, d in reversed(stack) if d is not None), None)
    heading = stack[-1][1] if stack else None
    return Classified(block, kind, category, heading, tuple(h[1] for h in stack), drug)

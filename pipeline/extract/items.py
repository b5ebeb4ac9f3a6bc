"""What a list item or short line is, from its shape: a term, advice, an audience, prose.

The lexicon names effects; it does not decide whether an item of a side-effect list is one.
Pages list effects the lexicon has never seen ("facial fat loss", "yellow-green halos"), and
they also put advice, audiences and products in the same lists ("Drink plenty of water",
"People who just started the medicine", "Vitamin B12 1000 mcg"). As jusText does for blocks,
each item first gets a class from measurable features of its own text; then
:func:`settle` lets a list's doubtful items take the class of its confident ones, because the
items of one list are usually of one kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pipeline.phrases import escape

Shape = Literal["term", "advice", "audience", "prose", "other"]

MAX_TERM_WORDS = 12
"""A longer item is prose even when it holds no verb: terms are short."""

_LEAD = re.compile(r"^[\W\d_]+", re.UNICODE)  # bullets, numbering, emoji before the text
_SENTENCES = re.compile(r"[.!?]\s+[\"“(]?[A-Z]")
_LETTERS = re.compile(r"[^\W\d_]")
_GROUPS = re.compile(r"\([^()]*\)")
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp)\b", re.I)
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|gov)\b", re.I)
_CITATION = re.compile(
    r"\b(?:et al\.?|doi:|pmid|\d{4};\s?\d+|\d+\(\d+\):\s?\d+|vol\.\s?\d|pp?\.\s?\d)", re.I)
# a table's footnote that defines a grouped term: "aIncludes fatigue and asthenia."
_FOOTNOTE = re.compile(r"^[a-z*†‡§¶]?\s?(?:Includes|Excludes|Defined as|Based on|INCLUDES)\b")
# "For more information, please see the leaflet": a pointer, whatever comes first
_POINTER = re.compile(r"[,;:]\s*(?:please\s+)?(?:see|read|visit|call|contact|click|refer to|consult|ask|"
                      r"talk to|speak to)\b", re.I)


@dataclass(frozen=True, slots=True)
class _Words:
    imperative: re.Pattern[str]
    audience: re.Pattern[str]
    finite: re.Pattern[str]


@cache
def _words() -> _Words:
    data = json.loads(resources.files("pipeline.data").joinpath("cues.json").read_text())

    def alternation(words: Sequence[str]) -> str:
        return "|".join(escape(w) for w in sorted(words, key=len, reverse=True))

    return _Words(
        # "Avoid alcohol", "Take it with food", "Don't drive": advice, whatever follows;
        # "Increase your water intake" but not "Increased heart rate"
        imperative=re.compile(
            rf"^(?:please\s+)?(?:{alternation(data['imperative_verbs'])})\b(?!-)"
            rf"|^(?:{alternation(data['ambiguous_imperatives'])})\s+(?:your|the|a|an|it|this|these|"
            r"them|any|all|plenty|more|less|up|out|off|with|before|after|at|on|in)\b",
            re.I),
        audience=re.compile(rf"^(?:{alternation(data['audience_heads'])})\b", re.I),
        finite=re.compile(rf"\b(?:{alternation(data['finite_verbs'])})\b", re.I),
    )


def bare(text: str) -> str:
    """The item's words without the bullets, numbering or emoji in front."""
    return _LEAD.sub("", text).strip()


def is_footnote(text: str) -> bool:
    """A table's footnote or a pointer line, which states nothing itself ("aIncludes fatigue
    and asthenia.", "See full Prescribing Information")."""
    return bool(_FOOTNOTE.match(bare(text)))


def shape(text: str) -> Shape:
    """The class of an item or short line, from its own text."""
    text = bare(text)
    if (not _LETTERS.search(text) or _PRICE.search(text) or _URL.search(text)
            or _CITATION.search(text) or _FOOTNOTE.match(text)):
        return "other"
    words = _words()
    if words.imperative.match(text) or _POINTER.search(text):
        return "advice"
    if words.audience.match(text):
        return "audience"
    # "(2%)", "(tummy)" and punctuation add no words to a term
    n = sum(1 for w in _GROUPS.sub(" ", text).split() if _LETTERS.search(w))
    if _SENTENCES.search(text) or n > MAX_TERM_WORDS:
        return "prose"
    if n > 5 and words.finite.search(text):
        return "prose"  # "Most people feel better within a week"
    return "term"


def has_verb(text: str) -> bool:
    """Whether a line holds a finite verb ("Dizziness occurs occasionally")."""
    return bool(_words().finite.search(text))


def settle(shapes: Sequence[Shape], doubtful: Sequence[bool]) -> list[Shape]:
    """Doubtful items take the class most of their list's confident items have.

    ``doubtful[i]`` marks an item whose own text decides little (a single unknown word, say).
    """
    confident = [s for s, d in zip(shapes, doubtful, strict=True) if not d]
    if not confident:
        return list(shapes)
    counts = {shape: confident.count(shape) for shape in confident}
    top = max(counts.values())
    # a clear majority decides; on a tie a doubtful item keeps its own class
    winners = [shape for shape, n in counts.items() if n == top]
    return [(winners[0] if len(winners) == 1 else s) if d else s
            for s, d in zip(shapes, doubtful, strict=True)]

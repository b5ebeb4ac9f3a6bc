"""Sentence splitting and small text helpers shared by the prose extractors."""

from __future__ import annotations

import re

from pipeline.memo import per_text

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or quote; but not
# after abbreviations that end in a dot ("et al.", "e.g.", "Dr.") or inside decimals ("2.5").
_ABBREV = re.compile(
    r"(?:\b(?:al|e\.g|i\.e|etc|vs|dr|mr|mrs|ms|prof|st|no|fig|approx|ca|min|max|incl|resp)\.|\b[A-Z]\.)$",
    re.I,
)
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[\"“'(\[]?[A-Z0-9À-ÖØ-Þ¿¡])|(?<=[.!?])(?=[A-Z][a-z])")
_CONNECTIVE = re.compile(
    r"^(?:therefore|thus|hence|so|for this reason|this is why|that is why|as a result|consequently)\b",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and decimals inside their sentence.

    A block's text is split once however many extractors read its sentences (the result is
    a fresh list each time: callers may change it)."""
    return list(_split(text))


@per_text(maxsize=2048)
def _split(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()].rstrip()
        if _ABBREV.search(candidate):
            continue
        if candidate:
            parts.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return tuple(parts)


def is_continuation(sentence: str) -> bool:
    """A sentence that only draws the consequence of the previous one ("Therefore, ...")."""
    return bool(_CONNECTIVE.match(sentence))


def word_count(text: str) -> int:
    return len(text.split())

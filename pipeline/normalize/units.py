"""Canonical dose units, read from ``pipeline/data/units.tsv``.

Pages spell one unit many ways ("mg", "mgs", "milligrams"; "mcg", "µg", "μg", "ug"), and
the records must carry exactly one spelling per unit so that rows compare and aggregate.
The spellings are data, not code: a new variant met on a real page is one more cell in
the table, not a code change.

Only dose units are listed. A body weight ("70 kg"), a duration ("24 hours") or a lab unit
("mL/min", "mg/dL") is deliberately absent, which is what lets the dose parser ignore
those numbers. A trailing frequency ("mg/day", "mg/d") is not a unit either: it is read
as doses per day by :mod:`pipeline.normalize.frequency`. The one exception is the
weight-based daily total ``mg/kg/day``, which prescribers write as a unit of its own.

This module also holds the two small helpers the other lexicon-driven normalisers share:
reading a two-column TSV shipped in ``pipeline/data`` and turning a list of phrases into
one regex alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

__all__ = [
    "canonical_unit",
    "canonical_units",
    "phrase_alternation",
    "read_tsv",
    "unit_pattern",
]

_SPACES_AROUND_SLASH = re.compile(r"\s*/\s*")


def read_tsv(name: str) -> list[tuple[str, str]]:
    """Return the data rows of ``pipeline/data/<name>`` as (first, second) column pairs.

    The header line and blank lines are skipped; a row without exactly two tab-separated
    cells is a broken data file, so it raises instead of being silently dropped.
    """
    text = (files("pipeline") / "data" / name).read_text(encoding="utf-8")
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise ValueError(f"{name}:{number}: expected 2 tab-separated cells, got {len(cells)}")
        rows.append((cells[0].strip(), cells[1].strip()))
    return rows


def phrase_alternation(
    phrases: Iterable[str], *, edge_before: bool = True, ignore_case: bool = True
) -> str:
    """One regex matching any of ``phrases``, preferring the longest.

    The phrases are merged into a prefix tree ("mg", "mg/kg", "mg/kg/day" share "mg"), so
    the regex engine tests the first character once instead of once per phrase: a flat
    alternation of a few hundred phrases costs tens of milliseconds on 100 KB of text, the
    tree a few. At every branch point the longer continuations are tried before stopping,
    so "mg/kg/day" wins over "mg/kg" and "mg".

    Spaces and hyphens in a phrase match any run of spaces or hyphens ("twice-daily"), a
    slash tolerates spaces around it ("mg / kg"), and a phrase that begins or ends with a
    letter or digit must do so at a word edge, so "g" never matches inside "gauge" and
    "od" never inside "body". A unit follows its number with no space ("20mg"), so unit
    patterns pass ``edge_before=False``. Pass the same ``ignore_case`` as the flags the
    pattern is compiled with; it decides which spellings may share a branch.

    >>> bool(re.fullmatch(phrase_alternation(["mg", "mg/kg"]), "mg / kg"))
    True
    """
    at_word_start = _Trie()
    anywhere = _Trie()
    for phrase in set(phrases):
        if phrase:
            starts_word = edge_before and phrase[0].isalnum()
            (at_word_start if starts_word else anywhere).add(phrase, ignore_case)
    branches = []
    if at_word_start.children:
        branches.append(r"(?<!\w)" + at_word_start.pattern())
    if anywhere.children:
        branches.append(anywhere.pattern())
    return "(?:" + "|".join(branches) + ")" if branches else "(?!)"


class _Trie:
    """Prefix tree of phrases, one node per (pattern piece of a) character."""

    __slots__ = ("children", "ends", "ends_in_word")

    def __init__(self) -> None:
        self.children: dict[str, tuple[str, _Trie]] = {}
        self.ends = False
        self.ends_in_word = False

    def add(self, phrase: str, ignore_case: bool) -> None:
        node = self
        for char in phrase:
            piece = _char_pattern(char)
            key = piece.lower() if ignore_case else piece
            node = node.children.setdefault(key, (piece, _Trie()))[1]
        node.ends = True
        node.ends_in_word = phrase[-1].isalnum()

    def pattern(self) -> str:
        branches = [piece + child.pattern() for _, (piece, child) in sorted(self.children.items())]
        if self.ends:
            # A phrase ending in a letter or digit must not run on into a longer word.
            branches.append(r"(?!\w)" if self.ends_in_word else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


def _char_pattern(char: str) -> str:
    if char in " -":
        return r"[\s\-]+"
    if char == "/":
        return r"\s*/\s*"
    return re.escape(char)


def _unit_key(text: str) -> str:
    """Lookup key: one space between words, none around "/", case folded.

    Case folding also maps the micro sign "µ" (U+00B5) onto the Greek "μ" (U+03BC), the
    two characters pages use interchangeably.
    """
    return _SPACES_AROUND_SLASH.sub("/", " ".join(text.replace("-", " ").split())).casefold()


@cache
def _unit_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in read_tsv("units.tsv"):
        for spelling in (canonical, *variants.split("|")):
            key = _unit_key(spelling)
            if not key:
                continue
            if table.get(key, canonical) != canonical:
                raise ValueError(f"units.tsv: {spelling!r} maps to {table[key]} and {canonical}")
            table[key] = canonical
    return table


@cache
def canonical_units() -> frozenset[str]:
    """Every canonical unit spelling (the first column of ``units.tsv``)."""
    return frozenset(_unit_table().values())


def canonical_unit(text: str) -> str | None:
    """The canonical spelling of a unit, or None when ``text`` is not a known dose unit.

    >>> canonical_unit("Milligrams"), canonical_unit("µg"), canonical_unit("mg / m²")
    ('mg', 'mcg', 'mg/m2')
    >>> canonical_unit("kg") is None  # a body weight, not a dose unit
    True
    """
    return _unit_table().get(_unit_key(text))


@cache
def unit_pattern() -> str:
    """Regex source (no groups) matching any spelling of any unit, longest first.

    Callers compile it with ``re.IGNORECASE`` and map the matched text back through
    :func:`canonical_unit`.
    """
    spellings = [s for c, v in read_tsv("units.tsv") for s in (c, *v.split("|"))]
    return phrase_alternation(spellings, edge_before=False)

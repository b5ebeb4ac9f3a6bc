"""Doses per day from frequency phrases: "TID", "twice daily", "every 8 hours", "weekly".

The fixed phrases and their doses per day live in ``pipeline/data/frequencies.tsv``. Three
open-ended families cannot be listed, so they are read here in code:

* a count per period: "3 times a day", "2x daily", "four times weekly", "2 doses per day";
* an interval: "every 6 hours", "every 3 days", "q4h", "q4-6h", "8-hourly";
* divided doses: "in 3 divided doses", "divided into 2 doses".

Where a phrase gives a range ("every 4 to 6 hours", "2-3 times a day"), the first number
is read: the shortest interval or the smallest count, as written first by the author.

A text can hold several phrases; the first one (leftmost, and of those the longest) wins,
so "three times a day" is read whole rather than as its tail "a day".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from pipeline.normalize.units import phrase_alternation, read_tsv

__all__ = ["FrequencyMatch", "find_frequencies", "is_as_needed", "parse_frequency"]

# Index + 1 is the value: "one" -> 1 ... "twelve" -> 12.
_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip
_COUNT_WORDS = ("once", "twice", "thrice")
_AS_NEEDED = (
    "as needed", "as-needed", "as required", "when needed", "if needed", "when required",
    "if required", "prn", "p.r.n.", "p.r.n", "on demand", "when necessary", "if necessary",
)  # fmt: skip

_PERIOD_DAYS = {
    "minute": 1 / 1440, "min": 1 / 1440,
    "hour": 1 / 24, "hr": 1 / 24, "h": 1 / 24,
    "day": 1.0, "daily": 1.0, "d": 1.0,
    "week": 7.0, "weekly": 7.0, "wk": 7.0,
    "month": 30.0, "monthly": 30.0,
}  # fmt: skip

_NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|" + "|".join(_NUMBER_WORDS) + r")"
_UPPER = r"(?:\s*(?:-|–|—|to|or)\s*" + _NUMBER + r")?"
_START = r"(?<![\w.,/])"
_COUNT_WORD = "|".join(_COUNT_WORDS)

_COUNT_RE = re.compile(
    _START
    + rf"(?:(?P<count>{_NUMBER}){_UPPER}\s*(?:times?|x|×|doses?)|(?P<word>{_COUNT_WORD}))"
    + r"\s*(?:a|per|each|every|/|in\s+a)?\s*"
    + r"(?P<period>day|daily|d|week|weekly|wk|month|monthly)(?!\w)",
    re.IGNORECASE,
)
_EVERY_RE = re.compile(
    rf"(?<!\w)every\s+(?P<count>{_NUMBER}){_UPPER}\s*"
    + r"(?P<period>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|months?)(?!\w)",
    re.IGNORECASE,
)
_Q_HOURS_RE = re.compile(
    r"(?<!\w)q\s*(?P<count>[0-9]+(?:\.[0-9]+)?)(?:\s*-\s*[0-9]+)?\s*(?:h|hr|hrs|hours?)(?!\w)"
    + rf"|{_START}(?P<count2>{_NUMBER})[\s-]*hourly(?!\w)",
    re.IGNORECASE,
)
_DIVIDED_RE = re.compile(
    rf"(?<!\w)(?:in|into)\s+(?P<count>{_NUMBER}){_UPPER}\s+(?:equally\s+)?divided\s+doses(?!\w)"
    + rf"|(?<!\w)divided\s+into\s+(?P<count2>{_NUMBER}){_UPPER}\s+(?:equal\s+)?doses(?!\w)",
    re.IGNORECASE,
)
# A phrase right after "for" is a duration ("for a day"), not a frequency.
_FOR_BEFORE = re.compile(r"(?<!\w)for\s*$", re.IGNORECASE)
_AS_NEEDED_RE = re.compile(phrase_alternation(_AS_NEEDED), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FrequencyMatch:
    """One frequency phrase found in a text: doses per day and where it was read."""

    per_day: float
    start: int
    end: int
    text: str


def _phrase_key(text: str) -> str:
    return " ".join(text.replace("-", " ").split()).casefold()


@cache
def _phrase_table() -> dict[str, float]:
    table: dict[str, float] = {}
    for patterns, per_day in read_tsv("frequencies.tsv"):
        value = float(Fraction(per_day))
        for phrase in patterns.split("|"):
            table[_phrase_key(phrase)] = value
    return table


@cache
def _phrase_re() -> re.Pattern[str]:
    return re.compile(
        phrase_alternation(p for ps, _ in read_tsv("frequencies.tsv") for p in ps.split("|")),
        re.IGNORECASE,
    )


def _number(text: str) -> float:
    word = text.casefold()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS.index(word) + 1)
    if word in _COUNT_WORDS:
        return float(_COUNT_WORDS.index(word) + 1)
    return float(word)


def _period_days(text: str) -> float:
    word = text.casefold()
    return _PERIOD_DAYS.get(word, _PERIOD_DAYS.get(word.rstrip("s"), 0.0))


def _count_per_day(match: re.Match[str]) -> float | None:
    days = _period_days(match["period"])
    return _number(match["count"] or match["word"]) / days if days else None


def _every_per_day(match: re.Match[str]) -> float | None:
    interval = _number(match["count"]) * _period_days(match["period"])
    return 1 / interval if interval else None


def _hours_per_day(match: re.Match[str]) -> float | None:
    hours = _number(match["count"] or match["count2"])
    return 24 / hours if hours else None


def _divided_per_day(match: re.Match[str]) -> float | None:
    return _number(match["count"] or match["count2"])


_GENERIC: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float | None]], ...] = (
    (_COUNT_RE, _count_per_day),
    (_EVERY_RE, _every_per_day),
    (_Q_HOURS_RE, _hours_per_day),
    (_DIVIDED_RE, _divided_per_day),
)


def find_frequencies(text: str, start: int = 0, end: int | None = None) -> list[FrequencyMatch]:
    """Every frequency phrase in ``text[start:end]``, left to right, none overlapping.

    Where two readings overlap, the one starting first wins, and of two starting at the
    same place the longer one ("three times a day" beats "a day" and "three times").

    >>> [(m.text, m.per_day) for m in find_frequencies("5 mg TID, then 10 mg q12h")]
    [('TID', 3.0), ('q12h', 2.0)]
    """
    end = len(text) if end is None else end
    candidates: list[FrequencyMatch] = []
    table = _phrase_table()
    for match in _phrase_re().finditer(text, start, end):
        per_day = table.get(_phrase_key(match.group()))
        if per_day is not None:
            candidates.append(FrequencyMatch(per_day, match.start(), match.end(), match.group()))
    for pattern, reader in _GENERIC:
        for match in pattern.finditer(text, start, end):
            value = reader(match)
            if value is not None and value > 0:
                candidates.append(FrequencyMatch(value, match.start(), match.end(), match.group()))
    candidates.sort(key=lambda m: (m.start, -m.end))
    found: list[FrequencyMatch] = []
    covered = 0
    for candidate in candidates:
        if candidate.start < covered:
            continue
        if _FOR_BEFORE.search(text, max(0, candidate.start - 12), candidate.start):
            continue
        found.append(candidate)
        covered = candidate.end
    return found


def parse_frequency(text: str) -> float | None:
    """Doses per day of the first frequency phrase in ``text``; None when there is none.

    "as needed" alone says when, not how often, so it gives None.

    >>> parse_frequency("5 mg three times a day"), parse_frequency("every 8 hours")
    (3.0, 3.0)
    >>> parse_frequency("1 tablet twice daily"), parse_frequency("as needed") is None
    (2.0, True)
    """
    found = find_frequencies(text)
    return found[0].per_day if found else None


def is_as_needed(text: str) -> bool:
    """Whether ``text`` says the dose is taken only when needed ("as needed", "PRN").

    >>> is_as_needed("2-5 mg IV every 4 hours as needed"), is_as_needed("5 mg daily")
    (True, False)
    """
    return _AS_NEEDED_RE.search(text) is not None

"""Doses per day from frequency phrases: "TID", "twice daily", "every 8 hours", "weekly".

The fixed phrases and their doses per day live in ``pipeline/data/frequencies.tsv``. Three
open-ended families cannot be listed, so they are read here in code:

* a count per period: "3 times a day", "2x daily", "four times weekly", "2 doses per day";
* an interval: "every 6 hours", "every 3 days", "q4h", "q4-6h", "8-hourly" (and the Thai
  "ทุก 4 ชม.");
* a split of a daily total: "in 3 divided doses", "split into two doses", "in divided doses".

Two kinds of phrase answer different questions, and a match says which (``total``):

* a **count** ("three times a day", "daily", "every 8 hours") says how many administrations
  a day there are; the amount before it is one administration;
* a **total** ("a day", "per day", "/day", "in 24 hours", "daily dose", "split into three
  doses") says the amount before it is what is taken over a whole day. A split also counts
  the administrations ("split into three doses" is 3); a bare total does not ("900 mg a day"
  may be taken in one, two or three goes), so its ``per_day`` is None.

"daily" after an amount is a count ("1,800 mg daily" is read as once a day); "a day" and
"per day" are totals. Where a count phrase gives a range ("every 4 to 6 hours", "2-3 times a
day"), the first number is read: the shortest interval or the smallest count, as written
first by the author. A split with alternatives ("in two or three divided doses") counts
nothing: the total is what the author fixed.

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

__all__ = [
    "FrequencyMatch",
    "as_needed_spans",
    "find_frequencies",
    "is_as_needed",
    "parse_frequency",
]

# Index + 1 is the value: "one" -> 1 ... "twelve" -> 12.
_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip
_COUNT_WORDS = ("once", "twice", "thrice")
_AS_NEEDED = (
    "as needed", "as-needed", "as required", "when needed", "if needed", "when required",
    "if required", "prn", "p.r.n.", "p.r.n", "on demand", "when necessary", "if necessary",
    "ตามความจำเป็น",  # Thai: as needed
)  # fmt: skip

_PERIOD_DAYS = {
    "minute": 1 / 1440, "min": 1 / 1440,
    "hour": 1 / 24, "hr": 1 / 24, "h": 1 / 24,
    "day": 1.0, "daily": 1.0, "d": 1.0,
    "week": 7.0, "weekly": 7.0, "wk": 7.0,
    "month": 30.0, "monthly": 30.0,
    "ชม": 1 / 24, "ชม.": 1 / 24, "ชั่วโมง": 1 / 24,  # Thai: hours
}  # fmt: skip

_NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|" + "|".join(_NUMBER_WORDS) + r")"
_UPPER = r"(?:\s*(?:-|–|—|to|or)\s*" + _NUMBER + r")?"
_START = r"(?<![\w.,/])"
_COUNT_WORD = "|".join(_COUNT_WORDS)

_COUNT_RE = re.compile(
    _START
    + rf"(?:(?P<count>{_NUMBER}){_UPPER}\s*(?:times?|x|×|doses?)|(?P<word>{_COUNT_WORD}))"
    + r"\s*(?:a|per|each|every|/|in\s+a|in\s+any|in(?!\s+a\b))?\s*"
    # "4 times in 24 hours" counts a day
    + r"(?P<period>day|daily|d|24[\s-]*(?:hours?|hrs?|h)|week|weekly|wk|month|monthly)(?!\w)",
    re.IGNORECASE,
)
_EVERY_RE = re.compile(
    rf"(?<!\w)(?:every|ทุก)\s*(?P<count>{_NUMBER}){_UPPER}\s*"
    + r"(?P<period>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|months?|ชั่วโมง|ชม\.?)"
    + r"(?!\w)",
    re.IGNORECASE,
)
_Q_HOURS_RE = re.compile(
    r"(?<!\w)q\s*(?P<count>[0-9]+(?:\.[0-9]+)?)(?:\s*-\s*[0-9]+)?\s*(?:h|hr|hrs|hours?)(?!\w)"
    + rf"|{_START}(?P<count2>{_NUMBER})[\s-]*hourly(?!\w)",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(
    # "in 3 divided doses", "in two or three divided doses", "in divided doses", "in 2 doses"
    rf"(?<!\w)(?:in|into|as)\s+(?:(?P<count>{_NUMBER})(?P<upper>{_UPPER})\s+)?"
    + r"(?:equal(?:ly)?\s+|separate\s+)?(?:(?P<divided>divided|split)\s+)?doses(?!\w)"
    # "divided into 2 doses", "split into two or three doses"
    + rf"|(?<!\w)(?:divided|split)\s+(?:up\s+)?into\s+(?P<count2>{_NUMBER})(?P<upper2>{_UPPER})\s+"
    + r"(?:equal\s+|separate\s+|smaller\s+)?doses(?!\w)",
    re.IGNORECASE,
)
# "30 minutes before your usual sleep time": once a day, at night.
_BEDTIME_RE = re.compile(
    r"(?<!\w)before\s+(?:your\s+|the\s+)?(?:\w+\s+)?(?:bed|sleep)(?:\s*time)?(?!\w)",
    re.IGNORECASE,
)
# A total right after "for" is a duration ("for a day"), not a frequency.
_FOR_BEFORE = re.compile(r"(?<!\w)for\s*$", re.IGNORECASE)
_AS_NEEDED_RE = re.compile(phrase_alternation(_AS_NEEDED), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FrequencyMatch:
    """One frequency phrase found in a text: administrations per day and where it was read.

    ``total``: the phrase makes the amount before it a daily total ("a day", "in divided
    doses"); ``per_day`` is then the number of administrations it is split into, or None.
    ``split``: the phrase divides a total ("split into three doses"), so it may follow a
    count or a total ("2 g daily in divided doses") and still make the amount a total.
    """

    per_day: float | None
    start: int
    end: int
    text: str
    total: bool = False
    split: bool = False


def _phrase_key(text: str) -> str:
    return " ".join(text.replace("-", " ").split()).casefold()


_TOTAL = "total"
"""The per_day cell of the rows of ``frequencies.tsv`` whose phrases make a daily total."""


@cache
def _phrase_table() -> dict[str, float | None]:
    """Phrase -> administrations per day; None for a daily-total phrase ("per day")."""
    table: dict[str, float | None] = {}
    for patterns, per_day in read_tsv("frequencies.tsv"):
        value = None if per_day == _TOTAL else float(Fraction(per_day))
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
    if word.startswith("24"):
        return 1.0  # "24 hours"
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


def _bedtime_per_day(_match: re.Match[str]) -> float | None:
    return 1.0


_GENERIC: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float | None]], ...] = (
    (_COUNT_RE, _count_per_day),
    (_EVERY_RE, _every_per_day),
    (_Q_HOURS_RE, _hours_per_day),
    (_BEDTIME_RE, _bedtime_per_day),
)


def _split(match: re.Match[str]) -> FrequencyMatch | None:
    """A split of a daily total: its count of administrations, None when it gives none or
    alternatives ("in two or three divided doses")."""
    count = match["count"] or match["count2"]
    if not (count or match["divided"]):
        return None  # "in doses of 5 mg"
    if match["count"] and not match["divided"] and match.group().lower().startswith("as"):
        return None  # "as 2 doses of 5 mg": two administrations, not a split of a total
    per_day = None
    if count and not (match["upper"] or match["upper2"]):
        per_day = _number(count)
        if per_day <= 0:
            return None
    return FrequencyMatch(per_day, match.start(), match.end(), match.group(), total=True,
                          split=True)


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
        key = _phrase_key(match.group())
        if key in table:
            per_day = table[key]
            candidates.append(FrequencyMatch(per_day, match.start(), match.end(), match.group(),
                                             total=per_day is None))
    for match in _SPLIT_RE.finditer(text, start, end):
        if split := _split(match):
            candidates.append(split)
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
        if candidate.total and _FOR_BEFORE.search(text, max(0, candidate.start - 12),
                                                  candidate.start):
            continue  # "for a day": a duration; "for daily use" is still a frequency
        found.append(candidate)
        covered = candidate.end
    return found


def parse_frequency(text: str) -> float | None:
    """Administrations per day of the first frequency phrase in ``text``; None when there is
    none, or when it makes a daily total without counting ("per day").

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


def as_needed_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Where ``text[start:end]`` says "as needed" (or "PRN", ...), left to right.

    >>> as_needed_spans("daily 5 mg or as-needed 20 mg")
    [(14, 23)]
    """
    end = len(text) if end is None else end
    return [m.span() for m in _AS_NEEDED_RE.finditer(text, start, end)]

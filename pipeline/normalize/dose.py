"""Dose mentions in one plain-text sentence, list item or table cell.

``parse_doses("Start with 10–20 mg once daily")`` gives one :class:`DoseMention` with
amount 10, amount_max 20, unit "mg", kind "starting_dose" and one dose per day. The input
sentence is kept on every mention (``text``), with the span the amount was read from, so
a record can always be traced back to its evidence.

How a sentence is read, in three passes over small pure helpers:

1. **Quantities.** A number (or a range "10-20", "10 to 20", "between 10 and 20", or a
   list "25, 50 or 100") directly followed by a unit from ``data/units.tsv``. A number
   without a known unit is never a dose, which is what drops durations ("for 3 days"),
   ages ("12 years"), body weights ("70 kg"), prices, years, pack sizes ("30 tablets")
   and counts ("1,000 cells/mm3"). A unit followed by "/" and a word other than a
   frequency ("mL/min", "mg/dL", "mmol/L") is a lab value and dropped too.
2. **Groups.** Quantities separated only by commas, "and", "or" or "/" form one group
   ("10 mg, 20 mg and 40 mg") and share their context: a cue before the first member or
   a form word after the last one applies to all of them.
3. **Context.** The cue words of ``data/dose_cues.json`` (routes, forms, food,
   populations, kinds) and the frequency phrases of ``data/frequencies.tsv`` are found
   once, only near the groups (150 characters either side), so a long text costs little
   more than its dose mentions; each group takes the nearest ones, looking first between
   it and its neighbouring groups, then further out within that reach.

Choices a caller should know:

* **Concentrations per volume** ("250 mg/5 mL", "10 mg / 1 mL") are reduced to one mL:
  amount 50, unit "mg/mL" (grams become mg/mL too). "mg/mL" written directly is already
  a unit and kept as is.
* **"%"** is a dose unit only when a form word follows within three words ("1% cream",
  "0.05% solution"); otherwise it is a share of patients or a change ("reduce by 25%").
* **Kind.** A dose-noun before the amount wins ("starting dose", "maintenance dose",
  "maximum dose"); otherwise the nearest cue word before it ("up to", "max" → max_dose;
  "start with", "initially" → starting_dose; "increase", "titrate", "adjustment to" →
  titration; "available in", "strength", "contains" → strength); otherwise a few cue words
  after it ("80 mg maximum"). Without any cue, a mention with dosing context (a
  frequency, a route, a population, "take", "dose", ...), a range or a per-weight,
  per-area or per-time unit is a ``dose``; a bare amount ("Cialis 20mg", "Baclofen 20 mg
  is ...", "the 5 mg tablet") is a ``strength``. "Can be increased to 80 mg" is read as
  titration: the sentence names a step, not a ceiling.
* **Frequency** is read after the group (up to the next group, at most 60 characters),
  or, for the first group only, just before it ("Once daily: 10 mg"). A trailing "/day",
  "/d", "per day", "a day" is a frequency of 1. For a titration, a spacing of days or weeks
  ("titrate by 5 mg every 3 days", "at weekly intervals") is how often the dose changes,
  not how often it is taken, so it is dropped ("once weekly" is kept).
* **Route** joins alternatives ("IM or SC" → "intramuscular or subcutaneous"); when no
  route is named, it is inferred from a form that has only one ("tablet" → oral,
  "patch" → transdermal).
* **Numbers.** "1,000" is one thousand (a comma before exactly three digits); "0,5" is a
  decimal comma; "1.000" is read as 1.0; "½" and "1½" are understood; "1/2" is not.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Generic, Literal, NamedTuple, Protocol, TypeVar

from pipeline.normalize.frequency import FrequencyMatch, find_frequencies, is_as_needed
from pipeline.normalize.units import canonical_unit, phrase_alternation, unit_pattern

__all__ = ["DoseKind", "DoseMention", "parse_doses", "parse_number"]

DoseKind = Literal["strength", "dose", "starting_dose", "maintenance_dose", "max_dose", "titration"]
_KINDS: dict[str, DoseKind] = {
    "strength": "strength",
    "dose": "dose",
    "starting_dose": "starting_dose",
    "maintenance_dose": "maintenance_dose",
    "max_dose": "max_dose",
    "titration": "titration",
}


@dataclass(frozen=True, slots=True)
class DoseMention:
    """One amount of a drug read from ``text``, with what the sentence says around it.

    ``amount_max`` is set only for a range and is then greater than ``amount``.
    ``start``/``end`` locate the amount and its unit in ``text`` (for a member of a list
    sharing one unit, "25, 50 or 100 mg", only the member's number).
    """

    amount: float
    amount_max: float | None
    unit: str
    kind: DoseKind
    frequency_per_day: float | None
    route: str | None
    form: str | None
    food: str | None
    population: str | None
    as_needed: bool
    start: int
    end: int
    text: str


# --- numbers -------------------------------------------------------------------------

_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}
_FRACTION_CLASS = "[" + "".join(_FRACTIONS) + "]"
# Thousands groups first (a comma before exactly three digits, not starting with 0), then
# a plain or decimal number ("0.5" or the European "0,5"), then bare fractions.
_NUMBER = (
    r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+(?![0-9]|,[0-9])(?:\.[0-9]+)?"
    rf"|[0-9]+(?:[.,][0-9]+)?{_FRACTION_CLASS}?"
    rf"|{_FRACTION_CLASS}"
    r"|\.[0-9]+)"
)
# A number must not continue a word, a price or another number ("x10", "$20", "1.5",
# "120/80"), nor start with a padding zero (the "000" of "1 000"); it may follow a unit
# and slash ("5 mg/10 mg").
_START = r"(?<![\w$€£¥^])(?<![0-9][.,/])(?!0[0-9])"
_THOUSANDS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_NUMBER_RE = re.compile(_START + _NUMBER)


def parse_number(raw: str) -> float | None:
    """The value of a number as pages write it; None if it is not a finite number.

    >>> parse_number("1,000"), parse_number("0,5"), parse_number("1½"), parse_number(".5")
    (1000.0, 0.5, 1.5, 0.5)
    """
    raw = raw.strip()
    fraction = 0.0
    if raw and raw[-1] in _FRACTIONS:
        fraction = _FRACTIONS[raw[-1]]
        raw = raw[:-1]
    if not raw:
        return fraction
    # "1,000" groups thousands; any other comma is a decimal comma ("0,5").
    raw = raw.replace(",", "" if _THOUSANDS_RE.fullmatch(raw) else ".")
    try:
        value = float(raw) + fraction
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- quantities ----------------------------------------------------------------------

_UNIT = unit_pattern()
_RANGE_SEP = r"\s*(?:[-–—−]|(?<!\w)(?:to|through|thru)(?!\w))\s*"
_QUANTITY_RE = re.compile(
    # The leading look-ahead lets the regex engine skip, with one character test, every
    # position that cannot start a quantity: most of any text.
    rf"(?=[0-9.{_FRACTION_CLASS[1:-1]}bB])"
    r"(?P<between>(?<!\w)between\s+)?"
    rf"{_START}(?P<n1>{_NUMBER})"
    rf"(?:(?:-|\s*)(?P<u1>{_UNIT})?"
    rf"(?:{_RANGE_SEP}|(?(between)\s+and\s+|(?!)))"
    rf"(?P<n2>{_NUMBER}))?"
    rf"(?:-|\s*)(?P<unit>{_UNIT})",
    re.IGNORECASE,
)
# "25, 50, or" before "100 mg": bare numbers sharing the unit that follows them.
_LIST_BEFORE_RE = re.compile(
    rf"(?:{_START}{_NUMBER}\s*,\s*){{0,8}}{_START}{_NUMBER}\s*,?\s*(?:or|and)\s+$",
    re.IGNORECASE,
)
_LIST_REACH = 120
# "250 mg/5 mL", "10 mg / 1 mL", "125 mg per 5 ml": an amount per volume.
_PER_VOLUME_RE = re.compile(
    rf"\s*(?:/|per)\s*(?P<volume>{_NUMBER})\s*"
    r"(?:ml|cc|millilitres?|milliliters?)(?!\w)",
    re.IGNORECASE,
)
# Amount unit -> (unit per mL, factor): "1 g/10 mL" is 100 mg/mL.
_PER_VOLUME_UNITS = {
    "mg": ("mg/mL", 1.0),
    "g": ("mg/mL", 1000.0),
    "mcg": ("mcg/mL", 1.0),
    "units": ("units/mL", 1.0),
}
_SLASH_WORD_RE = re.compile(r"\s*/\s*[^\W\d_]")
# After a unit, these slash words are a frequency or "per dose", not a lab denominator.
_SLASH_RATE_RE = re.compile(
    r"\s*/\s*(?:d|day|24\s*h(?:ours?|rs?)?|dose|wk|week|month)(?!\w)", re.IGNORECASE
)
_WORDS_AHEAD = re.compile(r"(?:[\W_]*[^\W_]+){1,3}")
_PHYSICAL_RE = re.compile(r"\s*(?:[.·⋅]\s*mol|(?:/[\w]+)?\s*\(\s*-?\d+(?:[.,]\d+)?\s*(?:℃|°\s*[CF]))",
                          re.IGNORECASE)


class _Quantity(NamedTuple):
    amount: float
    amount_max: float | None
    unit: str
    start: int
    end: int


def _quantities(text: str) -> list[_Quantity]:
    """Every amount-with-unit in ``text``, left to right, after dropping non-doses."""
    found: list[_Quantity] = []
    pos = 0
    while match := _QUANTITY_RE.search(text, pos):
        pos = match.end()
        unit = canonical_unit(match["unit"])
        if unit is None:
            continue
        first_unit = canonical_unit(match["u1"]) if match["u1"] else unit
        if first_unit != unit:
            # "5 mg to 20 mL" is two quantities, not a range: keep the first, rescan.
            if first_unit is not None and first_unit != "%":
                found.extend(
                    _single(match["n1"], first_unit, 1.0, match.start("n1"), match.end("u1"))
                )
            pos = match.start("n2")
            continue
        end, scale = match.end(), 1.0
        if per_volume := _PER_VOLUME_RE.match(text, end):
            pos = per_volume.end()
            volume = parse_number(per_volume["volume"])
            if unit not in _PER_VOLUME_UNITS or not volume:
                continue
            unit, factor = _PER_VOLUME_UNITS[unit]
            scale, end = factor / volume, per_volume.end()
        elif _SLASH_WORD_RE.match(text, end) and not _SLASH_RATE_RE.match(text, end):
            continue
        elif _PHYSICAL_RE.match(text, end):
            continue  # "151.2 g·mol-1", "7.2 g/kg (20 °C)": chemistry, not a dose
        if unit == "%" and not _form_follows(text, end):
            continue
        if not (match["between"] or match["n2"]):
            found.extend(_listed_before(text, match.start(), unit, scale, found))
        found.extend(_range_or_singles(match, unit, scale, end))
    return found


def _listed_before(
    text: str, start: int, unit: str, scale: float, found: list[_Quantity]
) -> list[_Quantity]:
    """The bare numbers of "25, 50, or 100 mg" that share the unit of the last one."""
    lo = max(found[-1].end if found else 0, start - _LIST_REACH)
    listed = _LIST_BEFORE_RE.search(text, lo, start)
    if listed is None:
        return []
    numbers = _NUMBER_RE.finditer(text, listed.start(), listed.end())
    return [q for n in numbers for q in _single(n.group(), unit, scale, n.start(), n.end())]


def _form_follows(text: str, pos: int) -> bool:
    """Whether a form word ("cream", "gel", "solution") is among the next three words."""
    words = _WORDS_AHEAD.match(text, pos)
    return bool(words and _lexicons().forms.pattern.search(text, pos, words.end()))


def _tidy(value: float) -> float:
    """A converted amount to six significant digits: "325 mg/10.15 mL" is 32.0197 mg/mL, not
    32.01970443349754 (amounts as written are kept exactly)."""
    return float(f"{value:.6g}")


def _single(raw: str, unit: str, scale: float, start: int, end: int) -> list[_Quantity]:
    value = parse_number(raw)
    if value is None or not math.isfinite(value * scale):
        return []
    amount = value if scale == 1.0 else _tidy(value * scale)
    return [_Quantity(amount, None, unit, start, end)]


def _range_or_singles(match: re.Match[str], unit: str, scale: float, end: int) -> list[_Quantity]:
    """A range when the second number is larger; otherwise each number on its own."""
    if not match["n2"]:
        return _single(match["n1"], unit, scale, match.start("n1"), end)
    low, high = parse_number(match["n1"]), parse_number(match["n2"])
    if low is None or high is None:
        return []
    low, high = low * scale, high * scale
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if scale != 1.0:
        low, high = _tidy(low), _tidy(high)
    if high > low:
        return [_Quantity(low, high, unit, match.start("n1"), end)]
    if high == low:
        return [_Quantity(low, None, unit, match.start("n1"), end)]
    first_end = match.end("u1") if match["u1"] else match.end("n1")
    return [
        _Quantity(low, None, unit, match.start("n1"), first_end),
        _Quantity(high, None, unit, match.start("n2"), end),
    ]


# --- cue lexicons --------------------------------------------------------------------


class _Cue(NamedTuple):
    start: int
    end: int
    value: str


class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_S = TypeVar("_S", bound=_Span)


class _SpanIndex(Generic[_S]):
    """Non-overlapping spans in text order, searchable by position."""

    def __init__(self, spans: list[_S]) -> None:
        self.spans = spans
        self._starts = [s.start for s in spans]
        self._ends = [s.end for s in spans]

    def last_in(self, lo: int, hi: int) -> int | None:
        """Index of the last span lying inside [lo, hi)."""
        i = bisect_right(self._ends, hi) - 1
        return i if i >= 0 and self._starts[i] >= lo else None

    def first_in(self, lo: int, hi: int) -> int | None:
        """Index of the first span starting inside [lo, hi)."""
        i = bisect_left(self._starts, lo)
        return i if i < len(self.spans) and self._starts[i] < hi else None


def _phrase_key(text: str) -> str:
    return " ".join(text.replace("-", " ").split()).casefold()


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Phrases mapped to canonical values, matched by one precompiled alternation."""

    pattern: re.Pattern[str]
    values: dict[str, str]

    @classmethod
    def build(cls, table: dict[str, list[str]], *, case_sensitive: bool = False) -> _Lexicon:
        values = {_phrase_key(p): value for value, phrases in table.items() for p in phrases}
        flags = 0 if case_sensitive else re.IGNORECASE
        phrases = [p for ps in table.values() for p in ps]
        pattern = phrase_alternation(phrases, ignore_case=not case_sensitive)
        return cls(re.compile(pattern, flags), values)

    def scan(self, text: str, start: int, end: int) -> list[_Cue]:
        cues = []
        for match in self.pattern.finditer(text, start, end):
            value = self.values.get(_phrase_key(match.group()))
            if value is not None:
                cues.append(_Cue(match.start(), match.end(), value))
        return cues


@dataclass(frozen=True, slots=True)
class _Lexicons:
    kind_nouns: _Lexicon
    kind_words: _Lexicon
    kind_after: _Lexicon
    dose_context: _Lexicon
    routes: _Lexicon
    route_abbreviations: _Lexicon
    forms: _Lexicon
    food: _Lexicon
    populations: _Lexicon
    form_routes: dict[str, str]


def _table(data: dict[str, object], name: str) -> dict[str, list[str]]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise ValueError(f"dose_cues.json: {name!r} must be an object")
    result: dict[str, list[str]] = {}
    for value, phrases in table.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"dose_cues.json: {name}.{value} must be a list of strings")
        result[str(value)] = [str(p) for p in phrases]
    return result


def _kind_table(data: dict[str, object], name: str) -> dict[str, list[str]]:
    table = _table(data, name)
    unknown = set(table) - set(_KINDS)
    if unknown:
        raise ValueError(f"dose_cues.json: {name} has unknown kinds {sorted(unknown)}")
    return table


@cache
def _lexicons() -> _Lexicons:
    raw = json.loads((files("pipeline") / "data" / "dose_cues.json").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("dose_cues.json must hold an object")
    data: dict[str, object] = raw
    form_routes = data.get("form_routes")
    if not isinstance(form_routes, dict):
        raise ValueError("dose_cues.json: 'form_routes' must be an object")
    return _Lexicons(
        kind_nouns=_Lexicon.build(_kind_table(data, "kind_nouns")),
        kind_words=_Lexicon.build(_kind_table(data, "kind_words")),
        kind_after=_Lexicon.build(_kind_table(data, "kind_after")),
        dose_context=_Lexicon.build(_table(data, "dose_context")),
        routes=_Lexicon.build(_table(data, "routes")),
        route_abbreviations=_Lexicon.build(
            _table(data, "route_abbreviations"), case_sensitive=True
        ),
        forms=_Lexicon.build(_table(data, "forms")),
        food=_Lexicon.build(_table(data, "food")),
        populations=_Lexicon.build(_table(data, "populations")),
        form_routes={str(k): str(v) for k, v in form_routes.items()},
    )


_CONTEXT_REACH = 150  # characters either side of a group searched for context cues
_KIND_REACH = 80  # characters before a group searched for kind cues
_FREQUENCY_REACH = 60  # characters after a group searched for its frequency
_AFTER_REACH = 30  # characters after a group searched for trailing kind cues
_NEXT_TWO_WORDS = re.compile(r"(?:[\W_]*[^\W_]+){1,2}")


class _Cues:
    """Where each lexicon's phrases occur near the dose groups of one text.

    Each lexicon is scanned once, lazily, and only inside ``windows``: a text of 100 KB
    with a handful of doses costs a handful of short scans, not a dozen full ones.
    """

    def __init__(self, text: str, windows: list[tuple[int, int]]) -> None:
        self.text = text
        self.windows = windows
        self.lexicons = _lexicons()

    def _scan(self, lexicon: _Lexicon) -> list[_Cue]:
        return [cue for lo, hi in self.windows for cue in lexicon.scan(self.text, lo, hi)]

    @cached_property
    def kind_nouns(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.kind_nouns))

    @cached_property
    def kind_words(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.kind_words))

    @cached_property
    def kind_after(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.kind_after))

    @cached_property
    def dose_context(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.dose_context))

    @cached_property
    def routes(self) -> _SpanIndex[_Cue]:
        words = self._scan(self.lexicons.routes)
        abbreviations = self._scan(self.lexicons.route_abbreviations)
        merged: list[_Cue] = []
        for cue in sorted(words + abbreviations):
            if not merged or cue.start >= merged[-1].end:
                merged.append(cue)
        return _SpanIndex(merged)

    @cached_property
    def forms(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.forms))

    @cached_property
    def food(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.food))

    @cached_property
    def populations(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.populations))

    @cached_property
    def frequencies(self) -> _SpanIndex[FrequencyMatch]:
        found = [f for lo, hi in self.windows for f in find_frequencies(self.text, lo, hi)]
        return _SpanIndex(found)


def _windows(text: str, groups: list[list[_Quantity]]) -> list[tuple[int, int]]:
    """The stretches of text within reach of some group, merged, widened to whole words."""
    windows: list[tuple[int, int]] = []
    for group in groups:
        lo = _word_start(text, max(0, group[0].start - _CONTEXT_REACH))
        hi = _word_end(text, min(len(text), group[-1].end + _CONTEXT_REACH))
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def _word_start(text: str, pos: int) -> int:
    limit = max(0, pos - 40)  # a "word" longer than that is not one a cue could be in
    while pos > limit and text[pos - 1].isalnum():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    limit = min(len(text), pos + 40)
    while pos < limit and text[pos].isalnum():
        pos += 1
    return pos


# --- context -------------------------------------------------------------------------

_LIST_GAP_RE = re.compile(r"(?:\s|,|/|&|(?<!\w)(?:and/or|and|or)(?!\w))*", re.IGNORECASE)
_ROUTE_GAP_RE = re.compile(r"\s*(?:,|/|(?<!\w)(?:and/or|and|or)(?!\w))?\s*", re.IGNORECASE)
# Between an after-cue and the next group: the cue then belongs to that group
# ("10 mg, maximum 20 mg"), not to this one.
_LEADS_INTO_RE = re.compile(r"[\s:=]*(?:(?:of|is|dose|daily dose)\s*)*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Zone:
    """A group's place in the sentence: its own span and the gaps to its neighbours."""

    start: int  # first member's start
    end: int  # last member's end
    before: int  # end of the previous group, or 0
    after: int  # start of the next group, or len(text)
    is_first: bool
    is_last: bool


def _groups(text: str, quantities: list[_Quantity]) -> list[list[_Quantity]]:
    groups: list[list[_Quantity]] = []
    for quantity in quantities:
        if groups and _LIST_GAP_RE.fullmatch(text, groups[-1][-1].end, quantity.start):
            groups[-1].append(quantity)
        else:
            groups.append([quantity])
    return groups


def _pick(index: _SpanIndex[_Cue], zone: _Zone) -> int | None:
    """The nearest cue: just before the group, just after it, then further out."""
    for found in (
        index.last_in(zone.before, zone.start),
        index.first_in(zone.end, zone.after),
        index.last_in(zone.start - _CONTEXT_REACH, zone.before),
        index.first_in(zone.after, zone.end + _CONTEXT_REACH),
    ):
        if found is not None:
            return found
    return None


def _picked_value(index: _SpanIndex[_Cue], zone: _Zone) -> str | None:
    found = _pick(index, zone)
    return None if found is None else index.spans[found].value


def _route(cues: _Cues, zone: _Zone, form: str | None) -> str | None:
    """The named route, alternatives joined ("IM or SC"); else the form's only route."""
    index = cues.routes
    found = _pick(index, zone)
    if found is None:
        return cues.lexicons.form_routes.get(form) if form else None
    first = last = found
    spans, text = index.spans, cues.text
    while first > 0 and _ROUTE_GAP_RE.fullmatch(text, spans[first - 1].end, spans[first].start):
        first -= 1
    while last + 1 < len(spans) and _ROUTE_GAP_RE.fullmatch(
        text, spans[last].end, spans[last + 1].start
    ):
        last += 1
    values = dict.fromkeys(spans[i].value for i in range(first, last + 1))
    return " or ".join(values)


def _kind_window_start(text: str, zone: _Zone) -> int:
    """Kind cues are read back to the previous group, 80 characters, or a ";"."""
    lo = max(zone.before, zone.start - _KIND_REACH)
    return max(lo, text.rfind(";", lo, zone.start) + 1)


def _kind(cues: _Cues, zone: _Zone, group: list[_Quantity], frequency: float | None) -> DoseKind:
    text = cues.text
    lo = _kind_window_start(text, zone)
    for index in (cues.kind_nouns, cues.kind_words):
        found = index.last_in(lo, zone.start)
        if found is not None:
            return _KINDS[index.spans[found].value]
    after = cues.kind_after.first_in(zone.end, min(zone.after, zone.end + _AFTER_REACH))
    if after is not None:
        cue = cues.kind_after.spans[after]
        if zone.is_last or not _LEADS_INTO_RE.fullmatch(text, cue.end, zone.after):
            return _KINDS[cue.value]
    if frequency is not None or _has_dosing_context(cues, zone, lo):
        return "dose"
    if any(q.amount_max is not None or _is_per_something(q.unit) for q in group):
        return "dose"
    return "strength"


def _has_dosing_context(cues: _Cues, zone: _Zone, lo: int) -> bool:
    """A dosing word, route or population right around the group ("Adults: 300 mg")."""
    next_words = _NEXT_TWO_WORDS.match(cues.text, zone.end)
    close_after = next_words.end() if next_words else zone.end
    for index in (cues.dose_context, cues.routes, cues.populations):
        if index.last_in(lo, zone.start) is not None:
            return True
        if index.first_in(zone.end, close_after) is not None:
            return True
    return False


def _is_per_something(unit: str) -> bool:
    """Per weight, area or time ("mg/kg", "mg/m2", "mg/h") is always a dose, never a strength;
    per volume ("mg/mL") is a concentration and may well be a strength."""
    return "/" in unit and not unit.endswith("/mL")


def _frequency(cues: _Cues, zone: _Zone) -> FrequencyMatch | None:
    index = cues.frequencies
    found = index.first_in(zone.end, min(zone.after, zone.end + _FREQUENCY_REACH))
    if found is None and zone.is_first:
        found = index.last_in(zone.start - _KIND_REACH, zone.start)
    return None if found is None else index.spans[found]


def _is_spacing(frequency: FrequencyMatch) -> bool:
    """An interval of a day or more ("every 3 days", "weekly"), unless it counts doses
    ("once weekly")."""
    return frequency.per_day < 1 and not frequency.text.lower().startswith(("once", "twice"))


def _as_needed(text: str, zone: _Zone) -> bool:
    before = text[max(zone.before, zone.start - _CONTEXT_REACH) : zone.start]
    after = text[zone.end : min(zone.after, zone.end + _CONTEXT_REACH)]
    return is_as_needed(before) or is_as_needed(after)


def _mentions(cues: _Cues, group: list[_Quantity], zone: _Zone) -> list[DoseMention]:
    frequency = _frequency(cues, zone)
    per_day = frequency.per_day if frequency else None
    kind = _kind(cues, zone, group, per_day)
    if kind == "titration" and frequency is not None and _is_spacing(frequency):
        per_day = None
    form = _picked_value(cues.forms, zone)
    route = _route(cues, zone, form)
    food = _picked_value(cues.food, zone)
    population = _picked_value(cues.populations, zone)
    as_needed = _as_needed(cues.text, zone)
    return [
        DoseMention(
            amount=q.amount,
            amount_max=q.amount_max,
            unit=q.unit,
            kind=kind,
            frequency_per_day=per_day,
            route=route,
            form=form,
            food=food,
            population=population,
            as_needed=as_needed,
            start=q.start,
            end=q.end,
            text=cues.text,
        )
        for q in group
    ]


_MAY_HOLD_NUMBER_RE = re.compile(rf"[0-9]|{_FRACTION_CLASS}")


def parse_doses(text: str) -> list[DoseMention]:
    """Every dose mention in one sentence, list item or table cell, left to right.

    >>> [(d.amount, d.amount_max, d.unit, d.kind) for d in parse_doses("Take 10-20 mg daily")]
    [(10.0, 20.0, 'mg', 'dose')]
    >>> parse_doses("1% of patients had nausea for 3 days")
    []
    """
    if not _MAY_HOLD_NUMBER_RE.search(text):
        return []
    groups = _groups(text, _quantities(text))
    cues = _Cues(text, _windows(text, groups))
    mentions: list[DoseMention] = []
    for i, group in enumerate(groups):
        zone = _Zone(
            start=group[0].start,
            end=group[-1].end,
            before=groups[i - 1][-1].end if i else 0,
            after=groups[i + 1][0].start if i + 1 < len(groups) else len(text),
            is_first=i == 0,
            is_last=i + 1 == len(groups),
        )
        mentions.extend(_mentions(cues, group, zone))
    return mentions


def administration(text: str) -> tuple[str | None, str | None]:
    """The route and the food instruction a sentence states even without an amount.

    "Normally it is taken orally, either with or without food" gives ("oral", "with or
    without food"): pages often say how a drug is taken once, apart from its strengths.
    """
    lex = _lexicons()
    routes = lex.routes.scan(text, 0, len(text))
    food = lex.food.scan(text, 0, len(text))
    return (routes[0].value if routes else None, food[0].value if food else None)

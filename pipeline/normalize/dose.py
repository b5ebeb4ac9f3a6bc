"""Dose mentions in one plain-text sentence, list item or table cell.

``parse_doses("Start with 10–20 mg once daily")`` gives one :class:`DoseMention` with
amount 10, amount_max 20, unit "mg", kind "starting_dose", amount_per "administration" and
one administration per day. The input sentence is kept on every mention (``text``), with
the span the amount was read from, so a record can always be traced back to its evidence.

How a sentence is read, in three passes over small pure helpers:

1. **Quantities.** A number (or a range "10-20", "10 to 20", "between 10 and 20", "range
   2.5 mg → 15 mg", or a list "25, 50 or 100") directly followed by a unit from
   ``data/units.tsv``. A number without a known unit is never a dose, which is what drops
   durations ("for 3 days"), ages ("12 years"), body weights ("70 kg"), prices, years, pack
   sizes ("30 tablets") and counts ("1,000 cells/mm3"). A unit followed by "/" and a word
   other than a frequency ("mL/min", "mg/dL", "mmol/L") is a lab value and dropped too, and
   so is an amount of food or drink ("protein (1.2 g/kg/day)", "5 g of fat", "1-2 units of
   alcohol": ``nutrients`` in ``data/dose_cues.json``) and a letter ("the 4 G's").
2. **Groups.** Quantities separated only by commas, "and", "or" or "/" form one group
   ("10 mg, 20 mg and 40 mg") and share their context: a cue before the first member or
   a form word after the last one applies to all of them.
3. **Context.** The cue words of ``data/dose_cues.json`` (routes, forms, food,
   populations, kinds, daily totals) and the frequency phrases of ``data/frequencies.tsv``
   are found once, only near the groups (150 characters either side), so a long text
   costs little more than its dose mentions; each group takes the nearest ones.

Choices a caller should know:

* **What an amount is measured over** (``amount_per``). "administration": one dose, taken
  ``frequency_per_day`` times a day. "day": a daily total, from "a day", "per day",
  "/day", "mg/kg/day" (read as unit mg/kg over a day), "in 24 hours", "daily dose", "in
  divided doses", "split into three doses", "(900 mg in total)", "a total of";
  ``frequency_per_day`` then counts the administrations the total is split into, or is
  None when the page does not say ("900 mg a day"; "split into two or three doses";
  "once a day, or in 2 divided doses"). "hour"/"minute": a rate ("mg/h", "mcg/kg/min").
  None for a strength, which is not an amount taken. "daily" after an amount is a count
  ("1,800 mg daily" is once a day), "a day" a total: either way the daily total is the
  same.
* **Concentrations per volume** ("250 mg/5 mL", "10 mg / 1 mL") are reduced to one mL:
  amount 50, unit "mg/mL" (grams become mg/mL too), and are strengths unless a cue says
  otherwise ("0.1–1 mg/mL for infusion" is a concentration, not an amount given).
* **"%"** is a dose unit only when a form word follows within three words ("1% cream",
  "0.05% solution"); otherwise it is a share of patients or a change ("reduce by 25%"). A
  percentage is a concentration too: "1% cream, apply twice a day" is a strength.
* **Kind**, strongest first: a dose noun before the amount ("starting dose", "maximum
  dose"); one naming it right after ("0.25 mg starting dose", "2 mg weekly (maximum
  dose)"); a kind word before it ("up to", "no more than" → max_dose; "start with" →
  starting_dose; "increase to", "rising to", "followed by", "in steps of no more than" →
  titration; "stay on" → maintenance_dose; "contain", "available in" → strength), unless
  that word qualifies another number ("duration up to 36 hours"); a kind word after it
  ("80 mg maximum"). Then what the phrase does not state: an amount coordinated with the
  one before ("500 mg twice daily or 850 mg once daily") or in parentheses after it
  ("(900 mg in total)", "(angina, 10 mg; arrhythmia, 5 mg)" after "halve the initial
  dose") shares its kind; a step of a schedule ("Day 2:", "Weeks 5–8", "5 mg after 24
  hours", "in the second month") is a titration; a concentration is a strength; a
  mention with dosing context (a frequency, a total, a route, a population, "as needed",
  "take", "dose", "puffs", ...), a range or a per-weight, per-area or per-time unit is a
  ``dose``; a bare amount ("Cialis 20mg", "the 5 mg tablet") is a ``strength``.
  ``kind_stated`` tells the caller whether the phrase's own words named the kind, so that
  a label or heading above it ("Start", "Maintenance") may name it instead.
  "Can be increased to 80 mg" is read as titration: the sentence names a step, not a
  ceiling.
* **Frequency** is read from a frequency used as an adjective right before the amount
  ("daily 5 mg"), else after the group (up to the next group, at most 60 characters), or,
  for the first group only, just before it ("Once daily: 10 mg"). For a titration, a
  spacing of days or weeks ("titrate by 5 mg every 3 days", "at weekly intervals") is how
  often the dose changes, not how often it is taken, so it is dropped ("once weekly" is
  kept). "as needed" right before the next group is that group's ("daily 5 mg or
  as-needed 20 mg").
* **Population** comes from the dose's own clause: the population named before it (back
  to a ";"), coordinated ones joined ("Adults and adolescents" → "adult or adolescent"),
  else one right after it up to the next group ("2.5 mg in older adults"), with a weight
  band when given ("Children weighing less than 40 kg" → "child <40 kg"). A population
  named after a later amount is not this one's ("250 mg capsules, and a liquid (125 mg/5
  mL) for children": only the liquid is for children).
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

from pipeline.memo import per_text
from pipeline.normalize.frequency import (
    FrequencyMatch,
    as_needed_spans,
    find_frequencies,
    is_as_needed,
)
from pipeline.normalize.units import canonical_unit, phrase_alternation, unit_pattern

__all__ = [
    "AmountPer",
    "DoseKind",
    "DoseMention",
    "label_kind",
    "label_population",
    "parse_doses",
    "parse_number",
    "states_dose",
    "weight_band",
]

DoseKind = Literal["strength", "dose", "starting_dose", "maintenance_dose", "max_dose", "titration"]
AmountPer = Literal["administration", "day", "hour", "minute"]
"""What ``amount`` is measured over: one administration, a whole day (a daily total), or an
hour or minute of a continuous rate ("mg/h"). A strength has none: it is not an amount taken."""
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
    ``amount_per`` says what the amount is measured over (:data:`AmountPer`) and
    ``frequency_per_day`` how many administrations a day there are, so the daily total is
    ``amount`` when ``amount_per`` is "day" and ``amount * frequency_per_day`` when it is
    "administration". ``kind_stated`` is False when no word of the dose's own phrase named
    its kind and it was inferred (a dosing context makes a "dose", none a "strength"): a
    heading or label above it may then say better.
    """

    amount: float
    amount_max: float | None
    unit: str
    kind: DoseKind
    kind_stated: bool
    frequency_per_day: float | None
    amount_per: AmountPer | None
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


_POSSESSIVE_RE = re.compile(r"['’]s(?!\w)")
# "Dose range 2.5 mg → 15 mg/week": an arrow joins the two ends of a range the text names as
# one; elsewhere it is a sequence of steps ("0.25 mg → 0.5 mg → 1 mg").
_ARROW_RE = re.compile(r"\s*(?:→|->|⟶|➔)\s*")
_RANGE_WORD_RE = re.compile(r"(?<!\w)(?:range|ranges|ranging|from)(?!\w)", re.IGNORECASE)
_ARROW_REACH = 40


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
        if unit is None or _POSSESSIVE_RE.match(text, match.end()):
            continue  # "the 4 G's": a letter with a possessive, not grams
        first_unit = canonical_unit(match["u1"]) if match["u1"] else unit
        if first_unit != unit and (mixed := _mixed_mass_range(match, first_unit, unit, text)):
            found.append(mixed)  # "500 mg to 1 g" is 500–1000 mg
            continue
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
    return _arrow_ranges(text, found)


def _arrow_ranges(text: str, found: list[_Quantity]) -> list[_Quantity]:
    """Two single amounts "a → b" of one unit after the word "range" are one range."""
    out: list[_Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (
            nxt is not None
            and q.amount_max is None and nxt.amount_max is None
            and q.unit == nxt.unit and nxt.amount > q.amount
            and _ARROW_RE.fullmatch(text, q.end, nxt.start)
            and not _ARROW_RE.match(text, nxt.end)
            and not (out and _ARROW_RE.fullmatch(text, out[-1].end, q.start))
            and _RANGE_WORD_RE.search(text, max(0, q.start - _ARROW_REACH), q.start)
        ):
            out.append(_Quantity(q.amount, nxt.amount, q.unit, q.start, nxt.end))
            i += 2
            continue
        out.append(q)
        i += 1
    return out


_MASS_MG = {"mcg": 0.001, "mg": 1.0, "g": 1000.0}


def _mixed_mass_range(
    match: re.Match[str], first_unit: str | None, unit: str, text: str
) -> _Quantity | None:
    """A range whose ends are written in two mass units ("500 mg to 1 g", "250 mcg–1 mg"),
    in the first end's unit; None when the units are not both masses or it does not rise."""
    if first_unit not in _MASS_MG or unit not in _MASS_MG or _SLASH_WORD_RE.match(text, match.end()):
        return None
    low, high = parse_number(match["n1"]), parse_number(match["n2"])
    if low is None or high is None:
        return None
    high = _tidy(high * _MASS_MG[unit] / _MASS_MG[first_unit])
    if not (math.isfinite(high) and high > low):
        return None
    return _Quantity(low, high, first_unit, match.start("n1"), match.end())


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
    label_kinds: _Lexicon
    daily_total: _Lexicon
    nutrients: _Lexicon
    currencies: _Lexicon
    endogenous: _Lexicon
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
        label_kinds=_Lexicon.build(_kind_table(data, "label_kinds")),
        daily_total=_Lexicon.build(_table(data, "daily_total")),
        nutrients=_Lexicon.build(_table(data, "nutrients")),
        currencies=_Lexicon.build(_table(data, "currencies")),
        endogenous=_Lexicon.build(_table(data, "endogenous")),
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
    def daily_total(self) -> _SpanIndex[_Cue]:
        return _SpanIndex(self._scan(self.lexicons.daily_total))

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
_ROUTE_GAP_RE = re.compile(r"\s*(?:,|/|(?<!\w)(?:and/or|and|or|หรือ)(?!\w))?\s*", re.IGNORECASE)
# Between an after-cue and the next group: the cue then belongs to that group
# ("10 mg, maximum 20 mg"), not to this one.
_LEADS_INTO_RE = re.compile(r"[\s:=]*(?:(?:of|is|dose|daily dose)\s*)*", re.IGNORECASE)
# Between a group and a kind noun that names it: "0.25 mg starting dose", "2 mg once weekly
# (maximum dose)". A noun after a full stop, a ";" or outside a parenthesis is another phrase.
_NOUN_AFTER_GAP_RE = re.compile(
    r"[\s\-–—]*(?:the\s+|a\s+|your\s+)?|[^.;()]*\(\s*(?:the\s+|a\s+|your\s+)?", re.IGNORECASE
)
# "8 puffs (800 µg)", "2 tablets (1000 mg)": the amount in parentheses restates the count
# before it, so a cue before the count ("no more than 8 puffs") is the amount's own.
_COUNT_BEFORE_PAREN_RE = re.compile(
    rf"{_START}{_NUMBER}\s*[^\W\d_]+(?:\s+[^\W\d_]+)?\s*\(\s*$", re.IGNORECASE
)
# A kind word directly before a number of hours, days, people or percent qualifies that
# number ("duration up to 36 hours"), not a dose further on.
_QUALIFIES_OTHER_RE = re.compile(
    rf"\s*(?:of\s+|a\s+|about\s+|approximately\s+|around\s+)?{_NUMBER}"
    r"(?:\s*(?:[-–]|to)\s*[0-9]+)?\s*(?:%|percent|per\s*cent|hours?|hrs?|h|minutes?|mins?|"
    r"seconds?|days?|weeks?|months?|years?|times|people|patients|kg|lbs?|pounds)(?!\w)",
    re.IGNORECASE,
)
# A step of a schedule: "Day 1:", "Weeks 5–8 —", "Week 17+", "in the second month".
_SCHEDULE_RE = re.compile(
    r"(?<!\w)(?:days?|weeks?|wks?|months?)\s*[0-9]+(?:\s*(?:[-–—]|to|and)\s*[0-9]+)?\+?(?!\w)"
    r"|(?<!\w)(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|1st|2nd|3rd|"
    r"[4-8]th)\s+(?:day|week|month)s?(?!\w)",
    re.IGNORECASE,
)
_ORDINAL_SCHEDULE_RE = re.compile(
    r"(?<!\w)(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|1st|2nd|3rd|"
    r"[4-8]th)\s+(?:day|week|month)s?(?!\w)",
    re.IGNORECASE,
)
# A step reached after a delay: "5 mg after 24 hours, 10 mg after 48 hours".
_STEP_AFTER_RE = re.compile(
    r"[\s,]*(?:after|at)\s+(?:[0-9]+|one|two|three|four|five|six|seven|eight)\s*"
    r"(?:hours?|hrs?|h|days?|weeks?|months?)(?!\w)",
    re.IGNORECASE,
)
# Frequency words right before an amount, used as an adjective: "daily 5 mg", "Once daily: 10 mg".
_ADJECTIVE_GAP_RE = re.compile(r"[\s:–—-]*")
# Between two frequency phrases, "or" makes them alternatives: "once a day, or in 2 divided doses".
_ALTERNATIVE_GAP_RE = re.compile(r"[\s,]*(?:or|and/or)\s+(?:taken\s+|given\s+)?", re.IGNORECASE)
# A weight band of a population: "weighing 40 kg or more", "under 40 kg", "≥ 50 kg".
_BAND_RE = re.compile(
    r"(?:(?P<weigh>weigh(?:ing|s)?|(?:body\s*)?weight(?:\s+of)?)\s*)?"
    r"(?P<cmp1>at\s+least|over|more\s+than|above|greater\s+than|heavier\s+than|under|"
    r"less\s+than|below|lighter\s+than|up\s+to|between|from|≥|>=|=>|>|≤|<=|=<|<)?\s*"
    r"(?P<n1>[0-9]+(?:\.[0-9]+)?)\s*(?:kg)?\s*(?:(?:[-–]|to|and)\s*(?P<n2>[0-9]+(?:\.[0-9]+)?)\s*)?"
    r"kg(?!\w)"
    r"(?:\s*(?P<cmp2>or\s+more|or\s+over|and\s+over|and\s+above|or\s+above|or\s+heavier|or\s+greater|"
    r"\+|or\s+less|or\s+under|and\s+under|and\s+below|or\s+lighter))?",
    re.IGNORECASE,
)
_BAND_SIGNS = {
    "at least": "≥", "≥": "≥", ">=": "≥", "=>": "≥", "or more": "≥", "or over": "≥",
    "and over": "≥", "and above": "≥", "or above": "≥", "or heavier": "≥", "or greater": "≥",
    "+": "≥", "over": ">", "more than": ">", "above": ">", "greater than": ">",
    "heavier than": ">", ">": ">", "under": "<", "less than": "<", "below": "<",
    "lighter than": "<", "<": "<", "up to": "≤", "≤": "≤", "<=": "≤", "=<": "≤",
    "or less": "≤", "or under": "≤", "and under": "≤", "and below": "≤", "or lighter": "≤",
}  # fmt: skip
# Coordinated populations: "Adults and adolescents", "children/adolescents"; "adults over 65"
# is one population (the nearer cue), not two.
_POPULATION_GAP_RE = re.compile(
    r"\s*(?:,|/|&|(?<!\w)(?:and/or|and|or)(?!\w))[\s,/]*", re.IGNORECASE
)
# Between two groups, a coordination that makes the second an alternative of the first.
_COORDINATED_RE = re.compile(
    r"[^;.:()]{0,60}?(?:,\s*|\s)(?:or|and)\s+(?:by\s+|to\s+|at\s+|with\s+)?", re.IGNORECASE
)
_POPULATION_AFTER = 60  # characters after a group searched for "... in older adults"
_HEAD_GAP = 40  # a parenthesis this close after a group restates that group
_TOTAL_AFTER = 20  # characters after a group searched for "in total"
_RATE_PER: dict[str, AmountPer] = {"h": "hour", "min": "minute"}


@dataclass(frozen=True, slots=True)
class _Zone:
    """A group's place in the sentence: its own span and the gaps to its neighbours."""

    start: int  # first member's start
    end: int  # last member's end
    before: int  # end of the previous group, or 0
    after: int  # start of the next group, or len(text)
    is_first: bool
    is_last: bool


@dataclass(frozen=True, slots=True)
class _Frequency:
    """What the frequency phrases around a group say: administrations per day, and whether
    the amount is a daily total; ``match`` is the phrase read, for the titration spacing."""

    per_day: float | None
    total: bool
    match: FrequencyMatch | None


@dataclass(frozen=True, slots=True)
class _Decided:
    """What was decided for the previous group, which a parenthesis after it restates."""

    end: int
    kind: DoseKind
    kind_stated: bool
    per_day: float | None


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


def _paren_open(text: str, zone: _Zone) -> int | None:
    """Where the parenthesis the group stands in opens, if it stands in one."""
    opened = text.rfind("(", max(0, zone.start - _CONTEXT_REACH), zone.start)
    if opened < 0 or ")" in text[opened : zone.start]:
        return None
    return opened


def _anchor(text: str, zone: _Zone) -> int:
    """Where the group's own phrase starts: at the count it restates ("8 puffs (800 µg)")."""
    restated = _COUNT_BEFORE_PAREN_RE.search(text, max(0, zone.start - 40), zone.start)
    return restated.start() if restated else zone.start


def _last_word_cue(cues: _Cues, lo: int, hi: int) -> _Cue | None:
    """The last kind word in [lo, hi) that is not about another number ("up to 36 hours")."""
    index, text = cues.kind_words, cues.text
    found = index.last_in(lo, hi)
    while found is not None:
        cue = index.spans[found]
        qualifies = _QUALIFIES_OTHER_RE.match(text, cue.end, hi)
        if cue.start < lo:
            return None
        if not qualifies:
            return cue
        found = found - 1 if found > 0 else None
    return None


def _noun_before(cues: _Cues, lo: int, hi: int) -> DoseKind | None:
    """A dose noun before the amount: "The starting dose is 10 mg"."""
    noun = cues.kind_nouns.last_in(lo, hi)
    return None if noun is None else _KINDS[cues.kind_nouns.spans[noun].value]


def _word_before(cues: _Cues, lo: int, hi: int) -> DoseKind | None:
    """A kind word before the amount: "up to", "increase to", "contains"."""
    word = _last_word_cue(cues, lo, hi)
    return None if word is None else _KINDS[word.value]


def _schedule_step(cues: _Cues, zone: _Zone, lo: int, hi: int) -> bool:
    """The dose is a step of a schedule: "Day 2: 300 mg", "Weeks 5–8 — 0.5 mg", "5 mg after
    24 hours", "0.5 mg in the second month"."""
    text = cues.text
    return bool(
        _SCHEDULE_RE.search(text, lo, hi)
        or _STEP_AFTER_RE.match(text, zone.end)
        or _ORDINAL_SCHEDULE_RE.search(text, zone.end, min(zone.after, zone.end + _FREQUENCY_REACH))
    )


def _noun_after(cues: _Cues, zone: _Zone) -> DoseKind | None:
    """A dose noun naming the amount right after it: "0.25 mg starting dose", "2 mg once
    weekly (maximum dose)"."""
    text = cues.text
    noun = cues.kind_nouns.first_in(zone.end, min(zone.after, zone.end + _AFTER_REACH))
    if noun is None:
        return None
    cue = cues.kind_nouns.spans[noun]
    if not _NOUN_AFTER_GAP_RE.fullmatch(text, zone.end, cue.start):
        return None
    if not zone.is_last and _LEADS_INTO_RE.fullmatch(text, cue.end, zone.after):
        return None  # "10 mg, maximum dose 20 mg": the noun is the next amount's
    return _KINDS[cue.value]


def _kind_after(cues: _Cues, zone: _Zone) -> DoseKind | None:
    """A kind word right after a dose: "80 mg maximum", "10 mg initially"."""
    text = cues.text
    after = cues.kind_after.first_in(zone.end, min(zone.after, zone.end + _AFTER_REACH))
    if after is not None:
        cue = cues.kind_after.spans[after]
        if _MAY_HOLD_NUMBER_RE.search(text, zone.end, cue.start):
            return None  # "120 mg every 4 to 6 hours, maximum 4 doses": another number's cue
        if zone.is_last or not _LEADS_INTO_RE.fullmatch(text, cue.end, zone.after):
            return _KINDS[cue.value]
    return None


def _stated_kind(cues: _Cues, zone: _Zone, lo: int, hi: int) -> DoseKind | None:
    """The kind the dose's own phrase states, strongest first: a dose noun before it, one
    right after it, a kind word before it, then one after it."""
    return (
        _noun_before(cues, lo, hi)
        or _noun_after(cues, zone)
        or _word_before(cues, lo, hi)
        or _kind_after(cues, zone)
    )


def _kind(
    cues: _Cues, zone: _Zone, group: list[_Quantity], frequency: _Frequency, as_needed: bool,
    previous: _Decided | None,
) -> tuple[DoseKind, bool]:
    """The dose's kind, and whether its own phrase states it (rather than it being inferred
    from a dosing context or its absence)."""
    text = cues.text
    lo = _kind_window_start(text, zone)
    anchor = max(lo, _anchor(text, zone))
    kind = _stated_kind(cues, zone, lo, anchor)
    if kind is not None:
        return kind, True
    # The kind a phrase states once is shared by the amounts that continue it: coordinated
    # ones ("500 mg twice daily or 850 mg once daily", "by 500 mg weekly, or by 850 mg") and
    # ones in a parenthesis after it ("(900 mg in total)", "(hypertension, 5 mg; heart
    # failure, 2.5 mg)"). A kind only inferred is not shared: each amount is read alone.
    shared = previous is not None and (previous.kind_stated
                                       or previous.kind not in ("strength", "dose"))
    if shared and previous is not None and (
        _COORDINATED_RE.fullmatch(text, previous.end, zone.start)
        or _restates(text, zone, previous)
    ):
        return previous.kind, previous.kind_stated
    opened = _paren_open(text, zone)
    if opened is not None:
        # "reduce the initial dose to half (hypertension, 5 mg)": the phrase before it
        head_lo = max(zone.before if zone.before < opened else 0, opened - _KIND_REACH,
                      text.rfind(";", 0, opened) + 1)
        kind = _noun_before(cues, head_lo, opened) or _word_before(cues, head_lo, opened)
        if kind is not None:
            return kind, True
    if _schedule_step(cues, zone, lo, anchor):
        # a step of a schedule is a titration unless a label above names the step
        # ("Start", "Maintenance"), so it does not count as stated
        return "titration", False
    if all(q.unit.endswith("/mL") or q.unit == "%" for q in group):
        return "strength", False  # a concentration ("0.1–1 mg/mL for infusion", "1% cream")
    if frequency.per_day is not None or frequency.total or as_needed:
        return "dose", False
    if _has_dosing_context(cues, zone, lo):
        return "dose", False
    if any(q.amount_max is not None or _is_per_something(q.unit) for q in group):
        return "dose", False
    return "strength", False


def _restates(text: str, zone: _Zone, previous: _Decided | None) -> bool:
    """Whether the group stands in a parenthesis that elaborates the group before it: in
    the same parenthesis, or one opened right after it ("300 mg three times a day (900 mg
    in total)")."""
    opened = _paren_open(text, zone)
    if opened is None or previous is None:
        return False
    return previous.end > opened or (
        opened - previous.end <= _HEAD_GAP and ";" not in text[previous.end : opened]
    )


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


def _frequency(cues: _Cues, zone: _Zone) -> _Frequency:
    """How often the group is taken, and whether it is a daily total.

    Read in this order: a frequency used as an adjective right before the amount ("daily
    5 mg"); the phrases after it, up to the next group ("a day, split into three doses");
    for the first group, a phrase before it ("Once daily: 10 mg", "Daily dose: 4 g").
    """
    index, text = cues.frequencies, cues.text
    spans = index.spans
    total_before = False
    before = index.last_in(zone.before, zone.start)
    if before is not None and _ADJECTIVE_GAP_RE.fullmatch(text, spans[before].end, zone.start):
        first = spans[before]
        if not first.total:
            return _Frequency(first.per_day, False, first)
        total_before = True  # "Daily dose: 900 mg in three divided doses"
    hi = min(zone.after, zone.end + _FREQUENCY_REACH)
    found = index.first_in(zone.end, hi)
    if found is None:
        if zone.is_first and not total_before:
            found = index.last_in(zone.start - _KIND_REACH, zone.start)
        if found is None:
            return _Frequency(None, total_before, None)
        first = spans[found]
        return _Frequency(first.per_day, first.total, first)
    first = spans[found]
    following = [spans[i] for i in range(found + 1, len(spans)) if spans[i].start < hi]
    if following and _ALTERNATIVE_GAP_RE.fullmatch(text, first.end, following[0].start):
        # "once per day, or in 2 divided doses": the author leaves the count open
        return _Frequency(None, total_before or first.total or following[0].total, first)
    split = next((f for f in following if f.split), None)
    if split is not None and not first.split:
        # "900 mg a day, split into three doses", "2 g daily in divided doses"
        return _Frequency(split.per_day, True, split)
    return _Frequency(first.per_day, total_before or first.total, first)


def _is_spacing(frequency: FrequencyMatch) -> bool:
    """An interval of a day or more ("every 3 days", "weekly"), unless it counts doses
    ("once weekly")."""
    return (
        frequency.per_day is not None
        and frequency.per_day < 1
        and not frequency.text.lower().startswith(("once", "twice"))
    )


def _as_needed(text: str, zone: _Zone) -> bool:
    """"as needed" around the group; one that stands right before the next group is that
    group's ("daily 5 mg or as-needed 20 mg")."""
    if is_as_needed(text[max(zone.before, zone.start - _CONTEXT_REACH) : zone.start]):
        return True
    hi = min(zone.after, zone.end + _CONTEXT_REACH)
    return any(
        zone.is_last or not _ADJECTIVE_GAP_RE.fullmatch(text, end, zone.after)
        for _, end in as_needed_spans(text, zone.end, hi)
    )


def _says_total(cues: _Cues, zone: _Zone) -> bool:
    """"(900 mg in total)", "for a total of 1,000 mg": the amount is what a day adds up to."""
    lo = _kind_window_start(cues.text, zone)
    index = cues.daily_total
    return (
        index.last_in(lo, zone.start) is not None
        or index.first_in(zone.end, min(zone.after, zone.end + _TOTAL_AFTER)) is not None
    )


def _run_value(index: _SpanIndex[_Cue], text: str, first: int) -> tuple[str, int, int]:
    """A population cue with the coordinated ones around it ("Adults and adolescents"):
    their values joined with "or", and the span they cover."""
    spans = index.spans
    lo = hi = first
    while lo > 0 and _POPULATION_GAP_RE.fullmatch(text, spans[lo - 1].end, spans[lo].start):
        lo -= 1
    while hi + 1 < len(spans) and _POPULATION_GAP_RE.fullmatch(
        text, spans[hi].end, spans[hi + 1].start
    ):
        hi += 1
    values = dict.fromkeys(spans[i].value for i in range(lo, hi + 1))
    return " or ".join(values), spans[lo].start, spans[hi].end


def weight_band(text: str, start: int = 0, end: int | None = None) -> str | None:
    """The first body-weight band in ``text[start:end]``: "≥40 kg", "<40 kg", "40–60 kg".

    A weight without a comparison ("a 70 kg adult") is no band.

    >>> weight_band("Children weighing less than 40 kg"), weight_band("for a 70 kg adult")
    ('<40 kg', None)
    """
    end = len(text) if end is None else end
    for match in _BAND_RE.finditer(text, start, end):
        n1, n2 = match["n1"], match["n2"]
        if n2:
            return f"{n1}–{n2} kg"
        sign = _BAND_SIGNS.get(" ".join((match["cmp1"] or match["cmp2"] or "").lower().split()))
        if sign:
            return f"{sign}{n1} kg"
    return None


def _with_band(value: str | None, band: str | None) -> str | None:
    if value and band:
        return f"{value} {band}"
    return value or band


def _population(cues: _Cues, zone: _Zone) -> str | None:
    """Who the dose is for, from its own clause: the population named before it (back to a
    ";"), else right after it up to the next dose ("2.5 mg in older adults"), with a weight
    band when one is given ("Children weighing less than 40 kg")."""
    text, index = cues.text, cues.populations
    lo = max(text.rfind(";", 0, zone.start) + 1, zone.start - _CONTEXT_REACH)
    found = index.last_in(lo, zone.start)
    if found is not None:
        value, start, end = _run_value(index, text, found)
        return _with_band(value, weight_band(text, start, zone.start))
    hi = min(zone.after, zone.end + _POPULATION_AFTER)
    semicolon = text.find(";", zone.end, hi)
    hi = semicolon if semicolon >= 0 else hi
    found = index.first_in(zone.end, hi)
    if found is not None:
        value, start, end = _run_value(index, text, found)
        return _with_band(value, weight_band(text, start, min(len(text), end + 40)))
    return weight_band(text, lo, zone.start)


def _units(unit: str) -> tuple[str, AmountPer | None]:
    """A unit with a time in it: "mg/kg/day" is mg/kg per day, "mg/h" a rate per hour."""
    head, _, tail = unit.rpartition("/")
    if tail == "day":
        return head, "day"
    if tail in _RATE_PER:
        return unit, _RATE_PER[tail]
    return unit, None


def _mentions(
    cues: _Cues, group: list[_Quantity], zone: _Zone, previous: _Decided | None
) -> tuple[list[DoseMention], _Decided]:
    frequency = _frequency(cues, zone)
    as_needed = _as_needed(cues.text, zone)
    kind, kind_stated = _kind(cues, zone, group, frequency, as_needed, previous)
    per_day = frequency.per_day
    if kind == "titration" and frequency.match is not None and _is_spacing(frequency.match):
        per_day = None
    total = frequency.total or _says_total(cues, zone)
    if total and per_day is None and _restates(cues.text, zone, previous):
        # "300 mg three times a day (900 mg in total)", "150 mg twice daily (300 mg/day)"
        per_day = previous.per_day if previous is not None else None
    form = _picked_value(cues.forms, zone)
    route = _route(cues, zone, form)
    food = _picked_value(cues.food, zone)
    population = _population(cues, zone)
    mentions = []
    for q in group:
        unit, per = _units(q.unit)
        if kind == "strength":
            per = None
        elif per is None:
            per = "day" if total else "administration"
        mentions.append(
            DoseMention(
                amount=q.amount,
                amount_max=q.amount_max,
                unit=unit,
                kind=kind,
                kind_stated=kind_stated,
                frequency_per_day=per_day,
                amount_per=per,
                route=route,
                form=form,
                food=food,
                population=population,
                as_needed=as_needed,
                start=q.start,
                end=q.end,
                text=cues.text,
            )
        )
    return mentions, _Decided(zone.end, kind, kind_stated, per_day)


_MAY_HOLD_NUMBER_RE = re.compile(rf"[0-9]|{_FRACTION_CLASS}")


@cache
def _not_dose_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What an amount that is no dose looks like around it: food or drink ("protein (1.2
    g/kg/day)", "protein: 50 g" before it, "of fat", "units of alcohol" after it), and the
    amount a price is quoted for ("50-150 INR per 50-100mg tablet", "$2 for a 20 mg pill")."""
    lex = _lexicons()
    words = lex.nutrients.pattern.pattern
    before = re.compile(rf"{words}(?![\w-])\s*(?:intake\s*)?(?:of\s*|:\s*|\(\s*|=\s*)$",
                        re.IGNORECASE)
    after = re.compile(rf"\s*(?:of\s+)?{words}(?![\w-])", re.IGNORECASE)
    money = lex.currencies.pattern.pattern
    amount = r"[0-9][0-9.,]*(?:\s*[-–]\s*[0-9][0-9.,]*)?"
    price = re.compile(
        rf"(?:{money}\s*{amount}|{amount}\s*{money})\s*(?:each\s+)?"
        r"(?:per|for\s+(?:a|one|each|every)|/)\s*(?:a\s+|one\s+|each\s+)?$",
        re.IGNORECASE,
    )
    return before, after, price


_ENDOGENOUS_REACH = 60
_CAPTION_RE = re.compile(r"\s*[—–:-]\s*")


def _is_not_a_dose(text: str, group: list[_Quantity]) -> bool:
    """Diet ("5 g of fat"), what a price is quoted for ("INR per 100 mg tablet") and what the
    body makes ("natural output is about 0.1 mg") are amounts, not doses of the drug."""
    before, after, price = _not_dose_res()
    start, end = group[0].start, group[-1].end
    if (
        before.search(text, max(0, start - 40), start)
        or after.match(text, end)
        or price.search(text, max(0, start - 40), start)
    ):
        return True
    lex = _lexicons()
    caption = _CAPTION_RE.match(text, end)
    if caption and lex.endogenous.scan(text, caption.end(), min(len(text), caption.end() + 40)):
        return True  # "0.1–0.3 mg — what the brain produces at night"
    lo = max(0, start - _ENDOGENOUS_REACH)
    lo = max(lo, text.rfind(";", lo, start) + 1)
    body = lex.endogenous.scan(text, lo, start)
    if not body:
        return False
    # "If urine output is low, give 40 mg": a dosing word after it makes the amount a dose
    return not lex.dose_context.scan(text, body[-1].end, start)


def parse_doses(text: str) -> list[DoseMention]:
    """Every dose mention in one sentence, list item or table cell, left to right (a new
    list each call; the mentions themselves are frozen and remembered per text, since a
    page's extractors ask about the same sentences and labels many times).

    >>> [(d.amount, d.amount_max, d.unit, d.kind) for d in parse_doses("Take 10-20 mg daily")]
    [(10.0, 20.0, 'mg', 'dose')]
    >>> parse_doses("1% of patients had nausea for 3 days")
    []
    """
    return list(_parse_doses(text))


@per_text(maxsize=8192)
def _parse_doses(text: str) -> tuple[DoseMention, ...]:
    if not _MAY_HOLD_NUMBER_RE.search(text):
        return ()
    groups = [g for g in _groups(text, _quantities(text)) if not _is_not_a_dose(text, g)]
    cues = _Cues(text, _windows(text, groups))
    mentions: list[DoseMention] = []
    previous: _Decided | None = None
    for i, group in enumerate(groups):
        zone = _Zone(
            start=group[0].start,
            end=group[-1].end,
            before=groups[i - 1][-1].end if i else 0,
            after=groups[i + 1][0].start if i + 1 < len(groups) else len(text),
            is_first=i == 0,
            is_last=i + 1 == len(groups),
        )
        found, previous = _mentions(cues, group, zone, previous)
        mentions.extend(found)
    return tuple(mentions)


_DOSE_LABEL_BEFORE_RE = re.compile(r"(?:dose|dosage|dosing)\s*[:=–—-]\s*$", re.IGNORECASE)


def states_dose(mention: DoseMention) -> bool:
    """Whether a mention states a dose, rather than naming a product by its strength as a
    title does ("Gabapentin 300 mg dosage", "Buy Modafinil – 200mg").

    A frequency, a daily total or rate, a range, a kind its own words state, a per-weight
    unit or a "Dose: ..." label make a statement.

    >>> [states_dose(m) for m in parse_doses("Gabapentin 300 mg dosage")]
    [False]
    >>> [states_dose(m) for m in parse_doses("Weeks 1–4 — Weekly Dose: 0.25 mg")]
    [True]
    """
    return (
        mention.frequency_per_day is not None
        or mention.amount_per in ("day", "hour", "minute")
        or mention.amount_max is not None
        or mention.kind not in ("strength", "dose")
        or _is_per_something(mention.unit)
        or bool(_DOSE_LABEL_BEFORE_RE.search(mention.text, max(0, mention.start - 30),
                                             mention.start))
    )


_LABEL_WORD_RE = re.compile(r"[^\W\d_]+")


def label_kind(text: str) -> DoseKind | None:
    """The kind a heading or label gives the doses under it, when the label is about that
    kind: "Starting dose", "Step up", "Stay", "Pen strengths"; not "A typical way of starting
    treatment", where the word is one of many.

    >>> label_kind("Step up"), label_kind("Pen strengths"), label_kind("Side effects")
    ('titration', 'strength', None)
    >>> label_kind("A typical way of starting treatment") is None
    True
    """
    cues = _lexicons().label_kinds.scan(text, 0, len(text))
    if not cues:
        return None
    words = len(_LABEL_WORD_RE.findall(text))
    covered = sum(len(_LABEL_WORD_RE.findall(text[c.start : c.end])) for c in cues)
    return _KINDS[cues[0].value] if 2 * covered >= words else None


@per_text(maxsize=8192)
def label_population(text: str) -> str | None:
    """The population a heading or label names, as the dose records write it.

    >>> label_population("Adults and children weighing 40 kg or more")
    'adult or child ≥40 kg'
    >>> label_population("Dosage in renal impairment"), label_population("How to take it")
    ('renal impairment', None)
    """
    index = _SpanIndex(_lexicons().populations.scan(text, 0, len(text)))
    if not index.spans:
        return weight_band(text)
    value, start, _ = _run_value(index, text, 0)
    return _with_band(value, weight_band(text, start))


def administration(text: str) -> tuple[str | None, str | None]:
    """The route and the food instruction a sentence states even without an amount.

    "Normally it is taken orally, either with or without food" gives ("oral", "with or
    without food"): pages often say how a drug is taken once, apart from its strengths.
    """
    lex = _lexicons()
    routes = lex.routes.scan(text, 0, len(text))
    food = lex.food.scan(text, 0, len(text))
    return (routes[0].value if routes else None, food[0].value if food else None)

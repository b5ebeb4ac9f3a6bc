"""Doses and strengths, read sentence by sentence with the dose parser.

The parser (:mod:`pipeline.normalize.dose`) knows amounts, ranges, units, frequencies, routes,
kinds and populations inside one sentence; this module knows the page:

* which drug a dose belongs to (the nearest drug named before it, the list item or label it
  hangs from, the section, the primary drug);
* that a lead-in label ("Adults:", "Strength:") is part of the sentence it labels, and that
  the nearest label or heading above a dose says what the dose's own words leave open: its
  kind ("Starting dose", "Step up", "Available strengths") and its population ("Children
  weighing less than 40 kg", "Dosage in renal impairment"). A short line standing alone
  before the text it labels ("Adults and children weighing 40 kg or more" in a box of its
  own) is such a label too;
* that a heading is a title, not a statement: "Gabapentin 300 mg dosage" names the topic of
  the section below it and gives no record; a heading that names a product ("Buy X –
  200mg", a headline "Baclofen 20 mg tablets") gives its strength only when the text does
  not state it. A heading that states a dose ("Weeks 1–4 — Dose: 0.25 mg once weekly",
  "Dose range 2.5 mg → 15 mg/week") is read like any sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.classify import Classified, classify_heading
from pipeline.extract.context import PageContext
from pipeline.models import AmountPer, Dose, DoseKind, Unit
from pipeline.normalize.dose import (
    DoseMention,
    administration,
    label_kind,
    label_population,
    parse_doses,
    states_dose,
)
from pipeline.text import split_sentences

_SKIP_KINDS = frozenset({"author", "references", "pharmacokinetics"})
_MASS_UNITS = frozenset({"mg", "mcg", "g", "IU", "units", "mEq", "mmol"})
_LABEL_WORDS = 6
"""A heading or label of at most this many words may name the kind of the doses under it."""
_LINE_WORDS = 10
"""A paragraph of at most this many words, without a full stop, may label the next ones."""
_SENTENCE_END = re.compile(r"[.!?;]\s*$")
# "by 5 mg", "in steps of 10 mg": the size of a change, not a dose taken on a schedule
_INCREMENT_BEFORE = re.compile(
    r"(?:\bby|\bof|\bincrements?|\bsteps?)"
    r"(?:\s+(?:no|not)\s+more\s+than|\s+up\s+to|\s+at\s+most|\s+about|\s+approximately)?\s*$",
    re.IGNORECASE,
)
# A preparation: an amount mixed with a diluent ("10 mg (1 mL) + saline 9 mL") to make a
# concentration the same sentence states; the amount is an ingredient, not a dose.
_DILUENT_AFTER = re.compile(
    r"^[^.;]{0,20}?(?:\+|\bdiluted\s+(?:in|with|to)\b|\bmixed\s+with\b|\badded\s+to\b)",
    re.IGNORECASE,
)
_CONCENTRATION_UNITS = frozenset({"mg/mL", "mcg/mL", "units/mL"})


@dataclass(frozen=True, slots=True)
class DoseLabel:
    """What the label or heading above a text says about its doses."""

    kind: DoseKind | None = None
    population: str | None = None


NO_LABEL = DoseLabel()


def _apply_label(m: DoseMention, label: DoseLabel) -> tuple[str, str | None, str | None]:
    """(kind, amount_per, population) of a mention, with what its label adds.

    The dose's own words win; a label fills in what they leave open: the kind when the
    parser only inferred it, the population when the dose's clause names none.
    """
    kind: str = m.kind
    per: str | None = m.amount_per
    if not m.kind_stated and label.kind is not None:
        if label.kind == "strength":
            if kind == "dose" and m.frequency_per_day is None and per == "administration":
                kind, per = "strength", None
        else:
            kind = label.kind
            per = per or "administration"
    return kind, per, m.population or label.population


def _has_dose_context(m: DoseMention, label: DoseLabel) -> bool:
    """Something besides a number and a unit says this is a dose: a kind its words state, a
    frequency, a daily total or rate, a route, a form, a population, "as needed" or a label."""
    return bool(
        m.kind_stated or m.frequency_per_day is not None or m.amount_per in ("day", "hour", "minute")
        or m.route or m.form or m.population or m.as_needed or label.kind or label.population
        or m.kind not in ("strength", "dose")
    )


def _record(ctx: PageContext, m: DoseMention, drug: str | None, section: str | None,
            label: DoseLabel) -> Dose | None:
    if drug is None and not _has_dose_context(m, label):
        return None  # "125 g", "Protein — 12 g": a dose needs a drug or a dosing context
    kind, per, population = _apply_label(m, label)
    return ctx.make(
        Dose,
        drug=drug,
        amount=float(m.amount),
        amount_max=float(m.amount_max) if m.amount_max is not None else None,
        unit=Unit(m.unit),
        kind=DoseKind(kind),
        amount_per=AmountPer(per) if per else None,
        frequency_per_day=m.frequency_per_day,
        route=m.route,
        form=m.form,
        food=m.food,
        population=population,
        as_needed=m.as_needed,
        section=section,
        text=m.text,
    )


DrugAt = Callable[[str, int], str | None]
"""Which drug a dose at a position of a sentence is about."""


def _mentions(text: str) -> list[DoseMention]:
    """The dose mentions of a text, sentence by sentence, without the volumes that only
    carry a dose ("1 mL (10 mg)") or are not doses at all ("1.2 litres of juice")."""
    out: list[DoseMention] = []
    for sentence in split_sentences(text):
        mentions = parse_doses(sentence)
        has_mass = any(m.unit in _MASS_UNITS for m in mentions)
        makes = [m.start for m in mentions if m.unit in _CONCENTRATION_UNITS]
        for m in mentions:
            if m.unit == "L" and m.route is None:
                continue  # "less than 1.2 litres a day" of juice: volumes are doses only for infusions
            if m.unit == "mL" and has_mass:
                continue  # "1 mL (10 mg)": the volume that carries the dose, not a dose itself
            if m.unit in _MASS_UNITS and any(pos > m.end for pos in makes) and (
                _DILUENT_AFTER.search(sentence[m.end:])
            ):
                continue  # "50 mg (5 mL) + 45 mL saline → 1 mg/mL": an ingredient
            out.append(m)
    return out


def _keeps_schedule(dose: Dose, m: DoseMention, before: Dose | None) -> Dose:
    """A titration step to a new amount ("can be increased to 80 mg") or the dose people
    stay on ("most stay on 1 mg") is taken on the schedule of the dose before it ("10–20 mg
    once daily"), when it names none of its own; the size of a step ("by 5 mg", "in steps
    of 10 mg") has no schedule."""
    if (
        before is None
        or dose.kind not in (DoseKind.TITRATION, DoseKind.MAINTENANCE_DOSE)
        or dose.frequency_per_day is not None
        or dose.amount_per != AmountPer.ADMINISTRATION
        or before.drug != dose.drug
        or before.section != dose.section
        or _INCREMENT_BEFORE.search(m.text, 0, m.start)
    ):
        return dose
    return dose.model_copy(update={"frequency_per_day": before.frequency_per_day})


def _has_schedule(dose: Dose) -> bool:
    return dose.amount_per == AmountPer.ADMINISTRATION and dose.frequency_per_day is not None


def doses_in(ctx: PageContext, text: str, drug_at: DrugAt, section: str | None,
             strength: bool = False, label: DoseLabel = NO_LABEL,
             before: Dose | None = None) -> list[Dose]:
    """The dose records of one text. ``strength``: the text sits under a strengths heading
    (same as a label of kind "strength"). ``before``: the last dose with a schedule read
    before this text in its section."""
    if strength and label.kind is None:
        label = DoseLabel(DoseKind.STRENGTH, label.population)
    out: list[Dose] = []
    for m in _mentions(text):
        record = _record(ctx, m, drug_at(m.text, m.start), section, label)
        if record is None:
            continue
        record = _keeps_schedule(record, m, before)
        if _has_schedule(record):
            before = record
        out.append(record)
    return out


def _fill_administration(ctx: PageContext, records: list[Dose]) -> list[Dose]:
    """A page that states one route and one food instruction for its drug, in a sentence of
    its own, gives them to the primary drug's doses that do not say."""
    routes: set[str] = set()
    foods: set[str] = set()
    for cb in ctx.blocks:
        if cb.block.kind not in ("paragraph", "item") or cb.kind in _SKIP_KINDS:
            continue
        for sentence in split_sentences(cb.block.text):
            if ctx.sentence_drug(sentence, cb) != ctx.primary:
                continue
            route, food = administration(sentence)
            routes.update([route] if route else [])
            foods.update([food] if food else [])
    route = routes.pop() if len(routes) == 1 else None
    food = foods.pop() if len(foods) == 1 else None
    if ctx.primary is None or not (route or food):
        return records
    return [
        d.model_copy(update={"route": d.route or route, "food": d.food or food})
        if d.drug == ctx.primary else d
        for d in records
    ]


def _short_label_kind(text: str | None) -> DoseKind | None:
    if not text or len(text.split()) > _LABEL_WORDS:
        return None
    kind = label_kind(text)
    return None if kind is None else DoseKind(kind)


def _is_label_line(cb: Classified) -> bool:
    """A short line without a full stop that names who or what the next text is about
    ("Adults and children weighing 40 kg or more", "Maintenance")."""
    text = cb.block.text
    if cb.block.kind != "paragraph" or len(text.split()) > _LINE_WORDS or _SENTENCE_END.search(text):
        return False
    if parse_doses(text):
        return False
    return label_population(text) is not None or _short_label_kind(text) is not None


_DASH_LEAD = re.compile(r"^([^\W\d_][^.:;\u2014\u2013]{1,60}?)\s*[\u2014\u2013]\s*\S")
"""A dose item's own label before a dash, as monographs set it: "Adults\u2014At first, 10 mg"."""


class _Labels:
    """The label in force for each block: its own lead-in label, the last label line of its
    section, its headings (the nearest for the kind, any above it for the population)."""

    def __init__(self, titles: set[str]) -> None:
        self._titles = titles
        self._line: Classified | None = None

    def see(self, cb: Classified) -> bool:
        """Track label lines; True when ``cb`` is one (it then holds no dose)."""
        if self._line is not None and self._line.heading != cb.heading:
            self._line = None
        if _is_label_line(cb):
            self._line = cb
            return True
        return False

    def of(self, cb: Classified) -> DoseLabel:
        lead = _DASH_LEAD.match(cb.block.text)  # "Children 6 years of age and older—The dose ..."
        texts = [cb.block.label, lead.group(1) if lead else None,
                 self._line.block.text if self._line is not None else None]
        kind = next((k for t in texts if (k := _short_label_kind(t)) is not None), None)
        if kind is None and cb.heading and cb.heading not in self._titles:
            kind = _short_label_kind(cb.heading)
        if kind is None and any(_short_label_kind(h) == "strength" for h in cb.path[-2:]):
            kind = DoseKind.STRENGTH  # "Available strengths" > "Tablets"
        headings = [h for h in reversed(cb.path) if h not in self._titles]
        population = next(
            (p for t in [*texts, *headings] if t and (p := label_population(t)) is not None), None
        )
        return DoseLabel(kind, population)


_BARE_AMOUNT_LEFT = re.compile(r"[\W\d_]*")


def _caption(blocks: list[Classified], i: int) -> str | None:
    """The caption of a bare amount: in a card layout an amount stands alone ("0.1–0.3mg")
    and the paragraph after it says what it is ("what the body makes at night", "the usual
    tablet dose"); the two are read as one sentence."""
    block = blocks[i].block
    if block.kind not in ("paragraph", "item") or i + 1 >= len(blocks):
        return None
    mentions = parse_doses(block.text)
    if not mentions or len(block.text) > 40:
        return None
    rest = block.text
    for m in reversed(mentions):
        rest = rest[: m.start] + rest[m.end :]
    if not _BARE_AMOUNT_LEFT.fullmatch(rest):
        return None
    following = blocks[i + 1]
    if (following.block.kind != block.kind or following.heading != blocks[i].heading
            or parse_doses(following.block.text)):
        return None
    return following.block.text


def _key(dose: Dose) -> tuple[object, ...]:
    return (dose.drug, dose.amount, dose.amount_max, dose.unit)


def extract_doses(ctx: PageContext) -> list[Dose]:
    records: list[Dose] = []
    seen: set[tuple[object, ...]] = set()
    titles: list[Classified] = []
    headline_texts = {cb.block.text for cb in ctx.blocks
                      if cb.block.kind == "heading" and cb.block.level == 1}
    labels = _Labels(headline_texts)
    scheduled: Dose | None = None
    for i, cb in enumerate(ctx.blocks):
        block = cb.block
        if block.kind not in ("item", "paragraph", "heading") or cb.kind in _SKIP_KINDS:
            continue
        if labels.see(cb):
            continue
        label = labels.of(cb)
        drug_at = functools.partial(ctx.drug_near, block=cb)
        if block.kind == "heading":
            # A heading is a title: it states a dose only in a dosing phrase of its own.
            stated = [m for m in _mentions(block.text) if states_dose(m)]
            found = [r for m in stated
                     if (r := _record(ctx, m, drug_at(m.text, m.start), cb.heading, label))]
            titles.append(cb)
            if block.level == 1:
                continue  # the headline's doses are read last, only if the text lacks them
        else:
            text = f"{block.label}: {block.text}" if block.label and block.kind == "paragraph" \
                and not block.text.startswith(block.label) else block.text
            caption = _caption(ctx.blocks, i)
            if caption is not None:
                text = f"{text} — {caption}"
            found = doses_in(ctx, text, drug_at, cb.heading, label=label, before=scheduled)
        for dose in found:
            if _has_schedule(dose):
                scheduled = dose
            key = (*_key(dose), dose.kind, dose.amount_per, dose.frequency_per_day, dose.route,
                   dose.population)
            if key not in seen:
                seen.add(key)
                records.append(dose)
    records = _fill_administration(ctx, records)
    stated_keys = {_key(d) for d in records}
    for cb in titles:
        records.extend(_title_strengths(ctx, cb, stated_keys))
    return records


def _title_strengths(ctx: PageContext, cb: Classified, stated: set[tuple[object, ...]]
                     ) -> list[Dose]:
    """What a heading adds: for the headline, every dose it names that the text does not
    state; for another heading that names a product ("Buy X – 200mg", not a section topic
    such as "X 300 mg dosage"), the strength it names when the text does not state it."""
    block = cb.block
    if block.level != 1 and classify_heading(block.text).kind is not None:
        return []
    out: list[Dose] = []
    for m in _mentions(block.text):
        if block.level != 1 and states_dose(m):
            continue  # already read as a statement
        dose = _record(ctx, m, ctx.drug_near(m.text, m.start, cb), cb.heading, NO_LABEL)
        if dose is None or _key(dose) in stated:
            continue
        stated.add(_key(dose))
        if not states_dose(m):
            dose = dose.model_copy(update={"kind": DoseKind.STRENGTH, "amount_per": None})
        out.append(dose)
    return out

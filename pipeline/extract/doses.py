"""Doses and strengths, read sentence by sentence with the dose parser.

The parser (:mod:`pipeline.normalize.dose`) knows amounts, ranges, units, frequencies, routes
and kinds inside one sentence; this module knows the page: which drug a dose belongs to (the
nearest drug named before it, the list item or label it hangs from, the section, the primary
drug), and that a lead-in label ("Adults:", "Strength:") is part of the sentence it labels.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pipeline.classify import Classified
from pipeline.extract.context import PageContext
from pipeline.models import Dose, DoseKind, Unit
from pipeline.normalize.dose import DoseMention, administration, parse_doses
from pipeline.text import split_sentences

_SKIP_KINDS = frozenset({"author", "references", "pharmacokinetics"})
_MASS_UNITS = frozenset({"mg", "mcg", "g", "IU", "units", "mEq", "mmol"})
_STRENGTH_HEADING = re.compile(r"\bstrengths?\b|available (?:forms|as)|presentations?|formulations?",
                               re.I)


def _record(ctx: PageContext, m: DoseMention, drug: str | None, section: str | None,
            strength: bool) -> Dose | None:
    kind = m.kind
    if strength and kind == "dose" and m.frequency_per_day is None:
        kind = "strength"
    return ctx.make(
        Dose,
        drug=drug,
        amount=float(m.amount),
        amount_max=float(m.amount_max) if m.amount_max is not None else None,
        unit=Unit(m.unit),
        kind=DoseKind(kind),
        frequency_per_day=m.frequency_per_day,
        route=m.route,
        form=m.form,
        food=m.food,
        population=m.population,
        as_needed=m.as_needed,
        section=section,
        text=m.text,
    )


DrugAt = Callable[[str, int], str | None]
"""Which drug a dose at a position of a sentence is about."""


def doses_in(ctx: PageContext, text: str, drug_at: DrugAt, section: str | None,
             strength: bool) -> list[Dose]:
    out: list[Dose] = []
    for sentence in split_sentences(text):
        mentions = parse_doses(sentence)
        has_mass = any(m.unit in _MASS_UNITS for m in mentions)
        for m in mentions:
            if m.unit == "L" and m.route is None:
                continue  # "less than 1.2 litres a day" of juice: volumes are doses only for infusions
            if m.unit == "mL" and has_mass:
                continue  # "1 mL (10 mg)": the volume that carries the dose, not a dose itself
            record = _record(ctx, m, drug_at(sentence, m.start), section, strength)
            if record is not None:
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


def extract_doses(ctx: PageContext) -> list[Dose]:
    records: list[Dose] = []
    seen: set[tuple[object, ...]] = set()
    headlines: list[Classified] = []
    for cb in ctx.blocks:
        block = cb.block
        if block.kind not in ("item", "paragraph", "heading") or cb.kind in _SKIP_KINDS:
            continue
        if block.kind == "heading" and block.level == 1:
            headlines.append(cb)
            continue
        text = f"{block.label}: {block.text}" if block.label and block.kind == "paragraph" \
            and not block.text.startswith(block.label) else block.text
        strength = bool(_STRENGTH_HEADING.search(" ".join(cb.path[-2:]) + " " + (block.label or "")))
        drug_at = functools.partial(ctx.drug_near, block=cb)
        for dose in doses_in(ctx, text, drug_at, cb.heading, strength):
            key = (dose.drug, dose.amount, dose.amount_max, dose.unit, dose.kind,
                   dose.frequency_per_day, dose.route, dose.population)
            if key not in seen:
                seen.add(key)
                records.append(dose)
    records = _fill_administration(ctx, records)
    # A headline ("Baclofen 20 mg: uses and dosage") usually repeats a strength the text
    # states; it adds a record only when the text does not.
    stated = {(d.drug, d.amount, d.amount_max, d.unit) for d in records}
    for cb in headlines:
        for dose in doses_in(ctx, cb.block.text, functools.partial(ctx.drug_near, block=cb),
                             cb.heading, strength=True):
            if (dose.drug, dose.amount, dose.amount_max, dose.unit) not in stated:
                stated.add((dose.drug, dose.amount, dose.amount_max, dose.unit))
                records.append(dose.model_copy(update={"kind": "strength"})
                               if dose.frequency_per_day is None else dose)
    return records

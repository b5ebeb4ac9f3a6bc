"""Rows of tables that compare medications, one record per medication.

Tables arrive with spans already expanded (:mod:`pipeline.segment`) and marked as comparisons
with their orientation (:mod:`pipeline.tables`): one row per drug, or one column per drug. Each
medication gets every cell under its column/row header as an attribute; an effectiveness
column and a side-effect column are also lifted into their own fields, and the side effects,
doses and strengths in a row become records of that row's drug.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.context import PageContext
from pipeline.extract.doses import doses_in
from pipeline.extract.side_effects import term_fields, valid_term
from pipeline.models import Comparison, Dose, SideEffect, SideEffectCategory
from pipeline.normalize.drugs import lexicon
from pipeline.normalize.terms import clean_term, split_terms
from pipeline.segment import Cell, Table

_EFFECTIVENESS = re.compile(r"\b(?:effective(?:ness)?|efficacy)\b", re.I)
_SIDE_EFFECTS = re.compile(
    r"^(?:(?:most |more )?common |main |key |possible |major |notable |typical |frequent )?"
    r"(?:side[ -]effects?|adverse (?:effects?|reactions?|events?)|risks? and side effects)"
    r"(?:\s*\(.*\))?$",
    re.I,
)
_COMMON = re.compile(r"\bcommon|frequent\b", re.I)


@dataclass(slots=True)
class ComparisonResult:
    rows: list[Comparison] = field(default_factory=list)
    side_effects: list[SideEffect] = field(default_factory=list)
    doses: list[Dose] = field(default_factory=list)


def _value(cell: Cell) -> str:
    return ", ".join(cell.items) if cell.items else cell.text


def _records(table: Table, transposed: bool) -> list[tuple[str, list[tuple[str, Cell]]]]:
    """(medication, [(column header, cell)]) for every medication of the table."""
    h = max(table.header_rows, 1)
    header = table.rows[h - 1]
    body = table.rows[h:]
    out: list[tuple[str, list[tuple[str, Cell]]]] = []
    if not transposed:
        for row in body:
            med = row[0].text
            if not med:
                continue
            cells = [(header[j].text, row[j]) for j in range(1, len(row))
                     if header[j].text and _value(row[j])]
            out.append((med, cells))
    else:
        for j in range(1, len(header)):
            med = header[j].text
            if not med or header[j] is header[j - 1]:
                continue
            cells = [(row[0].text, row[j]) for row in body if row[0].text and _value(row[j])]
            out.append((med, cells))
    return out


def _terms(cell: Cell) -> list[str]:
    parts = cell.items or split_terms(cell.text)
    terms: list[str] = []
    for part in parts:
        for term in split_terms(part) if cell.items else [part]:
            t = clean_term(term).lower()
            if valid_term(t) and t not in terms:
                terms.append(t)
    return terms


def _row_drug(drug: str | None) -> Callable[[str, int], str | None]:
    """Every dose in a comparison row belongs to that row's drug."""
    return lambda _sentence, _pos: drug


def extract_comparisons(ctx: PageContext) -> ComparisonResult:
    result = ComparisonResult()
    index = 0
    for cb in ctx.blocks:
        block = cb.block
        if block.kind != "table" or block.table is None or "orientation" not in block.extra:
            continue
        transposed = block.extra["orientation"] == "columns"
        for row_no, (med, cells) in enumerate(_records(block.table, transposed)):
            drug = lexicon().canonical(med)
            attributes: dict[str, str | list[str]] = {}
            effectiveness: str | None = None
            side_effects: list[str] = []
            for key, cell in cells:
                value = _value(cell)
                attributes.setdefault(key, value)
                if effectiveness is None and _EFFECTIVENESS.search(key):
                    effectiveness = value
                if _SIDE_EFFECTS.match(key.strip()):
                    terms = _terms(cell)
                    attributes[key] = terms
                    side_effects.extend(t for t in terms if t not in side_effects)
                    category = "common" if _COMMON.search(key) else "unspecified"
                    for term in terms:
                        normalized, canonical = term_fields(term)
                        se = ctx.make(
                            SideEffect, drug=drug, term=term, term_normalized=normalized,
                            term_canonical=canonical,
                            category=SideEffectCategory(category), section=cb.heading, text=value)
                        if se is not None:
                            result.side_effects.append(se)
                else:
                    result.doses.extend(
                        doses_in(ctx, f"{key}: {value}", _row_drug(drug), cb.heading,
                                 strength=False)
                    )
            text = " | ".join([med, *(f"{k}: {_value(c)}" for k, c in cells)])
            row = ctx.make(
                Comparison, table=index, row=row_no, medication=med, drug=drug,
                effectiveness=effectiveness, side_effects=side_effects, attributes=attributes,
                text=text)
            if row is not None:
                result.rows.append(row)
        index += 1
    return result

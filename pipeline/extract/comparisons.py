"""Rows of tables that compare medications, one record per medication.

Tables arrive with spans already expanded (:mod:`pipeline.segment`) and marked as comparisons
with their orientation (:mod:`pipeline.tables`): one row per drug (the drug in any column), or
one column per drug (after a feature column, or with every cell labelled "Label: value"). Each
medication gets every cell under its header as an attribute, and each header a normalised key
(:mod:`pipeline.normalize.attributes`) beside it. The cells then become records of that row's
drug: an effectiveness cell fills ``effectiveness``; side-effect cells (and the rows of an
adverse-reaction table with one column per drug) give side effects; dose cells give doses;
cells that state uses or whom to choose it for ("Approved for", "Best for", "Choose when") give
the conditions they name, and advantage cells ("Pros", "Advantages") give benefits (a "Best
for" cell names an audience or a use, which the annotation guide does not count as a benefit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.conditions import name_normalized
from pipeline.extract.context import PageContext
from pipeline.extract.doses import doses_in
from pipeline.extract.side_effects import term_fields, valid_term
from pipeline.models import Benefit, Comparison, Condition, Dose, SideEffect, SideEffectCategory
from pipeline.normalize.attributes import AttributeKey, attribute_key
from pipeline.normalize.drugs import lexicon
from pipeline.normalize.terms import clean_term, find_conditions, is_known_condition, split_terms
from pipeline.segment import Cell, Table
from pipeline.tables import medication_name

_COMMON = re.compile(r"\bcommon|frequent\b", re.I)
_LABELLED = re.compile(r"^(?P<label>[^:]{2,60}):\s+(?P<value>\S.*)$", re.S)
_ANSWER = re.compile(r"^(?:yes|no|none|n/?a|—|–|-|not (?:approved|applicable)|unknown)\b", re.I)
_ABSENT = re.compile(r"^(?:[-–—]|0(?:\.0)?\s*%?|n/?a|none|not reported)$", re.I)

_NO_DOSES = frozenset({
    AttributeKey.EFFECTIVENESS, AttributeKey.SIDE_EFFECTS, AttributeKey.COST, AttributeKey.ONSET,
    AttributeKey.DURATION, AttributeKey.HALF_LIFE, AttributeKey.APPROVAL,
})
"""Cells whose numbers are outcomes, prices or times, never doses ("22.5% (15 mg arm)")."""


@dataclass(slots=True)
class ComparisonResult:
    rows: list[Comparison] = field(default_factory=list)
    side_effects: list[SideEffect] = field(default_factory=list)
    doses: list[Dose] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)


def _value(cell: Cell) -> str:
    return ", ".join(cell.items) if cell.items else cell.text


def _labelled(cell: Cell) -> tuple[str, Cell] | None:
    """ "Mechanism: sodium channel blocker" as ("Mechanism", the value as a cell)."""
    m = _LABELLED.match(cell.text)
    if m is None:
        return None
    return m.group("label").strip(), Cell(m.group("value").strip(), [], False)


def _records(table: Table, transposed: bool, drug_column: int,
             ) -> list[tuple[str, list[tuple[str, Cell]]]]:
    """(medication, [(column header, cell)]) for every medication of the table."""
    h = max(table.header_rows, 1)
    header = table.rows[h - 1]
    body = table.rows[h:]
    out: list[tuple[str, list[tuple[str, Cell]]]] = []
    if not transposed:
        for row in body:
            med = row[drug_column].text
            if not med:
                continue
            cells = [(header[j].text, row[j]) for j in range(len(row))
                     if j != drug_column and header[j].text and _value(row[j])
                     and row[j] is not row[drug_column]]
            out.append((med, cells))
    elif drug_column == 0:  # every column a drug: each cell carries its own label
        for j, head in enumerate(header):
            if not head.text or (j and head is header[j - 1]):
                continue
            labelled = [found for row in body if (found := _labelled(row[j])) is not None]
            out.append((head.text, labelled))
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


def _conditions(value: str) -> list[str]:
    """Conditions a uses cell names: its items that are known conditions, else the known
    conditions inside them ("Type 2 diabetes only")."""
    out: list[str] = []
    for part in split_terms(value):
        name = clean_term(part)
        if is_known_condition(name):
            out.append(name)
        else:
            out.extend(m.text for m in find_conditions(part))
    return out


def _row_drug(drug: str | None) -> Callable[[str, int], str | None]:
    """Every dose in a comparison row belongs to that row's drug."""
    return lambda _sentence, _pos: drug


class _Row:
    """One medication's cells turned into its comparison record and the records they state."""

    def __init__(self, ctx: PageContext, result: ComparisonResult, section: str | None,
                 drug: str | None, incidence_table: bool) -> None:
        self.ctx, self.result, self.section, self.drug = ctx, result, section, drug
        self.incidence_table = incidence_table
        self.attributes: dict[str, str | list[str]] = {}
        self.keys: dict[str, AttributeKey] = {}
        self.effectiveness: str | None = None
        self.side_effects: list[str] = []

    def add(self, header: str, cell: Cell) -> None:
        value = _value(cell)
        key = attribute_key(header)
        self.attributes.setdefault(header, value)
        self.keys.setdefault(header, key)
        if key is AttributeKey.EFFECTIVENESS and self.effectiveness is None:
            self.effectiveness = value
        if key is AttributeKey.SIDE_EFFECTS and _is_side_effect_header(header):
            terms = _terms(cell)
            self.attributes[header] = terms
            self._side_effects(terms, "common" if _COMMON.search(header) else "unspecified", value)
        elif self.incidence_table and not _ABSENT.match(value.strip()):
            self._side_effects([clean_term(header).lower()], "unspecified", f"{header}: {value}")
        if key in (AttributeKey.USES, AttributeKey.BEST_FOR, AttributeKey.BENEFITS):
            self._uses(key, header, value)
        if key not in _NO_DOSES and not self.incidence_table:
            self.result.doses.extend(
                doses_in(self.ctx, f"{header}: {value}", _row_drug(self.drug), self.section,
                         strength=False))

    def _side_effects(self, terms: list[str], category: str, text: str) -> None:
        for term in terms:
            if not valid_term(term):
                continue
            if term not in self.side_effects:
                self.side_effects.append(term)
            normalized, canonical = term_fields(term)
            se = self.ctx.make(SideEffect, drug=self.drug, term=term, term_normalized=normalized,
                               term_canonical=canonical, category=SideEffectCategory(category),
                               section=self.section, text=text)
            if se is not None:
                self.result.side_effects.append(se)

    def _uses(self, key: AttributeKey, header: str, value: str) -> None:
        for name in _conditions(value):
            condition = self.ctx.make(Condition, name=name, name_normalized=name_normalized(name),
                                      text=f"{header}: {value}")
            if condition is not None:
                self.result.conditions.append(condition)
        if key is AttributeKey.BENEFITS and not _ANSWER.match(value.strip()):
            benefit = self.ctx.make(Benefit, drug=self.drug, text=value, section=self.section)
            if benefit is not None:
                self.result.benefits.append(benefit)


_SIDE_EFFECT_HEADER = re.compile(
    r"^(?:(?:most |more )?common |main |key |possible |major |notable |typical |frequent |serious )?"
    r"(?:side[ -]effects?|adverse (?:effects?|reactions?|events?)|risks? and side effects|risks)"
    r"(?:\s*\(.*\))?$",
    re.I,
)


def _is_side_effect_header(header: str) -> bool:
    """A header whose cells list effects ("Common side effects"), not one that names an effect
    class ("Vascular adverse effects" holds "common" / "rare")."""
    return bool(_SIDE_EFFECT_HEADER.match(header.strip()))


def _incidence_table(table: Table, transposed: bool, drug_column: int) -> bool:
    """An adverse-reaction table with one column per drug: its row labels are effects."""
    if not transposed or drug_column != 1:
        return False
    corner = table.rows[max(table.header_rows, 1) - 1][0].text
    return attribute_key(corner) is AttributeKey.SIDE_EFFECTS


def _dedupe_conditions(conditions: list[Condition]) -> list[Condition]:
    seen: set[str] = set()
    out = []
    for c in conditions:
        if c.name_normalized not in seen:
            seen.add(c.name_normalized)
            out.append(c)
    return out


def extract_comparisons(ctx: PageContext) -> ComparisonResult:
    result = ComparisonResult()
    index = 0
    for cb in ctx.blocks:
        block = cb.block
        if block.kind != "table" or block.table is None or "orientation" not in block.extra:
            continue
        transposed = block.extra["orientation"] == "columns"
        drug_column = int(block.extra.get("drug_column", "1" if transposed else "0"))
        incidence = _incidence_table(block.table, transposed, drug_column)
        for row_no, (raw_med, cells) in enumerate(_records(block.table, transposed, drug_column)):
            med = medication_name(raw_med) or raw_med
            drug = lexicon().canonical(med)
            row = _Row(ctx, result, cb.heading, drug, incidence)
            for header, cell in cells:
                row.add(header, cell)
            text = " | ".join([med, *(f"{k}: {_value(c)}" for k, c in cells)])
            record = ctx.make(
                Comparison, table=index, row=row_no, medication=med, drug=drug,
                effectiveness=row.effectiveness, side_effects=row.side_effects,
                attributes=row.attributes, attribute_keys=row.keys, text=text)
            if record is not None:
                result.rows.append(record)
        index += 1
    result.conditions = _dedupe_conditions(result.conditions)
    return result

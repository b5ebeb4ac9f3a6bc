"""Between segmenting and classifying: decide what each table is, and unroll the tables that
are not comparisons into the headed blocks the section extractors already understand.

A table on a medication page is one of:

* a comparison of medications, one row per drug, or transposed with one column per drug
  (kept as a table block for :mod:`pipeline.extract.comparisons`);
* section columns ("Benefits" | "Side effects" with lists below): each column becomes a
  heading followed by its items;
* a key-value table ("Strength" | "20 mg"): each row becomes a label and a paragraph;
* a data table with a header row (adverse-reaction incidences, titration schedules): each row
  becomes an item under the table's first header, with its cells labelled by their headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.classify import NEUTRAL, classify_heading
from pipeline.segment import LABEL_LEVEL, PSEUDO_LEVEL, Block, Cell, Table

DrugLookup = Callable[[str], str | None]

_MEDICATION_HEADER = re.compile(
    r"^(?:medications?|medicines?|drugs?|drug names?|generic(?: names?)?|brand(?: names?)?|"
    r"treatments?|products?|agents?|names?|supplements?|active ingredients?|options?|"
    r"(?:generic|brand) name|medication \(brand\)|medication name|compound|molecule)\b",
    re.I,
)
_FEATURE_HEADER = re.compile(
    r"^(?:|features?|characteristics?|parameters?|propert(?:y|ies)|criteri(?:a|on)|attributes?|"
    r"comparison|category|aspect|factors?|details?|key differences?|specs?)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Orientation:
    """A comparison table's layout: which cells name the medications."""

    transposed: bool


def _drug_share(cells: Sequence[Cell], is_drug: DrugLookup) -> tuple[int, int]:
    texts = [c.text for c in cells if c.text]
    hits = sum(1 for t in texts if is_drug(t) is not None)
    return hits, len(texts)


_FREQUENCY_HEADER = re.compile(r"frequen|how (?:often|common)|incidence|likelihood|category", re.I)
_NUMERIC = re.compile(r"^[\d\s.,%()+<>≤≥~–-]*$")


def _compares(names: Sequence[Cell], values: Sequence[Sequence[Cell]], is_drug: DrugLookup) -> bool:
    """Two or more different medications, described by at least some words, not only counts
    (a "patients also took" tally lists drugs but compares nothing)."""
    texts = [c.text for c in names if c.text]
    drugs = {is_drug(t) for t in texts}
    if len(set(texts)) < 2 or (len(drugs) == 1 and None not in drugs):
        return False
    cells = [c.text for row in values for c in row if c.text]
    return any(not _NUMERIC.match(t) for t in cells)


def comparison_orientation(table: Table, is_drug: DrugLookup) -> Orientation | None:
    """Whether a table compares medications, and in which direction; None when it does not."""
    if table.width < 2 or len(table.rows) < 2:
        return None
    h = max(table.header_rows, 1)
    header = table.rows[h - 1]
    body = table.rows[h:]
    first_col = [r[0] for r in body]
    col_hits, col_n = _drug_share(first_col, is_drug)
    head_hits, head_n = _drug_share(header[1:], is_drug)
    first_header = header[0].text.strip().rstrip(":")
    if len(body) >= 2 and (
        (col_n and col_hits >= 2 and col_hits / col_n >= 0.6)
        or (table.header_rows and _MEDICATION_HEADER.match(first_header) and col_n >= 2)
    ) and _compares(first_col, [r[1:] for r in body], is_drug):
        return Orientation(transposed=False)
    columns = [[r[j] for r in body] for j in range(1, table.width)]
    if table.width >= 3 and (
        (head_n and head_hits >= 2 and head_hits / head_n >= 0.6)
        or (_FEATURE_HEADER.match(first_header) and head_n >= 2 and table.header_rows > 0
            and all(c.text for c in header[1:]) and len(body) >= 2)
    ) and _compares(header[1:], columns, is_drug):
        return Orientation(transposed=True)
    return None


def _is_section_columns(table: Table) -> bool:
    if not table.header_rows or len(table.rows) - table.header_rows > 4:
        return False
    header = table.rows[table.header_rows - 1]
    kinds = [classify_heading(c.text).kind for c in header if c.text]
    return any(k is not None and k not in NEUTRAL for k in kinds) and any(
        c.items for r in table.rows[table.header_rows :] for c in r
    )


def _unroll(table: Table, context: str | None) -> list[Block]:
    out: list[Block] = []
    rows = table.rows
    if table.caption:
        out.append(Block("heading", table.caption, PSEUDO_LEVEL, "caption"))
    if _is_section_columns(table):
        header = rows[table.header_rows - 1]
        for col, head in enumerate(header):
            if not head.text:
                continue
            out.append(Block("heading", head.text.rstrip(":"), PSEUDO_LEVEL, "th"))
            for row in rows[table.header_rows :]:
                cell = row[col]
                for item in cell.items or ([cell.text] if cell.text else []):
                    out.append(Block("item", item, context=context, source="td"))
        return out
    if (table.width == 2 and not table.header_rows) or (
        table.width >= 2 and all(r[0].is_header for r in rows[table.header_rows :])
        and not table.header_rows
    ):
        for row in rows:
            label = row[0].text.rstrip(":")
            values = [c for c in row[1:] if c.text]
            if not label or not values:
                continue
            out.append(Block("heading", label, LABEL_LEVEL, "row-header"))
            for cell in values:
                for item in cell.items or [cell.text]:
                    out.append(Block("paragraph", item, label=label, context=context, source="td"))
        return out
    if table.header_rows:
        header = rows[table.header_rows - 1]
        first = header[0].text.rstrip(":")
        out.append(Block("heading", first or "table", PSEUDO_LEVEL, "th"))
        lists_terms = bool(first) and classify_heading(first).kind not in (None, *NEUTRAL)
        how_often = next((i for i, c in enumerate(header) if i and _FREQUENCY_HEADER.search(c.text)),
                         None)
        for row in rows[table.header_rows :]:
            lead = row[0].text
            if not lead:
                continue
            rest = [f"{header[i].text}: {c.text}" if header[i].text else c.text
                    for i, c in enumerate(row[1:], start=1) if c.text and c is not row[0]]
            if lists_terms:
                frequency = {"frequency": row[how_often].text} if how_often is not None else {}
                out.append(Block("item", lead, context=context, source="tr", extra=frequency))
            for text in rest:
                out.append(Block("paragraph", f"{lead} — {text}", label=lead, context=context,
                                 source="td"))
        return out
    for row in rows:
        text = " — ".join(c.text for i, c in enumerate(row) if c.text and (i == 0 or c is not row[i - 1]))
        if text:
            out.append(Block("paragraph", text, context=context, source="tr"))
    return out


def resolve_tables(blocks: Sequence[Block], is_drug: DrugLookup) -> list[Block]:
    """Keep comparison tables (marked in ``extra``) and unroll every other table."""
    out: list[Block] = []
    for block in blocks:
        if block.kind != "table" or block.table is None:
            out.append(block)
            continue
        orientation = comparison_orientation(block.table, is_drug)
        if orientation is not None:
            block.extra["orientation"] = "columns" if orientation.transposed else "rows"
            out.append(block)
        else:
            out.extend(_unroll(block.table, block.context))
            out.append(Block("boundary", "", PSEUDO_LEVEL))
    return out

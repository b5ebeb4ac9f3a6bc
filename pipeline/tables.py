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
from pipeline.normalize.attributes import AttributeKey, attribute_key
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
    """A comparison table's layout: which cells name the medications.

    ``transposed``: the medications are column headers (one column per drug), else they are
    the cells of one column, ``drug_column``. A transposed table whose every header names a
    drug has no feature column (``drug_column`` 0): its cells carry their own labels
    ("Mechanism: sodium channel blocker").
    """

    transposed: bool
    drug_column: int = 0


_PARENTHESISED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_EDGE_SYMBOLS = re.compile(r"^[^\w(]+|[^\w)®™.]+$")
_IN_PASSING = re.compile(r"\b(?:for|with|without|in|of|per|if|when|taking|on|to|at|by|after|before|"
                         r"plus|vs|versus|or)\b", re.I)
_STRENGTH = re.compile(r"\d[\d.,]*\s*(?:mg|mcg|µg|g|ml|%|iu|units?)?\b", re.I)
_MAX_NAME_WORDS = 5


def medication_name(text: str) -> str:
    """A cell's text without the pictograms around it ("🟣 Carbamazepine" -> "Carbamazepine")."""
    return _EDGE_SYMBOLS.sub("", text).strip()


def names_drug(text: str, is_drug: DrugLookup) -> bool:
    """Whether a cell names a drug as its subject ("Tirzepatide (Mounjaro)", "🔵 Valproic Acid",
    "Ozempic (off-label)"), not one it mentions in passing ("Max dose (with epinephrine)")."""
    head = medication_name(_PARENTHESISED.sub("", text))
    if not head or len(head.split()) > _MAX_NAME_WORDS or _IN_PASSING.search(head):
        return False
    return is_drug(head) is not None


_NOT_ALNUM = re.compile(r"[\W_]+")


def _name_key(text: str) -> str:
    """What tells two medication cells apart: "Ozempic" and "Wegovy" differ (two brands of one
    generic are two rows), "Baclofen 10 mg" and "Baclofen 20 mg" do not (one drug's strengths)."""
    return _NOT_ALNUM.sub("", _STRENGTH.sub("", _PARENTHESISED.sub("", text)).lower())


_FREQUENCY_HEADER = re.compile(r"frequen|how (?:often|common)|incidence|likelihood|category", re.I)
_PERCENT_HEADER = re.compile(r"%|percent|incidence", re.I)
_NUMBER = re.compile(r"<?\s*\d+(?:[.,]\d+)?")
_NUMERIC = re.compile(r"^[\d\s.,%()+<>≤≥~–-]*$")
_MIN_SHARE = 0.6


def _compares(names: Sequence[Cell], values: Sequence[Sequence[Cell]], numbers_ok: bool) -> bool:
    """Two or more different medications, described by at least some words, not only counts
    (a "patients also took" tally lists drugs but compares nothing); counts are enough when
    the drugs head the columns ("Adverse reaction | Drug A | Drug B" with percentages)."""
    if len({_name_key(c.text) for c in names if c.text}) < 2:
        return False
    cells = [c.text for row in values for c in row if c.text]
    return numbers_ok or any(not _NUMERIC.match(t) for t in cells)


_SAMPLE = 200
"""Cells of a column looked up to tell whether it names drugs: enough to judge its kind, and a
100,000-row table costs no more than a small one."""


def _share(cells: Sequence[Cell], is_drug: DrugLookup) -> tuple[float, int]:
    texts = [c.text for c in cells[:_SAMPLE] if c.text]
    hits = sum(1 for t in texts if names_drug(t, is_drug))
    return (hits / len(texts) if texts else 0.0), hits


def _products(header: Sequence[Cell]) -> bool:
    """Header cells that may name products the lexicon does not know ("ARX-PRO", "Brand X"),
    rather than attributes ("Safety", "Advice", "Cost")."""
    return all(c.text and attribute_key(c.text) is AttributeKey.OTHER
               and classify_heading(c.text).kind in (None, *NEUTRAL) for c in header)


def comparison_orientation(table: Table, is_drug: DrugLookup) -> Orientation | None:
    """Whether a table compares medications, and in which direction; None when it does not.

    Rows: a column (any column) whose cells name drugs, or headed "Drug" / "Medication".
    Columns: header cells that name drugs, or products after a "Feature" corner cell. When both
    readings hold, the stronger (the larger share of drug names) wins.
    """
    if table.width < 2 or len(table.rows) < 2:
        return None
    h = max(table.header_rows, 1)
    header = table.rows[h - 1]
    body = table.rows[h:]
    candidates: list[tuple[float, int, Orientation]] = []
    if len(body) >= 2:
        for j in range(table.width):
            column = [r[j] for r in body]
            share, hits = _share(column, is_drug)
            named = bool(table.header_rows and _MEDICATION_HEADER.match(header[j].text.strip().rstrip(":")))
            others = [[c for k, c in enumerate(r) if k != j] for r in body]
            if ((hits >= 2 and share >= _MIN_SHARE) or (named and len([c for c in column if c.text]) >= 2)) \
                    and _compares(column, others, numbers_ok=False):
                candidates.append((share if hits >= 2 else 0.5, hits, Orientation(False, j)))
    first_header = header[0].text.strip().rstrip(":")
    all_drugs = table.header_rows > 0 and all(c.text and names_drug(c.text, is_drug) for c in header)
    start = 0 if all_drugs and len({c.text for c in header}) == table.width else 1
    heads = header[start:]
    share, hits = _share(heads, is_drug)
    columns = [[r[j] for r in body] for j in range(start, table.width)]
    if (table.width - start >= 2 and len(heads) >= 2) and (
        (hits >= 2 and share >= _MIN_SHARE)
        or (start == 1 and _FEATURE_HEADER.match(first_header) and table.header_rows > 0
            and all(c.text for c in heads) and len(body) >= 2 and _products(heads))
    ) and _compares(heads, columns, numbers_ok=hits >= 2):
        candidates.append((share if hits >= 2 else 0.5, hits, Orientation(True, start)))
    if not candidates:
        return None
    # the stronger reading; at equal strength rows, the usual layout
    return max(candidates, key=lambda c: (c[0], c[1], not c[2].transposed))[2]


def _is_section_columns(table: Table) -> bool:
    if not table.header_rows or len(table.rows) - table.header_rows > 4:
        return False
    header = table.rows[table.header_rows - 1]
    kinds = [classify_heading(c.text).kind for c in header if c.text]
    return any(k is not None and k not in NEUTRAL for k in kinds) and any(
        c.items for r in table.rows[table.header_rows :] for c in r
    )


_FREQUENCY_CATEGORIES = frozenset({"common", "rare"})


def _frequencies_beside(table: Table) -> bool:
    """Whether every second cell of a two-column table says how often ("More than 1 in 10
    people", "Rare", "Common"): the first column then names what happens that often."""
    cells = [r[1].text for r in table.rows if r[0].text and r[1] is not r[0]]
    return len(cells) >= 2 and all(
        len(c.split()) <= 10 and (classify_heading(c).category in _FREQUENCY_CATEGORIES)
        for c in cells)


def _is_frequency_columns(table: Table) -> bool:
    """Whether the columns after the first are frequencies ("Very common", "Common",
    "Uncommon", "Rare"): each cell then lists the effects of that frequency."""
    if not table.header_rows:
        return False
    header = table.rows[table.header_rows - 1]
    named = [classify_heading(c.text) for c in header[1:] if c.text]
    return (classify_heading(header[0].text).category is None
            and sum(1 for h in named if h.category in _FREQUENCY_CATEGORIES
                    and h.kind in (None, "side_effects")) >= 2)


def _columns_as_lists(table: Table, context: str | None, first: int) -> list[Block]:
    """Each column from ``first`` on as a heading (its header) over the items of its cells;
    a header or cell spanning two columns belongs to the first."""
    out: list[Block] = []
    header = table.rows[table.header_rows - 1]
    for col, head in enumerate(header):
        if col < first or not head.text or (col and head is header[col - 1]):
            continue
        out.append(Block("heading", head.text.rstrip(":"), PSEUDO_LEVEL, "th"))
        for row in table.rows[table.header_rows :]:
            cell = row[col]
            if col and cell is row[col - 1]:
                continue
            for item in cell.items or ([cell.text] if cell.text else []):
                out.append(Block("item", item, context=context, source="td"))
    return out


def _unroll(table: Table, context: str | None) -> list[Block]:
    out: list[Block] = []
    rows = table.rows
    if table.caption:
        out.append(Block("heading", table.caption, PSEUDO_LEVEL, "caption"))
    if _is_section_columns(table):
        return out + _columns_as_lists(table, context, first=0)
    if _is_frequency_columns(table):
        # a summary of product characteristics: organ classes down, frequencies across
        return out + _columns_as_lists(table, context, first=1)
    if table.width == 2 and not table.header_rows and _frequencies_beside(table):
        # "Weight gain | More than 1 in 10 people": each row names an effect and how often
        for row in rows:
            if row[0].text and row[0] is not row[1]:
                out.append(Block("item", row[0].text, context=context, source="tr",
                                 extra={"frequency": row[1].text}))
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
        # the first column of percentages ("Lisinopril (n=1,349) %") gives each row's incidence
        how_many = next((i for i, c in enumerate(header) if i and _PERCENT_HEADER.search(c.text)
                         and all(_NUMBER.fullmatch(r[i].text.strip(" %")) for r in rows[table.header_rows:]
                                 if r[i].text)), None)
        for row in rows[table.header_rows :]:
            lead = row[0].text
            if not lead:
                continue
            rest = [f"{header[i].text}: {c.text}" if header[i].text else c.text
                    for i, c in enumerate(row[1:], start=1) if c.text and c is not row[0]]
            if lists_terms:
                extra = {"frequency": row[how_often].text} if how_often is not None else {}
                if how_many is not None and row[how_many].text:
                    extra["incidence"] = row[how_many].text.strip(" %")
                out.append(Block("item", lead, context=context, source="tr", extra=extra))
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
            block.extra["drug_column"] = str(orientation.drug_column)
            out.append(block)
        else:
            out.extend(_unroll(block.table, block.context))
            out.append(Block("boundary", "", PSEUDO_LEVEL))
    return out

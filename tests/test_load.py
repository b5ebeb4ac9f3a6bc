"""``pipeline.load``: the same typed DataFrames from Parquet, CSV, SQLite or a database URL.

The expected dtypes are written out here by hand, one table at a time, so a change of type in
the models or the loader shows up as a failing row. Parquet files are checked for their
physical types too, and the CSV formula-injection guard for what it changes (CSV only).
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import load
from pipeline.export import table_columns, write_outputs
from pipeline.loader import LoadError
from pipeline.models import (
    AmountPer,
    Article,
    AttributeKey,
    Benefit,
    Comparison,
    Dose,
    DoseKind,
    Unit,
    Warning,
)
from pipeline.store.parquet import write_parquet
from pipeline.store.sql import write_database

STRING = "string"
UNITS = pd.CategoricalDtype([u.value for u in Unit])
KINDS = pd.CategoricalDtype([k.value for k in DoseKind])
AMOUNT_PER = pd.CategoricalDtype([p.value for p in AmountPer])
ATTRIBUTES = pd.CategoricalDtype([k.value for k in AttributeKey])
CATEGORIES = pd.CategoricalDtype(
    ["common", "serious", "rare", "withdrawal", "overdose", "unspecified"])

EXPECTED_DTYPES: dict[str, dict[str, Any]] = {
    "articles": {"article_id": STRING, "source": STRING, "url": STRING, "title": STRING,
                 "description": STRING, "site_name": STRING, "language": STRING,
                 "published": "datetime64[s]", "modified": "datetime64[s]", "drug": STRING,
                 "drug_class": STRING, "author_name": STRING, "author_title": STRING},
    "doses": {"article_id": STRING, "seq": "Int64", "drug": STRING, "drug_class": STRING,
              "amount": "Float64",
              "amount_max": "Float64", "unit": UNITS, "kind": KINDS,
              "amount_per": AMOUNT_PER, "frequency_per_day": "Float64", "route": STRING,
              "form": STRING, "food": STRING, "population": STRING, "as_needed": "boolean",
              "section": STRING, "evidence": STRING},
    "benefits": {"article_id": STRING, "seq": "Int64", "drug": STRING, "drug_class": STRING,
                 "evidence": STRING,
                 "section": STRING},
    "side_effects": {"article_id": STRING, "seq": "Int64", "drug": STRING, "drug_class": STRING,
                     "term": STRING,
                     "term_normalized": STRING, "term_canonical": STRING,
                     "category": CATEGORIES, "incidence": "Float64", "section": STRING,
                     "evidence": STRING},
    "warnings": {"article_id": STRING, "seq": "Int64", "drug": STRING, "drug_class": STRING,
                 "evidence": STRING,
                 "section": STRING},
    "conditions": {"article_id": STRING, "seq": "Int64", "name": STRING,
                   "name_normalized": STRING, "evidence": STRING},
    "comparisons": {"article_id": STRING, "table_index": "Int64", "row_index": "Int64",
                    "medication": STRING, "drug": STRING, "drug_class": STRING,
                    "effectiveness": STRING,
                    "evidence": STRING},
    "comparison_side_effects": {"article_id": STRING, "table_index": "Int64", "row_index": "Int64",
                                "seq": "Int64", "term": STRING},
    "comparison_attributes": {"article_id": STRING, "table_index": "Int64", "row_index": "Int64",
                              "seq": "Int64", "header": STRING, "attribute": ATTRIBUTES,
                              "value": STRING},
    "citations": {"article_id": STRING, "seq": "Int64", "citation": STRING},
}

EXPECTED_ARROW_TYPES: dict[str, dict[str, pa.DataType]] = {
    "articles": {"published": pa.date32(), "modified": pa.date32(),
                 "citations": pa.list_(pa.field("item", pa.string(), nullable=False))},
    "doses": {"seq": pa.int64(), "amount": pa.float64(), "amount_max": pa.float64(),
              "unit": pa.string(), "frequency_per_day": pa.float64(), "as_needed": pa.bool_()},
    "comparisons": {"table_index": pa.int64(), "row_index": pa.int64(),
                    "side_effects": pa.list_(pa.field("item", pa.string(), nullable=False))},
}


@pytest.fixture(scope="module")
def out(raw_output: Path) -> Path:
    """Every raw/ page extracted: Parquet, CSV, JSON and SQLite side by side."""
    return raw_output


@pytest.fixture(scope="module")
def csv_only(tmp_path_factory: pytest.TempPathFactory, out: Path) -> Path:
    folder = tmp_path_factory.mktemp("csv-only")
    for path in out.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


SOURCES = ["parquet directory", "csv directory", "sqlite file", "sqlite url"]


def _source(kind: str, out: Path, csv_only: Path) -> str | Path:
    return {"parquet directory": out, "csv directory": csv_only,
            "sqlite file": out / "medications.sqlite",
            "sqlite url": f"sqlite:///{out / 'medications.sqlite'}"}[kind]


def test_load_is_the_package_function() -> None:
    import pipeline.loader

    assert pipeline.load is pipeline.loader.load
    assert callable(pipeline.load)


@pytest.mark.parametrize("kind", SOURCES)
def test_every_table_has_the_dtypes_of_its_fields(kind: str, out: Path, csv_only: Path) -> None:
    frames = load(_source(kind, out, csv_only))
    assert list(frames) == list(EXPECTED_DTYPES)
    for table, expected in EXPECTED_DTYPES.items():
        frame = frames[table]
        assert list(frame.columns) == list(expected) == table_columns()[table]
        for column, dtype in expected.items():
            assert frame[column].dtype == dtype, (table, column, frame[column].dtype)


@pytest.mark.parametrize("kind", SOURCES[1:])
def test_every_source_gives_the_frames_of_the_parquet_files(kind: str, out: Path,
                                                           csv_only: Path) -> None:
    """Also: the Parquet round trip equals the CSV content, value for value."""
    expected = load(out)
    frames = load(_source(kind, out, csv_only))
    for table in expected:
        assert len(expected[table]) > 0, table
        pd.testing.assert_frame_equal(frames[table], expected[table], obj=table)


def test_values_keep_their_types(out: Path) -> None:
    frames = load(out)
    doses = frames["doses"]
    assert doses["amount"].min() >= 0
    assert set(doses["unit"].dropna()) <= set(UNITS.categories)
    assert doses["as_needed"].isna().sum() == 0
    articles = frames["articles"]
    assert articles["published"].notna().any()
    assert articles["url"].isna().any() or articles["url"].notna().all()
    assert (doses["amount_max"].dropna() >= 0).all()


@pytest.mark.parametrize("kind", SOURCES)
def test_rows_come_in_input_order(kind: str, out: Path, csv_only: Path) -> None:
    """Articles in the order of articles.jsonl (the run's input order), not by their hash id;
    every record after its article's, then by its key."""
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    order = [json.loads(line)["article_id"] for line in lines]
    assert order != sorted(order), "hash order would pass unnoticed"
    frames = load(_source(kind, out, csv_only))
    assert list(frames["articles"]["article_id"]) == order
    position = {aid: n for n, aid in enumerate(order)}
    for table, key in [("doses", ["seq"]),
                       ("comparison_attributes", ["table_index", "row_index", "seq"])]:
        frame = frames[table]
        ranks = [(position[a], *k) for a, *k in frame[["article_id", *key]].itertuples(index=False)]
        assert len(ranks) > 1 and ranks == sorted(ranks), table


def _article(source: str, article_id: str) -> Article:
    return Article(article_id=article_id, source=source, title=f"About {source}",
                   doses=[Dose(drug=None, amount=float(n), unit=Unit.MG, kind=DoseKind.DOSE,
                               text=f"{n} mg") for n in (3, 1, 2)])


def test_a_database_gives_its_articles_by_source_whatever_the_runs(tmp_path: Path) -> None:
    """A database keeps articles across runs (until --prune): they come by source, as a run
    over those files would order them, with every article's records in their order."""
    db = tmp_path / "kept.sqlite"
    write_database(db, ["pages/b.html"], [_article("pages/b.html", "0aaa")])
    write_database(db, ["pages/a.html"], [_article("pages/a.html", "ffff")])
    write_database(db, ["pages/c.html"], [_article("pages/c.html", "7777")])
    frames = load(db)
    assert list(frames["articles"]["source"]) == ["pages/a.html", "pages/b.html", "pages/c.html"]
    assert list(frames["doses"]["article_id"]) == ["ffff"] * 3 + ["0aaa"] * 3 + ["7777"] * 3
    assert list(frames["doses"]["amount"]) == [3.0, 1.0, 2.0] * 3


@pytest.mark.parametrize("target", ["sqlite:///{tmp}/nosuch.sqlite", "{tmp}/nosuch.sqlite",
                                    "sqlite:///{tmp}/nosuch.db", "sqlite://"])
def test_loading_creates_no_file(tmp_path: Path, target: str) -> None:
    with pytest.raises(LoadError):
        load(target.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_loading_never_changes_a_database(out: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(out / "medications.sqlite", db)
    before = db.read_bytes()
    db.chmod(0o444)
    assert len(load(f"sqlite:///{db}")["articles"]) > 0
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite"]


@pytest.mark.parametrize("url", ["mysql://me@localhost/meds", "mssql+pyodbc://me@dsn",
                                 "oracle://me@localhost/meds"])
def test_an_unsupported_database_names_the_supported_ones(url: str) -> None:
    with pytest.raises(LoadError, match=r"unsupported database .*PostgreSQL.*SQLite"):
        load(url)


@pytest.mark.parametrize("table", list(EXPECTED_ARROW_TYPES))
def test_parquet_columns_are_typed(out: Path, table: str) -> None:
    schema = pq.read_schema(out / f"{table}.parquet")
    assert schema.names[:len(table_columns()[table])] == table_columns()[table]
    for column, arrow_type in EXPECTED_ARROW_TYPES[table].items():
        assert schema.field(column).type == arrow_type, (table, column)
    assert not schema.field("article_id").nullable


def test_parquet_list_columns_hold_the_unrolled_items(out: Path) -> None:
    comparisons = pq.read_table(out / "comparisons.parquet").to_pylist()
    terms = pq.read_table(out / "comparison_side_effects.parquet").to_pylist()
    for row in comparisons:
        expected = [t["term"] for t in sorted(terms, key=lambda t: t["seq"])
                    if (t["article_id"], t["table_index"], t["row_index"]) ==
                    (row["article_id"], row["table_index"], row["row_index"])]
        assert row["side_effects"] == expected
    articles = pq.read_table(out / "articles.parquet").to_pylist()
    citations = pq.read_table(out / "citations.parquet").to_pylist()
    assert sum(len(a["citations"]) for a in articles) == len(citations) > 0


def test_load_needs_a_complete_output(tmp_path: Path, out: Path) -> None:
    with pytest.raises(LoadError, match="not an output directory"):
        load(tmp_path / "nothing-here")
    with pytest.raises(LoadError, match="no complete set"):
        load(tmp_path)
    shutil.copy(out / "doses.csv", tmp_path / "doses.csv")
    with pytest.raises(LoadError, match="no complete set"):
        load(tmp_path)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(LoadError, match="no table"):
        load(empty)


def test_load_refuses_a_value_outside_an_enum(csv_only: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(csv_only, folder)
    text = (folder / "doses.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1]
    unit = next(u.value for u in Unit if f",{u.value}," in first)
    (folder / "doses.csv").write_text(text.replace(first, first.replace(f",{unit},", ",spoon,")),
                                      encoding="utf-8")
    with pytest.raises(LoadError, match="spoon"):
        load(folder)


# ---- CSV formula injection: neutralised in CSV, raw everywhere else ------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A9)", "'already quoted"]
HARMLESS = ["-5", "+0.5", "a = b", "Take 5 mg"]
CONTROL = ["\tTab first", "\rCarriage return first"]
"""Evidence text is stripped by the models; an optional field (``section``) keeps these."""


TEXTS = [*FORMULAS, *HARMLESS, "x", "x"]


def _awkward_article() -> Article:
    texts = FORMULAS + HARMLESS
    return Article(
        article_id="0123456789abcdef", source="=pages/evil.html", title="@Naproxen",
        drug="naproxen",
        doses=[Dose(drug="naproxen", amount=5.0, unit=Unit.MG, kind=DoseKind.DOSE, text=t)
               for t in texts]
        + [Dose(drug="naproxen", amount=5.0, unit=Unit.MG, kind=DoseKind.DOSE, text="x",
                section=section) for section in CONTROL],
        benefits=[Benefit(drug=None, text="-relieves pain")],
        warnings=[Warning(drug=None, text="=1+1", section="+Warnings")],
        comparisons=[Comparison(table=0, row=0, medication="=Naproxen", text="=Naproxen | x",
                                side_effects=["-nausea"], attributes={"=col": "-value"})],
    )


def test_formula_cells_are_neutralised_in_csv_only(tmp_path: Path) -> None:
    article = _awkward_article()
    write_outputs(tmp_path, [article], [])
    write_parquet(tmp_path, [article])
    write_database(tmp_path / "medications.sqlite", [article.source], [article])
    with (tmp_path / "doses.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["evidence"] for r in rows] == ["'" + t for t in FORMULAS] + HARMLESS + ["x", "x"]
    assert [r["section"] for r in rows][-2:] == ["'" + t for t in CONTROL]
    for table, column, raw in [("articles", "source", "=pages/evil.html"),
                               ("articles", "title", "@Naproxen"),
                               ("warnings", "section", "+Warnings"),
                               ("comparison_attributes", "header", "=col"),
                               ("comparison_attributes", "value", "-value"),
                               ("comparison_side_effects", "term", "-nausea")]:
        with (tmp_path / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            assert [r[column] for r in csv.DictReader(fh)] == ["'" + raw], (table, column)
        data = json.loads((tmp_path / f"{table}.json").read_text(encoding="utf-8"))
        assert [r[column] for r in data] == [raw], (table, column)
    doses = json.loads((tmp_path / "doses.json").read_text("utf-8"))
    assert [r["evidence"] for r in doses] == TEXTS
    assert [r["section"] for r in doses][-2:] == CONTROL
    assert json.loads((tmp_path / "articles.jsonl").read_text("utf-8"))["title"] == "@Naproxen"
    assert pq.read_table(tmp_path / "doses.parquet").column("evidence").to_pylist() == TEXTS
    for source in (tmp_path, tmp_path / "medications.sqlite"):
        assert list(load(source)["doses"]["evidence"]) == TEXTS, source
        assert list(load(source)["doses"]["section"])[-2:] == CONTROL, source
    for path in tmp_path.glob("*.parquet"):
        path.unlink()
    frames = load(tmp_path)  # now from the CSV files: the defused cells come back raw
    assert list(frames["doses"]["evidence"]) == TEXTS
    assert list(frames["doses"]["section"])[-2:] == CONTROL
    assert list(frames["articles"]["source"]) == ["=pages/evil.html"]
    assert list(frames["comparison_attributes"]["value"]) == ["-value"]

"""The output directory as downstream programs see it, on a copy of the shipped samples.

The contract of SPEC.md: every listed file exists; tables are tidy (``article_id`` on every
row, pointing at an article); CSV headers come from the models; CSV and JSON agree; pandas
loads everything; two runs give byte-identical datasets (only ``run.json`` differs); an
article's id is stable across runs and follows its bytes; every record carries its evidence.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.export import table_columns, write_outputs
from pipeline.models import (
    Article,
    Benefit,
    Comparison,
    Dose,
    DoseKind,
    Reject,
    SideEffect,
    SideEffectCategory,
    Unit,
    Warning,
)
from pipeline.run import article_id, process_page
from pipeline.validate import build
from tests.conftest import RAW, ROOT

SPEC_TABLES = ("articles", "doses", "benefits", "side_effects", "warnings", "conditions",
               "comparisons")
RECORD_LISTS = ("conditions", "doses", "benefits", "side_effects", "warnings", "comparisons")


def _extract(pages: Path, out: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}  # set order must not leak into outputs
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pages),
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A copy of raw/ and two runs over it into two output directories."""
    base = tmp_path_factory.mktemp("outputs")
    pages = base / "raw"
    shutil.copytree(RAW, pages)
    first, second = base / "out1", base / "out2"
    _extract(pages, first, hash_seed="1")
    _extract(pages, second, hash_seed="2")
    return pages, first, second


@pytest.fixture(scope="module")
def out(runs: tuple[Path, Path, Path]) -> Path:
    return runs[1]


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_spec_tables_are_all_exported() -> None:
    assert set(SPEC_TABLES) <= set(table_columns())


def test_every_file_exists(out: Path) -> None:
    expected = {"articles.jsonl", "rejects.jsonl", "run.json"}
    expected |= {f"{t}.{ext}" for t in table_columns() for ext in ("csv", "json")}
    missing = sorted(name for name in expected if not (out / name).is_file())
    assert not missing
    leftovers = sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))
    assert not leftovers, "temporary files of the atomic writes were left behind"


def test_every_input_is_an_article_or_a_reject(runs: tuple[Path, Path, Path]) -> None:
    pages, out, _ = runs
    inputs = {str(p) for p in pages.glob("*.htm*")}
    reported = {a["source"] for a in _jsonl(out / "articles.jsonl")}
    reported |= {r["source"] for r in _jsonl(out / "rejects.jsonl")}
    assert inputs == reported


def test_run_manifest_counts_the_rows(out: Path) -> None:
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == len(list(RAW.glob("*.htm*")))
    for table in table_columns():
        assert manifest["rows"][table] == len(_csv_rows(out / f"{table}.csv")[1]), table


@pytest.mark.parametrize("table", list(table_columns()))
def test_csv_header_comes_from_the_models(out: Path, table: str) -> None:
    header, _ = _csv_rows(out / f"{table}.csv")
    assert header == table_columns()[table]


@pytest.mark.parametrize("table", list(table_columns()))
def test_every_row_points_at_an_article(out: Path, table: str) -> None:
    _, articles = _csv_rows(out / "articles.csv")
    ids = {a["article_id"] for a in articles}
    assert len(ids) == len(articles), "article_id is not unique"
    _, rows = _csv_rows(out / f"{table}.csv")
    for row in rows:
        assert row["article_id"], row
        assert row["article_id"] in ids, row


@pytest.mark.parametrize("table", list(table_columns()))
def test_json_and_csv_hold_the_same_rows(out: Path, table: str) -> None:
    _, rows = _csv_rows(out / f"{table}.csv")
    data = json.loads((out / f"{table}.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    assert len(data) == len(rows)
    assert [list(r) for r in data] == [table_columns()[table]] * len(data)
    assert [r["article_id"] for r in data] == [r["article_id"] for r in rows]


@pytest.mark.parametrize("table", list(table_columns()))
def test_pandas_loads_every_table(out: Path, table: str) -> None:
    from_csv = pd.read_csv(out / f"{table}.csv")
    from_json = pd.read_json(out / f"{table}.json", orient="records", dtype=False)
    assert list(from_csv.columns) == table_columns()[table]
    assert len(from_csv) == len(from_json)


def test_pandas_loads_articles_jsonl_as_in_the_readme(out: Path) -> None:
    articles = pd.read_json(out / "articles.jsonl", lines=True)
    doses = pd.read_csv(out / "doses.csv", dtype={"unit": "category", "kind": "category"})
    assert len(articles) == len(list(RAW.glob("*.htm*")))
    assert {"article_id", "source", "title", "drug", "doses", "side_effects"} <= set(articles)
    joined = doses.merge(articles[["article_id", "title"]], on="article_id")
    assert len(joined) == len(doses)


def test_two_runs_give_byte_identical_datasets(runs: tuple[Path, Path, Path]) -> None:
    _, first, second = runs
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    differing = [n for n in names
                 if Path(n).name != "run.json" and (first / n).read_bytes() != (second / n).read_bytes()]
    assert not differing


def test_article_id_is_stable_and_follows_the_bytes(runs: tuple[Path, Path, Path]) -> None:
    pages, first, second = runs
    ids = [{a["source"]: a["article_id"] for a in _jsonl(o / "articles.jsonl")}
           for o in (first, second)]
    assert ids[0] == ids[1]
    page = sorted(pages.glob("*.htm*"))[0]
    data = page.read_bytes()
    assert article_id(str(page), data) == ids[0][str(page)]
    same = process_page(str(page), data).article
    edited = process_page(str(page), data + b"\n<!-- edited -->\n").article
    assert same is not None and edited is not None
    assert same.article_id == ids[0][str(page)]
    assert edited.article_id != same.article_id


def test_every_record_carries_its_evidence(out: Path) -> None:
    for article in _jsonl(out / "articles.jsonl"):
        for key in RECORD_LISTS:
            for record in article[key]:
                assert isinstance(record["text"], str) and record["text"].strip(), (key, record)
    for table, columns in table_columns().items():
        if "evidence" in columns:  # the models' "text" (export.COLUMN_NAMES)
            _, rows = _csv_rows(out / f"{table}.csv")
            assert all(row["evidence"].strip() for row in rows), table


# ---- validation: a bad record is a reject, never an exception --------------------------------

# strict models: enum fields take the enum, exactly as the extractors build them
_DOSE = {"drug": "naproxen", "amount": 20.0, "unit": Unit.MG, "kind": DoseKind.DOSE,
         "text": "Take 20 mg twice daily."}

INVALID_RECORDS: list[Any] = [
    pytest.param(Dose, {**_DOSE, "amount_max": 10.0}, "amount_max", id="range reversed"),
    pytest.param(Dose, {**_DOSE, "amount": -5.0}, "amount", id="negative amount"),
    pytest.param(Dose, {**_DOSE, "unit": "spoonfuls"}, "unit", id="unknown unit"),
    pytest.param(Dose, {**_DOSE, "amount": "20"}, "amount", id="string amount"),
    pytest.param(Dose, {**_DOSE, "frequency_per_day": 0.0}, "frequency_per_day", id="zero freq"),
    pytest.param(Dose, {**_DOSE, "text": "   "}, "text", id="blank evidence"),
    pytest.param(SideEffect, {"drug": None, "term": "Nausea", "term_normalized": "Nausea",
                              "category": SideEffectCategory.COMMON, "text": "Nausea"},
                 "term_normalized", id="upper-case term"),
    pytest.param(Benefit, {"drug": None, "text": ""}, "text", id="empty benefit"),
    pytest.param(Warning, {"drug": None, "text": "x", "colour": "red"}, "colour",
                 id="unknown field"),
    pytest.param(Comparison, {"table": -1, "row": 0, "medication": "A", "text": "A"}, "table",
                 id="negative table"),
]


@pytest.mark.parametrize(("model", "fields", "field_name"), INVALID_RECORDS)
def test_invalid_record_becomes_a_validate_reject(model: Any, fields: dict[str, Any],
                                                  field_name: str) -> None:
    rejects: list[Reject] = []
    record = build(model, rejects, "pages/naproxen.html", **fields)
    assert record is None
    assert len(rejects) == 1
    reject = rejects[0]
    assert reject.source == "pages/naproxen.html"
    assert reject.stage == "validate"
    assert field_name in reject.reason
    assert model.__name__.lower() in reject.reason


def test_validate_reject_reaches_rejects_jsonl(tmp_path: Path) -> None:
    rejects: list[Reject] = []
    good = build(Dose, rejects, "pages/naproxen.html", **_DOSE)
    bad = build(Dose, rejects, "pages/naproxen.html", **{**_DOSE, "amount_max": 10.0})
    assert good is not None and bad is None
    article = Article(article_id="0123456789abcdef", source="pages/naproxen.html",
                      title="Naproxen", drug="naproxen", doses=[good])
    counts = write_outputs(tmp_path, [article], rejects)
    assert counts["doses"] == 1 and counts["rejects"] == 1
    (line,) = _jsonl(tmp_path / "rejects.jsonl")
    assert line["stage"] == "validate" and "amount_max" in line["reason"]
    assert line["detail"]["evidence"] == _DOSE["text"]


def test_awkward_text_survives_csv_and_json(tmp_path: Path) -> None:
    """Commas, quotes, newlines, non-ASCII and formula-like cells round-trip through pandas."""
    awkward = 'Take 5 µg, "twice"\ndaily – with food; =SUM(A1) ☺'
    article = Article(article_id="0123456789abcdef", source="pages/a,b \"c\".html",
                      title="Naproxen, 250 mg", drug="naproxen",
                      doses=[Dose(drug="naproxen", amount=5.0, unit=Unit.MCG, kind=DoseKind.DOSE,
                                  text=awkward)])
    write_outputs(tmp_path, [article], [])
    doses = pd.read_csv(tmp_path / "doses.csv", keep_default_na=False)
    assert doses.loc[0, "evidence"] == awkward
    assert pd.read_json(tmp_path / "doses.json", dtype=False).loc[0, "evidence"] == awkward
    articles = pd.read_csv(tmp_path / "articles.csv", keep_default_na=False)
    assert articles.loc[0, "source"] == article.source

"""The databases: SQLite (every run's ``OUT/medications.sqlite``) and PostgreSQL (``--db``).

Both hold the same schema with the same replace semantics, so every behaviour is tested on
both: a re-run leaves the row counts as they were, a changed page replaces its rows, a page
that became a reject loses them, ``--prune`` removes the articles of deleted sources, and the
database holds exactly what the files of the run hold. The PostgreSQL rows run against a
throwaway server (``tests/postgres.py``); outside CI they skip when none can be started.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import load
from pipeline.cli import main
from pipeline.export import table_columns
from pipeline.models import Article
from pipeline.store.sql import (
    StoreError,
    create_engine,
    database_url,
    write_database,
)
from tests.conftest import RAW

SMALL = ("01-gabapentin-300mg-blog.html", "03-amoxicillin-leaflet.html",
         "11-loratadine-prose.html")
"""Pages that between them fill every table, for the tests that run several times."""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><article>
  <h1>{title}</h1>
  <p>Cetirizine is an antihistamine used to relieve hay fever and hives.</p>
  <h2>Side effects</h2>
  <ul>{effects}</ul>
  <h2>Dosage</h2>
  <p>Adults: take 10 mg once daily.</p>
</article></body></html>
"""


def cetirizine(*effects: str, title: str = "Cetirizine 10 mg tablets") -> str:
    return PAGE.format(title=title, effects="".join(f"<li>{e}</li>" for e in effects))


def extract(pages: Path, out: Path, *options: str) -> None:
    result = CliRunner().invoke(main, ["extract", "-q", str(pages), "--out", str(out), *options])
    assert result.exit_code == 0, result.output


Store = Callable[[Path, Path, tuple[str, ...]], str]
"""Runs ``extract PAGES --out OUT [OPTIONS]`` writing to the backend; returns its URL."""


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "sqlite":
        def run_sqlite(pages: Path, out: Path, options: tuple[str, ...] = ()) -> str:
            extract(pages, out, *options)
            return str(out / "medications.sqlite")
        return run_sqlite
    url: str = request.getfixturevalue("postgres_url")

    def run_postgresql(pages: Path, out: Path, options: tuple[str, ...] = ()) -> str:
        extract(pages, out, "--db", url, *options)
        return url
    return run_postgresql


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(RAW / name, folder / name)
    (folder / "cetirizine.html").write_text(cetirizine("Drowsiness", "Dry mouth", "Headache"),
                                            encoding="utf-8")
    return folder


def row_counts(target: str | Path) -> dict[str, int]:
    return {name: len(frame) for name, frame in load(target).items()}


def assert_same_datasets(database: str | Path, out: Path) -> None:
    """The database holds exactly the rows of the run's files, value for value."""
    stored, files = load(database), load(out)
    assert list(stored) == list(files) == list(table_columns())
    for name in files:
        pd.testing.assert_frame_equal(stored[name], files[name], obj=name)


def sources(target: str | Path) -> set[str]:
    return set(load(target)["articles"]["source"])


# ---- round trip and replace semantics, on SQLite and PostgreSQL ------------------------------

def test_database_holds_the_datasets_of_every_raw_page(store: Store, tmp_path: Path) -> None:
    """The round trip: extract into the database, load it back, equal to the local files."""
    target = store(RAW, tmp_path / "out", ())
    assert_same_datasets(target, tmp_path / "out")
    counts = row_counts(target)
    assert all(counts[t] > 0 for t in table_columns()), counts


def test_rerun_leaves_row_counts_unchanged(store: Store, pages: Path, tmp_path: Path) -> None:
    target = store(pages, tmp_path / "out", ())
    first = row_counts(target)
    store(pages, tmp_path / "out", ())
    assert row_counts(target) == first
    assert first["articles"] == 4
    assert_same_datasets(target, tmp_path / "out")


def test_changed_page_replaces_its_rows(store: Store, pages: Path, tmp_path: Path) -> None:
    target = store(pages, tmp_path / "out", ())
    page = pages / "cetirizine.html"
    articles = load(target)["articles"]
    (old_id,) = articles.loc[articles["source"] == str(page), "article_id"]
    page.write_text(cetirizine("Drowsiness", title="Cetirizine 10 mg: uses and dosage"),
                    encoding="utf-8")
    store(pages, tmp_path / "out", ())
    stored = load(target)
    assert old_id not in set(stored["articles"]["article_id"])
    for name, frame in stored.items():
        assert old_id not in set(frame["article_id"]), f"{name} kept rows of the old page"
    articles = stored["articles"]
    (title,) = articles.loc[articles["source"] == str(page), "title"]
    assert title == "Cetirizine 10 mg: uses and dosage"
    assert_same_datasets(target, tmp_path / "out")


def test_page_that_became_a_reject_loses_its_rows(store: Store, pages: Path,
                                                  tmp_path: Path) -> None:
    target = store(pages, tmp_path / "out", ())
    (pages / "cetirizine.html").write_bytes(b"")
    store(pages, tmp_path / "out", ())
    assert str(pages / "cetirizine.html") not in sources(target)
    assert_same_datasets(target, tmp_path / "out")


def test_prune_removes_the_rows_of_a_deleted_source(store: Store, pages: Path,
                                                    tmp_path: Path) -> None:
    target = store(pages, tmp_path / "out", ())
    gone = pages / SMALL[0]
    gone.unlink()
    store(pages, tmp_path / "out", ())
    assert str(gone) in sources(target), "without --prune the database keeps other sources"
    store(pages, tmp_path / "out", ("--prune",))
    assert str(gone) not in sources(target)
    assert_same_datasets(target, tmp_path / "out")


def test_runs_over_other_pages_add_to_the_database(store: Store, pages: Path,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    store(pages / SMALL[1], out, ())
    target = store(pages / SMALL[2], out, ())
    assert sources(target) == {str(pages / SMALL[1]), str(pages / SMALL[2])}
    assert sources(out) == {str(pages / SMALL[2])}, "the files hold the last run only"


# ---- the schema: keys, cascades, indexes ----------------------------------------------------

EXPECTED_PRIMARY_KEYS = {
    "articles": ["article_id"],
    "doses": ["article_id", "seq"],
    "benefits": ["article_id", "seq"],
    "side_effects": ["article_id", "seq"],
    "warnings": ["article_id", "seq"],
    "conditions": ["article_id", "seq"],
    "comparisons": ["article_id", "table_index", "row_index"],
    "comparison_side_effects": ["article_id", "table_index", "row_index", "seq"],
    "comparison_attributes": ["article_id", "table_index", "row_index", "seq"],
    "citations": ["article_id", "seq"],
}


def test_schema_has_keys_cascades_and_indexes(store: Store, pages: Path, tmp_path: Path) -> None:
    target = store(pages / SMALL[2], tmp_path / "out", ())
    engine = create_engine(target)
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == sorted(table_columns())
        for table, columns in table_columns().items():
            assert [c["name"] for c in inspector.get_columns(table)] == columns
            assert inspector.get_pk_constraint(table)["constrained_columns"] == \
                EXPECTED_PRIMARY_KEYS[table]
            indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
            for column in ("article_id", "drug"):
                if column in columns and table != "articles":
                    assert (column,) in indexed, (table, column)
            foreign = inspector.get_foreign_keys(table)
            if table == "articles":
                assert ("drug",) in indexed and not foreign
                continue
            to_articles = [fk for fk in foreign if fk["referred_table"] == "articles"]
            assert [fk["constrained_columns"] for fk in to_articles] == [["article_id"]]
            assert all(fk["options"].get("ondelete", "").upper() == "CASCADE" for fk in foreign)
    finally:
        engine.dispose()


def test_deleting_an_article_deletes_all_its_rows(tmp_path: Path) -> None:
    extract(RAW / SMALL[0], tmp_path / "out")
    with sqlite3.connect(tmp_path / "out" / "medications.sqlite") as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM articles")
        left = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in table_columns()}
    assert set(left.values()) == {0}, left


def test_values_travel_as_bound_parameters(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    name = """o'brien"; DROP TABLE articles; --.html"""
    title = "Cetirizine 10 mg: Robert'); DROP TABLE doses;-- tablets"
    (pages / name).write_text(cetirizine("Drowsiness", title=title), encoding="utf-8")
    extract(pages, tmp_path / "out")
    stored = load(tmp_path / "out" / "medications.sqlite")
    assert list(stored["articles"]["source"]) == [str(pages / name)]
    assert list(stored["articles"]["title"]) == [title]
    assert len(stored["doses"]) >= 1


# ---- URLs, errors, databases of another version ---------------------------------------------

@pytest.mark.parametrize(("given", "driver", "rendered"), [
    ("postgresql://me@db.example/meds", "postgresql+psycopg",
     "postgresql+psycopg://me@db.example/meds"),
    ("postgres://me:pw@db.example:5433/meds", "postgresql+psycopg",
     "postgresql+psycopg://me:***@db.example:5433/meds"),
    ("postgresql+psycopg://me@/meds?host=/tmp", "postgresql+psycopg",
     "postgresql+psycopg://me@/meds?host=%2Ftmp"),
    ("sqlite:///data/meds.sqlite", "sqlite", "sqlite:///data/meds.sqlite"),
    ("output/medications.sqlite", "sqlite", "sqlite:///output/medications.sqlite"),
])
def test_database_url(given: str, driver: str, rendered: str) -> None:
    url = database_url(given)
    assert url.drivername == driver
    assert url.render_as_string(hide_password=True) == rendered


@pytest.mark.parametrize(("url", "says"), [
    ("nosuchdb://x/y", "PostgreSQL"),
    ("post gres://x", "not a database URL"),
    ("mysql://me@localhost/meds", "unsupported database mysql: use PostgreSQL"),
    ("mssql+pyodbc://me@dsn", "unsupported database mssql: use PostgreSQL"),
    ("postgresql+asyncpg://me@localhost/meds", "supported: PostgreSQL"),
])
def test_unusable_db_url_is_a_one_line_error_before_any_work(url: str, says: str,
                                                             tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(RAW / SMALL[2]), "--out",
                                       str(tmp_path / "out"), "--db", url])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert says in result.output and "No module named 'MySQLdb'" not in result.output
    assert not (tmp_path / "out").exists()


def test_unreachable_database_is_an_error_that_hides_the_password(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "-q", str(RAW / SMALL[2]), "--out",
                                       str(tmp_path / "out"), "--db",
                                       "postgresql://me:s3cret@127.0.0.1:1/meds"])
    assert result.exit_code == 1
    assert "cannot write the database" in result.output
    assert "s3cret" not in result.output
    assert (tmp_path / "out" / "articles.csv").is_file(), "the files are written first"


def _other_version_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE doses (article_id TEXT, seq INTEGER, dose TEXT)")


def test_database_of_another_version_is_refused(tmp_path: Path) -> None:
    _other_version_database(tmp_path / "old.sqlite")
    article = Article(article_id="0123456789abcdef", source="a.html", title="Cetirizine")
    with pytest.raises(StoreError, match="table doses has columns"):
        write_database(tmp_path / "old.sqlite", ["a.html"], [article])


def test_run_rebuilds_its_own_sqlite_of_another_version(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    _other_version_database(tmp_path / "out" / "medications.sqlite")
    extract(RAW / SMALL[2], tmp_path / "out")
    assert_same_datasets(tmp_path / "out" / "medications.sqlite", tmp_path / "out")


def test_without_postgresql_binaries_the_reason_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import postgres

    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    with pytest.raises(postgres.PostgresUnavailable, match="initdb and pg_ctl not found"):
        postgres.find_binaries()


@pytest.mark.parametrize("module", ["pipeline.export", "pipeline.store.sql"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

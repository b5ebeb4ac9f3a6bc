"""Every column of every table (CSV, JSON, Parquet, SQLite, PostgreSQL) can be named in SQL
without quotes: none is a keyword of SQLite, PostgreSQL or DuckDB other than an unreserved one,
nor the name of a SQL type; ``articles.jsonl`` keeps SPEC.md's keys all the same.

The keyword lists come from the engines themselves (DuckDB's ``duckdb_keywords()``,
PostgreSQL's ``pg_get_keywords()``); SQLite, which has no such list, is asked to create and
query each column unquoted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.export import COLUMN_NAMES, column_name, field_name, table_columns
from pipeline.models import Article
from pipeline.store.columns import tables
from pipeline.store.sql import metadata

COLUMNS = sorted({c.name for t in tables().values() for c in (*t.columns, *t.list_columns)})


def _statements(name: str) -> list[str]:
    return [f"CREATE TABLE probe ({name} INTEGER)",
            f"SELECT {name} FROM probe AS p WHERE {name} = 1 GROUP BY {name} ORDER BY {name}",
            f"SELECT p.{name}, count(*) AS n FROM probe AS p GROUP BY p.{name}"]


def _type_names() -> set[str]:
    """Every type name DuckDB knows, and every type our tables are created with."""
    names = {row[0].lower() for row in duckdb.sql("SELECT type_name FROM duckdb_types()").fetchall()}
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        for table in metadata().tables.values():
            for column in table.columns:
                names.update(column.type.compile(dialect=dialect).lower().replace("(", " ").split())
    return names


def test_the_renames_are_the_columns_of_those_fields() -> None:
    assert COLUMN_NAMES == {"table": "table_index", "row": "row_index", "text": "evidence"}
    for field, column in COLUMN_NAMES.items():
        assert column_name(field) == column and field_name(column) == field
    every = {c for columns in table_columns().values() for c in columns}
    assert not set(COLUMN_NAMES) & every
    assert {"table_index", "row_index", "evidence", "attribute", "citation"} <= every


@pytest.mark.parametrize("name", COLUMNS)
def test_no_column_is_a_keyword_of_duckdb_or_a_type_name(name: str) -> None:
    keywords = dict(duckdb.sql("SELECT keyword_name, keyword_category FROM duckdb_keywords()")
                    .fetchall())
    assert keywords.get(name, "unreserved") == "unreserved", (name, keywords[name])
    assert name not in _type_names()
    db = duckdb.connect()
    for statement in _statements(name):
        db.execute(statement)


@pytest.mark.parametrize("name", COLUMNS)
def test_sqlite_takes_every_column_unquoted(name: str) -> None:
    db = sqlite3.connect(":memory:")
    for statement in _statements(name):
        db.execute(statement)


def test_no_column_is_a_keyword_of_postgresql(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            reserved = dict(conn.execute(sa.text(
                "SELECT word, catdesc FROM pg_get_keywords() WHERE catcode <> 'U'")).all())
        assert "table" in reserved and "row" in reserved, "the probe sees the keywords"
        assert [(c, reserved[c]) for c in COLUMNS if c in reserved] == []
        for name in COLUMNS:
            with engine.begin() as conn:
                for statement in _statements(name):
                    conn.execute(sa.text(statement))
                conn.execute(sa.text("DROP TABLE probe"))
    finally:
        engine.dispose()


def test_articles_jsonl_keeps_the_keys_of_the_spec(raw_output: Path) -> None:
    line = json.loads((raw_output / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert list(line) == list(Article.model_fields)
    comparisons = [c for a in map(json.loads, (raw_output / "articles.jsonl").open())
                   for c in a["comparisons"]]
    assert comparisons and {"table", "row", "text", "attributes"} <= set(comparisons[0])
    assert all("text" in r for a in map(json.loads, (raw_output / "articles.jsonl").open())
               for r in a["doses"])

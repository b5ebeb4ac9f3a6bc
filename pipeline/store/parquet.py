"""Parquet: one typed file per table (``TABLE.parquet``), written with pyarrow.

Columns and types come from :func:`pipeline.store.columns.tables`: integers as int64,
numbers as float64, booleans, dates as date32, text and enum values as strings, nullability
as the models allow. A table whose model has list fields that the tidy tables unroll (an
article's ``citations``, a comparison row's ``side_effects``) also keeps them as list columns,
after the CSV columns.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.export import Row, article_rows, new_file_mode, sorted_articles
from pipeline.models import Article
from pipeline.store.columns import Column, Table, python_value, tables

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def _field(column: Column) -> pa.Field[Any]:
    kind = _ARROW_TYPES[column.type]
    if column.is_list:
        return pa.field(column.name, pa.list_(pa.field("item", kind, nullable=False)),
                        nullable=False)
    return pa.field(column.name, kind, nullable=not column.required)


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([_field(c) for c in (*table.columns, *table.list_columns)])


def _model_items(table: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The model dumps behind the rows of a table that has one row per model instance."""
    return [data] if table == "articles" else list(data[table])


def arrow_tables(articles: Sequence[Article]) -> dict[str, pa.Table]:
    """Every table for these articles (in this order) as an Arrow table."""
    specs = tables()
    rows: dict[str, list[Row]] = {name: [] for name in specs}
    for article in articles:
        data = article.model_dump(mode="json")
        for name, table_rows in article_rows(article).items():
            lists = specs[name].list_columns
            if lists:
                items = _model_items(name, data)
                table_rows = [{**row, **{c.name: item[c.name] for c in lists}}
                              for row, item in zip(table_rows, items, strict=True)]
            rows[name].extend(table_rows)
    out: dict[str, pa.Table] = {}
    for name, spec in specs.items():
        schema = arrow_schema(spec)
        columns = [
            pa.array([python_value(col, row[col.name]) for row in rows[name]], type=field.type)
            for col, field in zip((*spec.columns, *spec.list_columns), schema, strict=True)
        ]
        out[name] = pa.Table.from_arrays(columns, schema=schema)
    return out


def write_parquet(out: Path, articles: Sequence[Article]) -> None:
    """``TABLE.parquet`` for every table, each written to a temporary name and renamed."""
    for name, table in arrow_tables(sorted_articles(articles)).items():
        path = out / f"{name}.parquet"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out)
        os.fchmod(fd, new_file_mode())
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

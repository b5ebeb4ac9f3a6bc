"""Parquet: one typed file per table (``TABLE.parquet``), written with pyarrow.

Columns and types come from :func:`pipeline.store.columns.tables`: integers as int64,
numbers as float64, booleans, dates as date32, text and enum values as strings, nullability
as the models allow. A table whose model has list fields that the tidy tables unroll (an
article's ``citations``, a comparison row's ``side_effects``) also keeps them as list columns,
after the CSV columns.
"""

from __future__ import annotations

import functools
import importlib.abc
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.export import Prepared, Row, field_name, new_file_mode, prepare, sorted_articles
from pipeline.models import Article
from pipeline.store.columns import Column, Table, python_value, tables

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


class _NoPandas(importlib.abc.MetaPathFinder):
    """Answers an import of pandas with ImportError, while it is on ``sys.meta_path``."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: object = None) -> ModuleSpec | None:
        if fullname == "pandas":
            raise ImportError("pandas is not needed to write Parquet")
        return None


@functools.cache
def arrays_without_pandas() -> None:
    """Let pyarrow convert Python values without importing pandas, in this process.

    The first time pyarrow converts Python values into an array it looks for pandas (to
    recognise a Series among them) and so imports it: about 47 MiB in the process that writes
    a run's datasets, which never hands pyarrow a pandas object. That first look is made here
    while pandas cannot be imported, and pyarrow remembers it found none: from then on it
    takes a pandas object given to ``pa.array`` for a plain sequence, until something asks it
    for pandas (``Table.to_pandas``, ``Table.from_pandas``), which imports pandas after all.
    So only a process that gives pyarrow no pandas objects calls this (the run's writer,
    :class:`pipeline.sinks.RunWriter`). Nothing changes when pandas is imported already, or
    when pyarrow no longer has this shim.
    """
    shim = getattr(pa.lib, "_pandas_api", None)
    if "pandas" in sys.modules or shim is None:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        shim.have_pandas  # noqa: B018 - the look, made once; its answer is kept by pyarrow
    finally:
        sys.meta_path.remove(finder)


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


def _parquet_rows(article: Prepared, specs: dict[str, Table]) -> dict[str, list[Row]]:
    """The rows of every table for one article, list columns included."""
    out = {}
    for name, table_rows in article.rows.items():
        lists = specs[name].list_columns
        if lists:
            items = _model_items(name, article.data)
            table_rows = [{**row, **{c.name: item[field_name(c.name)] for c in lists}}
                          for row, item in zip(table_rows, items, strict=True)]
        out[name] = table_rows
    return out


def _arrow_table(spec: Table, schema: pa.Schema, rows: list[Row]) -> pa.Table:
    columns = [
        pa.array([python_value(col, row[col.name]) for row in rows], type=field.type)
        for col, field in zip((*spec.columns, *spec.list_columns), schema, strict=True)
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def arrow_tables(articles: Sequence[Article]) -> dict[str, pa.Table]:
    """Every table for these articles (in this order) as an Arrow table."""
    specs = tables()
    rows: dict[str, list[Row]] = {name: [] for name in specs}
    for article in articles:
        for name, table_rows in _parquet_rows(prepare(article), specs).items():
            rows[name].extend(table_rows)
    return {name: _arrow_table(spec, arrow_schema(spec), rows[name]) for name, spec in specs.items()}


class ParquetWriter:
    """``TABLE.parquet`` for every table, written as articles arrive, a row group per
    ``batch`` articles: memory holds one batch, not the run. Write into a staging directory;
    the files are complete after :meth:`close`."""

    def __init__(self, out: Path, batch: int = 250) -> None:
        self._specs = tables()
        self._schemas = {name: arrow_schema(spec) for name, spec in self._specs.items()}
        self._rows: dict[str, list[Row]] = {name: [] for name in self._specs}
        self._batch = batch
        self._pending = 0
        self._writers = {}
        mode = new_file_mode()
        for name, schema in self._schemas.items():
            path = out / f"{name}.parquet"
            self._writers[name] = pq.ParquetWriter(path, schema)
            os.chmod(path, mode)

    def add(self, article: Prepared) -> None:
        for name, table_rows in _parquet_rows(article, self._specs).items():
            self._rows[name].extend(table_rows)
        self._pending += 1
        if self._pending >= self._batch:
            self._flush()

    def _flush(self) -> None:
        for name, rows in self._rows.items():
            if rows:
                self._writers[name].write_table(_arrow_table(self._specs[name], self._schemas[name], rows))
                rows.clear()
        self._pending = 0

    def close(self) -> None:
        self._flush()
        for writer in self._writers.values():
            writer.close()


def write_parquet(out: Path, articles: Sequence[Article]) -> None:
    """``TABLE.parquet`` for every table of a list of articles (sorted by source), each
    written to a temporary directory and renamed into place."""
    tmp = Path(tempfile.mkdtemp(prefix=".parquet.", suffix=".tmp", dir=out))
    try:
        writer = ParquetWriter(tmp)
        for article in sorted_articles(articles):
            writer.add(prepare(article))
        writer.close()
        for path in sorted(tmp.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

"""``pipeline.load(PATH_OR_URL)``: the datasets as pandas DataFrames, one per table, typed.

Reads an output directory (its Parquet files, else its CSV files), a SQLite file or a
database URL, and gives the same frames whichever it read: the CSV columns in their order,
rows sorted by the table's primary key, and dtypes from the models:

- integers ``Int64`` and numbers ``Float64`` (nullable), booleans ``boolean``;
- enum fields (``unit``, ``kind``, ``category``) ``category`` with the model's values;
- dates ``datetime64[s]``;
- text ``string``, missing values ``<NA>``. An empty optional text reads as missing, since a
  CSV cell cannot tell the two apart; CSV cells defused against formula injection get their
  raw value back.

pandas, pyarrow and SQLAlchemy are imported on the first call, so ``import pipeline`` stays
light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.store.columns import Column, Table, tables

if TYPE_CHECKING:
    import pandas as pd


class LoadError(ValueError):
    """Nothing loadable at the given path or URL."""


def dtype(column: Column) -> Any:
    """The pandas dtype of a column."""
    import pandas as pd

    if column.enum is not None:
        return pd.CategoricalDtype(categories=list(column.enum), ordered=False)
    return {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
            "date": "datetime64[s]"}[column.type]


def _typed(values: list[Any], column: Column, table: str) -> pd.Series:
    """One column of plain Python values (None for missing) as its dtype."""
    import pandas as pd

    if column.type == "date":
        dates = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        return pd.Series(pd.to_datetime(pd.Series(dates, dtype=object))).astype(dtype(column))
    if column.enum is not None:
        unknown = {v for v in values if v is not None} - set(column.enum)
        if unknown:
            raise LoadError(f"{table}.{column.name}: values outside the model's enum: "
                            f"{sorted(unknown)}")
        return pd.Series(values, dtype=object).astype(dtype(column))
    if column.type == "string" and not column.required:
        values = [None if v == "" else v for v in values]
    return pd.Series(pd.array(values, dtype=dtype(column)))


def _frame(table: Table, columns: dict[str, list[Any]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c.name: _typed(columns[c.name], c, table.name) for c in table.columns})
    return frame.sort_values(list(table.primary_key), kind="stable").reset_index(drop=True)


def _from_parquet(path: Path, table: Table) -> pd.DataFrame:
    import pyarrow.parquet as pq

    data = pq.read_table(path, columns=table.names)
    return _frame(table, {name: data.column(name).to_pylist() for name in table.names})


def _csv_value(column: Column, text: str) -> Any:
    from pipeline.export import restore_formula

    if column.type == "string":
        return restore_formula(text) if text or column.required else None
    if text == "":
        return None
    if column.type == "boolean":
        return {"true": True, "false": False}[text]
    if column.type == "integer":
        return int(text)
    if column.type == "number":
        return float(text)
    return text


def _from_csv(path: Path, table: Table) -> pd.DataFrame:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != table.names:
            raise LoadError(f"{path}: columns {reader.fieldnames}, expected {table.names}")
        rows = list(reader)
    return _frame(table, {c.name: [_csv_value(c, row[c.name]) for row in rows]
                          for c in table.columns})


def _from_directory(folder: Path) -> dict[str, pd.DataFrame]:
    specs = tables()
    readers: list[tuple[str, Callable[[Path, Table], pd.DataFrame]]] = [
        ("parquet", _from_parquet), ("csv", _from_csv)]
    for suffix, read in readers:
        paths = {name: folder / f"{name}.{suffix}" for name in specs}
        if all(p.is_file() for p in paths.values()):
            return {name: read(paths[name], spec) for name, spec in specs.items()}
    raise LoadError(f"{folder}: no complete set of TABLE.parquet or TABLE.csv files "
                    f"({', '.join(specs)})")


def _from_database(target: str | Path) -> dict[str, pd.DataFrame]:
    import sqlalchemy as sa

    from pipeline.store.sql import create_engine, database_url, display_url, metadata

    url = database_url(target)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            missing = [name for name in tables() if name not in present]
            if missing:
                raise LoadError(f"{display_url(url)}: no table {', '.join(missing)}")
            frames = {}
            for name, spec in tables().items():
                table = metadata().tables[name]
                rows = conn.execute(sa.select(table)).all()
                frames[name] = _frame(spec, {c: [row._mapping[c] for row in rows]
                                             for c in spec.names})
            return frames
    finally:
        engine.dispose()


def load(source: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of the datasets at ``source`` as a typed DataFrame, by table name.

    ``source`` is an output directory (Parquet files if all are there, else CSV files), a
    SQLite file (``.sqlite``, ``.sqlite3``, ``.db``) or a database URL
    (``sqlite:///path``, ``postgresql://user@host/db``).
    """
    from pipeline.store.sql import SQLITE_SUFFIXES

    text = str(source)
    if "://" in text:
        return _from_database(text)
    path = Path(source)
    if path.is_dir():
        from pipeline.export import published_dir

        return _from_directory(published_dir(path))  # every table from one run's output set
    if path.is_file() and path.suffix.lower() in SQLITE_SUFFIXES:
        return _from_database(path)
    raise LoadError(f"{source}: not an output directory, a SQLite file or a database URL")

"""``pipeline.load(PATH_OR_URL)``: the datasets as pandas DataFrames, one per table, typed.

Reads an output directory (its Parquet files, else its CSV files), a SQLite file or a
database URL: the CSV columns in their order, the rows in the run's input order, and dtypes
from the models:

- integers ``Int64`` and numbers ``Float64`` (nullable), booleans ``boolean``;
- enum fields (``unit``, ``kind``, ``category``) ``category`` with the model's values;
- dates ``datetime64[s]``;
- text ``string``, missing values ``<NA>``. An empty optional text reads as missing, since a
  CSV cell cannot tell the two apart; CSV cells defused against formula injection get their
  raw value back.

Row order. A directory's files hold the articles of its last run in input order, and a frame
keeps it. A database has no order of its own and may hold articles of earlier runs over other
inputs (until ``--prune``): its articles come sorted by ``source``, the order in which a run
reads files and fetched pages (a web archive's records keep archive order in a run), and
every table's rows follow their article, then their key (``seq``...). For a database that
holds exactly a run over files (``--prune``), both give equal frames.

Nothing is ever written: a SQLite file is opened read-only, and one that does not exist is a
:class:`LoadError`, never a new empty file.

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
    import sqlalchemy as sa


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

    return pd.DataFrame({c.name: _typed(columns[c.name], c, table.name) for c in table.columns})


def _database_order(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Articles by source (as a run orders its inputs), every other row after its article's
    position, then its key. Sorted here, not in SQL: a server's collation may order text
    otherwise than Python, which a run uses."""
    articles = frames["articles"]
    order = sorted(range(len(articles)), key=lambda i: (str(articles["source"].iloc[i]),
                                                         str(articles["article_id"].iloc[i])))
    position = {articles["article_id"].iloc[i]: n for n, i in enumerate(order)}
    out = {}
    for name, frame in frames.items():
        key = [c for c in tables()[name].primary_key if c != "article_id"]
        rank = frame["article_id"].map(position).astype("Int64")
        ranked = frame.assign(_rank=rank).sort_values(["_rank", *key], kind="stable")
        out[name] = ranked.drop(columns="_rank").reset_index(drop=True)
    return out


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

    from pipeline.store.sql import StoreError, checked_url, create_engine, display_url, metadata

    try:
        url = checked_url(target)
    except StoreError as exc:
        raise LoadError(str(exc)) from exc
    if url.get_backend_name() == "sqlite":
        engine = _read_only_sqlite(url.database or "")
    else:
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
            return _database_order(frames)
    except sa.exc.SQLAlchemyError as exc:
        detail = str(exc.orig) if isinstance(exc, sa.exc.DBAPIError) else str(exc)
        raise LoadError(f"{display_url(url)}: {detail.strip().splitlines()[0]}") from exc
    finally:
        engine.dispose()


def _read_only_sqlite(database: str) -> sa.Engine:
    """An engine on an existing SQLite file, opened read-only: reading never creates it (as
    a plain ``sqlite3.connect`` would) nor changes it."""
    import sqlite3
    import urllib.parse

    import sqlalchemy

    path = Path(database)
    if not database or database == ":memory:" or not path.is_file():
        raise LoadError(f"{database or 'sqlite://'}: no such SQLite file")
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    return sqlalchemy.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def load(source: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of the datasets at ``source`` as a typed DataFrame, by table name.

    ``source`` is an output directory (Parquet files if all are there, else CSV files), a
    SQLite file (``.sqlite``, ``.sqlite3``, ``.db``) or a database URL
    (``sqlite:///path``, ``postgresql://user@host/db``). Rows come in input order (see the
    module's docstring); nothing is written, no file is created.
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

"""SQL databases through SQLAlchemy Core: one schema, written to SQLite or PostgreSQL.

The tables are :func:`pipeline.store.columns.tables`: the CSV tables and columns, typed, with
primary keys, foreign keys to ``articles`` (``ON DELETE CASCADE``), enum and lower-bound
checks, and indexes on ``article_id`` and ``drug``. Writing replaces, never appends: for each
input source the rows of the article previously read from that source are deleted (its id
changes when the page changes, its source does not) and the new ones inserted, a batch of
inputs per transaction, so a re-run leaves the row counts as they were and a changed page
leaves no stale row.
``prune`` then deletes the articles whose source was not among the run's inputs. Every value
travels as a bound parameter.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from pipeline.export import Prepared, prepare
from pipeline.models import Article
from pipeline.store.columns import Column, python_value, tables

log = logging.getLogger(__name__)

SQLITE_NAME = "medications.sqlite"
"""The database every run writes into its output directory."""
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")

_PRUNE_BATCH = 500
"""Sources per DELETE when pruning: well under every dialect's limit on bound parameters."""


class StoreError(Exception):
    """A database that cannot take the datasets: unreachable, or tables of another shape."""


@dataclass(frozen=True, slots=True)
class WriteSummary:
    articles: int
    """Articles written (each replacing the rows previously read from its source)."""
    pruned: int
    """Articles deleted because their source was not among the run's inputs."""


def database_url(target: str | Path | sa.URL) -> sa.URL:
    """A SQLAlchemy URL from a database URL or a SQLite file path.

    ``postgresql://`` and ``postgres://`` select psycopg 3 (``postgresql+psycopg://``).

    >>> database_url("postgresql://me@db.example/meds").drivername
    'postgresql+psycopg'
    >>> database_url("output/medications.sqlite").render_as_string()
    'sqlite:///output/medications.sqlite'
    """
    if isinstance(target, sa.URL):
        return target
    text = str(target)
    if "://" not in text:
        return sa.URL.create("sqlite", database=text)
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"not a database URL: {text}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


SUPPORTED = "PostgreSQL (postgresql://USER@HOST/DB) or SQLite (sqlite:///PATH or a .sqlite file path)"
"""The databases the tables are written to and read from, for messages."""


def checked_url(target: str | Path | sa.URL) -> sa.URL:
    """:func:`database_url`, once it names a supported database whose driver is installed.

    >>> checked_url("mysql://me@db.example/meds")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pipeline.store.sql.StoreError: mysql://...: unsupported database mysql: use PostgreSQL (...
    """
    url = database_url(target)
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise StoreError(f"{display_url(url)}: unsupported database {url.get_backend_name()}: "
                         f"use {SUPPORTED}")
    try:
        sa.create_engine(url).dispose()
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use {display_url(url)}: {exc} (supported: {SUPPORTED})") from exc
    return url


def display_url(url: sa.URL) -> str:
    """A URL fit for messages: the password hidden."""
    return url.render_as_string(hide_password=True)


def _enable_sqlite_foreign_keys(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    # SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create_engine(target: str | Path | sa.URL) -> sa.Engine:
    engine = sa.create_engine(database_url(target))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _sql_type(table: str, column: Column) -> sa.types.TypeEngine[Any]:
    if column.enum is not None:
        # a CHECK constraint rather than a native enum: the same DDL on every dialect
        return sa.Enum(*column.enum, native_enum=False, create_constraint=True,
                       length=max(map(len, column.enum)), name=f"ck_{table}_{column.name}")
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "string": sa.Text(),
        "integer": sa.BigInteger(),
        "number": sa.Double(),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
    }
    return types[column.type]


@functools.cache
def metadata() -> sa.MetaData:
    """Every table of :func:`pipeline.store.columns.tables` as SQLAlchemy Core tables."""
    meta = sa.MetaData()
    specs = tables()
    for spec in specs.values():
        table = sa.Table(
            spec.name,
            meta,
            *(sa.Column(c.name, _sql_type(spec.name, c), nullable=not c.required)
              for c in spec.columns),
            sa.PrimaryKeyConstraint(*spec.primary_key, name=f"pk_{spec.name}"),
        )
        for fk in spec.foreign_keys:
            target = specs[fk.table]
            table.append_constraint(sa.ForeignKeyConstraint(
                list(fk.columns), [f"{fk.table}.{c}" for c in target.primary_key],
                ondelete="CASCADE", name=f"fk_{spec.name}_{fk.table}"))
        for column in spec.columns:
            if column.minimum is not None:
                table.append_constraint(sa.CheckConstraint(
                    table.c[column.name] >= column.minimum, name=f"ck_{spec.name}_{column.name}"))
            elif column.exclusive_minimum is not None:
                table.append_constraint(sa.CheckConstraint(
                    table.c[column.name] > column.exclusive_minimum,
                    name=f"ck_{spec.name}_{column.name}"))
    return meta


@functools.cache
def indexes() -> tuple[sa.Index, ...]:
    """The indexes of every table, in a fixed order.

    They are kept out of ``Table.indexes``, a set: ``create_all`` would emit them in an order
    that varies with the hash seed, and two identical runs would give different SQLite files.
    """
    out = []
    for spec in tables().values():
        table = metadata().tables[spec.name]
        for name in spec.indexes:
            index = sa.Index(f"ix_{spec.name}_{name}", table.c[name])
            table.indexes.discard(index)
            out.append(index)
    return tuple(out)


def _mismatch(engine: sa.Engine) -> str | None:
    inspector = sa.inspect(engine)
    present = set(inspector.get_table_names())
    for name, table in metadata().tables.items():
        if name not in present:
            continue
        found = [c["name"] for c in inspector.get_columns(name)]
        expected = [c.name for c in table.columns]
        if found != expected:
            return f"table {name} has columns {found}, this version writes {expected}"
    return None


def ensure_schema(engine: sa.Engine, rebuild: bool = False) -> None:
    """Create the missing tables. Tables with other columns (written by another version) are
    dropped and created anew with ``rebuild``, else the database is refused."""
    problem = _mismatch(engine)
    if problem and rebuild:
        log.warning("%s: %s: rebuilding its tables", display_url(engine.url), problem)
        metadata().drop_all(engine)
    elif problem:
        raise StoreError(f"{display_url(engine.url)}: {problem}: drop the tables or use "
                         "another database")
    with engine.begin() as conn:
        metadata().create_all(conn)
        for index in indexes():
            index.create(conn, checkfirst=True)


def _insert_rows(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = tables()[table.name]
    return [{c.name: python_value(c, row[c.name]) for c in spec.columns} for row in rows]


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class DatabaseWriter:
    """Writes a run into an open database as pages arrive, ``batch`` pages per transaction.

    ``add`` takes every input of the run, also rejected ones (``article`` None): each source's
    old rows are deleted and its new article inserted. With ``keep_unchanged``, an article
    whose id the database already holds under the same source is left as it is (the id is a
    hash of source and content, so the rows are the same): an incremental run over a
    database that the previous run wrote touches only what changed.
    """

    def __init__(self, engine: sa.Engine, prune: bool = False, rebuild: bool = False,
                 keep_unchanged: bool = False, batch: int = 200) -> None:
        ensure_schema(engine, rebuild=rebuild)
        self.engine = engine
        self.prune = prune
        self.keep_unchanged = keep_unchanged
        self.batch = batch
        self.meta = metadata()
        self._pages: list[tuple[str, Prepared | None]] = []
        self._sources: set[str] = set()
        self._ids: set[str] = set()
        self.articles = 0

    def add(self, source: str, article: Prepared | None) -> None:
        self._sources.add(source)
        self._pages.append((source, article))
        if len(self._pages) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if not self._pages:
            return
        head = self.meta.tables["articles"]
        with self.engine.begin() as conn:
            known: set[tuple[str, str]] = set()
            if self.keep_unchanged:
                ids = [a.article.article_id for _, a in self._pages if a is not None]
                known = {(row.source, row.article_id) for row in conn.execute(
                    sa.select(head.c.source, head.c.article_id).where(head.c.article_id.in_(ids)))}
            rows: dict[str, list[dict[str, Any]]] = {}
            for source, page in self._pages:
                aid = page.article.article_id if page is not None else None
                if aid is not None and (source, aid) in known:
                    self._ids.add(aid)
                    self.articles += 1
                    continue
                conn.execute(sa.delete(head).where(head.c.source == source))
                if page is None or page.article.article_id in self._ids:
                    continue  # rejected, or the same content under this source twice
                self._ids.add(page.article.article_id)
                self.articles += 1
                for name, table_rows in page.rows.items():
                    rows.setdefault(name, []).extend(table_rows)
            for table in self.meta.sorted_tables:  # parents before children
                if rows.get(table.name):
                    conn.execute(table.insert(), _insert_rows(table, rows[table.name]))
        self._pages.clear()

    def close(self) -> WriteSummary:
        self._flush()
        pruned = 0
        if self.prune:
            head = self.meta.tables["articles"]
            with self.engine.begin() as conn:
                stored = conn.execute(sa.select(head.c.source).distinct()).scalars().all()
                for batch in _batches(sorted(set(stored) - self._sources), _PRUNE_BATCH):
                    pruned += conn.execute(sa.delete(head).where(head.c.source.in_(batch))).rowcount
        return WriteSummary(articles=self.articles, pruned=pruned)


def write_pages(target: str | Path | sa.URL, pages: Iterable[tuple[str, Article | None]],
                prune: bool = False, rebuild: bool = False) -> WriteSummary:
    """Open the database at ``target`` (a URL or a SQLite path), write (source, article or
    None) pairs into it as they come (see :class:`DatabaseWriter`), close it."""
    url = database_url(target)
    engine = create_engine(url)
    try:
        writer = DatabaseWriter(engine, prune=prune, rebuild=rebuild)
        for source, article in pages:
            writer.add(source, prepare(article) if article is not None else None)
        return writer.close()
    except sa.exc.SQLAlchemyError as exc:
        raise store_error(url, exc) from exc
    finally:
        engine.dispose()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to the new file ``target`` with SQLite's backup API:
    a consistent copy even while another connection reads it (a journal left by a crash is
    rolled back first). A run writes into such a copy and renames it over the original when
    it is complete, so a killed run leaves the original as it was."""
    try:
        with contextlib.closing(sqlite3.connect(source)) as src, \
                contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(f"{source}: {exc}") from exc


def store_error(url: sa.URL, exc: sa.exc.SQLAlchemyError) -> StoreError:
    """A database failure as one line naming the database (never its password)."""
    detail = str(exc.orig) if isinstance(exc, sa.exc.DBAPIError) else str(exc)
    return StoreError(f"{display_url(url)}: {detail.strip().splitlines()[0]}")


def write_database(target: str | Path | sa.URL, sources: Sequence[str],
                   articles: Sequence[Article], prune: bool = False,
                   rebuild: bool = False) -> WriteSummary:
    """Make the database at ``target`` hold, for every source, exactly these articles' records.

    ``sources`` are all of a run's inputs, also those that were rejected: a page that is no
    longer an article loses the rows it had. With ``prune``, articles from any other source
    are deleted too, so the database holds these articles and nothing else.
    """
    by_source = {a.source: a for a in articles}
    sources = list(dict.fromkeys([*sources, *sorted(by_source)]))
    return write_pages(target, ((s, by_source.get(s)) for s in sources), prune=prune, rebuild=rebuild)

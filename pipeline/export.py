"""Last stage: articles to ``articles.jsonl``, one tidy CSV and JSON file per record table,
``rejects.jsonl`` and a run manifest.

Column lists are derived from the Pydantic models, never written out by hand: a child table
has ``article_id`` and ``seq`` (the record's position in its article) followed by the
model's scalar fields, in model order. List and mapping fields become tables of their own
(``comparison_side_effects``, ``comparison_attributes``, ``citations``), so no CSV cell hides
a list. Files are written as articles arrive (:class:`DatasetWriter`), so memory stays flat for
any number of pages.

A run writes all its files into a new generation directory inside the output directory
(:func:`new_generation`) and, once every one is complete, makes it OUT's output set by
switching one pointer (:func:`publish`), holding ``OUT/.lock`` all along
(:func:`output_lock`): a run killed at any moment leaves OUT with the previous run's output
set or the new one, whole, and two runs never write one directory.

CSV text cells that a spreadsheet would run as a formula get a leading ``'``
(:func:`defuse_formula`); JSON keeps every value raw.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
import signal
import tempfile
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.models import RECORD_TABLES, Article, Author, Comparison, Reject

Row = dict[str, Any]

CHILD_TABLES: dict[str, type[BaseModel]] = dict(RECORD_TABLES)
"""The child tables that map one-to-one onto a list field of an article."""


def _is_scalar(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, dict, tuple, set):
        return False
    if origin in (typing.Union, types.UnionType):
        return all(_is_scalar(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is typing.Annotated:
        return _is_scalar(typing.get_args(annotation)[0])
    return not (isinstance(annotation, type) and issubclass(annotation, BaseModel))


def scalar_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items() if _is_scalar(f.annotation)]


COLUMN_NAMES: dict[str, str] = {"table": "table_index", "row": "row_index", "text": "evidence"}
"""Model fields renamed as table columns (CSV, JSON, Parquet, SQL): ``table`` is a reserved word
of SQL, ``row`` one of PostgreSQL and DuckDB, ``text`` a type name; as column names they would
have to be quoted in every query. ``articles.jsonl`` keeps the models' keys, those of SPEC.md.
A new model field gets its own name as a column unless it is listed here."""

ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "comparison_side_effects": ("term",),
    "comparison_attributes": ("header", "attribute", "value"),
    "citations": ("citation",),
}
"""The columns holding the items of a list or mapping field, in the tables that unroll it."""

COMPARISON_KEY = ("article_id", "table_index", "row_index")
"""The columns naming one row of a comparison table, in every table about such rows."""


def column_name(field: str) -> str:
    """The table column of a model field: its own name unless :data:`COLUMN_NAMES` renames it.

    >>> column_name("text"), column_name("drug")
    ('evidence', 'drug')
    """
    return COLUMN_NAMES.get(field, field)


def field_name(column: str) -> str:
    """The model field a renamed column comes from (the inverse of :func:`column_name`)."""
    return next((f for f, c in COLUMN_NAMES.items() if c == column), column)


@functools.cache
def table_columns() -> dict[str, list[str]]:
    """Every output table and its columns, derived from the models (computed once: it is
    asked for every article; treat the result as read-only)."""
    author = [f"author_{name}" for name in Author.model_fields]
    columns = {"articles": [*map(column_name, scalar_fields(Article)), *author]}
    for table, model in CHILD_TABLES.items():
        columns[table] = ["article_id", "seq", *map(column_name, scalar_fields(model))]
    columns["comparisons"] = ["article_id", *map(column_name, scalar_fields(Comparison))]
    columns["comparison_side_effects"] = [*COMPARISON_KEY, "seq",
                                          *ITEM_COLUMNS["comparison_side_effects"]]
    columns["comparison_attributes"] = [*COMPARISON_KEY, "seq", *ITEM_COLUMNS["comparison_attributes"]]
    columns["citations"] = ["article_id", "seq", *ITEM_COLUMNS["citations"]]
    return columns


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article as every writer needs it, made once per article and shared: its
    JSON-compatible dump (``articles.jsonl``, Parquet's list columns) and its rows of every
    table (CSV, JSON, Parquet, SQL)."""

    article: Article
    data: dict[str, Any]
    rows: dict[str, list[Row]]


def prepare(article: Article) -> Prepared:
    data = article.model_dump(mode="json")
    return Prepared(article, data, _table_rows(data))


def _table_rows(data: dict[str, Any]) -> dict[str, list[Row]]:
    """One article's dump as rows of every table, values already JSON-compatible."""
    aid = data["article_id"]
    author = data.get("author") or {}
    head = {column_name(f): data.get(f) for f in scalar_fields(Article)}
    head.update({f"author_{k}": author.get(k) for k in Author.model_fields})
    rows: dict[str, list[Row]] = {"articles": [head]}
    for table, model in CHILD_TABLES.items():
        fields = scalar_fields(model)
        rows[table] = [
            {"article_id": aid, "seq": i, **{column_name(f): rec.get(f) for f in fields}}
            for i, rec in enumerate(data[table])
        ]
    rows["comparisons"] = []
    rows["comparison_side_effects"] = []
    rows["comparison_attributes"] = []
    fields = scalar_fields(Comparison)
    header, attribute, value = ITEM_COLUMNS["comparison_attributes"]
    (term,) = ITEM_COLUMNS["comparison_side_effects"]
    for comp in data["comparisons"]:
        rows["comparisons"].append({"article_id": aid, **{column_name(f): comp.get(f) for f in fields}})
        key = dict(zip(COMPARISON_KEY, (aid, comp["table"], comp["row"]), strict=True))
        rows["comparison_side_effects"].extend(
            {**key, "seq": i, term: item} for i, item in enumerate(comp["side_effects"])
        )
        rows["comparison_attributes"].extend(
            {**key, "seq": i, header: col, attribute: comp["attribute_keys"].get(col, "other"),
             value: "; ".join(cell) if isinstance(cell, list) else cell}
            for i, (col, cell) in enumerate(comp["attributes"].items())
        )
    (citation,) = ITEM_COLUMNS["citations"]
    rows["citations"] = [{"article_id": aid, "seq": i, citation: t}
                         for i, t in enumerate(data["citations"])]
    return rows


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula."""

_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:\.\d+)?")


def defuse_formula(text: str) -> str:
    """A text cell as a spreadsheet cannot run it: a leading ``'`` when it could be a formula.

    A cell is prefixed when it starts with ``= + - @``, a tab or a carriage return, except
    when it is nothing but a signed decimal number ("-5", "+0.5"): a spreadsheet reads that
    as the number it is and evaluates nothing. A cell that already starts with ``'`` is
    prefixed too, so :func:`restore_formula` can undo every change exactly. Numbers written
    from numeric fields are never touched. JSON, Parquet and the databases keep raw values.

    >>> defuse_formula("=1+2"), defuse_formula("@SUM(A1)"), defuse_formula("-5"), defuse_formula("a-b")
    ("'=1+2", "'@SUM(A1)", '-5', 'a-b')
    """
    if text.startswith("'") or (text.startswith(FORMULA_TRIGGERS)
                                and not _SIGNED_NUMBER.fullmatch(text)):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """The raw value of a CSV text cell written through :func:`defuse_formula`.

    >>> restore_formula("'=1+2"), restore_formula("''quoted"), restore_formula("-5")
    ('=1+2', "'quoted", '-5')
    """
    return text[1:] if text.startswith("'") else text


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return defuse_formula(value)
    return str(value)


LOCK_NAME = ".lock"
"""``OUT/.lock``: held (``flock``) by the run writing OUT; never deleted, always empty."""
GENERATIONS = ".generations"
"""``OUT/.generations/N/``: the complete output set of one run (or one being written)."""
POINTER = ".current"
"""``OUT/.current``: a symbolic link to the generation that is OUT's output set."""
STAGING_PREFIX = ".staging-"
"""``OUT/.staging-XXXX/``: where earlier versions wrote a run's files; removed when found."""
KILL_AT_PUBLISH_STEP = "MEDEXTRACT_TEST_KILL_AT_PUBLISH_STEP"
"""Test hook: with N in this environment variable, the run kills itself (SIGKILL) right after
the Nth step of :func:`publish`, so that a test can check every step leaves OUT whole."""


class OutputLocked(Exception):
    """Another run holds the output directory's lock; the message says which directory."""


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``OUT/.lock`` for the block, or raise :class:`OutputLocked`.

    ``flock`` locks belong to the open file: the kernel releases them when the process ends,
    however it ends (SIGKILL too), so a killed run never leaves a stale lock. They serialise
    runs on one machine (and on NFS only where the server supports them). Without ``fcntl``
    (Windows) runs are not serialised.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    path = out / LOCK_NAME
    with open(path, "ab") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputLocked(f"another run is writing to {out} ({path} is locked): wait for it "
                               "to finish or choose another --out") from exc
        yield


def current_generation(out: Path) -> Path | None:
    """The generation directory ``OUT/.current`` points to, or None: before the first run, or
    in an output directory written by an earlier version (its files are in OUT itself)."""
    pointer = out / POINTER
    if not pointer.is_symlink():
        return None
    target = out / os.readlink(pointer)
    return target if target.is_dir() else None


def published_dir(out: Path) -> Path:
    """Where a reader finds OUT's output set, all of one run: the current generation, or OUT
    itself for an earlier version's layout. Resolve it once and read every file from it: the
    names in OUT follow the pointer anew at each open, and a run may switch it in between."""
    return current_generation(out) or out


def clear_leftovers(out: Path) -> list[Path]:
    """Remove what killed runs left in ``out``: generations the pointer does not name,
    staging directories of earlier versions, ``.NAME.XXXX.tmp`` files of :func:`atomic_write`
    and of the pointer. Call it holding the lock. Returns what was removed."""
    removed = []
    current = current_generation(out)
    folders = sorted(out.glob(STAGING_PREFIX + "*"))
    if (out / GENERATIONS).is_dir():
        folders += [p for p in sorted((out / GENERATIONS).iterdir()) if p != current]
    for path in folders:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for folder in (out, out / "schema"):
        for path in sorted(folder.glob(".*.tmp")):
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


@contextmanager
def new_generation(out: Path) -> Iterator[Path]:
    """A new, empty generation directory ``OUT/.generations/N`` (N one more than any there)
    for a run's files; removed at the end unless :func:`publish` made it OUT's output set."""
    folder = out / GENERATIONS
    folder.mkdir(exist_ok=True)
    number = max((int(p.name) for p in folder.iterdir() if p.name.isdigit()), default=0) + 1
    generation = folder / str(number)
    generation.mkdir()
    try:
        yield generation
    finally:
        if current_generation(out) != generation:
            shutil.rmtree(generation, ignore_errors=True)


class _Steps:
    """Counts publishing steps; the test hook kills the process after the chosen one."""

    def __init__(self) -> None:
        self.done = 0
        chosen = os.environ.get(KILL_AT_PUBLISH_STEP, "")
        self.kill_at = int(chosen) if chosen.isdigit() else None

    def __call__(self) -> None:
        self.done += 1
        if self.done == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def link_target(name: str) -> str:
    """Where ``OUT/name`` points: through the pointer, relative to the link's own folder."""
    return "../" * name.count("/") + f"{POINTER}/{name}"


def _place_link(out: Path, name: str, target: str) -> None:
    """Make ``OUT/name`` a symbolic link to ``target`` in one rename (a reader sees the old
    entry or the new link, never neither); nothing is done when it is one already."""
    path = out / name
    if path.is_symlink() and os.readlink(path) == target:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _point(out: Path, generation: Path) -> None:
    """Switch ``OUT/.current`` to ``generation``: one rename, the step that publishes."""
    tmp = out / f"{POINTER}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(f"{GENERATIONS}/{generation.name}", tmp)
    os.replace(tmp, out / POINTER)


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _adopt(out: Path, names: Sequence[str], step: Callable[[], None]) -> None:
    """Turn an earlier version's output set (its files in OUT itself) into a generation that
    the pointer names, without changing what a reader of OUT sees at any moment: the files
    are hard-linked (or copied) into the generation, the pointer set, and only then each file
    in OUT replaced by a link to the same content."""
    legacy = [name for name in names if (out / name).is_file() and not (out / name).is_symlink()]
    if not legacy or current_generation(out) is not None:
        return
    folder = out / GENERATIONS
    number = max((int(p.name) for p in folder.iterdir() if p.name.isdigit()), default=0) + 1
    adopted = folder / str(number)
    for name in legacy:
        (adopted / name).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out / name, adopted / name)
        except OSError:
            shutil.copy2(out / name, adopted / name)
    step()
    _point(out, adopted)
    step()


def publish(generation: Path, out: Path) -> list[str]:
    """Make the complete ``generation`` OUT's output set, all files at once, and return their
    names (relative to OUT).

    Every ``OUT/NAME`` is a symbolic link ``.current/NAME`` (``schema/NAME`` one to
    ``../.current/schema/NAME``), and ``OUT/.current`` points to a generation: switching that
    pointer, one ``rename``, is the only step that changes what a reader of OUT sees, so OUT
    holds the previous output set or the new one, never a mix, whenever the run is killed.
    The links are put in place before the switch (a new name's link leads nowhere until
    then, as the previous set had no such file); links whose file the new set lacks, and the
    previous generations, are removed after it. Files of OUT that are not the program's are
    left alone.
    """
    step = _Steps()
    names = _files(generation)
    step()
    _adopt(out, names, step)
    for name in names:
        _place_link(out, name, link_target(name))
    step()
    _point(out, generation)
    step()
    for path in [*out.glob("*"), *out.glob("schema/*")]:
        name = path.relative_to(out).as_posix()
        if path.is_symlink() and os.readlink(path) == link_target(name) and name not in names:
            path.unlink()  # a file of the previous set that the new one does not have
    for old in (out / GENERATIONS).iterdir():
        if old != generation and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    step()
    return names


def new_file_mode() -> int:
    """The permissions ``open()`` gives a new file (0o666 less the umask): temporary files are
    created 0o600 and must not pass that on to the datasets they become."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, chunks: Iterable[str]) -> None:
    """Write text to ``path`` through a temporary file in the same directory, then rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _TableFiles:
    """``TABLE.csv`` and ``TABLE.json`` of one table, open for appending rows."""

    def __init__(self, out: Path, name: str, columns: Sequence[str]) -> None:
        self.columns = columns
        self.rows = 0
        mode = new_file_mode()
        self.csv_file = _open_text(out / f"{name}.csv", mode)
        self.json_file = _open_text(out / f"{name}.json", mode)
        self.csv_plain = csv.writer(self.csv_file, lineterminator="\n")
        # the writer quotes only the terminator's characters, but readers also end a row at a
        # bare carriage return: a row holding one is written with every cell quoted
        self.csv_quoted = csv.writer(self.csv_file, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self.csv_plain.writerow(columns)
        self.json_file.write("[\n")

    def add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            cells = [_csv_value(row.get(c)) for c in self.columns]
            (self.csv_quoted if any("\r" in cell for cell in cells) else self.csv_plain).writerow(cells)
            self.json_file.write(("  " if self.rows == 0 else ",\n  ")
                                 + json.dumps(row, ensure_ascii=False))
            self.rows += 1

    def close(self) -> None:
        self.json_file.write("\n]\n" if self.rows else "]\n")
        self.csv_file.close()
        self.json_file.close()


def _open_text(path: Path, mode: int) -> io.TextIOWrapper:
    fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the owner
    os.chmod(path, mode)
    return fh


class DatasetWriter:
    """Every dataset file of a run, written as articles arrive: nothing is held in memory.

    Write into a new generation (:func:`new_generation`): the files are complete only after
    :meth:`close`, and :func:`publish` makes them OUT's output set. The datasets follow the order
    in which articles are added (the run adds them in input order).
    """

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        mode = new_file_mode()
        self._articles = _open_text(out / "articles.jsonl", mode)
        self._rejects = _open_text(out / "rejects.jsonl", mode)
        self._tables = {name: _TableFiles(out, name, cols) for name, cols in table_columns().items()}
        self.reject_count = 0

    def add(self, article: Prepared | None, rejects: Sequence[Reject] = ()) -> None:
        """One page's article (None when the page was rejected) and its rejects."""
        if article is not None:
            self._articles.write(json.dumps(article.data, ensure_ascii=False) + "\n")
            for name, table_rows in article.rows.items():
                self._tables[name].add(table_rows)
        for reject in sorted(rejects, key=lambda r: (r.stage, r.reason)):
            self._rejects.write(json.dumps(reject.model_dump(mode="json", exclude_none=True),
                                           ensure_ascii=False) + "\n")
            self.reject_count += 1

    def counts(self) -> dict[str, int]:
        """The row count of every table so far, and of ``rejects``."""
        counts = {name: files.rows for name, files in self._tables.items()}
        counts["rejects"] = self.reject_count
        return counts

    def close(self) -> dict[str, int]:
        """Finish every file; returns :meth:`counts`."""
        self._articles.close()
        self._rejects.close()
        for files in self._tables.values():
            files.close()
        return self.counts()


def sorted_articles(articles: Iterable[Article]) -> list[Article]:
    """By source, then id: the order of :func:`write_outputs` for a list of articles."""
    return sorted(articles, key=lambda a: (a.source, a.article_id))


def write_outputs(out: Path, articles: Sequence[Article], rejects: Sequence[Reject]) -> dict[str, int]:
    """Every dataset for a list of articles (sorted by source) and rejects; the row count of
    each table. A run streams through :class:`DatasetWriter` instead."""
    writer = DatasetWriter(out)
    try:
        pages: dict[str, tuple[list[Article], list[Reject]]] = {}
        for article in sorted_articles(articles):
            pages.setdefault(article.source, ([], []))[0].append(article)
        for reject in rejects:
            pages.setdefault(reject.source, ([], []))[1].append(reject)
        for source in sorted(pages):
            page_articles, page_rejects = pages[source]
            for article in page_articles[:-1]:
                writer.add(prepare(article))
            writer.add(prepare(page_articles[-1]) if page_articles else None, page_rejects)
    finally:
        counts = writer.close()
    return counts

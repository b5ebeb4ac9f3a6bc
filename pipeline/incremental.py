"""Incremental runs: ``OUT/manifest.sqlite`` remembers every page's outcome by content key.

The key of a page (:meth:`pipeline.tasks.PageTask.key`) is a hash of the program version,
the page's source, URL and bytes: everything its outcome depends on. A run looks each page's
key up in the previous run's manifest and reuses the stored outcome instead of processing the
page; only new and changed pages (and every page after an upgrade) go to the workers. The
run then writes a new manifest holding exactly its own inputs, so a page removed from the
inputs leaves the manifest along with the datasets.

The manifest also lists the previous run's inputs in order with their keys and the options
that decide outcomes. When a new run has the same list and options, and the datasets are
still in place, nothing can differ and nothing is written (:meth:`Manifest.unchanged`).

SQLite, not a JSON file: outcomes are looked up one page at a time without loading the rest,
so memory stays flat for any number of pages. The manifest is written in the run's new
generation and published with the datasets, in one switch of OUT's pointer: a manifest is
always that of the datasets beside it, whenever a run is killed. Readers here resolve the
pointer once (:func:`pipeline.export.published_dir`) and read everything from there.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.export import current_generation, link_target, published_dir, table_columns
from pipeline.models import Article
from pipeline.tasks import PageOutcome, PageTask, Settings

MANIFEST_NAME = "manifest.sqlite"


def expected_outputs() -> list[str]:
    """The files a run leaves in OUT: a run may skip its work only while all are there."""
    tables = [f"{name}.{ext}" for name in table_columns() for ext in ("csv", "json", "parquet")]
    return ["articles.jsonl", "rejects.jsonl", "report.html", "medications.sqlite", *tables,
            "run.json"]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, key TEXT);
"""


def _settings_text(settings: Settings) -> str:
    return json.dumps({"version": __version__, "timeout": settings.timeout,
                       "max_bytes": settings.max_bytes}, sort_keys=True)


class Manifest:
    """The manifest of the output set published in ``out``, read-only. A missing or unreadable
    one, or ``out`` None (``--full``), is empty: it knows no page."""

    def __init__(self, out: Path | None) -> None:
        self.root = out
        self.out = published_dir(out) if out is not None else None
        """The directory of the published output set: the one the manifest belongs to."""
        self._db: sqlite3.Connection | None = None
        path = self.out / MANIFEST_NAME if self.out is not None else None
        if path is not None and path.is_file():
            try:
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                db.execute("SELECT 1 FROM pages LIMIT 1").fetchall()
                self._db = db
            except sqlite3.Error:
                self._db = None  # a damaged manifest only costs the reuse of outcomes

    def outcome(self, key: str) -> PageOutcome | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT outcome FROM pages WHERE key = ?", (key,)).fetchone()
            return None if row is None else PageOutcome.from_json(row[0])
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def unchanged(self, pages: Iterable[PageTask | PageOutcome], settings: Settings) -> bool:
        """True when ``pages`` (in run order, read one at a time and dropped) and the options
        are those of the previous run, every page was readable, and its datasets are all in
        place. Stops reading at the first difference."""
        if self._db is None or self.out is None or self.root is None:
            return False
        if current_generation(self.root) is None:
            return False  # an earlier version's layout: publish once more, as a generation
        if not all((self.out / name).is_file() and _linked(self.root, name)
                   for name in expected_outputs()):
            return False
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'settings'").fetchone()
            if row is None or row[0] != _settings_text(settings):
                return False
            stored = self._db.execute("SELECT source, key FROM inputs ORDER BY seq")
            for page in pages:
                previous = stored.fetchone()
                if (not isinstance(page, PageTask) or previous is None
                        or tuple(previous) != (page.source, page.key())):
                    return False
            return stored.fetchone() is None
        except sqlite3.Error:
            return False

    def reuse(self, items: Iterable[PageTask | PageOutcome]) -> Iterator[PageTask | PageOutcome]:
        """The pages to process, with those this manifest knows replaced by their outcome."""
        for item in items:
            if isinstance(item, PageTask):
                key = item.key()
                known = self.outcome(key)
                if known is not None:
                    yield known.reused(key)
                    continue
            yield item

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _linked(out: Path, name: str) -> bool:
    path = out / name
    return path.is_symlink() and os.readlink(path) == link_target(name)


class ManifestWriter:
    """The manifest of the run in progress, written as outcomes arrive."""

    BATCH = 500

    def __init__(self, path: Path, settings: Settings) -> None:
        self._db = sqlite3.connect(path)
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)",
                         (_settings_text(settings),))
        self._pages: list[tuple[str, str]] = []
        self._inputs: list[tuple[int, str, str | None]] = []
        self._seq = 0

    def add(self, outcome: PageOutcome) -> None:
        """Record an input of the run; its outcome is reused later only when it is complete."""
        key = outcome.key if outcome.complete else None
        self._inputs.append((self._seq, outcome.source, key))
        self._seq += 1
        if key is not None:
            self._pages.append((key, outcome.to_json()))
        if len(self._inputs) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", self._pages)
            self._db.executemany("INSERT INTO inputs VALUES (?, ?, ?)", self._inputs)
        self._pages.clear()
        self._inputs.clear()

    def close(self) -> None:
        with contextlib.closing(self._db):
            self._flush()


def published_pages(out: Path) -> Iterator[tuple[str, Article | None]]:
    """(source, article or None) of every input of the run published in ``out``, in order:
    the inputs from its manifest, the articles from ``articles.jsonl`` (written in the same
    order). Reads one article at a time."""
    out = published_dir(out)
    with contextlib.closing(sqlite3.connect(out / MANIFEST_NAME)) as db, \
            open(out / "articles.jsonl", encoding="utf-8") as lines:
        articles = (Article.model_validate_json(line) for line in lines)
        upcoming = next(articles, None)
        for (source,) in db.execute("SELECT source FROM inputs ORDER BY seq"):
            if upcoming is not None and upcoming.source == source:
                yield source, upcoming
                upcoming = next(articles, None)
            else:
                yield source, None

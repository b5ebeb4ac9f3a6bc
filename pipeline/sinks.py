"""Everything a run writes, fed one page outcome at a time.

The datasets (JSONL, CSV, JSON), the Parquet files, OUT's SQLite database, the next run's
manifest and the report's figures all take each page as it arrives, in input order, from
whichever engine produced it: memory holds one page's records and the writers' buffers, never
the run. Everything is written into the run's new generation and published by the caller.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa

from pipeline.export import DatasetWriter, prepare, published_dir
from pipeline.incremental import MANIFEST_NAME, ManifestWriter
from pipeline.logs import page_log
from pipeline.report import ReportStats
from pipeline.store.parquet import ParquetWriter, arrays_without_pandas
from pipeline.store.schema import write_schemas
from pipeline.store.sql import SQLITE_NAME, DatabaseWriter, StoreError, copy_sqlite, create_engine
from pipeline.tasks import PageOutcome, Settings, replay_logs

log = logging.getLogger("pipeline")


class RunWriter:
    """The writers of one run into ``stage``, the run's new generation in ``out``.

    OUT's SQLite database keeps earlier runs' articles, so it is updated in a copy made in
    ``stage``. Database failures raise :class:`StoreError` naming OUT's database, not the copy.
    """

    def __init__(self, stage: Path, out: Path, settings: Settings, prune: bool) -> None:
        arrays_without_pandas()  # the writer of a run gives pyarrow Python values only
        self.stage = stage
        self.datasets = DatasetWriter(stage)
        self.parquet = ParquetWriter(stage)
        self.manifest = ManifestWriter(stage / MANIFEST_NAME, settings)
        self.stats = ReportStats()
        self.pages = 0
        self.reused = 0
        self._db_path = stage / SQLITE_NAME
        self._shown = str(out / SQLITE_NAME)
        try:
            previous = published_dir(out) / SQLITE_NAME
            if previous.is_file():
                copy_sqlite(previous, self._db_path)
            self._engine = create_engine(self._db_path)
            self.database = DatabaseWriter(self._engine, prune=prune, rebuild=True,
                                           keep_unchanged=True)
        except (StoreError, sa.exc.SQLAlchemyError) as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> StoreError:
        return StoreError(str(exc).replace(str(self._db_path), self._shown))

    def add(self, outcome: PageOutcome) -> None:
        replay_logs(outcome)
        page_log(log, outcome.source, "done").info("%s", outcome.summary)
        article = outcome.article_model()
        rejects = outcome.reject_models()
        self.pages += 1
        self.reused += outcome.cached
        prepared = prepare(article) if article is not None else None  # shared by the writers
        self.datasets.add(prepared, rejects)
        self.stats.add_rejects(rejects)
        if prepared is not None:
            self.parquet.add(prepared)
            self.stats.add(prepared.article)
        try:
            self.database.add(outcome.source, prepared)
        except sa.exc.SQLAlchemyError as exc:
            raise self._error(exc) from exc
        self.manifest.add(outcome)

    def close(self) -> dict[str, int]:
        """Finish every file; the row count of every table and of ``rejects``."""
        counts = self.datasets.close()
        self.parquet.close()
        self.manifest.close()
        try:
            summary = self.database.close()
        except sa.exc.SQLAlchemyError as exc:
            raise self._error(exc) from exc
        finally:
            self._engine.dispose()
        log.info("%s: %d articles written, %d pruned", self._shown, summary.articles,
                 summary.pruned)
        write_schemas(self.stage)
        return counts

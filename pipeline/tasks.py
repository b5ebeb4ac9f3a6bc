"""The unit of work that every engine runs: one page's bytes in, one picklable outcome out.

A :class:`PageTask` carries everything a page's result depends on (its source name, the URL
it was fetched from, its bytes), so any process on any machine computes the same
:class:`PageOutcome` for it. The outcome holds the article and rejects as JSON text rather
than model objects: text is cheap to send between processes, to store in the manifest of
incremental runs (:mod:`pipeline.manifest`) and to compare, and the parent validates it back
into models with the same strict schema.

Log messages a page produces while it is processed are captured and travel with the
outcome, so the process that writes the datasets prints them in page order whichever process
did the work.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline import __version__
from pipeline.console import page_line
from pipeline.decode import MAX_PAGE_BYTES, size_text
from pipeline.logs import page_log, printable
from pipeline.models import Article, Reject
from pipeline.run import article_id, process_page

log = logging.getLogger("pipeline")

MAX_ARTICLE_BYTES = 16 * 1024 * 1024
"""Largest article, as JSON, a page may give. The process that writes the datasets holds one
article at a time, as models and rows several times its JSON size: however many records a
pathological page yields, that must stay small. Real articles are under 1 MB."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The run options a page's processing obeys (the same in every worker)."""

    timeout: float | None = None
    max_bytes: int = MAX_PAGE_BYTES


@dataclass(frozen=True, slots=True)
class PageTask:
    source: str
    data: bytes
    url: str | None = None

    def key(self) -> str:
        """What the page's outcome depends on: program version, source, URL and bytes.

        Two tasks with one key give the same outcome, so a manifest keyed by it can hand back
        an earlier run's outcome instead of processing the page again.
        """
        digest = hashlib.sha256()
        for part in (__version__, self.source, self.url or ""):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(self.data)
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PageOutcome:
    source: str
    article: str | None
    """The article as JSON text (``Article.model_dump_json()``), or None when rejected."""
    rejects: tuple[str, ...]
    """Each reject as JSON text."""
    summary: str
    """The page's outcome in one line, for ``--verbose``."""
    logs: tuple[tuple[int, str], ...] = ()
    """(level, message) of what was logged while the page was processed."""
    complete: bool = True
    """False when the result depends on the moment (a time limit hit, a crashed worker): such
    an outcome is written but never reused by a later run."""
    cached: bool = False
    """True when the outcome comes from an earlier run's manifest, not from processing."""
    key: str | None = None
    """The task's :meth:`PageTask.key`; None for a page that could not be read."""

    def reused(self, key: str) -> PageOutcome:
        """This outcome, stored under ``key`` by an earlier run, as this run's."""
        return dataclasses.replace(self, cached=True, key=key)

    def article_model(self) -> Article | None:
        return None if self.article is None else Article.model_validate_json(self.article)

    def reject_models(self) -> list[Reject]:
        return [Reject.model_validate_json(r) for r in self.rejects]

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "article": self.article,
                           "rejects": list(self.rejects), "summary": self.summary,
                           "logs": [list(entry) for entry in self.logs]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PageOutcome:
        data = json.loads(text)
        return cls(source=data["source"], article=data["article"], rejects=tuple(data["rejects"]),
                   summary=data["summary"], logs=tuple((lvl, msg) for lvl, msg in data["logs"]))


def rejected(source: str, stage: str, reason: str, complete: bool = True,
             key: str | None = None) -> PageOutcome:
    """The outcome of a page that never reached the stages (unreadable, too large, lost)."""
    message = page_log(log, source, stage).process(reason, {})[0]
    reject = Reject(source=source, stage=stage, reason=reason).model_dump_json(exclude_none=True)
    return PageOutcome(source=source, article=None, rejects=(reject,),
                       summary=f"rejected; {stage}: {reason}",
                       logs=((logging.WARNING, message),), complete=complete, key=key)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = printable(record.getMessage())
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.levelno, message))


@contextmanager
def captured_logs() -> Iterator[_Capture]:
    """Collect what the ``pipeline`` logger says in the block instead of printing it."""
    logger = logging.getLogger("pipeline")
    handler = _Capture()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.handlers[:], logger.propagate, level = saved
        logger.setLevel(level)


def run_task(task: PageTask, settings: Settings) -> PageOutcome:
    """Process one page; never raises for the page's content (a bad page is a reject)."""
    with captured_logs() as capture:
        result = process_page(task.source, task.data, url=task.url, timeout=settings.timeout,
                              max_bytes=settings.max_bytes)
        article = None if result.article is None else result.article.model_dump_json()
        if article is not None and len(article) > MAX_ARTICLE_BYTES:
            reason = (f"too many records: the article would take {size_text(len(article))} of "
                      f"JSON, over the limit of {size_text(MAX_ARTICLE_BYTES)} (a pathological page)")
            page_log(log, task.source, "extract").warning("%s", reason)
            result.article, article = None, None
            result.rejects = [Reject(source=task.source, stage="extract", reason=reason,
                                     article_id=article_id(task.source, task.data))]
    timed_out = any(r.reason.startswith("timed out") for r in result.rejects)
    return PageOutcome(
        source=task.source,
        article=article,
        rejects=tuple(r.model_dump_json(exclude_none=True) for r in result.rejects),
        summary=page_line(result),
        logs=tuple(capture.records),
        complete=not timed_out,
        key=task.key(),
    )


def replay_logs(outcome: PageOutcome) -> None:
    """Print a page's captured messages through this process's ``pipeline`` logger."""
    for level, message in outcome.logs:
        if log.isEnabledFor(level):
            log.log(level, "%s", message)

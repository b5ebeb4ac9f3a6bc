"""What a person sees on the terminal during and after a run: log lines, a progress bar and
the end-of-run summary. Everything goes to stderr; stdout stays free for ``inspect``'s output.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from typing import Literal, TextIO, TypeVar

from pipeline.logs import printable
from pipeline.models import RECORD_TABLES, Reject
from pipeline.run import PageResult

Verbosity = Literal["quiet", "normal", "verbose"]
T = TypeVar("T")

LEVELS: dict[Verbosity, int] = {"quiet": logging.ERROR, "normal": logging.WARNING,
                                "verbose": logging.INFO}
PROGRESS_MIN_PAGES = 5
"""A bar for fewer pages would flash and vanish."""
REJECT_GROUPS_SHOWN = 12


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time: the progress bar and test runners
    swap it, and a line written to the old stream would tear the bar."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


class _OneLine(logging.Formatter):
    """``LEVEL message``, the message made :func:`pipeline.logs.printable` (a traceback that
    follows it keeps its lines)."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.msg, record.args = printable(record.getMessage()), None
        return super().format(record)


def configure_logging(verbosity: Verbosity) -> None:
    """One handler on the ``pipeline`` logger, ``LEVEL message`` lines on stderr; Python
    warnings (``warnings.warn`` in a library) go through the same handler and level, so
    ``-q`` prints nothing but errors.

    Messages about a page carry ``source: stage:`` (see :mod:`pipeline.logs`). Calling it
    again replaces the handler, so ``-q`` on a subcommand overrides the group's default.
    """
    logging.captureWarnings(True)
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(_OneLine("%(levelname)s %(message)s"))
    for name in ("pipeline", "py.warnings"):
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            if isinstance(old, _StderrHandler):
                logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(LEVELS[verbosity])


def show_progress(pages: int, verbosity: Verbosity, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching: stderr a terminal, several pages, not quiet, and not
    verbose (whose per-page lines already show the progress)."""
    stream = stream if stream is not None else sys.stderr
    return verbosity == "normal" and pages >= PROGRESS_MIN_PAGES and stream.isatty()


def progress(items: Iterable[T], enabled: bool, total: int | None = None,
             label: Callable[[T], str] = str) -> Iterator[T]:
    """The items, in order, drawing a bar on stderr while they are consumed when enabled.

    ``total``: how many items will come (default: ``len(items)``; None for a sized input
    means unknown, and the bar only counts).
    """
    if not enabled:
        yield from items
        return
    from rich.console import Console  # only a terminal run pays for the import
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    if total is None and isinstance(items, Sized):
        total = len(items)
    columns = (TextColumn("extract"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               TimeRemainingColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        for item in items:
            bar.update(task, description=label(item)[-50:])
            yield item
            bar.advance(task)


def page_line(result: PageResult) -> str:
    """One page's outcome for ``--verbose``: "article baclofen: 3 doses, 12 side_effects"."""
    article = result.article
    if article is None:
        return "rejected" + "".join(f"; {r.stage}: {r.reason}" for r in result.rejects[:1])
    counts = [f"{len(getattr(article, t))} {t}" for t in (*RECORD_TABLES, "comparisons")
              if getattr(article, t)]
    line = f"article {article.drug or '(no primary drug)'}: {', '.join(counts) or 'no records'}"
    if result.rejects:
        line += f"; {len(result.rejects)} records rejected"
    return line


@dataclass(frozen=True, slots=True)
class RunSummary:
    pages: int
    articles: int
    rows: Mapping[str, int]
    """Row count of every table, as :func:`pipeline.export.write_outputs` returns it."""
    rejects: Mapping[tuple[str, str], int]
    """Rejects counted by (stage, reason)."""
    elapsed: float
    out_dir: str


def reject_counts(rejects: Iterable[Reject]) -> Counter[tuple[str, str]]:
    return Counter((r.stage, r.reason) for r in rejects)


def reject_groups(counts: Mapping[tuple[str, str], int]) -> list[tuple[str, str, int]]:
    """(stage, reason, count), most frequent first."""
    return [(stage, reason, n) for (stage, reason), n
            in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def format_summary(s: RunSummary) -> str:
    """The end-of-run summary::

        12 pages read in 1.2 s (10.0 pages/s): 11 articles, 1 reject -> output
        records per table:
          doses                     40
          ...
        rejects by reason (stage: reason → count):
          decode: binary data: PNG image → 1
    """
    rate = s.pages / s.elapsed if s.elapsed > 0 else 0.0
    n_rejects = sum(s.rejects.values())
    lines = [f"{_n(s.pages, 'page')} read in {s.elapsed:.1f} s ({rate:.1f} pages/s): "
             f"{_n(s.articles, 'article')}, {_n(n_rejects, 'reject')} -> {s.out_dir}",
             "records per table:"]
    tables = {name: n for name, n in s.rows.items() if name not in ("articles", "rejects")}
    width = max((len(name) for name in tables), default=0)
    lines += [f"  {name:<{width}}  {n:>7}" for name, n in tables.items()]
    if s.rejects:
        lines.append("rejects by reason (stage: reason → count):")
        groups = reject_groups(s.rejects)
        for stage, reason, n in groups[:REJECT_GROUPS_SHOWN]:
            lines.append(f"  {stage}: {_short(printable(reason))} → {n}")
        if len(groups) > REJECT_GROUPS_SHOWN:
            rest = sum(n for *_, n in groups[REJECT_GROUPS_SHOWN:])
            lines.append(f"  ... {len(groups) - REJECT_GROUPS_SHOWN} more reasons → {rest} "
                         "(see rejects.jsonl)")
    return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

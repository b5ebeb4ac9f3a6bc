"""CPU time per page, stage by stage, in one process: where the pipeline's time goes.

The bench wraps the stage functions that :func:`pipeline.run.process_page` calls (the names
it looks up in :mod:`pipeline.run`) with a timer for the duration of a measurement, then puts
them back: the product carries no timing code and pays nothing outside the bench. A
wrapper costs two clock reads, a microsecond against the tens of milliseconds of a page.

Time is CPU time of this process (``time.process_time``), so other work on the machine
changes it little. Beside ``process_page``'s stages it times what a page costs around them:
the worker turning the result into its outcome (JSON for the writer) and the writer
(:class:`pipeline.sinks.RunWriter`: validating the outcome back into models, CSV, JSON,
Parquet, SQLite, the manifest), so the table adds up to the CPU a page costs the run.
"""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGES: dict[str, tuple[str, ...]] = {
    "decode": ("decode",),
    "parse": ("parse",),
    "metadata": ("extract_metadata", "headline_of"),
    "boilerplate": ("strip_boilerplate",),
    "segment": ("segment",),
    "tables": ("resolve_tables",),
    "drug and relevance": ("primary_drug", "judge", "page_class"),
    "classify": ("classify",),
    "extract: comparisons": ("extract_comparisons",),
    "extract: doses": ("extract_doses",),
    "extract: side effects": ("extract_side_effects", "without_treated_withdrawal"),
    "extract: conditions": ("extract_conditions",),
    "extract: benefits": ("extract_benefits",),
    "extract: warnings": ("extract_warnings",),
    "extract: citations": ("extract_citations",),
    "language": ("resolve_language",),
    "validate": ("build", "with_class"),
}
"""Stage -> the functions of :mod:`pipeline.run` that make it up, in the order they run."""

OTHER = "process_page: the rest"
"""``process_page``'s time outside the timed stages: ids, headline choices, merging records."""
OUTCOME = "worker: outcome (JSON)"
WRITER = "writer: per page"
WRITER_FIXED = "writer: open and close (once a run)"


@dataclass(slots=True)
class StageTimes:
    """CPU seconds by stage over ``pages`` pages."""

    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    process_page: float = 0.0
    """CPU seconds of ``process_page`` itself, its stages included."""

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def ms_per_page(self, stage: str) -> float:
        return 1000 * self.seconds.get(stage, 0.0) / self.pages if self.pages else 0.0

    @property
    def per_page_total(self) -> float:
        """CPU seconds that grow with the pages: every stage but the writer's set-up."""
        return sum(v for k, v in self.seconds.items() if k != WRITER_FIXED)

    def as_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, "process_page_ms_per_page": round(self.ms(self.process_page), 3),
                "ms_per_page": {k: round(self.ms_per_page(k), 3) for k in self.seconds}}

    def ms(self, seconds: float) -> float:
        return 1000 * seconds / self.pages if self.pages else 0.0


def _timed(function: Callable[..., Any], stage: str, times: StageTimes) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            times.add(stage, time.process_time() - started)

    return wrapper


@contextmanager
def stage_timers(times: StageTimes) -> Iterator[None]:
    """Every stage function of :mod:`pipeline.run` timed into ``times`` inside the block."""
    import pipeline.run as run

    saved: dict[str, Any] = {}
    try:
        for stage, names in STAGES.items():
            for name in names:
                saved[name] = getattr(run, name)
                setattr(run, name, _timed(saved[name], stage, times))
        yield
    finally:
        for name, function in saved.items():
            setattr(run, name, function)


def measure(pages: Sequence[tuple[str, bytes]]) -> StageTimes:
    """Run ``pages`` through the worker's task and the writer in this process, timed by stage."""
    import pipeline.tasks as tasks
    from pipeline.run import warm_up
    from pipeline.sinks import RunWriter

    warm_up()
    times = StageTimes(pages=len(pages))
    process_page = tasks.process_page
    outcomes = []
    tasks.process_page = _counted(process_page, times)
    try:
        with stage_timers(times):
            for source, data in pages:
                started = time.process_time()
                outcomes.append(tasks.run_task(tasks.PageTask(source, data), tasks.Settings()))
                times.add(OUTCOME, time.process_time() - started)
    finally:
        tasks.process_page = process_page
    times.add(OUTCOME, -times.process_page)
    times.add(OTHER, times.process_page - sum(v for k, v in times.seconds.items()
                                              if k not in (OUTCOME, OTHER)))
    with tempfile.TemporaryDirectory(prefix="bench-writer-") as tmp:
        out = Path(tmp)
        (out / "stage").mkdir()
        started = time.process_time()
        writer = RunWriter(out / "stage", out, tasks.Settings(), prune=False)
        opened = time.process_time()
        for outcome in outcomes:
            writer.add(outcome)
        added = time.process_time()
        writer.close()
        times.add(WRITER, added - opened)
        times.add(WRITER_FIXED, opened - started + time.process_time() - added)
    return times


def _counted(process_page: Callable[..., Any], times: StageTimes) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return process_page(*args, **kwargs)
        finally:
            times.process_page += time.process_time() - started

    return wrapper


def stage_table(times: StageTimes) -> list[list[str]]:
    """Rows of stage, ms of CPU per page and share of a page's CPU, in the order stages run;
    the writer's opening and closing, paid once a run, is shown apart, in ms."""
    rows = [["stage (in-process, CPU)", "ms/page", "share"]]
    total = times.per_page_total
    for stage in [*STAGES, OTHER, OUTCOME, WRITER]:
        if stage in times.seconds:
            share = 100 * times.seconds[stage] / total if total else 0.0
            rows.append([stage, f"{times.ms_per_page(stage):.2f}", f"{share:.1f} %"])
    rows.append(["process_page (the stages above 'worker')", f"{times.ms(times.process_page):.2f}",
                 f"{100 * times.process_page / total if total else 0.0:.1f} %"])
    rows.append(["total: a page's CPU in a run", f"{times.ms(total):.2f}", "100.0 %"])
    fixed = 1000 * times.seconds.get(WRITER_FIXED, 0.0)
    rows.append([f"{WRITER_FIXED}, ms in all", f"{fixed:.0f}", ""])
    return rows

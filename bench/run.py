"""The benchmark behind ``make bench``: the pipeline against bare lxml and trafilatura.

Run from the repository root::

    .venv/bin/python -m bench.run                      # 2,000 pages, RSS at 1,000 and 5,000
    .venv/bin/python -m bench.run --rss-sizes 1000,20000 --profile

Everything is measured on the same bytes in the same run, so the ratios compare like with
like on this machine: bare ``lxml.html.fromstring`` (the floor: parsing alone),
``trafilatura.bare_extraction`` (a general-purpose extractor) and the pipeline as a user runs
it, a subprocess ``python -m pipeline extract``, timed from start to exit, with the memory of
its whole process tree sampled every 20 ms. Targets are reported PASS/MISS, not asserted: the
exit status is non-zero only when a pipeline run fails.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.metadata
import io
import json
import logging
import os
import platform
import pstats
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped,unused-ignore]

from bench.corpus import ROOT, Sources, build, corpus_files, find_sources
from bench.stages import StageTimes, measure, stage_table
from pipeline import PROGRAM

DEFAULT_PAGES = 2000

MIB = 1024 * 1024
MB = 1_000_000

# Targets of the issue.
LXML_FRACTION = 0.25
"""The pipeline keeps at least a quarter of the rate of parsing alone."""
LXML_FLOOR = 0.10
"""What the issue accepts while the quarter is out of reach."""
TRAFILATURA_FACTOR = 4.0
"""The pipeline with ``--workers 1`` against trafilatura in one process, CPU per page."""
TRAFILATURA_FLOOR = 2.0
PEAK_RSS_MIB = 200.0
RSS_FLAT = 1.15
"""The larger corpus's peak RSS is within +15 % of the smaller one's."""
SPEEDUP = 1.8
"""Default workers against ``--workers 1``, on at least 2 CPUs."""
INCREMENTAL = 20.0
"""A full run against an unchanged re-run into the same output directory."""


# ---------------------------------------------------------------------------------------------
# measurements


@dataclass(frozen=True, slots=True)
class Rate:
    """Pages and bytes processed in some seconds; the rates are derived, never stored twice."""

    pages: int
    bytes: int
    seconds: float
    cpu_seconds: float | None = None
    """CPU time of the measuring process, when the work ran in it (one process)."""

    @property
    def cpu_ms_per_page(self) -> float | None:
        return None if self.cpu_seconds is None else 1000 * self.cpu_seconds / self.pages

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.bytes / MB / self.seconds if self.seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, float]:
        cpu = self.cpu_ms_per_page
        return {"pages": self.pages, "bytes": self.bytes, "seconds": round(self.seconds, 4),
                "pages_per_s": round(self.pages_per_s, 2), "mb_per_s": round(self.mb_per_s, 3),
                "cpu_ms_per_page": None if cpu is None else round(cpu, 3)}


@dataclass(slots=True)
class TreeMemory:
    """Peaks over a process tree: the sum is what the run costs the machine (shared pages
    counted once per process, so an upper bound), the largest is what one process needs,
    PSS (sampled less often: it is costlier to read) splits shared pages fairly."""

    peak_rss_sum: int = 0
    peak_rss_max: int = 0
    peak_pss_sum: int = 0
    peak_processes: int = 0
    samples: int = 0
    cpu_seconds: dict[tuple[int, float], float] = field(default_factory=dict)
    """(pid, start time) -> user + system CPU seconds at the last sample: CPU time is what the
    run costs whatever else the machine runs, when wall time is noisy on a busy machine."""

    root_pid: int = 0

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu_seconds.values())

    def cpu_split(self) -> tuple[float, list[float]]:
        """CPU seconds of the root process and of each descendant, largest first: shows
        whether the workers do the work or the parent does (which caps the speed-up)."""
        root = sum(v for (pid, _), v in self.cpu_seconds.items() if pid == self.root_pid)
        others = sorted((v for (pid, _), v in self.cpu_seconds.items() if pid != self.root_pid),
                        reverse=True)
        return root, others


class TreeSampler:
    """Samples the memory of a process and all its descendants in a thread, every ``interval``.

    Why a thread and the whole tree: the pipeline's workers are child processes (started by
    a fork server), so ``ru_maxrss`` of the parent alone, or ``RUSAGE_CHILDREN`` (the largest
    child, not the sum), would miss what the run really holds at once.
    """

    def __init__(self, pid: int, interval: float = 0.02, pss_every: int = 10) -> None:
        self.memory = TreeMemory(root_pid=pid)
        self._pid = pid
        self._interval = interval
        self._pss_every = pss_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self._pid)
        return [root, *root.children(recursive=True)]

    def sample(self) -> None:
        """One reading of the tree; processes that exit meanwhile are skipped."""
        try:
            procs = self._tree()
        except psutil.Error:
            return
        with_pss = self.memory.samples % self._pss_every == 0
        rss: list[int] = []
        pss = 0
        for proc in procs:
            try:
                if with_pss:
                    full = proc.memory_full_info()
                    rss.append(full.rss)
                    pss += getattr(full, "pss", 0)
                else:
                    rss.append(proc.memory_info().rss)
                cpu = proc.cpu_times()
                self.memory.cpu_seconds[(proc.pid, proc.create_time())] = cpu.user + cpu.system
            except psutil.Error:
                continue
        m = self.memory
        m.samples += 1
        if rss:
            m.peak_rss_sum = max(m.peak_rss_sum, sum(rss))
            m.peak_rss_max = max(m.peak_rss_max, max(rss))
            m.peak_processes = max(m.peak_processes, len(rss))
        m.peak_pss_sum = max(m.peak_pss_sum, pss)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)


@dataclass(slots=True)
class PipelineRun:
    """One ``python -m pipeline extract`` subprocess: what was run, how long, how much memory."""

    label: str
    command: list[str]
    rate: Rate
    memory: TreeMemory
    returncode: int
    articles: int | None = None
    rejects_pages: int | None = None
    log: str = ""

    @property
    def cpu_ms_per_page(self) -> float:
        """CPU of every process of the run (start-up included) per page."""
        return 1000 * self.memory.cpu_total / self.rate.pages

    def as_dict(self) -> dict[str, Any]:
        m = self.memory
        return {"label": self.label, "command": self.command, **self.rate.as_dict(),
                "returncode": self.returncode, "articles": self.articles,
                "peak_rss_sum_mib": round(m.peak_rss_sum / MIB, 1),
                "peak_rss_max_mib": round(m.peak_rss_max / MIB, 1),
                "peak_pss_sum_mib": round(m.peak_pss_sum / MIB, 1),
                "peak_processes": m.peak_processes, "memory_samples": m.samples,
                "cpu_seconds": round(m.cpu_total, 2), "cpu_seconds_parent": round(m.cpu_split()[0], 2),
                "cpu_seconds_children": [round(v, 2) for v in m.cpu_split()[1]], "log": self.log}


class PipelineFailed(RuntimeError):
    """A pipeline run exited non-zero: the only failure that makes the benchmark fail."""


def pipeline_command(python: str, corpus: Path, out: Path, workers: int | None,
                     engine: str | None) -> list[str]:
    """The command a user would type; ``workers=None`` leaves ``--workers`` out (its default)."""
    cmd = [python, "-m", "pipeline", "extract", str(corpus), "--out", str(out), "--quiet"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if engine is not None:
        cmd += ["--engine", engine]
    return cmd


def _articles(out: Path) -> int | None:
    """Articles written, from the run's ``run.json``: a check that extraction did its work."""
    try:
        value = json.loads((out / "run.json").read_text()).get("articles")
    except (OSError, ValueError):
        return None
    return value if isinstance(value, int) else None


def slug(label: str) -> str:
    """``full --workers 1`` -> ``full-workers-1``: a file name without spaces or dashes runs."""
    return "-".join("".join(c if c.isalnum() else " " for c in label).split())


def run_pipeline(label: str, cmd: list[str], out: Path, pages: int, nbytes: int, log_dir: Path,
                 fresh: bool) -> PipelineRun:
    """Run the pipeline once, timed and sampled; ``fresh`` deletes ``out`` first (a full run)."""
    if fresh and out.exists():
        shutil.rmtree(out)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"pipeline-{slug(label)}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        with TreeSampler(proc.pid) as sampler:
            returncode = proc.wait()
        seconds = time.perf_counter() - started
    result = PipelineRun(label, cmd, Rate(pages, nbytes, seconds), sampler.memory, returncode,
                         articles=_articles(out), log=str(log_path))
    if returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise PipelineFailed(f"pipeline run {label!r} exited {returncode}: {' '.join(cmd)}\n{tail}")
    return result


def _timed(pages: Sequence[bytes], work: Callable[[bytes], object]) -> Rate:
    """``work`` on every page in this process: wall time and CPU time."""
    work(pages[0])  # first-call setup (imports, compiled XPaths) is not per-page work
    wall, cpu = time.perf_counter(), time.process_time()
    for data in pages:
        work(data)
    return Rate(len(pages), sum(map(len, pages)), time.perf_counter() - wall,
                time.process_time() - cpu)


def time_lxml(pages: Sequence[bytes]) -> Rate:
    """Bare parsing into a document, the floor any extractor built on lxml pays."""
    import lxml.html

    return _timed(pages, lxml.html.document_fromstring)


def time_trafilatura(pages: Sequence[bytes]) -> Rate:
    """trafilatura's main-text extraction with its defaults (tables included) and the page's
    metadata, which the pipeline extracts too."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return _timed(pages, lambda data: trafilatura.bare_extraction(data, with_metadata=True))


@dataclass(slots=True)
class InProcess:
    """The sample in this process: lxml, trafilatura and the pipeline stage by stage."""

    lxml: Rate
    trafilatura: Rate
    stages: StageTimes

    @property
    def pipeline_ms(self) -> float:
        """A page's CPU in a run: ``process_page``, its outcome and the writer's share."""
        return self.stages.ms(self.stages.per_page_total)

    def as_dict(self) -> dict[str, Any]:
        return {"lxml": self.lxml.as_dict(), "trafilatura": self.trafilatura.as_dict(),
                "stages": self.stages.as_dict(), "pipeline_ms_per_page": round(self.pipeline_ms, 3)}


def measure_in_process(files: Sequence[Path], say: Callable[[str], None]) -> InProcess:
    """lxml, trafilatura and the pipeline (timed by stage) on the same pages, one after the
    other in this process: the per-process comparison, free of start-up and of workers."""
    pages = [(str(p), p.read_bytes()) for p in files]
    data = [d for _, d in pages]
    lxml_rate = time_lxml(data)
    traf = time_trafilatura(data)
    say(f"trafilatura: {traf.pages_per_s:.1f} pages/s, {traf.cpu_ms_per_page:.2f} ms of CPU a page "
        f"on {traf.pages} pages")
    logging.getLogger("pipeline").setLevel(logging.CRITICAL)  # rejects are expected, not news
    stages = measure(pages)
    say(f"pipeline in this process: {stages.ms(stages.per_page_total):.2f} ms of CPU a page "
        f"({stages.ms(stages.process_page):.2f} in process_page) on {stages.pages} pages")
    return InProcess(lxml_rate, traf, stages)


def per_process_table(lxml_rate: Rate, in_process: InProcess | None, serial: PipelineRun | None,
                      main: PipelineRun) -> str:
    """CPU ms per page of each contender in one process, and the pipeline's rate as a share
    of lxml's parse and as a multiple of trafilatura's."""
    rows = [["per process (CPU)", "pages", "ms/page", "pages/CPU s", "x lxml", "x trafilatura"]]
    lxml_ms = lxml_rate.cpu_ms_per_page or 0.0
    traf_ms = in_process.trafilatura.cpu_ms_per_page if in_process else None

    def row(label: str, pages: int, ms: float, lxml: float | None, compare: bool = True) -> None:
        ratios = ["-", "-"]
        if compare and ms > 0:
            ratios = [_fmt(lxml / ms if lxml else None, 3), _fmt(traf_ms / ms if traf_ms else None, 2)]
        rows.append([label, str(pages), f"{ms:.2f}", _fmt(1000 / ms if ms > 0 else None), *ratios])

    row("lxml.html.document_fromstring (corpus)", lxml_rate.pages, lxml_ms, None, compare=False)
    if in_process is not None:
        sample_lxml = in_process.lxml.cpu_ms_per_page or 0.0
        row("lxml.html.document_fromstring (sample)", in_process.lxml.pages, sample_lxml, None,
            compare=False)
        row("trafilatura, with metadata (sample)", in_process.trafilatura.pages, traf_ms or 0.0, None,
            compare=False)
        stages = in_process.stages
        row("pipeline process_page (sample)", stages.pages, stages.ms(stages.process_page), sample_lxml)
        row("pipeline page + outcome + writer (sample)", stages.pages, in_process.pipeline_ms,
            sample_lxml)
    for run in [serial, main] if serial is not main else [serial]:
        if run is None:
            continue
        parent, children = run.memory.cpu_split()
        pages = run.rate.pages
        row(f"pipeline {run.label}: all processes", pages, run.cpu_ms_per_page, lxml_ms)
        if run is serial and children:
            row("  its page worker (largest child)", pages, 1000 * children[0] / pages, lxml_ms)
            row("  its main process (reading, writing)", pages, 1000 * parent / pages, None,
                compare=False)
    return format_table(rows)


def first(items: Sequence[Any], n: int) -> list[Any]:
    """The first ``n`` pages as the sample: the corpus cycles through the base pages, so any
    run of consecutive pages covers every base equally (evenly spaced picks would not: a
    stride of 10 over 40 bases visits 4 of them)."""
    return list(items[:n])


def profile_pipeline(files: Sequence[Path], out: Path, top: int = 25) -> str:
    """``process_page`` in this process, timed plainly then under cProfile: where the
    per-page time goes (the subprocess runs add start-up, workers and writing the outputs)."""
    from pipeline.run import process_page, warm_up

    pages = [(str(p), p.read_bytes()) for p in files]
    warm_up()
    started = time.perf_counter()
    for source, data in pages:
        process_page(source, data)
    plain = Rate(len(pages), sum(len(d) for _, d in pages), time.perf_counter() - started)
    profiler = cProfile.Profile()
    profiler.enable()
    for source, data in pages:
        process_page(source, data)
    profiler.disable()
    out.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(out / "profile.pstats")
    buffer = io.StringIO()
    buffer.write(f"in-process process_page: {plain.pages} pages in {plain.seconds:.2f} s = "
                 f"{plain.pages_per_s:.1f} pages/s, {plain.mb_per_s:.2f} MB/s, "
                 f"{1000 * plain.seconds / plain.pages:.1f} ms/page (no profiler, 1 process)\n")
    buffer.write(f"profile saved to {out / 'profile.pstats'}\n")
    for key in ("cumulative", "tottime"):
        buffer.write(f"\n--- process_page: top {top} by {key} ---\n")
        stats = pstats.Stats(profiler, stream=buffer)
        stats.strip_dirs().sort_stats(key).print_stats(top)
    return buffer.getvalue()


def profile_cli(cmd: Sequence[str], out: Path, top: int = 25) -> str:
    """The whole command under cProfile (``--workers 1``, so the pages run in the profiled
    process): start-up, reading, the manifest and writing the datasets, beside the pages."""
    stats_path = out / "profile-cli.pstats"
    profiled = [cmd[0], "-m", "cProfile", "-o", str(stats_path), *cmd[1:]]
    completed = subprocess.run(profiled, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return f"profiling the command failed ({completed.returncode}):\n{completed.stderr[-2000:]}"
    buffer = io.StringIO()
    buffer.write(f"\n--- {' '.join(cmd[1:])}: top {top} by cumulative (saved to {stats_path}) ---\n")
    pstats.Stats(str(stats_path), stream=buffer).strip_dirs().sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# targets


@dataclass(slots=True)
class Figures:
    """The numbers the targets are checked on; ``None`` where a measurement was not made.

    Speeds are compared per process, as CPU milliseconds per page: parsing and trafilatura
    run in one process, and so does the pipeline's page work with ``--workers 1`` (its
    writer is a second process, whose CPU is counted too), so the ratios do not depend on
    how many cores the machine has or on what else it runs."""

    lxml_ms: float | None = None
    """CPU ms per page of ``lxml.html.document_fromstring``."""
    trafilatura_ms: float | None = None
    pipeline_ms: float | None = None
    """CPU ms per page of the pipeline in one process: a page, its outcome and its share of
    the writer, on the pages lxml and trafilatura were timed on (else the ``--workers 1``
    run's CPU, every process of it, start-up included)."""
    peak_rss_sum_mib: float | None = None
    peak_rss_max_mib: float | None = None
    rss_by_size: dict[int, float] = field(default_factory=dict)
    """Pages -> peak RSS (tree sum, MiB) of a full run on a corpus of that size."""
    cpus: int = 1
    workers: int | None = None
    serial_seconds: float | None = None
    parallel_seconds: float | None = None
    full_seconds: float | None = None
    unchanged_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One target: PASS, MISS or N/A (not measured, or not meaningful on this machine)."""

    name: str
    status: str
    detail: str


def _ratio_check(name: str, top: float | None, bottom: float | None, target: float,
                 detail: Callable[[float], str]) -> Check:
    """PASS when ``top / bottom`` reaches ``target``; N/A when either was not measured."""
    if top is None or not bottom:
        return Check(name, "N/A", "not measured")
    ratio = top / bottom
    return Check(name, "PASS" if ratio >= target else "MISS", detail(ratio))


def check_targets(f: Figures) -> list[Check]:
    """The issue's targets, each with the numbers it was decided on."""
    pipeline, lxml, traf = f.pipeline_ms, f.lxml_ms, f.trafilatura_ms
    checks = [
        _ratio_check("pipeline/lxml parse >= 0.25 (CPU per page)", lxml, pipeline, LXML_FRACTION,
                     lambda r: (f"lxml {lxml:.2f} ms / pipeline {pipeline:.2f} ms of CPU "
                                f"per page = {r:.3f} of the parse rate (target >= {LXML_FRACTION}, "
                                f"floor {LXML_FLOOR})")),
        _ratio_check("pipeline/trafilatura >= 4x (CPU per page)", traf, pipeline, TRAFILATURA_FACTOR,
                     lambda r: (f"trafilatura {traf:.2f} ms / pipeline {pipeline:.2f} ms "
                                f"of CPU per page = {r:.2f}x (target >= {TRAFILATURA_FACTOR:g}x, "
                                f"floor {TRAFILATURA_FLOOR:g}x)")),
    ]
    for what, value in (("tree sum", f.peak_rss_sum_mib), ("largest process", f.peak_rss_max_mib)):
        name = f"peak RSS ({what}) <= {PEAK_RSS_MIB:g} MiB"
        if value is None:
            checks.append(Check(name, "N/A", "not measured"))
        else:
            checks.append(Check(name, "PASS" if value <= PEAK_RSS_MIB else "MISS", f"{value:.1f} MiB"))
    checks.append(_flat_check(f.rss_by_size))
    checks.append(_speedup_check(f))
    full, unchanged = f.full_seconds, f.unchanged_seconds
    checks.append(_ratio_check("unchanged re-run >= 20x faster", full, unchanged, INCREMENTAL, lambda r: (
        f"full {full:.2f} s / unchanged {unchanged:.2f} s = {r:.1f}x (target >= {INCREMENTAL:g}x)")))
    return checks


def _flat_check(rss_by_size: dict[int, float]) -> Check:
    name = "RSS flat (+15 % max)"
    if len(rss_by_size) < 2:
        return Check(name, "N/A", "needs two --rss-sizes")
    small, large = min(rss_by_size), max(rss_by_size)
    ratio = rss_by_size[large] / rss_by_size[small]
    detail = (f"{large} pages {rss_by_size[large]:.1f} MiB vs {small} pages {rss_by_size[small]:.1f} MiB "
              f"= {ratio:.3f} (target <= {RSS_FLAT})")
    return Check(name, "PASS" if ratio <= RSS_FLAT else "MISS", detail)


def _speedup_check(f: Figures) -> Check:
    name = "workers speed-up >= 1.8x"
    if f.serial_seconds is None or not f.parallel_seconds:
        return Check(name, "N/A", "not measured (--workers auto, or a single worker)")
    ratio = f.serial_seconds / f.parallel_seconds
    detail = (f"--workers 1 {f.serial_seconds:.2f} s / --workers {f.workers} {f.parallel_seconds:.2f} s "
              f"= {ratio:.2f}x on {f.cpus} CPUs (target >= {SPEEDUP}x)")
    if f.cpus < 2:
        return Check(name, "N/A", detail + ": needs >= 2 CPUs")
    return Check(name, "PASS" if ratio >= SPEEDUP else "MISS", detail)


# ---------------------------------------------------------------------------------------------
# report


def cpu_count() -> int:
    """CPUs this process may use (a container's or taskset's limit), as the pipeline counts."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine() -> dict[str, Any]:
    """What the numbers were measured on: they mean little without it."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {"cpu": model, "cpus_usable": cpu_count(), "cpus_online": os.cpu_count(),
            "ram_gib": round(psutil.virtual_memory().total / 1024**3, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "lxml": version("lxml"), "trafilatura": version("trafilatura"),
            PROGRAM: version(PROGRAM), "load_average": _load()}


def _load() -> list[float] | None:
    """1, 5 and 15-minute load averages: other work on the machine makes wall times noisy."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, right-aligned numbers, a rule under the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths), *map(line, rows[1:])])


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def results_table(lxml_rate: Rate, traf: Rate | None, runs: Sequence[PipelineRun]) -> str:
    rows = [["measurement", "pages", "MB", "seconds", "pages/s", "MB/s", "RSS sum MiB", "RSS max MiB",
             "PSS sum MiB", "procs", "CPU s"]]

    def rate_cells(r: Rate) -> list[str]:
        return [str(r.pages), _fmt(r.bytes / MB), _fmt(r.seconds, 2), _fmt(r.pages_per_s),
                _fmt(r.mb_per_s, 2)]

    rows.append(["lxml.html.document_fromstring (1 process)", *rate_cells(lxml_rate), *"-" * 4,
                 _fmt(lxml_rate.cpu_seconds, 2)])
    if traf is not None:
        rows.append(["trafilatura.bare_extraction, metadata (1 process, sample)", *rate_cells(traf),
                     *"-" * 4, _fmt(traf.cpu_seconds, 2)])
    for run in runs:
        m = run.memory
        rows.append([f"pipeline {run.label}", *rate_cells(run.rate), _fmt(m.peak_rss_sum / MIB),
                     _fmt(m.peak_rss_max / MIB), _fmt(m.peak_pss_sum / MIB), str(m.peak_processes),
                     _fmt(m.cpu_total, 2)])
    return format_table(rows)


# ---------------------------------------------------------------------------------------------
# command line


def parse_workers(value: str) -> int | None:
    """``auto``: leave ``--workers`` out of the pipeline's command (and skip the serial run)."""
    if value == "auto":
        return None
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("--workers must be >= 1 or 'auto'")
    return n


def parse_sizes(value: str) -> list[int]:
    sizes = sorted({int(v) for v in value.split(",") if v.strip()})
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("--rss-sizes are page counts >= 1")
    return sizes


def existing_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is not a directory")
    return path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options, with the defaults that depend on ``--pages-dir`` filled in."""
    p = parser()
    args = p.parse_args(argv)
    if args.pages is not None and args.pages < 1:
        p.error("--pages must be >= 1")
    suffix = f"-{slug(args.pages_dir.resolve().name)}" if args.pages_dir else ""
    if args.corpus is None:
        args.corpus = ROOT / "bench" / f".corpus{suffix}"
    if args.out is None:
        args.out = ROOT / "bench" / f".out{suffix}"
    if args.rss_sizes is None:
        args.rss_sizes = [] if args.pages_dir else [1000, 5000]
    return args


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0],
        epilog="The issue's memory-flatness check is --rss-sizes 1000,20000 (about 0.5 GB of "
               "corpus and several minutes); the default 1000,5000 keeps `make bench` short.")
    p.add_argument("--pages", type=int, default=None,
                   help=f"corpus size (default: {DEFAULT_PAGES:,}; with --pages-dir, one copy of each "
                        "of its pages)")
    p.add_argument("--pages-dir", type=existing_dir, default=None, metavar="DIR",
                   help="build the corpus from the pages of DIR (*.html, *.htm, searched recursively: "
                        "real pages of any site) instead of raw/ and ../shared; the corpus then goes "
                        "to bench/.corpus-NAME and the results to bench/.out-NAME, NAME being DIR's")
    p.add_argument("--seed", type=int, default=0, help="seed of the page variations (default: %(default)s)")
    p.add_argument("--corpus", type=Path, default=None,
                   help="corpus directory, reused when it was built with the same parameters "
                        "(default: bench/.corpus; --rss-sizes corpora go to CORPUS-N)")
    p.add_argument("--out", type=Path, default=None,
                   help="results.json, logs and the pipeline's outputs (default: bench/.out)")
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                   help="the team's shared corpus, used when present (default: ../shared)")
    p.add_argument("--sample", "--trafilatura-sample", dest="sample", type=int, default=300, metavar="N",
                   help="the first N pages of the corpus measured in this process, CPU time by stage: "
                        "lxml, trafilatura and the pipeline side by side; 0 skips it (default: %(default)s)")
    p.add_argument("--workers", type=parse_workers, default=cpu_count(), metavar="N|auto",
                   help="the pipeline's --workers for the main run, also compared with --workers 1; "
                        "auto: do not pass the flag and skip the serial run (default: CPUs = %(default)s)")
    p.add_argument("--engine", choices=["local", "dask"], default=None,
                   help="the pipeline's --engine (default: not passed)")
    p.add_argument("--rss-sizes", type=parse_sizes, default=None, metavar="N,M",
                   help="corpus sizes whose peak RSS is compared (default: 1000,5000, none with "
                        "--pages-dir; the issue's check: 1000,20000); empty skips it")
    p.add_argument("--profile", action="store_true",
                   help="also profile the pipeline in-process under cProfile")
    p.add_argument("--profile-pages", type=int, default=200, metavar="N", help="(default: %(default)s)")
    p.add_argument("--python", default=sys.executable,
                   help="interpreter that runs the pipeline (default: this one)")
    return p


def _sized_corpus(args: argparse.Namespace, sources: Sources, pages: int) -> Path:
    """The corpus of ``pages`` pages: the main one, or ``CORPUS-N`` built (or reused) for it."""
    main: Path = args.corpus
    directory = main if pages == args.pages else main.with_name(f"{main.name}-{pages}")
    started = time.perf_counter()
    if build(directory, sources.pages, pages, args.seed):
        print(f"built {pages} pages in {directory} in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        print(f"reusing {pages} pages in {directory}", flush=True)
    return directory


def _size_of(files: Sequence[Path]) -> int:
    return sum(p.stat().st_size for p in files)


def benchmark(args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, Any]:
    """Every measurement in order; returns what goes into results.json."""
    info = machine()
    say("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    load = info["load_average"]
    if load and load[0] > 0.5:
        say(f"note: load average {load[0]} before starting: other processes are using the CPUs, "
            "wall times and speed-ups are noisy (the CPU s column is less so)")
    sources = find_sources(ROOT, args.shared, args.pages_dir)
    if args.pages is None:  # one copy of each page of --pages-dir, else the usual 2,000
        args.pages = len(sources.pages) if args.pages_dir else DEFAULT_PAGES
    say(f"base pages: {len(sources.pages)} ({'; '.join(sources.notes)})")
    corpus = _sized_corpus(args, sources, args.pages)
    files = corpus_files(corpus)
    pages = [p.read_bytes() for p in files]
    nbytes = sum(map(len, pages))
    say(f"corpus: {len(pages)} pages, {nbytes / MB:.1f} MB")

    lxml_rate = time_lxml(pages)
    say(f"lxml: {lxml_rate.pages_per_s:.1f} pages/s, {lxml_rate.cpu_ms_per_page:.2f} ms of CPU a page")
    in_process = None
    if args.sample > 0:
        in_process = measure_in_process(first(files, args.sample), say)
    del pages  # the pipeline runs should not share the machine with 60 MB of our own

    out: Path = args.out
    runs: list[PipelineRun] = []

    def pipeline(label: str, corpus_dir: Path, dest: Path, workers: int | None, fresh: bool,
                 files: Sequence[Path]) -> PipelineRun:
        cmd = pipeline_command(args.python, corpus_dir, dest, workers, args.engine)
        say(f"running: {' '.join(cmd)}")
        run = run_pipeline(label, cmd, dest, len(files), _size_of(files), out, fresh)
        parent, children = run.memory.cpu_split()
        say(f"  {run.rate.seconds:.2f} s, {run.rate.pages_per_s:.1f} pages/s, "
            f"peak RSS sum {run.memory.peak_rss_sum / MIB:.0f} MiB, articles {run.articles}, "
            f"CPU s: parent {parent:.2f}" + "".join(f", child {c:.2f}" for c in children[:8]))
        runs.append(run)
        return run

    wlabel = "default" if args.workers is None else str(args.workers)
    serial = None
    if args.workers is not None and args.workers > 1:
        serial = pipeline("full --workers 1", corpus, out / "run-serial", 1, True, files)
    main = pipeline(f"full --workers {wlabel}", corpus, out / "run", args.workers, True, files)
    unchanged = pipeline("unchanged re-run", corpus, out / "run", args.workers, False, files)

    rss_by_size: dict[int, float] = {}
    rss_runs: dict[int, PipelineRun] = {}
    for size in args.rss_sizes:
        if size == args.pages:
            rss_runs[size] = main
        else:
            sized = _sized_corpus(args, sources, size)
            rss_runs[size] = pipeline(f"full {size} pages", sized, out / f"rss-{size}", args.workers,
                                      True, corpus_files(sized))
        rss_by_size[size] = rss_runs[size].memory.peak_rss_sum / MIB

    serial_run = serial or (main if args.workers == 1 else None)
    figures = Figures(
        # on the same pages when the sample was measured; else the --workers 1 run's CPU
        lxml_ms=in_process.lxml.cpu_ms_per_page if in_process else lxml_rate.cpu_ms_per_page,
        trafilatura_ms=in_process.trafilatura.cpu_ms_per_page if in_process else None,
        pipeline_ms=(in_process.pipeline_ms if in_process
                     else serial_run.cpu_ms_per_page if serial_run else None),
        peak_rss_sum_mib=max(r.memory.peak_rss_sum for r in [main, *rss_runs.values()]) / MIB,
        peak_rss_max_mib=max(r.memory.peak_rss_max for r in [main, *rss_runs.values()]) / MIB,
        rss_by_size=rss_by_size, cpus=cpu_count(), workers=args.workers,
        serial_seconds=serial.rate.seconds if serial else None,
        parallel_seconds=main.rate.seconds if serial else None,
        full_seconds=main.rate.seconds, unchanged_seconds=unchanged.rate.seconds)
    checks = check_targets(figures)

    say("")
    say(results_table(lxml_rate, in_process.trafilatura if in_process else None, runs))
    say("")
    say("MB = 10^6 bytes of HTML; MiB = 2^20 bytes. RSS sum: peak of the sum over the pipeline's "
        "process tree (sampled every 20 ms; shared pages counted in every process); RSS max: the "
        "largest single process; PSS sum: shared pages split between processes (sampled every "
        "200 ms). Pipeline times are wall time of the subprocess, start-up included; CPU s: user + "
        "system CPU time of the whole tree.")
    if serial:
        say(f"speed-up --workers {args.workers} vs --workers 1: "
            f"{serial.rate.seconds / main.rate.seconds:.2f}x on {cpu_count()} CPUs")
    say(f"unchanged re-run: {unchanged.rate.seconds:.2f} s, "
        f"{main.rate.seconds / unchanged.rate.seconds:.1f}x faster than the full run")
    if rss_by_size:
        say("peak RSS by corpus size: " + ", ".join(
            f"{n} pages {rss_runs[n].memory.peak_rss_sum / MIB:.1f} MiB sum / "
            f"{rss_runs[n].memory.peak_rss_max / MIB:.1f} MiB max" for n in sorted(rss_by_size)))
    say("")
    say(per_process_table(lxml_rate, in_process, serial_run, main))
    say("")
    say("CPU ms of a page, one process each: lxml's parse on the whole corpus and on the sample "
        "(the first --sample pages); trafilatura and the pipeline in this process on the sample; "
        "the pipeline's runs over the whole corpus as subprocesses, start-up included (their "
        "ratios compare with the sample's trafilatura and the corpus's lxml). 'x lxml' is the "
        "share of the parse rate the pipeline keeps, 'x trafilatura' how many times "
        "trafilatura's rate it runs at.")
    if in_process is not None:
        say("")
        say(format_table(stage_table(in_process.stages)))
    say("")
    say("targets (speed: CPU per page in one process, the pipeline's page + outcome + writer "
        "against lxml and trafilatura on the same sample; memory: the full runs; reported, not "
        "asserted):")
    width = max(len(c.name) for c in checks)
    for c in checks:
        say(f"  {c.status:<4}  {c.name:<{width}}  {c.detail}")

    profile = None
    if args.profile:
        say("")
        sample = first(files, args.profile_pages)
        profile = profile_pipeline(sample, out)
        say(profile)
        small = _sized_corpus(args, sources, len(sample))
        dest = out / "profile-run"
        if dest.exists():
            shutil.rmtree(dest)
        cli = profile_cli(pipeline_command(args.python, small, dest, 1 if args.workers else None,
                                           args.engine), out)
        say(cli)
        profile += cli

    return {"machine": info, "parameters": _parameters(args), "corpus": {
                "directory": str(corpus), "pages": len(files), "bytes": nbytes,
                "base_pages": len(sources.pages), "notes": sources.notes},
            "lxml": lxml_rate.as_dict(),
            "trafilatura": in_process.trafilatura.as_dict() if in_process else None,
            "in_process": in_process.as_dict() if in_process else None,
            "pipeline": [r.as_dict() for r in runs],
            "speedup": serial.rate.seconds / main.rate.seconds if serial else None,
            "incremental_ratio": main.rate.seconds / unchanged.rate.seconds,
            "rss_by_size_mib": {str(k): round(v, 1) for k, v in rss_by_size.items()},
            "figures": asdict(figures), "checks": [asdict(c) for c in checks],
            "profile": profile}


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def main(argv: Sequence[str] | None = None) -> int:
    """0 when every pipeline run finished, targets met or not; 1 when a pipeline run failed."""
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    try:
        results = benchmark(args, say)
    except PipelineFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    path = args.out / "results.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    say(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

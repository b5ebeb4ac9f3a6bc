"""The local engine: every page in a worker process that can be killed, outcomes back in input
order.

Extraction is CPU-bound Python, so threads would share one core: pages go to worker
processes, one page at a time per worker. Outcomes come back in the order of the inputs,
whatever order the workers finish in, so the datasets are the same bytes with one worker or
twenty. At most ``window`` pages (and about :data:`MAX_HELD_BYTES` of their bytes) are in
flight, sent or done but waiting for an earlier page, which keeps memory flat however many
pages the run has.

A page runs in a worker even when the run has one page, because only a process can be
stopped whatever it is doing. The page's own timer (:func:`pipeline.run.time_limit`) ends it
cleanly inside any Python code; one long call into C (libxml2 parsing a pathological page)
does not see the timer, so this process kills the worker once the page is
:data:`KILL_GRACE` past ``--page-timeout``, or as soon as the worker holds more than
:data:`MEMORY_LIMIT` of memory (Linux), and the page is one reject: ``timed out``, ``needs
more than ... of memory``, or, for a worker that died by itself (a crash in a C library, the
kernel's out-of-memory killer), ``worker process died``. Because a worker holds one page, the
page that cost a worker is known exactly, and the next page gets a new worker.

Items that are already outcomes (a page the manifest knows, an unreadable file) pass
through in their place without a worker.

Workers are forked from a fork server that has imported the pipeline and loaded its lexicons
once (:mod:`pipeline.warm`), so a new worker is ready at once; they ignore Ctrl-C (this
process alone decides to stop, and ends them with it) and end themselves when this process is
gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from pipeline.run import show_stages_on, warm_up
from pipeline.tasks import PageOutcome, PageTask, Settings, rejected, run_task

Item = PageTask | PageOutcome
Work = Callable[[PageTask, Settings], PageOutcome]

WORKER_DIED = "worker process died while processing this page (a crash or out of memory)"
MEMORY_LIMIT = 896 * 1024 * 1024
"""Resident memory a worker may hold; beyond it the page is a reject. Pages within the
pre-parse limits (:mod:`pipeline.parse`) stay well under it."""
KILL_GRACE = 1.0
"""Seconds past ``--page-timeout`` (plus a tenth of it) before a page's worker is killed: its
own timer normally ends the page first, with the stage it was in."""
MAX_HELD_BYTES = 256 * 1024 * 1024
"""Page bytes held for pages in flight, beyond which no more pages are read ahead."""
_POLL = 0.05
"""Seconds between looks at the workers' memory while pages are in flight."""
_READY = "ready"
_STARTS_BEFORE_GIVING_UP = 3


def default_workers() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s limit included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class WorkerStats:
    """What the workers of a run cost, for ``run.json``."""

    peak_rss: int = 0
    """The largest peak resident memory of any worker, in bytes."""


def peak_rss_self() -> int:
    """This process's peak resident memory in bytes (``ru_maxrss`` is KiB on Linux, bytes on
    macOS); 0 where it cannot be known (Windows)."""
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss(pid: int) -> int | None:
    """A process's resident memory in bytes, or None where ``/proc`` cannot tell (not Linux)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _watch_parent(parent: int) -> None:
    """End this worker once the run's process is gone (killed with SIGKILL, say): a worker is
    a child of the fork server, not of the run, so nothing else would end it."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid is alive (a different user's process: reused pid)
            pass


def _serve(conn: Connection, settings: Settings, work: Work, parent: int, board: Any) -> None:
    """A worker's life: say it is ready, then process pages one at a time until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    show_stages_on(board)
    if settings.timeout:
        warm_up()  # already done in the fork server: costs nothing then
    conn.send(_READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = work(task, settings)
        board.value = b""
        conn.send((outcome, peak_rss_self()))


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.warm"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Slot:
    """One input's place in the output order, and its outcome once known."""

    __slots__ = ("item", "outcome")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.outcome = item if isinstance(item, PageOutcome) else None


class _Worker:
    """A worker process, the page it holds and when that page's time is up."""

    def __init__(self, ctx: Any, settings: Settings, work: Work) -> None:
        self.conn, child = ctx.Pipe()
        self.board = ctx.RawArray("c", 16)  # the stage of its page, for a reject if it is killed
        self.process = ctx.Process(target=_serve, name="medpages-worker", daemon=True,
                                   args=(child, settings, work, os.getpid(), self.board))
        self.process.start()
        child.close()
        self.ready = False
        self.slot: _Slot | None = None
        self.deadline: float | None = None

    def give(self, slot: _Slot, timeout: float | None) -> bool:
        """Send the page; False if the worker is gone."""
        assert isinstance(slot.item, PageTask)
        try:
            self.conn.send(slot.item)
        except (OSError, ValueError):
            return False
        self.slot = slot
        self.deadline = (time.monotonic() + timeout + KILL_GRACE + timeout / 10) if timeout else None
        return True

    def stage(self) -> str:
        return bytes(self.board.value).decode("ascii", "replace") or "decode"

    def stop(self, kill: bool) -> None:
        if kill:
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    """Up to ``size`` workers, started when pages need them, replaced when one is lost."""

    def __init__(self, size: int, settings: Settings, work: Work, stats: WorkerStats) -> None:
        self.size = size
        self.settings = settings
        self.work = work
        self.stats = stats
        self.workers: list[_Worker] = []
        self._ctx: Any = None
        self._failed_starts = 0

    def _start(self) -> None:
        if self._ctx is None:
            self._ctx = _context()
        self.workers.append(_Worker(self._ctx, self.settings, self.work))

    def assign(self, waiting: deque[_Slot]) -> None:
        """Give waiting pages to idle workers, starting workers as needed."""
        while waiting:
            idle = next((w for w in self.workers if w.ready and w.slot is None), None)
            if idle is None:
                starting = sum(1 for w in self.workers if not w.ready)
                if len(self.workers) < self.size and starting < len(waiting):
                    self._start()
                    continue
                return
            slot = waiting.popleft()
            if not idle.give(slot, self.settings.timeout):
                waiting.appendleft(slot)
                self._lose(idle, None)

    def wait(self) -> None:
        """Block until a worker reports, a page's time is up, or it is time to look at memory;
        then settle what happened."""
        busy = [w for w in self.workers if w.slot is not None]
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        timeout = _POLL if busy else None
        if deadlines:
            timeout = max(0.0, min([*deadlines, time.monotonic() + _POLL]) - time.monotonic())
        by_conn = {w.conn: w for w in self.workers}
        for conn in wait(list(by_conn), timeout):
            self._receive(by_conn[conn])
        now = time.monotonic()
        for worker in [w for w in self.workers if w.slot is not None]:
            held = rss(worker.process.pid or 0)
            if held is not None:
                self.stats.peak_rss = max(self.stats.peak_rss, held)
            if worker.deadline is not None and now > worker.deadline:
                timeout_s = self.settings.timeout or 0
                self._lose(worker, (worker.stage(),
                                    f"timed out after {timeout_s:g} s (--page-timeout)"))
            elif held is not None and held > MEMORY_LIMIT:
                self._lose(worker, (worker.stage(), f"needs more than {MEMORY_LIMIT >> 20} MiB "
                                                    "of memory (a pathological page)"))

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            if not worker.ready:
                self._failed_starts += 1
                if self._failed_starts >= _STARTS_BEFORE_GIVING_UP:
                    raise RuntimeError("worker processes die as they start: "
                                       f"exit status {worker.process.exitcode}") from None
            self._lose(worker, ("extract", WORKER_DIED))
            return
        if message == _READY:
            worker.ready = True
            return
        outcome, peak = message
        self.stats.peak_rss = max(self.stats.peak_rss, peak)
        assert worker.slot is not None
        worker.slot.outcome = outcome
        worker.slot = None
        worker.deadline = None

    def _lose(self, worker: _Worker, why: tuple[str, str] | None) -> None:
        """Kill ``worker``; its page, if it held one, is rejected for ``why`` (stage, reason)."""
        slot = worker.slot
        worker.stop(kill=True)
        self.workers.remove(worker)
        if slot is not None and why is not None:
            task = slot.item
            assert isinstance(task, PageTask)
            slot.outcome = rejected(task.source, why[0], why[1], complete=False, key=task.key())

    def close(self) -> None:
        for worker in self.workers:
            worker.stop(kill=worker.slot is not None or not worker.ready)
        self.workers.clear()


def run_local(items: Iterable[Item], settings: Settings, workers: int, window: int | None = None,
              work: Work = run_task, stats: WorkerStats | None = None) -> Iterator[PageOutcome]:
    """Every item's outcome, in the order of ``items``, each page processed in one of
    ``workers`` worker processes.

    ``work``: the per-page function, a module-level one (workers import it by name).
    ``stats``: filled with what the workers cost.
    """
    window = window or workers * 8
    pool = _Pool(workers, settings, work, stats if stats is not None else WorkerStats())
    slots: deque[_Slot] = deque()
    waiting: deque[_Slot] = deque()
    source = iter(items)
    exhausted = False
    held = 0
    try:
        while True:
            while not exhausted and len(slots) < window and held < MAX_HELD_BYTES:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                slot = _Slot(item)
                slots.append(slot)
                if isinstance(item, PageTask):
                    waiting.append(slot)
                    held += len(item.data)
            pool.assign(waiting)
            while slots and slots[0].outcome is not None:
                slot = slots.popleft()
                if isinstance(slot.item, PageTask):
                    held -= len(slot.item.data)
                outcome = slot.outcome
                assert outcome is not None
                yield outcome
            if not slots:
                if exhausted:
                    return
                continue
            pool.wait()
    finally:
        pool.close()

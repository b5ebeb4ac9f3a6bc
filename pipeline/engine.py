"""The local engine: pages through a pool of worker processes, outcomes back in input order.

Extraction is CPU-bound Python, so threads would share one core: the pool runs one process
per core. Outcomes come back in the order of the inputs, whatever order the workers finish
in, so the datasets are the same bytes with one worker or twenty. At most ``window`` pages
are in flight (sent, or done but waiting for an earlier page), which keeps memory flat
however many pages the run has.

Items that are already outcomes (a page the manifest knows, an unreadable file) pass
through in their place without a worker.

Workers are started from a fork server that has imported the pipeline once (not forked from
this process, which may run a progress-bar thread, and not spawned anew, which would import
everything again per worker), each loads the lexicons once, and ignores Ctrl-C: the parent
alone decides to stop, and the pool is shut down with it.

A worker that dies (a crash in a C library, the kernel's out-of-memory killer) takes the
pages it held with it. The pool is started again and those pages are retried one at a time,
so the page that kills a worker is found and becomes a reject, and every other page still
gets its result.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pipeline.run import warm_up
from pipeline.tasks import PageOutcome, PageTask, Settings, rejected, run_task

Item = PageTask | PageOutcome
Work = Callable[[PageTask, Settings], PageOutcome]

MIN_PARALLEL_PAGES = 16
"""Fewer pages than this run in this process: starting workers would cost more than it saves."""

WORKER_DIED = "worker process died while processing this page (a crash or out of memory)"


def default_workers() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s limit included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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


def _init_worker(settings: Settings, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if settings.timeout:
        warm_up()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.tasks"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_serial(items: Iterable[Item], settings: Settings) -> Iterator[PageOutcome]:
    warmed = False
    for item in items:
        if isinstance(item, PageOutcome):
            yield item
            continue
        if settings.timeout and not warmed:
            warm_up()  # lexicons load before the first page's clock starts
            warmed = True
        yield run_task(item, settings)


class _Pool:
    """A process pool, started at the first page that needs it (a run whose pages are all
    known from the manifest starts none), and started again after a worker died."""

    def __init__(self, workers: int, settings: Settings, work: Work) -> None:
        self.workers = workers
        self.settings = settings
        self.work = work
        self.executor: ProcessPoolExecutor | None = None

    def submit(self, task: PageTask) -> Future[PageOutcome]:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.workers, mp_context=_context(),
                                                initializer=_init_worker,
                                                initargs=(self.settings, os.getpid()))
        return self.executor.submit(self.work, task, self.settings)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def run_pool(items: Iterable[Item], settings: Settings, workers: int, window: int | None = None,
             work: Work = run_task) -> Iterator[PageOutcome]:
    """Every item's outcome, in the order of ``items``, computed by ``workers`` processes.

    ``work``: the per-page function, a module-level one (workers import it by name).
    """
    window = window or workers * 8
    pool = _Pool(workers, settings, work)
    pending: deque[tuple[Item, Future[PageOutcome] | None]] = deque()
    source = iter(items)
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, PageOutcome):
                    pending.append((item, None))
                else:
                    pending.append((item, pool.submit(item)))
            if not pending:
                break
            item, future = pending.popleft()
            if future is None:
                assert isinstance(item, PageOutcome)
                yield item
                continue
            assert isinstance(item, PageTask)
            try:
                yield future.result()
            except BrokenProcessPool:
                yield from _recover(pool, item, pending)
    finally:
        pool.close()


def _recover(pool: _Pool, first: PageTask,
             pending: deque[tuple[Item, Future[PageOutcome] | None]]) -> Iterator[PageOutcome]:
    """After a worker died: retry the pages that were in flight one at a time, in order, in a
    new pool; a page that kills a worker again is rejected. Then resume as before."""
    held = [first, *(item for item, _ in pending)]
    pending.clear()
    pool.close()  # the broken pool: the next page starts a new one
    for item in held:
        if isinstance(item, PageOutcome):
            yield item
            continue
        try:
            outcome = pool.submit(item).result()
        except BrokenProcessPool:
            pool.close()
            outcome = rejected(item.source, "extract", WORKER_DIED, complete=False, key=item.key())
        yield outcome


def run_local(items: Iterable[Item], settings: Settings, workers: int,
              pages: int | None = None) -> Iterator[PageOutcome]:
    """Outcomes in input order: in this process for one worker or a handful of pages
    (``pages``, when known), else in a pool of ``workers`` processes."""
    if workers <= 1 or (pages is not None and pages < MIN_PARALLEL_PAGES):
        return run_serial(items, settings)
    return run_pool(items, settings, workers)

"""The Dask engine: the same per-page function on a Dask distributed cluster.

Pages go to the cluster in batches: each batch is a Dask bag of :class:`PageTask` mapped
through :func:`pipeline.tasks.run_task`, in partitions of a few pages. The partitions'
outcomes come back to this process one partition at a time, in input order, and are written
by the same writers as the local engine's, so the datasets are identical whichever engine
made them. One batch is computed while the previous one is written; memory on this side holds
two batches, never the run.

The tasks carry the pages' bytes, so workers need no access to this machine's files (a
shared file system is not required); they need the same version of this package installed.
Without ``--scheduler`` a ``LocalCluster`` of ``workers`` processes is started for the run.

Per-page time limits (``--page-timeout``) are not enforced here: Dask runs tasks in worker
threads, where no signal can interrupt them. A worker that dies is replaced by Dask, which
retries its tasks; a page that keeps killing workers becomes a reject.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from pipeline.engine import WORKER_DIED, Item
from pipeline.tasks import PageOutcome, PageTask, Settings, rejected, run_task

log = logging.getLogger(__name__)

PARTITION_PAGES = 8
"""Pages per partition: small enough to spread a batch over every worker, big enough that
scheduling costs little next to the pages' work."""


CONNECT_TIMEOUT = "20s"
"""How long to wait for ``--scheduler`` before giving up with a one-line error."""


class DaskUnavailable(RuntimeError):
    """Dask distributed is not installed, or the scheduler cannot be reached."""


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskUnavailable("--engine dask needs Dask distributed: "
                              "pip install 'dask[distributed]'") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,  # type: ignore[no-untyped-call]
                           processes=True, dashboard_address=None)
    return Client(cluster), cluster  # type: ignore[no-untyped-call]


def _submit(client: Any, batch: list[Item], settings: Settings) -> tuple[list[Item], list[Any]]:
    """Start computing a batch's tasks; returns the batch and one future per partition."""
    import dask.bag

    tasks = [item for item in batch if isinstance(item, PageTask)]
    if not tasks:
        return batch, []
    bag = dask.bag.from_sequence(tasks, partition_size=PARTITION_PAGES)  # type: ignore[no-untyped-call]
    bag = bag.map(run_task, settings)
    return batch, client.compute(bag.to_delayed())


def _gather(client: Any, futures: list[Any], tasks: list[PageTask],
            settings: Settings) -> Iterator[PageOutcome]:
    done = 0
    for future in futures:
        try:
            part: list[PageOutcome] = future.result()
        except Exception as exc:  # KilledWorker and the like: retry the partition page by page
            log.warning("a Dask partition failed (%s): retrying its pages one by one", exc)
            part = []
            for task in tasks[done:done + PARTITION_PAGES]:
                try:
                    part.append(client.submit(run_task, task, settings, pure=False).result())
                except Exception:
                    part.append(rejected(task.source, "extract", WORKER_DIED, complete=False,
                                         key=task.key()))
        done += len(part)
        yield from part


def _merge(batch: list[Item], outcomes: Iterator[PageOutcome]) -> Iterator[PageOutcome]:
    for item in batch:
        yield item if isinstance(item, PageOutcome) else next(outcomes)


def run_dask(items: Iterable[Item], settings: Settings, workers: int,
             scheduler: str | None = None, batch_pages: int | None = None) -> Iterator[PageOutcome]:
    """Every item's outcome, in the order of ``items``, computed on a Dask cluster."""
    client, cluster = _client(scheduler, workers)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        size = batch_pages or PARTITION_PAGES * n_workers * 4
        source = iter(items)
        in_flight: deque[tuple[list[Item], list[Any]]] = deque()
        while True:
            while len(in_flight) < 2:
                batch = list(islice(source, size))
                if not batch:
                    break
                in_flight.append(_submit(client, batch, settings))
            if not in_flight:
                break
            batch, futures = in_flight.popleft()
            tasks = [item for item in batch if isinstance(item, PageTask)]
            yield from _merge(batch, _gather(client, futures, tasks, settings))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""Pacing: a minimum interval between request starts per host, per-host and global concurrency.

Time is read and slept through a :class:`Clock`, so tests replace waiting with a fake clock
that only records how long the crawler would have waited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(slots=True)
class _Host:
    semaphore: asyncio.Semaphore
    interval: float
    next_start: float = 0.0


class HostLimiter:
    """Hands out request slots: at most ``per_host`` at once to one host, ``concurrency`` in
    all, and starts on one host at least its interval apart."""

    def __init__(self, clock: Clock, *, delay: float, per_host: int, concurrency: int) -> None:
        self.clock = clock
        self.delay = delay
        self.per_host = per_host
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}

    def _host(self, key: str) -> _Host:
        if key not in self._hosts:
            self._hosts[key] = _Host(asyncio.Semaphore(self.per_host), self.delay)
        return self._hosts[key]

    def set_interval(self, key: str, seconds: float | None) -> None:
        """The site's own wish (robots.txt): never shorter than the configured delay."""
        self._host(key).interval = max(self.delay, seconds or 0.0)

    def interval(self, key: str) -> float:
        return self._host(key).interval

    def defer(self, key: str, seconds: float) -> None:
        """No request to this host before ``seconds`` from now (Retry-After, backoff)."""
        host = self._host(key)
        host.next_start = max(host.next_start, self.clock.monotonic() + seconds)

    async def _wait_turn(self, host: _Host) -> None:
        while (wait := host.next_start - self.clock.monotonic()) > 0:
            await self.clock.sleep(wait)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        host = self._host(key)
        async with host.semaphore:
            # a host waiting for its turn must not hold a global slot other hosts could use
            while True:
                await self._wait_turn(host)
                await self._global.acquire()
                if self.clock.monotonic() >= host.next_start:
                    break
                self._global.release()
            try:
                host.next_start = self.clock.monotonic() + host.interval
                yield
            finally:
                self._global.release()

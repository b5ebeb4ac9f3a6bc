"""robots.txt per origin, parsed by Protego, with RFC 9309's rules for a missing file.

- 2xx: the file's rules for our product token (or ``*``).
- 4xx (no file, or access refused to it): everything allowed.
- 5xx, 429 after retries, a network failure, too many redirects: everything disallowed,
  until the next run; a site that cannot serve its robots.txt is not crawled.

Crawl-delay and Request-rate become the host's minimum interval between requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

log = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 512 * 1024
"""RFC 9309: a crawler must parse at least the first 500 KiB."""


@dataclass(frozen=True, slots=True)
class RobotsRules:
    token: str
    parser: Protego | None = None
    allow_all: bool = True
    reason: str = ""

    def allowed(self, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, self.token))

    def interval(self) -> float | None:
        """Seconds between requests the site asks for: its Crawl-delay or Request-rate."""
        if self.parser is None:
            return None
        delays = []
        if (crawl_delay := self.parser.crawl_delay(self.token)) is not None:
            delays.append(float(crawl_delay))
        if (rate := self.parser.request_rate(self.token)) is not None and rate.requests:
            delays.append(rate.seconds / rate.requests)
        return max(delays, default=None)


def parse_robots(token: str, status: int | None, body: bytes) -> RobotsRules:
    """The rules a robots.txt answer gives; ``status`` None means no answer at all."""
    if status is not None and 200 <= status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        return RobotsRules(token, Protego.parse(text))
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(token, allow_all=True, reason=f"robots.txt status {status}")
    why = f"status {status}" if status is not None else "unreachable"
    return RobotsRules(token, allow_all=False, reason=f"robots.txt {why}: site not crawled")


RobotsLoader = Callable[[str], Awaitable[tuple[int | None, bytes]]]
"""Fetches ``ORIGIN/robots.txt``: (status or None, body)."""


class RobotsCache:
    """One robots.txt request per origin per run, however many pages wait for it."""

    def __init__(self, token: str, load: RobotsLoader) -> None:
        self.token = token
        self._load = load
        self._rules: dict[str, asyncio.Future[RobotsRules]] = {}

    async def rules(self, origin: str) -> RobotsRules:
        if origin not in self._rules:
            self._rules[origin] = asyncio.ensure_future(self._fetch(origin))
        return await asyncio.shield(self._rules[origin])

    async def _fetch(self, origin: str) -> RobotsRules:
        status, body = await self._load(origin)
        rules = parse_robots(self.token, status, body)
        if rules.reason:
            log.info("%s: %s", origin, rules.reason)
        return rules

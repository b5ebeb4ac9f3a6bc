"""The crawl: sitemaps expanded, every page fetched politely, stored under its hash, recorded.

Redirects are followed here, one hop at a time, because each hop is a new request to a
possibly different host: it must pass the address check, that host's robots.txt and that
host's rate limit like any first request. One page's failure is one manifest line with the
reason; it never stops the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.fetch.client import REDIRECT_STATUSES, FetchError, PoliteClient, Reply, make_client
from pipeline.fetch.config import HTML_TYPES, FetchConfig
from pipeline.fetch.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    atomic_write_bytes,
    entry_line,
    page_file_name,
    read_manifest,
    write_manifest,
)
from pipeline.fetch.ratelimit import Clock, HostLimiter, SystemClock
from pipeline.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from pipeline.fetch.safety import AddressPolicy
from pipeline.fetch.sitemaps import MAX_SITEMAP_BYTES, SitemapError, parse_sitemap
from pipeline.fetch.targets import Targets
from pipeline.fetch.urls import UnsafeURLError, origin, resolve_location

log = logging.getLogger(__name__)

ROBOTS_MAX_REDIRECTS = 5
"""RFC 9309: follow at least five redirects for robots.txt."""
MAX_SITEMAPS = 1000
"""Sitemap files read per run, index children included: a bound on an index that lists
itself or a generator that never ends."""
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9"
SITEMAP_ACCEPT = "application/xml,text/xml;q=0.9,*/*;q=0.5"
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)

Kind = Literal["stored", "not_modified", "failed", "kept"]
"""kept: the fetch failed, the copy stored by an earlier run stays in the manifest."""


@dataclass(slots=True)
class Outcome:
    entry: ManifestEntry
    kind: Kind
    reason: str | None = None


@dataclass(slots=True)
class FetchSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Inputs that gave no page: unreadable sitemaps, invalid lines of URL lists."""

    def count(self, kind: Kind) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def sniffs_html(body: bytes) -> bool:
    """For a reply without Content-Type: does the body start like an HTML document?"""
    return bool(_HTML_START.match(body[:2048].lstrip(b"\xef\xbb\xbf")))


class Crawler:
    def __init__(self, config: FetchConfig, out_dir: Path, *, clock: Clock | None = None,
                 rng: random.Random | None = None) -> None:
        self.config = config
        self.out_dir = out_dir
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.policy = AddressPolicy(config.allow_private, config.allow_hosts)
        self.robots = RobotsCache(config.robots_token, self._load_robots)
        self._client: PoliteClient | None = None
        self._limiter: HostLimiter | None = None

    async def run(self, targets: Targets) -> FetchSummary:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        manifest_path = self.out_dir / MANIFEST_NAME
        previous = read_manifest(manifest_path)
        summary = FetchSummary(problems=list(targets.invalid))
        self._limiter = HostLimiter(self.clock, delay=self.config.delay,
                                    per_host=self.config.per_host,
                                    concurrency=self.config.concurrency)
        async with make_client(self.config) as http:
            self._client = PoliteClient(http, self.config, self._limiter, self.rng)
            pages = list(dict.fromkeys(targets.pages + await self._expand(targets, summary)))
            if self.config.limit is not None and len(pages) > self.config.limit:
                log.warning("%d pages found, fetching the first %d (--limit)", len(pages),
                            self.config.limit)
                pages = pages[: self.config.limit]

            with manifest_path.open("a", encoding="utf-8") as journal:
                async def fetch_one(url: str) -> Outcome:
                    outcome = await self.fetch_page(url, previous.get(url))
                    journal.write(entry_line(outcome.entry))
                    journal.flush()
                    return outcome

                summary.outcomes = list(await asyncio.gather(*(fetch_one(u) for u in pages)))
        latest = dict(previous)
        for outcome in summary.outcomes:
            latest[outcome.entry.requested_url] = outcome.entry
        write_manifest(manifest_path, latest.values())
        return summary

    async def fetch_page(self, url: str, previous: ManifestEntry | None = None) -> Outcome:
        """Fetch one page and store it; never raises, a failure is an outcome."""
        try:
            return await self._fetch_page(url, previous)
        except Exception as exc:  # a bug must cost one page, never the run
            log.exception("%s: fetch failed", url)
            return self._failed(url, previous, f"internal error: {type(exc).__name__}: {exc}")

    async def _fetch_page(self, url: str, previous: ManifestEntry | None) -> Outcome:
        validators = self._validators(previous)
        try:
            reply = await self._follow(url, accept=HTML_TYPES, max_bytes=self.config.max_bytes,
                                       validators=validators)
        except FetchError as exc:
            return self._failed(url, previous, exc.reason, exc.status)
        if reply.status == 304 and previous is not None and reply.url in validators:
            entry = previous.model_copy(update={
                "status": 304,
                "fetched_at": now_iso(),
                "etag": reply.headers.get("etag", previous.etag),
                "last_modified": reply.headers.get("last-modified", previous.last_modified),
                "error": None,
            })
            log.info("%s: not modified, stored copy kept", url)
            return Outcome(entry, "not_modified")
        if not 200 <= reply.status < 300:
            return self._failed(url, previous, f"HTTP {reply.status}", reply.status, reply.url)
        if reply.media_type is None and not sniffs_html(reply.body):
            return self._failed(url, previous, "not HTML: no content type and the body does "
                                "not start like an HTML document", reply.status, reply.url)
        name = page_file_name(reply.url)
        await asyncio.to_thread(atomic_write_bytes, self.out_dir / name, reply.body)
        entry = ManifestEntry(
            requested_url=url,
            final_url=reply.url,
            status=reply.status,
            fetched_at=now_iso(),
            sha256=hashlib.sha256(reply.body).hexdigest(),
            content_type=reply.media_type,
            charset=reply.charset,
            path=name,
            etag=reply.headers.get("etag"),
            last_modified=reply.headers.get("last-modified"),
        )
        log.info("%s: stored %d bytes as %s", url, len(reply.body), name)
        return Outcome(entry, "stored")

    def _validators(self, previous: ManifestEntry | None) -> dict[str, dict[str, str]]:
        """Conditional-request headers, keyed by the URL whose copy they describe."""
        if previous is None or not previous.path or not previous.final_url:
            return {}
        if not (self.out_dir / previous.path).is_file():
            return {}  # the stored copy is gone: a 304 would leave nothing to keep
        headers = {}
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        return {previous.final_url: headers} if headers else {}

    def _failed(self, url: str, previous: ManifestEntry | None, reason: str,
                status: int | None = None, final_url: str | None = None) -> Outcome:
        if previous is not None and previous.path and (self.out_dir / previous.path).is_file():
            log.warning("%s: %s (the copy stored %s is kept)", url, reason, previous.fetched_at)
            return Outcome(previous, "kept", reason)
        log.warning("%s: %s", url, reason)
        entry = ManifestEntry(requested_url=url, final_url=final_url, status=status,
                              fetched_at=now_iso(), error=reason)
        return Outcome(entry, "failed", reason)

    async def _follow(self, url: str, *, accept: frozenset[str] | None, max_bytes: int,
                      accept_header: str = PAGE_ACCEPT,
                      validators: dict[str, dict[str, str]] | None = None,
                      obey_robots: bool = True, truncate: bool = False,
                      max_redirects: int | None = None) -> Reply:
        """GET ``url``, following redirects hop by hop; ``reply.url`` is the final URL."""
        assert self._client is not None and self._limiter is not None
        limit = self.config.max_redirects if max_redirects is None else max_redirects
        visited: set[str] = set()
        for _ in range(limit + 1):
            visited.add(url)
            try:
                await self.policy.check_url(url)
            except UnsafeURLError as exc:
                raise FetchError(f"refused {url}: {exc}") from exc
            if obey_robots:
                rules = await self.robots.rules(origin(url))
                if not rules.allowed(url):
                    raise FetchError(rules.reason or f"disallowed by robots.txt: {url}")
                self._limiter.set_interval(origin(url), rules.interval())
            headers = {"Accept": accept_header, **(validators or {}).get(url, {})}
            try:
                reply = await self._client.get(url, headers=headers, accept=accept,
                                               max_bytes=max_bytes, truncate=truncate)
            except UnsafeURLError as exc:  # the connect-time check (safety.GuardedBackend)
                raise FetchError(f"refused {url}: {exc}") from exc
            location = reply.headers.get("location")
            if reply.status not in REDIRECT_STATUSES or not location:
                return reply
            try:
                url = resolve_location(url, location)
            except UnsafeURLError as exc:
                raise FetchError(f"redirect refused: {exc}", reply.status) from exc
            if url in visited:
                raise FetchError(f"redirect loop at {url}", reply.status)
        raise FetchError(f"more than {limit} redirects", reply.status)

    async def _load_robots(self, site: str) -> tuple[int | None, bytes]:
        try:
            reply = await self._follow(f"{site}/robots.txt", accept=None,
                                       max_bytes=MAX_ROBOTS_BYTES, truncate=True,
                                       accept_header="text/plain,*/*;q=0.5", obey_robots=False,
                                       max_redirects=ROBOTS_MAX_REDIRECTS)
        except FetchError as exc:
            log.warning("%s/robots.txt: %s", site, exc.reason)
            return None, b""
        return reply.status, reply.body

    async def _expand(self, targets: Targets, summary: FetchSummary) -> list[str]:
        """Every page URL the sitemaps list, child sitemaps of an index included."""
        pages: list[str] = []
        queue: list[str | Path] = [*targets.local_sitemaps, *targets.sitemaps]
        seen: set[str | Path] = set()
        limit = self.config.limit
        while queue and len(seen) < MAX_SITEMAPS and (limit is None or len(pages) < limit):
            item = queue.pop(0)
            if item in seen:
                continue
            seen.add(item)
            try:
                data = await self._read_sitemap(item)
                sitemap = parse_sitemap(data)
            except (FetchError, SitemapError, OSError) as exc:
                reason = exc.reason if isinstance(exc, FetchError) else str(exc)
                log.warning("sitemap %s: %s", item, reason)
                summary.problems.append(f"sitemap {item}: {reason}")
                continue
            pages.extend(sitemap.pages)
            for child in sitemap.sitemaps:
                try:
                    queue.append(resolve_location(str(item), child) if isinstance(item, str)
                                 else resolve_location(child, child))
                except UnsafeURLError as exc:
                    summary.problems.append(f"sitemap {item}: {exc}")
        if len(seen) >= MAX_SITEMAPS and any(item not in seen for item in queue):
            summary.problems.append(f"more than {MAX_SITEMAPS} sitemaps: the rest not read")
        valid = []
        for page in pages:
            try:
                valid.append(resolve_location(page, page))
            except UnsafeURLError as exc:
                summary.problems.append(f"sitemap entry {page!r}: {exc}")
        return valid

    async def _read_sitemap(self, item: str | Path) -> bytes:
        if isinstance(item, Path):
            return await asyncio.to_thread(item.read_bytes)
        reply = await self._follow(item, accept=None, max_bytes=MAX_SITEMAP_BYTES,
                                   accept_header=SITEMAP_ACCEPT)
        if not 200 <= reply.status < 300:
            raise FetchError(f"HTTP {reply.status}", reply.status)
        return reply.body


def run_fetch(targets: Targets, config: FetchConfig, out_dir: Path,
              clock: Clock | None = None, rng: random.Random | None = None) -> FetchSummary:
    return asyncio.run(Crawler(config, out_dir, clock=clock, rng=rng).run(targets))


def describe(summary: FetchSummary, out_dir: Path) -> str:
    """The one-line report of a run."""
    return (f"{len(summary.outcomes)} pages: {summary.count('stored')} stored, "
            f"{summary.count('not_modified')} not modified, {summary.count('failed')} failed, "
            f"{summary.count('kept')} failed with the earlier copy kept; "
            f"{len(summary.problems)} other problems -> {out_dir / MANIFEST_NAME}")


def fetched_nothing(summary: FetchSummary) -> str | None:
    """Why the run fetched no URL at all (then ``fetch`` exits 1), or None when some URL was
    stored or found unchanged. A URL whose fetch failed while an earlier copy is kept counts
    as not fetched: nothing of the run reached the site."""
    if summary.count("stored") or summary.count("not_modified"):
        return None
    if not summary.outcomes:
        problems = "; ".join(summary.problems[:3]) or "no URL given"
        return f"no URL could be fetched: the inputs gave no page URL ({problems})"
    reasons = Counter(o.reason or "unknown" for o in summary.outcomes)
    common = ", ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
    more = f", and {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
    return f"no URL could be fetched: {common}{more}"


__all__: Sequence[str] = ["Crawler", "FetchSummary", "Outcome", "describe", "fetched_nothing",
                          "run_fetch"]

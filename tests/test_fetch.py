"""The fetch stage against real HTTP servers on loopback addresses, started by the tests.

Every server here listens on 127.0.0.1 (or 127.0.0.2 where a test needs a second host) and
answers from a small routing table; every crawl is bounded to a handful of requests. Waiting
(crawl-delay, Retry-After, backoff) goes through a fake clock that records how long the
crawler would have slept and returns at once, so the file runs in seconds.
"""

from __future__ import annotations

import asyncio
import doctest
import gzip
import hashlib
import itertools
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

from pipeline import PROGRAM
from pipeline.cli import main
from pipeline.fetch import client, safety, urls
from pipeline.fetch.client import backoff_seconds, make_client
from pipeline.fetch.config import FetchConfig
from pipeline.fetch.crawler import FetchSummary, Outcome, run_fetch, sniffs_html
from pipeline.fetch.manifest import MANIFEST_NAME, page_file_name, read_manifest
from pipeline.fetch.ratelimit import HostLimiter
from pipeline.fetch.robots import parse_robots
from pipeline.fetch.safety import UnsafeURLError
from pipeline.fetch.sitemaps import SitemapError, gunzip, parse_sitemap
from pipeline.fetch.targets import TargetError, Targets, read_targets
from pipeline.fetch.urls import normalize_url
from pipeline.inputs import resolve_inputs, source_urls

# ---------------------------------------------------------------------------------------------
# a tiny scriptable web site


@dataclass
class Res:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    length: bool = True
    """Send Content-Length; without it the body runs until the connection closes."""
    stall: bool = False
    """Send nothing until the test ends."""
    trickle: float = 0.0
    """Send the body one byte at a time, this many seconds apart."""


Handler = Callable[[dict[str, str]], Res]


def html(title: str, body: str = "", head: str = "") -> bytes:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"{head}</head><body><article><h1>{title}</h1>{body}</article></body></html>"
            ).encode()


class Site:
    """A threaded HTTP/1.0 server on a loopback address, answering from ``routes``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.clock: FakeClock | None = None
        self.release = threading.Event()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append((self.path, headers, site.clock.now if site.clock else 0))
                route = site.routes.get(self.path)
                res = route(headers) if route else Res(404, b"not found",
                                                        {"Content-Type": "text/plain"})
                if res.stall:
                    site.release.wait(10)
                    return
                try:
                    self.send_response(res.status)
                    for name, value in res.headers.items():
                        self.send_header(name, value)
                    if res.length:
                        self.send_header("Content-Length", str(len(res.body)))
                    self.end_headers()
                    if res.trickle:
                        for byte in res.body:
                            if site.release.wait(res.trickle):
                                return
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                    else:
                        self.wfile.write(res.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up on purpose (a body over the limit)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, *responses: Res) -> None:
        """Answer ``path`` with these responses in turn, the last one from then on."""
        queue = list(responses)
        self.routes[path] = lambda _headers: queue.pop(0) if len(queue) > 1 else queue[0]

    def page(self, path: str, title: str, **kwargs: Any) -> None:
        self.route(path, Res(body=html(title), **kwargs))

    def hits(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


class FakeClock:
    """Sleeping advances time instantly; the sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def config(**overrides: Any) -> FetchConfig:
    settings: dict[str, Any] = dict(allow_private=True, delay=0.0, retries=2, backoff=0.5,
                                    connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0)
    settings.update(overrides)
    return FetchConfig(**settings)


def crawl(out: Path, *urls: str, clock: FakeClock | None = None, sitemaps: tuple[str, ...] = (),
          site: Site | None = None, **overrides: Any) -> FetchSummary:
    clock = clock or FakeClock()
    if site is not None:
        site.clock = clock
    targets = Targets(pages=[normalize_url(u) for u in urls],
                      sitemaps=[normalize_url(u) for u in sitemaps])
    return run_fetch(targets, config(**overrides), out, clock=clock, rng=random.Random(0))


def outcome(summary: FetchSummary, url: str) -> Outcome:
    return next(o for o in summary.outcomes if o.entry.requested_url == normalize_url(url))


# ---------------------------------------------------------------------------------------------
# robots.txt


def test_robots_disallow_is_obeyed(site: Site, tmp_path: Path) -> None:
    site.route("/robots.txt", Res(body=b"User-agent: *\nDisallow: /private/\n",
                                  headers={"Content-Type": "text/plain"}))
    site.page("/private/page", "Secret")
    site.page("/public", "Baclofen")
    summary = crawl(tmp_path, site.url("/private/page"), site.url("/public"), site=site)
    refused = outcome(summary, site.url("/private/page"))
    assert refused.kind == "failed" and "robots.txt" in (refused.entry.error or "")
    assert refused.entry.path is None
    assert site.hits("/private/page") == 0
    assert outcome(summary, site.url("/public")).kind == "stored"
    assert site.hits("/robots.txt") == 1  # once per site, not once per page


@pytest.mark.parametrize(("user_agent", "allowed"), [
    (f"{PROGRAM}/0.1 (+mailto:team@example.org)", False),
    ("otherbot/2.0", True),
])
def test_robots_group_is_chosen_by_the_user_agent_token(site: Site, tmp_path: Path,
                                                        user_agent: str, allowed: bool) -> None:
    site.route("/robots.txt", Res(body=f"User-agent: {PROGRAM}\nDisallow: /\n\n"
                                       "User-agent: *\nAllow: /\n".encode()))
    site.page("/page", "Baclofen")
    summary = crawl(tmp_path, site.url("/page"), site=site, user_agent=user_agent)
    assert (outcome(summary, site.url("/page")).kind == "stored") is allowed
    assert all(h.get("user-agent") == user_agent for _, h, _ in site.requests)


def test_a_robots_txt_that_fails_with_5xx_means_do_not_crawl(site: Site, tmp_path: Path) -> None:
    site.route("/robots.txt", Res(503, b"busy"))
    site.page("/page", "Baclofen")
    summary = crawl(tmp_path, site.url("/page"), site=site, retries=1)
    assert outcome(summary, site.url("/page")).kind == "failed"
    assert site.hits("/page") == 0
    assert site.hits("/robots.txt") == 2  # retried once, like any 5xx


@pytest.mark.parametrize(("status", "body", "url", "allowed"), [
    (404, b"", "https://example.org/a", True),
    (403, b"", "https://example.org/a", True),
    (500, b"", "https://example.org/a", False),
    (None, b"", "https://example.org/a", False),
    (200, b"User-agent: *\nDisallow: /a", "https://example.org/a", False),
    (200, b"User-agent: *\nDisallow: /a", "https://example.org/b", True),
])
def test_robots_answers(status: int | None, body: bytes, url: str, allowed: bool) -> None:
    assert parse_robots(PROGRAM, status, body).allowed(url) is allowed


@pytest.mark.parametrize(("robots", "gap"), [
    (b"User-agent: *\nCrawl-delay: 2\n", 2.0),
    (b"User-agent: *\nRequest-rate: 1/5\n", 5.0),
])
def test_crawl_delay_spaces_requests_to_a_host(site: Site, tmp_path: Path, robots: bytes,
                                               gap: float) -> None:
    site.route("/robots.txt", Res(body=robots))
    for n in range(3):
        site.page(f"/p{n}", f"Page {n}")
    clock = FakeClock()
    # one request at a time, so that no other task's fake sleep runs while a request is in
    # flight and the server's timestamps are exact (the limiter test covers per_host > 1)
    summary = crawl(tmp_path, *(site.url(f"/p{n}") for n in range(3)), clock=clock, site=site,
                    per_host=1)
    assert summary.count("stored") == 3
    starts = sorted(t for path, _, t in site.requests if path.startswith("/p"))
    assert all(b - a >= gap for a, b in itertools.pairwise(starts)), starts
    assert sum(clock.sleeps) >= 2 * gap


def test_no_crawl_delay_and_no_delay_means_no_waiting(site: Site, tmp_path: Path) -> None:
    for n in range(3):
        site.page(f"/p{n}", f"Page {n}")
    clock = FakeClock()
    crawl(tmp_path, *(site.url(f"/p{n}") for n in range(3)), clock=clock, site=site)
    assert clock.sleeps == []


def test_host_limiter_spaces_starts_with_several_requests_in_flight() -> None:
    async def scenario() -> list[float]:
        clock = FakeClock()
        limiter = HostLimiter(clock, delay=0.0, per_host=3, concurrency=8)
        limiter.set_interval("h", 2.0)
        starts = []

        async def request() -> None:
            async with limiter.slot("h"):
                starts.append(clock.now)
                await asyncio.sleep(0.005)

        await asyncio.gather(*(request() for _ in range(4)))
        return starts

    starts = asyncio.run(scenario())
    assert all(b - a >= 2.0 for a, b in itertools.pairwise(starts)), starts


def test_retry_after_defers_the_whole_host() -> None:
    clock = FakeClock()
    limiter = HostLimiter(clock, delay=1.0, per_host=2, concurrency=2)
    limiter.defer("h", 30)

    async def enter() -> float:
        async with limiter.slot("h"):
            return clock.now

    assert asyncio.run(enter()) == 30
    assert limiter.interval("h") == 1.0
    limiter.set_interval("h", 0.2)  # robots.txt cannot make us faster than --delay
    assert limiter.interval("h") == 1.0


def test_host_limiter_bounds_per_host_and_global_concurrency() -> None:
    async def scenario() -> tuple[dict[str, int], int]:
        limiter = HostLimiter(FakeClock(), delay=0.0, per_host=2, concurrency=3)
        in_flight = {"a": 0, "b": 0}
        peak = {"a": 0, "b": 0}
        peak_total = 0

        async def request(host: str) -> None:
            nonlocal peak_total
            async with limiter.slot(host):
                in_flight[host] += 1
                peak[host] = max(peak[host], in_flight[host])
                peak_total = max(peak_total, sum(in_flight.values()))
                await asyncio.sleep(0.005)
                in_flight[host] -= 1

        await asyncio.gather(*(request(h) for h in "ab" * 5))
        return peak, peak_total

    peak, peak_total = asyncio.run(scenario())
    assert peak == {"a": 2, "b": 2} and peak_total == 3


# ---------------------------------------------------------------------------------------------
# retries


def test_429_waits_for_retry_after(site: Site, tmp_path: Path) -> None:
    site.route("/page", Res(429, b"slow down", {"Retry-After": "7"}), Res(body=html("Baclofen")))
    clock = FakeClock()
    summary = crawl(tmp_path, site.url("/page"), clock=clock, site=site)
    assert outcome(summary, site.url("/page")).kind == "stored"
    assert site.hits("/page") == 2
    assert 7 in clock.sleeps
    first, second = (t for p, _, t in site.requests if p == "/page")
    assert second - first >= 7


def test_a_retry_after_longer_than_the_cap_gives_up(site: Site, tmp_path: Path) -> None:
    site.route("/page", Res(429, b"", {"Retry-After": "3600"}))
    summary = crawl(tmp_path, site.url("/page"), site=site, max_retry_after=60)
    result = outcome(summary, site.url("/page"))
    assert result.entry.status == 429 and "Retry-After 3600" in (result.entry.error or "")
    assert site.hits("/page") == 1


def test_500_then_200_is_retried_with_backoff(site: Site, tmp_path: Path) -> None:
    site.route("/page", Res(500), Res(502), Res(body=html("Baclofen")))
    clock = FakeClock()
    summary = crawl(tmp_path, site.url("/page"), clock=clock, site=site, retries=3, backoff=0.5)
    assert outcome(summary, site.url("/page")).entry.status == 200
    assert site.hits("/page") == 3
    first, second = clock.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0


def test_a_persistent_500_is_recorded_after_the_last_retry(site: Site, tmp_path: Path) -> None:
    site.route("/page", Res(500))
    summary = crawl(tmp_path, site.url("/page"), site=site, retries=2)
    result = outcome(summary, site.url("/page"))
    assert (result.kind, result.entry.status, result.entry.error) == ("failed", 500, "HTTP 500")
    assert site.hits("/page") == 3


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    cfg = FetchConfig(backoff=1.0, max_backoff=8.0)
    rng = random.Random(1)
    waits = [backoff_seconds(n, cfg, rng) for n in range(6)]
    for n, wait in enumerate(waits):
        ceiling = min(8.0, 2.0 ** n)
        assert ceiling / 2 <= wait <= ceiling
    assert len(set(waits)) == len(waits)  # jittered


def test_connection_errors_are_retried(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clock = FakeClock()
    summary = crawl(tmp_path, f"http://127.0.0.1:{port}/page", clock=clock, retries=2)
    result = summary.outcomes[0]
    assert result.kind == "failed" and result.entry.status is None
    # robots.txt is unreachable too: it was tried (with retries) and the site is not crawled
    assert "robots.txt unreachable" in (result.entry.error or "")
    assert len(clock.sleeps) == 2


def test_a_server_that_stalls_past_the_read_timeout(site: Site, tmp_path: Path) -> None:
    site.route("/slow", Res(stall=True))
    started = time.monotonic()
    summary = crawl(tmp_path, site.url("/slow"), site=site, read_timeout=0.3, retries=1)
    result = outcome(summary, site.url("/slow"))
    assert result.kind == "failed" and "read timeout" in (result.entry.error or "")
    assert site.hits("/slow") == 2
    assert time.monotonic() - started < 5


def test_the_total_timeout_bounds_an_exchange(site: Site, tmp_path: Path) -> None:
    site.route("/slow", Res(stall=True))
    summary = crawl(tmp_path, site.url("/slow"), site=site, read_timeout=5, total_timeout=0.3,
                    retries=0)
    assert "longer than 0.3 s" in (outcome(summary, site.url("/slow")).entry.error or "")


# ---------------------------------------------------------------------------------------------
# redirects and address safety


def test_a_redirect_chain_is_followed_to_the_final_url(site: Site, tmp_path: Path) -> None:
    site.route("/a", Res(301, headers={"Location": "/b"}))
    site.route("/b", Res(302, headers={"Location": site.url("/c")}))
    site.page("/c", "Baclofen", headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    summary = crawl(tmp_path, site.url("/a"), site=site)
    entry = outcome(summary, site.url("/a")).entry
    assert entry.final_url == site.url("/c")
    assert entry.path == hashlib.sha256(site.url("/c").encode()).hexdigest() + ".html"
    stored = (tmp_path / entry.path).read_bytes()
    assert stored == html("Baclofen") and entry.sha256 == hashlib.sha256(stored).hexdigest()
    assert (entry.content_type, entry.charset) == ("text/html", "ISO-8859-1")
    line = json.loads((tmp_path / MANIFEST_NAME).read_text().splitlines()[0])
    assert {"requested_url", "final_url", "status", "fetched_at", "sha256", "content_type",
            "charset", "path"} <= line.keys()
    assert line["requested_url"] == site.url("/a") and line["status"] == 200


def test_redirect_loops_and_long_chains_stop(site: Site, tmp_path: Path) -> None:
    site.route("/loop1", Res(302, headers={"Location": "/loop2"}))
    site.route("/loop2", Res(302, headers={"Location": "/loop1"}))
    for n in range(4):
        site.route(f"/r{n}", Res(302, headers={"Location": f"/r{n + 1}"}))
    site.page("/r4", "Baclofen")
    summary = crawl(tmp_path, site.url("/loop1"), site.url("/r0"), site=site, max_redirects=2)
    assert "redirect loop" in (outcome(summary, site.url("/loop1")).entry.error or "")
    assert "more than 2 redirects" in (outcome(summary, site.url("/r0")).entry.error or "")
    assert site.hits("/r3") == 0


def test_a_redirect_to_a_non_http_scheme_is_refused(site: Site, tmp_path: Path) -> None:
    site.route("/a", Res(302, headers={"Location": "file:///etc/passwd"}))
    summary = crawl(tmp_path, site.url("/a"), site=site)
    assert "redirect refused" in (outcome(summary, site.url("/a")).entry.error or "")


@pytest.fixture
def second_site() -> Iterator[Site]:
    """A second host, 127.0.0.2, named in --allow-host: the "public" site of these tests."""
    try:
        s = Site("127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    yield s
    s.close()


def test_a_redirect_to_a_private_address_is_refused(site: Site, second_site: Site,
                                                    tmp_path: Path) -> None:
    second_site.route("/go", Res(302, headers={"Location": site.url("/admin")}))
    site.page("/admin", "Internal")
    summary = crawl(tmp_path, second_site.url("/go"), site=second_site, allow_private=False,
                    allow_hosts=frozenset({"127.0.0.2"}))
    result = outcome(summary, second_site.url("/go"))
    assert result.kind == "failed"
    assert "non-public address 127.0.0.1" in (result.entry.error or "")
    assert site.requests == []  # not even its robots.txt
    assert second_site.hits("/go") == 1


def test_allow_private_follows_the_same_redirect(site: Site, second_site: Site,
                                                 tmp_path: Path) -> None:
    second_site.route("/go", Res(302, headers={"Location": site.url("/admin")}))
    site.page("/admin", "Internal")
    summary = crawl(tmp_path, second_site.url("/go"), allow_private=True)
    assert outcome(summary, second_site.url("/go")).entry.final_url == site.url("/admin")


def test_a_private_first_url_is_refused_before_any_request(site: Site, tmp_path: Path) -> None:
    site.page("/page", "Baclofen")
    summary = crawl(tmp_path, site.url("/page"), site=site, allow_private=False)
    assert "non-public address" in (outcome(summary, site.url("/page")).entry.error or "")
    assert site.requests == []


def test_the_connection_itself_refuses_private_addresses(site: Site) -> None:
    """The check at connect time, behind the one before each request (DNS rebinding)."""
    site.page("/page", "Baclofen")

    async def get() -> None:
        async with make_client(FetchConfig(allow_private=False)) as client:
            await client.get(site.url("/page"))

    with pytest.raises(UnsafeURLError, match="non-public"):
        asyncio.run(get())
    assert site.requests == []


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:x",
                                 "http://user:pw@example.org/", "http:///nohost", "http://a:xx/"])
def test_unfetchable_urls(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        normalize_url(url)


# ---------------------------------------------------------------------------------------------
# what is stored


def test_an_oversized_body_is_abandoned(site: Site, tmp_path: Path) -> None:
    big = html("Big", "x" * 5000)
    site.route("/declared", Res(body=big))
    site.route("/streamed", Res(body=big, length=False))
    summary = crawl(tmp_path, site.url("/declared"), site.url("/streamed"), site=site,
                    max_bytes=1000)
    for path in ("/declared", "/streamed"):
        result = outcome(summary, site.url(path))
        assert result.kind == "failed" and "over the limit" in (result.entry.error or "")
        assert site.hits(path) == 1  # not retried
    assert list(tmp_path.glob("*.html")) == []


def test_only_html_is_stored(site: Site, tmp_path: Path) -> None:
    site.route("/doc.pdf", Res(body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}))
    site.route("/xhtml", Res(body=html("X"), headers={"Content-Type": "application/xhtml+xml"}))
    site.route("/untyped", Res(body=html("Untyped"), headers={}))
    site.route("/untyped.bin", Res(body=b"\x00\x01binary", headers={}))
    summary = crawl(tmp_path, *(site.url(p) for p in ("/doc.pdf", "/xhtml", "/untyped",
                                                      "/untyped.bin")), site=site)
    pdf = outcome(summary, site.url("/doc.pdf")).entry
    assert pdf.error == "not HTML: content type application/pdf" and pdf.status == 200
    assert outcome(summary, site.url("/xhtml")).kind == "stored"
    assert outcome(summary, site.url("/untyped")).kind == "stored"
    assert outcome(summary, site.url("/untyped.bin")).kind == "failed"
    assert len(list(tmp_path.glob("*.html"))) == 2


def test_sniffing_a_body_without_content_type() -> None:
    assert sniffs_html(b"\xef\xbb\xbf  <!-- hi --><!DOCTYPE html><html>")
    assert sniffs_html(b"<HTML><body>")
    assert not sniffs_html(b"%PDF-1.4")
    assert not sniffs_html(b"<?xml version='1.0'?><urlset/>")


def test_a_404_is_recorded_not_stored(site: Site, tmp_path: Path) -> None:
    summary = crawl(tmp_path, site.url("/missing"), site=site)
    entry = outcome(summary, site.url("/missing")).entry
    assert (entry.status, entry.error, entry.path) == (404, "HTTP 404", None)


def _conditional(validator: str, header: str, value: str) -> Handler:
    def respond(headers: dict[str, str]) -> Res:
        if headers.get(header) == value:
            return Res(304, headers={})
        return Res(body=html("Baclofen"), headers={"Content-Type": "text/html",
                                                   validator: value})
    return respond


@pytest.mark.parametrize(("validator", "header", "value"), [
    ("ETag", "if-none-match", '"v1"'),
    ("Last-Modified", "if-modified-since", "Wed, 21 Oct 2015 07:28:00 GMT"),
])
def test_a_304_keeps_the_stored_copy(site: Site, tmp_path: Path, validator: str, header: str,
                                     value: str) -> None:
    site.routes["/page"] = _conditional(validator, header, value)
    first = outcome(crawl(tmp_path, site.url("/page"), site=site), site.url("/page")).entry
    second_run = crawl(tmp_path, site.url("/page"), site=site)
    second = outcome(second_run, site.url("/page"))
    assert second.kind == "not_modified"
    assert (second.entry.status, second.entry.path, second.entry.sha256) == (
        304, first.path, first.sha256)
    assert site.requests[-1][1].get(header) == value
    assert (tmp_path / str(first.path)).read_bytes() == html("Baclofen")
    manifest = read_manifest(tmp_path / MANIFEST_NAME)
    assert list(manifest) == [site.url("/page")] and manifest[site.url("/page")].status == 304
    assert len((tmp_path / MANIFEST_NAME).read_text().splitlines()) == 1  # compacted


def test_a_failed_refresh_keeps_the_earlier_copy(site: Site, tmp_path: Path) -> None:
    site.page("/page", "Baclofen")
    first = outcome(crawl(tmp_path, site.url("/page"), site=site), site.url("/page")).entry
    site.route("/page", Res(500))
    again = outcome(crawl(tmp_path, site.url("/page"), site=site, retries=0), site.url("/page"))
    assert again.kind == "kept" and again.reason == "HTTP 500" and again.entry == first
    assert read_manifest(tmp_path / MANIFEST_NAME)[site.url("/page")] == first


def test_a_304_without_the_stored_file_refetches(site: Site, tmp_path: Path) -> None:
    site.routes["/page"] = _conditional("ETag", "if-none-match", '"v1"')
    first = outcome(crawl(tmp_path, site.url("/page"), site=site), site.url("/page")).entry
    (tmp_path / str(first.path)).unlink()
    again = outcome(crawl(tmp_path, site.url("/page"), site=site), site.url("/page"))
    assert again.kind == "stored" and "if-none-match" not in site.requests[-1][1]


def test_file_names_come_from_the_url_hash_only() -> None:
    name = page_file_name("https://example.org/../../etc/passwd?x=<script>")
    assert name.endswith(".html") and len(name) == 64 + 5 and "/" not in name


# ---------------------------------------------------------------------------------------------
# sitemaps

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>"""


def _urlset(*urls: str) -> bytes:
    return URLSET.format("".join(f"<url><loc>{u}</loc></url>" for u in urls)).encode()


def _index(*urls: str) -> bytes:
    return INDEX.format("".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)).encode()


def test_a_sitemap_index_with_a_gzipped_child(site: Site, tmp_path: Path) -> None:
    xml = {"Content-Type": "application/xml"}
    site.route("/sitemap_index.xml", Res(body=_index(site.url("/maps/a.xml"), "/maps/b.xml.gz"),
                                         headers=xml))
    site.route("/maps/a.xml", Res(body=_urlset(site.url("/p1"), site.url("/p2")), headers=xml))
    site.route("/maps/b.xml.gz", Res(body=gzip.compress(_urlset(site.url("/p3"))),
                                     headers={"Content-Type": "application/x-gzip"}))
    for n in (1, 2, 3):
        site.page(f"/p{n}", f"Page {n}")
    summary = crawl(tmp_path, sitemaps=(site.url("/sitemap_index.xml"),), site=site)
    assert sorted(o.entry.requested_url for o in summary.outcomes) == [
        site.url(f"/p{n}") for n in (1, 2, 3)]
    assert summary.count("stored") == 3 and summary.problems == []


def test_a_local_sitemap_and_a_url_list(site: Site, tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml.gz"
    sitemap.write_bytes(gzip.compress(_urlset(site.url("/p1"))))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# medication pages\n{site.url('/p2')}\n\nnot a url\n"
                    f"{site.url('/more.xml')}\n")
    targets = read_targets([str(sitemap), str(urls), site.url("/p3")],
                           sitemap_urls=[site.url("/feed")])
    assert targets.pages == [site.url("/p2"), site.url("/p3")]
    assert targets.sitemaps == [site.url("/feed"), site.url("/more.xml")]
    assert targets.local_sitemaps == [sitemap]
    assert len(targets.invalid) == 1 and "urls.txt:4" in targets.invalid[0]


def test_a_missing_input_is_an_argument_error(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="input not found"):
        read_targets([str(tmp_path / "nope.txt")])


def test_sitemap_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset><url><loc>https://example.org/&b;</loc></url></urlset>"""
    with pytest.raises(SitemapError, match="unsafe XML"):
        parse_sitemap(bomb)
    external = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>&x;</loc></url></urlset>"""
    with pytest.raises(SitemapError, match="unsafe XML"):
        parse_sitemap(external)


def test_a_gzip_bomb_is_refused() -> None:
    with pytest.raises(SitemapError, match="larger than"):
        gunzip(gzip.compress(b"\0" * 10_000), limit=1000)


def test_a_text_sitemap() -> None:
    assert parse_sitemap(b"https://example.org/a\nhttps://example.org/b\n").pages == [
        "https://example.org/a", "https://example.org/b"]


# ---------------------------------------------------------------------------------------------
# fetch, then extract

CETIRIZINE = """<p>Cetirizine is an antihistamine used to relieve hay fever and hives.</p>
<h2>Side effects</h2><ul><li>Drowsiness</li><li>Dry mouth</li><li>Headache</li></ul>
<h2>Dosage</h2><p>Adults: take 10 mg once daily.</p>"""
LORATADINE = """<p>Loratadine is an antihistamine used to treat hay fever.</p>
<h2>Side effects</h2><ul><li>Headache</li><li>Tiredness</li></ul>
<h2>Dosage</h2><p>Adults: take 10 mg once daily.</p>"""


def test_fetch_then_extract_uses_the_urls(site: Site, tmp_path: Path) -> None:
    canonical = "https://www.example.org/loratadine"
    site.route("/cetirizine", Res(body=html("Cetirizine 10 mg tablets", CETIRIZINE)))
    site.route("/old-loratadine", Res(301, headers={"Location": "/loratadine"}))
    site.route("/loratadine", Res(body=html(
        "Loratadine 10 mg tablets", LORATADINE, f'<link rel="canonical" href="{canonical}">')))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{site.url('/cetirizine')}\n{site.url('/old-loratadine')}\n")
    raw, out = tmp_path / "raw", tmp_path / "output"
    runner = CliRunner()
    fetched = runner.invoke(main, ["fetch", str(urls), "--out", str(raw), "--allow-private",
                                   "--delay", "0", "--retries", "0"])
    assert fetched.exit_code == 0, fetched.output
    assert "2 stored" in fetched.output
    assert len(list(raw.glob("*.html"))) == 2

    extracted = runner.invoke(main, ["extract", str(raw), "--out", str(out)])
    assert extracted.exit_code == 0, extracted.output
    articles = {a["title"]: a for a in map(json.loads, (out / "articles.jsonl").open())}
    cetirizine = articles["Cetirizine 10 mg tablets"]
    loratadine = articles["Loratadine 10 mg tablets"]
    assert cetirizine["source"] == cetirizine["url"] == site.url("/cetirizine")
    assert loratadine["source"] == site.url("/loratadine")  # the final URL, after the redirect
    assert loratadine["url"] == canonical  # the page's own canonical URL wins
    assert cetirizine["drug"] == "cetirizine"


def test_source_urls_reads_the_manifest_beside_the_pages(tmp_path: Path) -> None:
    name = page_file_name("https://example.org/a")
    (tmp_path / name).write_bytes(html("A"))
    (tmp_path / "own.html").write_bytes(html("B"))
    (tmp_path / MANIFEST_NAME).write_text(
        json.dumps({"requested_url": "https://example.org/x", "final_url": "https://example.org/a",
                    "status": 200, "fetched_at": "2024-01-01T00:00:00+00:00", "path": name})
        + "\nnot json\n")
    sources = resolve_inputs([str(tmp_path)]).sources
    assert source_urls(sources) == {str(tmp_path / name): "https://example.org/a"}


def test_fetch_argument_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["fetch"]).exit_code == 2
    missing = runner.invoke(main, ["fetch", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "input not found" in missing.output
    assert runner.invoke(main, ["fetch", "ftp://example.org/a"]).exit_code == 2


def _fetch(*args: str) -> Any:
    return CliRunner().invoke(main, ["fetch", "--allow-private", "--delay", "0", "--retries", "0",
                                     *args])


def test_fetch_exits_1_and_says_why_when_no_url_could_be_fetched(site: Site,
                                                                  tmp_path: Path) -> None:
    site.route("/robots.txt", Res(body=b"User-agent: *\nDisallow: /private\n",
                                  headers={"Content-Type": "text/plain"}))
    result = _fetch(site.url("/gone"), site.url("/also-gone"), site.url("/private/page"),
                    "--out", str(tmp_path / "raw"))
    assert result.exit_code == 1, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: no URL could be fetched: HTTP 404 (2)"), last
    assert "disallowed by robots.txt" in last
    assert "3 pages: 0 stored" in result.output
    lines = read_manifest(tmp_path / "raw" / MANIFEST_NAME)
    assert {e.error for e in lines.values()} >= {"HTTP 404"}


def test_fetch_exits_1_when_the_inputs_give_no_page(site: Site, tmp_path: Path) -> None:
    site.route("/sitemap.xml", Res(404, b"no", {"Content-Type": "text/plain"}))
    result = _fetch(site.url("/sitemap.xml"), "--out", str(tmp_path / "raw"))
    assert result.exit_code == 1, result.output
    assert "no URL could be fetched: the inputs gave no page URL (sitemap " in result.output


def test_fetch_exits_0_when_some_url_was_fetched(site: Site, tmp_path: Path) -> None:
    site.page("/ok", "Baclofen")
    result = _fetch(site.url("/ok"), site.url("/gone"), "--out", str(tmp_path / "raw"))
    assert result.exit_code == 0, result.output
    assert "2 pages: 1 stored, 0 not modified, 1 failed" in result.output
    again = _fetch(site.url("/ok"), "--out", str(tmp_path / "raw"))  # unchanged: fetched too
    assert again.exit_code == 0, again.output


def test_total_timeout_stops_a_server_that_trickles(site: Site, tmp_path: Path) -> None:
    """Every byte comes within --read-timeout, so only the total timeout can end it."""
    site.route("/trickle", Res(body=html("Slow", "x" * 400), trickle=0.05))
    result = _fetch(site.url("/trickle"), "--out", str(tmp_path / "raw"), "--read-timeout", "5",
                    "--total-timeout", "0.5")
    assert result.exit_code == 1, result.output
    assert "exchange took longer than 0.5 s" in result.output


@pytest.mark.parametrize("option", ["--total-timeout", "--max-redirects"])
def test_fetch_options_are_explained(option: str) -> None:
    command = main.commands["fetch"]
    params = [p for p in command.params if isinstance(p, click.Option)]
    assert all(p.help for p in params), [p.name for p in params if not p.help]
    assert option in CliRunner().invoke(main, ["fetch", "--help"]).output


def test_fetch_help_shows_the_examples() -> None:
    result = CliRunner().invoke(main, ["fetch", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "--allow-private" in result.output
    assert "python -m pipeline fetch urls.txt" in result.output


def test_a_fetch_stage_client_never_follows_redirects_itself() -> None:
    client = make_client(FetchConfig())
    assert isinstance(client, httpx.AsyncClient) and client.follow_redirects is False
    asyncio.run(client.aclose())


def test_limit_stops_at_that_many_pages(site: Site, tmp_path: Path) -> None:
    site.route("/sitemap.xml", Res(body=_urlset(*(site.url(f"/p{n}") for n in range(5))),
                                   headers={"Content-Type": "text/xml"}))
    for n in range(5):
        site.page(f"/p{n}", f"Page {n}")
    summary = crawl(tmp_path, sitemaps=(site.url("/sitemap.xml"),), site=site, limit=2)
    assert [o.entry.requested_url for o in summary.outcomes] == [site.url("/p0"), site.url("/p1")]
    assert site.hits("/p2") == 0


@pytest.mark.parametrize("module", [urls, safety, client])
def test_doctests(module: ModuleType) -> None:
    assert doctest.testmod(module).failed == 0

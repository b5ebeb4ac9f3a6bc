"""One HTTP GET, the polite way: paced by the host limiter, retried with exponential backoff
and jitter on connection errors, 429 and 5xx (honouring Retry-After), bounded by connect,
read and total timeouts, and streamed with a byte cap so an endless or oversized body is
abandoned as soon as it crosses the limit. Redirects are not followed here: the crawler
follows them hop by hop, so each hop is checked (safety, robots.txt) like a first request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
from dataclasses import dataclass

import httpcore
import httpx

from pipeline.fetch.config import FetchConfig
from pipeline.fetch.ratelimit import HostLimiter
from pipeline.fetch.safety import AddressPolicy, GuardedBackend
from pipeline.fetch.urls import origin

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A URL that could not be fetched: ``reason`` goes to the manifest."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(slots=True)
class Reply:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""

    @property
    def media_type(self) -> str | None:
        value: str | None = self.headers.get("content-type")
        return media_type(value) if value else None

    @property
    def charset(self) -> str | None:
        content_type: str = self.headers.get("content-type", "")
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            value = value.strip(' "\'')
            if name.strip().lower() == "charset" and value:
                return value
        return None


def media_type(content_type: str) -> str:
    """``text/html; charset=utf-8`` -> ``text/html``."""
    return content_type.split(";", 1)[0].strip().lower()


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or bad.

    >>> retry_after_seconds("7")
    7.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT",
    ...                     dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.UTC))
    10.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def backoff_seconds(attempt: int, config: FetchConfig, rng: random.Random) -> float:
    """Exponential backoff with jitter: attempt 0 waits between backoff/2 and backoff, then
    the bounds double, up to ``max_backoff``. The jitter keeps many clients that failed
    together from retrying together."""
    ceiling = min(config.max_backoff, config.backoff * 2.0 ** attempt)
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def _describe(exc: BaseException, config: FetchConfig) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timeout after {config.connect_timeout:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"read timeout: no data for {config.read_timeout:g} s"
    if isinstance(exc, TimeoutError):
        return f"exchange took longer than {config.total_timeout:g} s"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def make_client(config: FetchConfig) -> httpx.AsyncClient:
    """An httpx client that never follows redirects by itself, ignores proxy environment
    variables (a proxy would dial for us, past the address check), and, unless private
    addresses are allowed, dials only vetted addresses."""
    limits = httpx.Limits(max_connections=config.concurrency,
                          max_keepalive_connections=config.concurrency)
    transport = httpx.AsyncHTTPTransport(trust_env=False, limits=limits)
    if not config.allow_private:
        # httpx has no public hook for the network backend: this is the pool it builds
        # itself (default.py, AsyncHTTPTransport.__init__) with our backend in it
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(AddressPolicy(False, config.allow_hosts)),
        )
    timeout = httpx.Timeout(connect=config.connect_timeout, read=config.read_timeout,
                            write=config.read_timeout, pool=None)
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False,
                             trust_env=False, headers={"User-Agent": config.user_agent})


class PoliteClient:
    def __init__(self, client: httpx.AsyncClient, config: FetchConfig, limiter: HostLimiter,
                 rng: random.Random) -> None:
        self.client = client
        self.config = config
        self.limiter = limiter
        self.rng = rng

    async def get(self, url: str, *, headers: dict[str, str] | None = None,
                  accept: frozenset[str] | None = None, max_bytes: int,
                  truncate: bool = False) -> Reply:
        """The reply to GET ``url`` after retries; its body is read only for a 2xx reply.

        ``accept``: the media types a 2xx reply may have (others raise FetchError before the
        body is read). A 429 or 5xx that persists through every retry is returned, so the
        caller can record its status; a failure with no reply raises FetchError. A body over
        ``max_bytes`` raises FetchError, or with ``truncate`` is cut there (robots.txt).
        """
        key = origin(url)
        failure = ""
        reply: Reply | None = None
        for attempt in range(self.config.retries + 1):
            retry_after = None
            async with self.limiter.slot(key):
                try:
                    reply = await self._exchange(url, headers or {}, accept, max_bytes, truncate)
                except (httpx.TransportError, TimeoutError) as exc:
                    reply, failure = None, _describe(exc, self.config)
                except httpx.HTTPError as exc:  # a body that fails to decode: not transient
                    raise FetchError(_describe(exc, self.config)) from exc
                else:
                    if reply.status != 429 and reply.status < 500:
                        return reply
                    failure = f"HTTP {reply.status}"
                    retry_after = retry_after_seconds(reply.headers.get("retry-after"))
            if attempt == self.config.retries:
                break
            if retry_after is not None and retry_after > self.config.max_retry_after:
                raise FetchError(f"{failure}: Retry-After {retry_after:g} s is longer than "
                                 f"--max-retry-after {self.config.max_retry_after:g} s",
                                 reply.status if reply else None)
            wait = retry_after if retry_after is not None else backoff_seconds(
                attempt, self.config, self.rng)
            log.info("%s: %s, retry %d in %.1f s", url, failure, attempt + 1, wait)
            # the whole host waits: it said it is overloaded, or it is unreachable
            self.limiter.defer(key, wait)
        if reply is not None:
            return reply
        raise FetchError(failure)

    async def _exchange(self, url: str, headers: dict[str, str], accept: frozenset[str] | None,
                        max_bytes: int, truncate: bool) -> Reply:
        async with asyncio.timeout(self.config.total_timeout), \
                self.client.stream("GET", url, headers=headers) as response:
            reply = Reply(url, response.status_code, response.headers)
            if not 200 <= reply.status < 300:
                return reply
            if accept is not None and reply.media_type is not None \
                    and reply.media_type not in accept:
                raise FetchError(f"not HTML: content type {reply.media_type}", reply.status)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise FetchError(f"body of {declared} bytes is over the limit of {max_bytes}",
                                 reply.status)
            chunks = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes and truncate:
                    chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                    break
                if size > max_bytes:
                    raise FetchError(f"body over the limit of {max_bytes} bytes: abandoned",
                                     reply.status)
                chunks.append(chunk)
            reply.body = b"".join(chunks)
            return reply

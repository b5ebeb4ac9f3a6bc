"""Small pure helpers over URL strings: which ones are fetchable, their origin, their host."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

SCHEMES = {"http": 80, "https": 443}


class UnsafeURLError(ValueError):
    """A URL the crawler must not fetch: not http(s), no host, or a non-public address."""


def normalize_url(url: str) -> str:
    """The URL to request: http(s) only, with a host, without the fragment.

    >>> normalize_url(" https://Example.org/a?b=1#top ")
    'https://example.org/a?b=1'
    >>> normalize_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    pipeline.fetch.urls.UnsafeURLError: not an http(s) URL: file:///etc/passwd
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as exc:
        raise UnsafeURLError(f"malformed URL: {url}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        raise UnsafeURLError(f"not an http(s) URL: {url}")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if "@" in parts.netloc:
        raise UnsafeURLError(f"credentials in URL refused: {scheme}://…@{netloc}")
    return urlunsplit((scheme, netloc.lower(), parts.path or "/", parts.query, ""))


def split_url(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, the port filled in from the scheme."""
    parts = urlsplit(normalize_url(url))
    assert parts.hostname is not None
    return parts.hostname, parts.port or SCHEMES[parts.scheme]


def origin(url: str) -> str:
    """scheme://host[:port], the unit robots.txt and rate limits apply to.

    >>> origin("https://example.org/a/b?c")
    'https://example.org'
    """
    parts = urlsplit(normalize_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def resolve_location(base: str, location: str) -> str:
    """The next hop of a redirect; a relative Location is relative to the current URL."""
    return normalize_url(urljoin(base, location.strip()))


def looks_like_url(text: str) -> bool:
    return urlsplit(text.strip()).scheme.lower() in SCHEMES

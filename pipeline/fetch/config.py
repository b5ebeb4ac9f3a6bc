"""Every setting of a crawl, with defaults a site operator would call polite."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import PROGRAM, __version__

DEFAULT_USER_AGENT = f"{PROGRAM}/{__version__} (medication-article research crawler)"
MAX_BODY_BYTES = 20 * 1024 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    """Wall-clock bound on one exchange: a server trickling one byte per read timeout
    would otherwise hold a connection forever."""
    max_bytes: int = MAX_BODY_BYTES
    max_redirects: int = 10
    retries: int = 3
    backoff: float = 1.0
    """First retry waits about this long (plus jitter); each further retry doubles it."""
    max_backoff: float = 60.0
    max_retry_after: float = 120.0
    """A Retry-After longer than this gives up on the URL instead of waiting."""
    delay: float = 1.0
    """Minimum seconds between the starts of two requests to one host; robots.txt
    Crawl-delay and Request-rate can only make it longer."""
    concurrency: int = 8
    per_host: int = 2
    allow_private: bool = False
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    """Host names (or IP literals) contacted even if they resolve to private addresses."""
    limit: int | None = None
    """At most this many pages (after sitemap expansion)."""

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against (``PROGRAM`` by default)."""
        token = self.user_agent.split("/", 1)[0].split()
        return token[0] if token else self.user_agent

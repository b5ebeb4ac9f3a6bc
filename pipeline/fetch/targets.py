"""Command-line arguments to what to fetch: page URLs, sitemap URLs, local sitemaps.

An argument is a URL, a local sitemap (XML, gzipped or not) or a text file of URLs (one per
line, ``#`` comments). A URL whose path ends in ``.xml`` or ``.xml.gz`` is a sitemap; any
other sitemap URL can be named with ``--sitemap``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.fetch.sitemaps import is_sitemap
from pipeline.fetch.urls import UnsafeURLError, looks_like_url, normalize_url

log = logging.getLogger(__name__)

SITEMAP_SUFFIXES = (".xml", ".xml.gz")


class TargetError(ValueError):
    """An argument that names no URL and no readable file."""


@dataclass(slots=True)
class Targets:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    local_sitemaps: list[Path] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    """Lines of URL lists that are not fetchable URLs, with the reason."""

    def add_url(self, url: str, *, sitemap: bool = False) -> None:
        if sitemap or urlsplit(url).path.lower().endswith(SITEMAP_SUFFIXES):
            self.sitemaps.append(url)
        else:
            self.pages.append(url)


def read_targets(args: Iterable[str], sitemap_urls: Iterable[str] = ()) -> Targets:
    targets = Targets()
    for url in sitemap_urls:
        targets.add_url(_url_argument(url), sitemap=True)
    for arg in args:
        if looks_like_url(arg):
            targets.add_url(_url_argument(arg))
            continue
        path = Path(arg)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise TargetError(f"input not found (neither a URL nor a file): {arg}") from exc
        except OSError as exc:
            raise TargetError(f"cannot read {arg}: {exc.strerror or exc}") from exc
        if is_sitemap(data):
            targets.local_sitemaps.append(path)
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                targets.add_url(normalize_url(line))
            except UnsafeURLError as exc:
                log.warning("%s:%d: %s", arg, number, exc)
                targets.invalid.append(f"{arg}:{number}: {exc}")
    return targets


def _url_argument(url: str) -> str:
    try:
        return normalize_url(url)
    except UnsafeURLError as exc:
        raise TargetError(str(exc)) from exc

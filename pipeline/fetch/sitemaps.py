"""Sitemaps (sitemaps.org): ``<urlset>`` lists pages, ``<sitemapindex>`` lists sitemaps.

Parsed with defusedxml: a DTD, entity declarations or external references are refused, so
a sitemap cannot expand a billion laughs or read a local file. A gzipped sitemap is
recognised by its magic bytes (whatever its name or content type) and decompressed with a
cap, so a small .gz cannot inflate past the 50 MB the protocol allows. A plain-text sitemap
(one URL a line) is accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from pipeline import decode
from pipeline.fetch.urls import looks_like_url

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
"""sitemaps.org: a sitemap is at most 50 MB uncompressed."""
GZIP_MAGIC = b"\x1f\x8b"


class SitemapError(ValueError):
    """A file that is not a readable sitemap."""


@dataclass(slots=True)
class Sitemap:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    """Child sitemaps, when this is a sitemap index."""


def gunzip(data: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """A gzipped sitemap expanded, up to ``limit`` bytes (the shared decoder's gunzip)."""
    try:
        return decode.gunzip(data, limit)
    except decode.GzipTooLarge as exc:
        raise SitemapError(f"sitemap larger than {limit} bytes uncompressed") from exc
    except ValueError as exc:
        raise SitemapError(f"broken gzip data: {exc}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _locs(root: Element, entry: str) -> list[str]:
    found = []
    for child in root:
        if _local(child.tag) != entry:
            continue
        for item in child:
            if _local(item.tag) == "loc" and item.text and item.text.strip():
                found.append(item.text.strip())
    return found


def is_sitemap(data: bytes) -> bool:
    """Whether a local file's bytes are a sitemap rather than a list of URLs."""
    if data.startswith(GZIP_MAGIC):
        return True
    head = data[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(data: bytes) -> Sitemap:
    """The pages or child sitemaps one sitemap lists, in document order."""
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    if len(data) > MAX_SITEMAP_BYTES:
        raise SitemapError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        lines = stripped.decode("utf-8", "replace").splitlines()
        return Sitemap(pages=[line.strip() for line in lines if looks_like_url(line)])
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SitemapError(f"refused unsafe XML: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind == "urlset":
        return Sitemap(pages=_locs(root, "url"))
    if kind == "sitemapindex":
        return Sitemap(sitemaps=_locs(root, "sitemap"))
    raise SitemapError(f"not a sitemap: root element <{kind}>")

"""Resolve command-line INPUT arguments (files, directories, globs) to page sources.

A directory is searched recursively for ``*.html`` / ``*.htm`` pages and ``*.warc`` /
``*.warc.gz`` web archives, without following symbolic links (a link loop cannot trap the
run). A web archive stands for every HTML response it holds (:mod:`pipeline.warc`), each
known by its URL. Sources keep the path as the user wrote it, joined
with the path inside a directory, because ``source`` is how records are traced back; a page
that ``pipeline fetch`` stored is traced back to its URL instead (:func:`source_urls`).
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.decode import size_text
from pipeline.fetch.manifest import page_urls
from pipeline.tasks import PageOutcome, PageTask, rejected
from pipeline.warc import WarcError, WarcSkip, is_warc, iter_warc_pages

HTML_SUFFIXES = (".html", ".htm")


class InputError(ValueError):
    """An INPUT argument names nothing that exists."""


def _walk(directory: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(HTML_SUFFIXES) or is_warc(name):
                yield os.path.join(dirpath, name)
        # a directory named like a page ("x.html") is not a page but still reported
        for name in dirnames:
            if name.lower().endswith(HTML_SUFFIXES):
                yield os.path.join(dirpath, name)


def resolve_inputs(args: Sequence[str]) -> list[str]:
    """Every page source named by the arguments, each once, in a stable order."""
    sources: list[str] = []
    for arg in args:
        if os.path.isdir(arg):
            sources.extend(_walk(arg))
        elif os.path.lexists(arg):
            sources.append(arg)
        else:
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputError(f"input not found: {arg}")
            for match in matches:
                sources.extend(_walk(match) if os.path.isdir(match) else [match])
    seen: set[str] = set()
    unique = []
    for s in sources:
        key = os.path.normpath(s)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def source_urls(sources: Sequence[str]) -> dict[str, str]:
    """The URL each fetched page came from: source -> final URL after redirects.

    ``pipeline fetch`` stores pages under hashed names with ``manifest.jsonl`` beside them;
    a source listed in the manifest of its own directory is known by its URL, which then
    stands in for the file name as the page's ``source``. Sources with no manifest entry are
    left out.
    """
    by_dir: dict[str, dict[str, str]] = {}
    urls = {}
    for source in sources:
        directory = os.path.dirname(source) or "."
        if directory not in by_dir:
            by_dir[directory] = page_urls(Path(directory))
        url = by_dir[directory].get(os.path.normpath(source))
        if url is not None:
            urls[source] = url
    return urls


def display_source(source: str) -> str:
    """``source`` as valid text: a file name that is not UTF-8 keeps its bytes as ``\\xNN``.

    The path itself (with surrogate escapes) is still what :func:`read_source` opens, but a
    lone surrogate cannot go into a record or a UTF-8 output file.
    """
    return os.fsencode(source).decode("utf-8", "backslashreplace")


class PageTooLarge(ValueError):
    """A page over the size limit: refused before it is read, the message says how big."""


def read_source(source: str, max_bytes: int | None = None) -> bytes:
    """The bytes of one page; OSError (unreadable, a directory, gone) is the caller's reject.

    A page larger than ``max_bytes`` raises :class:`PageTooLarge` without being read: no
    more than ``max_bytes + 1`` bytes are ever held, whatever the file system says its size is.
    """
    info = os.stat(source)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"is a directory, not a page: {source}")
    if not stat.S_ISREG(info.st_mode):
        # a FIFO would block the run forever, a device (/dev/zero) never ends
        raise OSError(f"not a regular file: {source}")
    if max_bytes is None:
        return Path(source).read_bytes()
    if info.st_size > max_bytes:
        raise PageTooLarge(_too_large(info.st_size, max_bytes))
    with open(source, "rb") as fh:
        data = fh.read(max_bytes + 1)  # a file that grew since stat, or lies about its size
    if len(data) > max_bytes:
        raise PageTooLarge(_too_large(None, max_bytes))
    return data


def _too_large(size: int | None, limit: int) -> str:
    what = size_text(size) if size is not None else "more bytes"
    return f"page too large: {what}, over the limit of {size_text(limit)} (--max-page-bytes)"


def run_order(sources: Sequence[str], urls: Mapping[str, str]) -> list[str]:
    """The order a run processes and writes its inputs in: by the name records carry (the
    URL of a fetched page, else the path). The records of a web archive keep their order."""
    return sorted(sources, key=lambda s: (urls.get(s) or display_source(s), s))


def iter_pages(sources: Sequence[str], urls: Mapping[str, str],
               max_bytes: int) -> Iterator[PageTask | PageOutcome]:
    """Every page of the inputs, read one at a time: a task to process, or, for an input
    that cannot be read, its reject as an outcome. Never raises for a bad input."""
    for path in sources:
        source = urls.get(path) or display_source(path)
        if is_warc(path):
            yield from _warc_pages(path, source, max_bytes)
            continue
        try:
            data = read_source(path, max_bytes=max_bytes)
        except PageTooLarge as exc:
            yield rejected(source, "read", str(exc))
            continue
        except OSError as exc:
            yield rejected(source, "read", f"cannot read input: {exc.strerror or exc}")
            continue
        yield PageTask(source=source, data=data, url=urls.get(path))


def _warc_pages(path: str, source: str, max_bytes: int) -> Iterator[PageTask | PageOutcome]:
    try:
        for record in iter_warc_pages(path, max_bytes):
            if isinstance(record, WarcSkip):
                yield rejected(record.url, "read", record.reason)
            else:
                yield PageTask(source=record.url, data=record.data, url=record.url)
    except WarcError as exc:
        yield rejected(source, "read", str(exc))
    except OSError as exc:
        yield rejected(source, "read", f"cannot read input: {exc.strerror or exc}")

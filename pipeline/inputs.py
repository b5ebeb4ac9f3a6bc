"""Resolve command-line INPUT arguments (files, directories, globs) to page sources.

A directory is searched recursively for ``*.html`` / ``*.htm`` pages and ``*.warc`` /
``*.warc.gz`` web archives. A web archive stands for every HTML response it holds
(:mod:`pipeline.warc`), each known by its URL. Sources keep the path as the user wrote it,
joined with the path inside a directory, because ``source`` is how records are traced back; a
page that ``pipeline fetch`` stored is traced back to its URL instead (:func:`source_urls`).

Resolution ends, and visits each real file once, whatever links the inputs hold:

- links to directories are never followed, in a directory search or in a ``**`` glob
  (Python's own recursive glob follows them: two links to ``.`` make it branch two ways per
  level, forty levels deep), and each directory is entered once (by device and inode);
- a file reached under a second name (a link to a file already listed) is listed once, under
  the name that is not a link;
- the search goes at most :data:`MAX_DEPTH` directory levels below an input and looks at no
  more than :data:`MAX_ENTRIES` entries in all.

What is passed over on purpose (a link to a directory, a second name) is reported in
:attr:`Inputs.skipped`; a directory that cannot be listed, or is beyond the bounds, is in
:attr:`Inputs.failed` and becomes a reject like an unreadable file: every input is accounted for.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.decode import size_text
from pipeline.fetch.manifest import page_urls
from pipeline.tasks import PageOutcome, PageTask, rejected
from pipeline.warc import WarcError, WarcSkip, is_warc, iter_warc_pages

HTML_SUFFIXES = (".html", ".htm")
PAGE_PATTERNS = "*.html, *.htm, *.warc or *.warc.gz"
MAX_DEPTH = 64
"""Directory levels searched below an input; deeper directories are rejects, not searched."""
MAX_ENTRIES = 2_000_000
"""Directory entries looked at in all, before the search stops (a reject says where)."""


class InputError(ValueError):
    """An INPUT argument names nothing that exists."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path passed over on purpose, and why (for a warning)."""

    path: str
    reason: str


@dataclass(slots=True)
class Inputs:
    sources: list[str] = field(default_factory=list)
    """Pages and archives, each real file once, in the order found."""
    failed: dict[str, str] = field(default_factory=dict)
    """Directories that could not be searched (or not to the end) -> why, for a reject."""
    skipped: list[Skipped] = field(default_factory=list)


def _is_page(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES) or is_warc(name)


def _hidden_match(name: str, pattern: str) -> bool:
    """One path component against one glob component; like :mod:`glob`, a wildcard does not
    match a leading dot."""
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)


def _glob_match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    """Whether the relative path ``parts`` matches ``pattern``; ``**`` is any number of
    directories (none with a leading dot)."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return _glob_match(parts, pattern[1:]) or (
            bool(parts) and not parts[0].startswith(".") and _glob_match(parts[1:], pattern))
    return bool(parts) and _hidden_match(parts[0], pattern[0]) and _glob_match(parts[1:], pattern[1:])


class _Search:
    """One resolution: what it found, skipped and failed, the directories it entered and the
    entries it counted."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.failed: dict[str, str] = {}
        self.skipped: list[Skipped] = []
        self._entered: set[tuple[int, int]] = set()
        self._entries = 0

    def _full(self) -> bool:
        return self._entries > MAX_ENTRIES

    def _stop(self, directory: str) -> None:
        self.failed.setdefault(
            directory, f"not searched to the end: the inputs hold more than {MAX_ENTRIES:,} entries")

    def walk(self, top: str, pattern: Sequence[str] | None = None) -> None:
        """Search the directory ``top`` in name order. With ``pattern`` (a glob below ``top``,
        split in components) only entries that match are taken, and the pages and archives
        anywhere inside a matching directory; without, every page and archive."""
        stack: list[tuple[str, tuple[str, ...], bool]] = [(top, (), pattern is None)]
        while stack:
            directory, parts, inside = stack.pop()
            if self._full():
                self._stop(directory)
                continue
            try:
                info = os.stat(directory)
                if (info.st_dev, info.st_ino) in self._entered:
                    continue  # already searched, as another input or through a bind mount
                self._entered.add((info.st_dev, info.st_ino))
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                self.failed[directory] = f"cannot read directory: {exc.strerror or exc}"
                continue
            below: list[tuple[str, tuple[str, ...], bool]] = []
            for entry in entries:
                self._entries += 1
                if self._full():
                    self._stop(directory)
                    break
                here = (*parts, entry.name)
                match = pattern is not None and _glob_match(here, pattern)
                if _entry_is_dir(entry, follow=False):
                    if (inside or match) and _is_page(entry.name):
                        self.found.append(entry.path)  # "x.html" that is a directory: a reject
                    below.append((entry.path, here, inside or match))
                elif _entry_is_dir(entry, follow=True):
                    if inside or match or pattern is not None:
                        self.skipped.append(Skipped(entry.path, "a link to a directory, not followed"))
                elif match or (inside and _is_page(entry.name)):
                    self.found.append(entry.path)
            for sub in reversed(below):
                if len(sub[1]) > MAX_DEPTH:
                    self.failed[sub[0]] = (f"not searched: deeper than {MAX_DEPTH} directory levels "
                                           "below an input")
                else:
                    stack.append(sub)

    def glob(self, arg: str) -> bool:
        """Add what the glob ``arg`` matches; False when it matches nothing at all."""
        if "**" not in arg:
            matches = sorted(glob.glob(arg))  # one level per component: bounded as written
            for match in matches:
                if os.path.isdir(match):
                    self.walk(match)
                else:
                    self.found.append(match)
            return bool(matches)
        base, pattern = _split_glob(arg)
        before = (len(self.found), len(self.failed), len(self.skipped))
        if os.path.isdir(base):
            self.walk(base, pattern)
        if base == "." and not arg.startswith("."):  # "**/*.html" finds "a.html", not "./a.html"
            self.found[before[0]:] = [_relative(p) for p in self.found[before[0]:]]
            self.skipped[before[2]:] = [Skipped(_relative(s.path), s.reason)
                                        for s in self.skipped[before[2]:]]
            self.failed = {_relative(p): why for p, why in self.failed.items()}
        return (len(self.found), len(self.failed), len(self.skipped)) != before


def _relative(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def _entry_is_dir(entry: os.DirEntry[str], follow: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow)
    except OSError:
        return False


def _split_glob(arg: str) -> tuple[str, list[str]]:
    """``'site/2024/**/*.html'`` -> ``('site/2024', ['**', '*.html'])``: the leading
    components without wildcards, and the rest."""
    parts = arg.split(os.sep)
    fixed = 0
    while fixed < len(parts) - 1 and not glob.has_magic(parts[fixed]):
        fixed += 1
    base = os.sep.join(parts[:fixed]) or (os.sep if arg.startswith(os.sep) else ".")
    return base, [p for p in parts[fixed:] if p]


def _file_key(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # unreadable, gone or a link loop: reading it fails and says so
    return info.st_dev, info.st_ino


def _unique(paths: Sequence[str]) -> tuple[list[str], list[Skipped]]:
    """Each real file once, under one name: of the names of one file (by device and inode) the
    first that is not a link, else the first; a path written twice counts once, silently."""
    keys = {path: _file_key(path) for path in paths}
    chosen: dict[tuple[int, int], str] = {}
    for path, key in keys.items():
        if key is not None and (key not in chosen
                                or (os.path.islink(chosen[key]) and not os.path.islink(path))):
            chosen[key] = path
    kept: list[str] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path in paths:
        norm = os.path.normpath(path)
        if norm in seen:
            continue
        seen.add(norm)
        key = keys[path]
        if key is None or os.path.normpath(chosen[key]) == norm:
            kept.append(path)
        else:
            first = display_source(chosen[key])
            skipped.append(Skipped(path, f"another name of an input already listed: {first}"))
    return kept, skipped


def resolve_inputs(args: Sequence[str]) -> Inputs:
    """Every page source named by the arguments, each real file once, in a stable order; raises
    :class:`InputError` for an argument that names nothing."""
    search = _Search()
    for arg in args:
        if os.path.isdir(arg):
            search.walk(arg)
        elif os.path.lexists(arg):
            search.found.append(arg)
        elif not search.glob(arg):
            raise InputError(f"input not found: {arg}")
    sources, skipped = _unique(search.found)
    return Inputs(sources=sources, failed=search.failed, skipped=search.skipped + skipped)


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


class _Once:
    """Lets each source through once. A second input with the same source (a URL crawled
    twice, in one archive or two) would be a second article under one source, or the same
    ``article_id`` twice when its bytes are the same too, which the databases (one article per
    source) and the primary key of the datasets cannot hold. About 100 bytes a source."""

    def __init__(self) -> None:
        self._seen: dict[bytes, int] = {}

    def check(self, task: PageTask) -> PageTask | PageOutcome:
        """The task the first time its source is seen, else its reject."""
        key = hashlib.blake2b(task.source.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        content = hash(task.data)
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = content
            return task
        what = "the same content: one article" if first == content else \
            "other content: only the first is kept"
        return rejected(task.source, "read", f"an earlier input has the same URL and {what}")


def iter_pages(sources: Sequence[str], urls: Mapping[str, str], max_bytes: int,
               failed: Mapping[str, str] | None = None) -> Iterator[PageTask | PageOutcome]:
    """Every page of the inputs, read one at a time: a task to process, or, for an input
    that cannot be read (``failed``: those known not to be, with the reason), or that repeats
    an earlier input's source, its reject as an outcome. Never raises for a bad input."""
    once = _Once()
    for path in sources:
        source = urls.get(path) or display_source(path)
        if failed and path in failed:
            yield rejected(source, "read", failed[path])
            continue
        if is_warc(path):
            yield from _warc_pages(path, source, max_bytes, once)
            continue
        try:
            data = read_source(path, max_bytes=max_bytes)
        except PageTooLarge as exc:
            yield rejected(source, "read", str(exc))
            continue
        except OSError as exc:
            yield rejected(source, "read", f"cannot read input: {exc.strerror or exc}")
            continue
        yield once.check(PageTask(source=source, data=data, url=urls.get(path)))


def _warc_pages(path: str, source: str, max_bytes: int,
                once: _Once) -> Iterator[PageTask | PageOutcome]:
    try:
        for record in iter_warc_pages(path, max_bytes):
            if isinstance(record, WarcSkip):
                yield rejected(record.url, "read", record.reason)
            else:
                yield once.check(PageTask(source=record.url, data=record.data, url=record.url))
    except WarcError as exc:
        yield rejected(source, "read", str(exc))
    except OSError as exc:
        yield rejected(source, "read", f"cannot read input: {exc.strerror or exc}")

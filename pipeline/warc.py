"""Read HTML pages out of web archives (Common Crawl WARC / WARC.gz files) with warcio.

A crawl archive holds far more than pages: requests, metadata, revisits, images, redirects.
Only what a browser would have rendered as an HTML document is a page; everything else is
passed over without a word, because an archive full of images is not an archive full of
errors. An HTML response that exists but cannot be used (too big, undecodable, cut short by
the crawler) is reported as a :class:`WarcSkip`, so the run can say which URL it lost and why.

warcio is lenient where this pipeline must not be: it ends iteration quietly when the file is
cut short (handing out the last record short of its ``Content-Length``), passes a body through
unchanged when its ``Content-Encoding`` fails to decode, and only warns on stderr when a record
runs past its ``Content-Length``. A silently shortened page or archive would become a silently
incomplete dataset, so this module checks what warcio lets through (every record must deliver
its declared length, the records must reach the end of the file) and turns every failure into
one :class:`WarcError` naming the file and the offset. The HTTP body is
decoded here rather than by ``record.content_stream()`` for the same reason: a decoding
failure has to be seen, and a decompression bomb has to stop at ``max_bytes``.
"""

from __future__ import annotations

import importlib
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from warcio.archiveiterator import WARCIterator  # type: ignore[import-untyped]
from warcio.bufferedreaders import (  # type: ignore[import-untyped]
    ChunkedDataReader,
    DecompressingBufferedReader,
)
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from pipeline.decode import size_text

WARC_SUFFIXES = (".warc", ".warc.gz")

_BLOCK = 64 * 1024
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_RECORDS = frozenset({"response", "resource"})
_SNIFF_PREFIXES = (b"<!doctype html", b"<html")
_TAG_END = b" \t\n\f\r>"
_WHITESPACE = b" \t\n\f\r"
_UTF8_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_DETAIL = 200
_INVALID_FIRST_LINE = "Invalid WARC record, first line:"
MAX_HEADER_LINE = 64 * 1024
"""Longest header line (WARC or HTTP) of a record; real ones are well under 8 KiB."""
MAX_HEADER_BYTES = 1024 * 1024
"""Most header bytes (every header line of the WARC and HTTP headers) of one record."""


class _HeaderTooLong(Exception):
    """A header line, or a record's headers, beyond the limits: a damaged or hostile archive."""


class _CappedReader(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader with bounded header lines. warcio reads each header line whole, by
    concatenating buffers (time quadratic in its length), and keeps every header: one 1 GiB
    line, which gzip packs into 4.5 MB, took 3 GB of memory. Here a line stops at
    :data:`MAX_HEADER_LINE` bytes and a record's header lines at :data:`MAX_HEADER_BYTES`."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(stream)
        self.header_bytes = 0
        """Read by ``readline`` since the last record began (reset by the caller)."""

    def readline(self, length: int | None = None) -> bytes:
        limit = MAX_HEADER_LINE + 1 if length is None else min(length, MAX_HEADER_LINE + 1)
        parts: list[bytes] = []
        size = 0
        while size < limit:  # warcio's readline may stop short of its length at a buffer's end
            part: bytes = super().readline(limit - size)
            if not part:
                break
            parts.append(part)
            size += len(part)
            if part.endswith(b"\n"):
                break
        line = b"".join(parts)
        if size > MAX_HEADER_LINE and not line.endswith(b"\n"):
            raise _HeaderTooLong(f"a header line longer than {MAX_HEADER_LINE:,} bytes")
        self.header_bytes += len(line)
        if self.header_bytes > MAX_HEADER_BYTES:
            raise _HeaderTooLong(f"headers longer than {MAX_HEADER_BYTES:,} bytes in one record")
        return line


def is_warc(path: str) -> bool:
    """Whether ``path`` names a web archive; by name alone, so a directory walk stays cheap."""
    return path.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML document from an archive, as the browser would have received it."""

    url: str
    data: bytes
    offset: int


@dataclass(frozen=True, slots=True)
class WarcSkip:
    """An HTML response that cannot become a page; ``reason`` goes into the reject record."""

    url: str
    offset: int
    reason: str


class WarcError(Exception):
    """The archive itself cannot be read (any further): the one-line message says where and why."""


class _Undecodable(ValueError):
    """The HTTP body's Content-Encoding cannot be undone; the message is the skip reason."""


class _TooLarge(Exception):
    """The decoded body is over ``max_bytes``; raised as soon as one byte too many is seen."""


def _display(path: str) -> str:
    # a file name that is not UTF-8 must still fit a one-line (UTF-8) message
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _printable(text: str) -> str:
    """Control characters from a binary "first line" must not reach a terminal or a log line."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else "\ufffd"
                   for c in " ".join(text.split()))


def _one_line(error: BaseException) -> str:
    """warcio's messages span lines (the non-chunked-gzip one is a paragraph); a reject is one
    line, and never the text of an exception inside warcio (``'NoneType' object has no ...``)."""
    text = str(error)
    if isinstance(error, _HeaderTooLong):
        text = f"damaged WARC record ({text})"
    elif isinstance(error, zlib.error):
        text = "damaged WARC record (corrupt gzip data)"
    elif isinstance(error, EOFError):
        text = "damaged WARC record (it ends early)"
    elif not isinstance(error, ArchiveLoadFailed):
        # anything else is warcio tripping over a damaged record (e.g. a header cut in half)
        text = "damaged WARC record (its headers cannot be read)"
    elif "non-chunked gzip file detected" in text:
        text = ("the whole file is one gzip stream, not one gzip member per record "
                "(fix with: warcio recompress IN OUT)")
    elif text.startswith(_INVALID_FIRST_LINE):
        line = text[len(_INVALID_FIRST_LINE):].strip()
        # a gzip member that fails to inflate is handed on raw by warcio, so binary shows up here
        binary = any(not c.isprintable() for c in line)
        text = ("not a WARC record header but binary data (corrupt gzip member, or not a WARC file)"
                if binary else f"not a WARC record header: {_printable(line)[:80]!r}")
    text = _printable(text)
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].split(",", 1)[0].strip().lower()


def _looks_like_html(head: bytes) -> bool:
    """Sniff a body that came without a Content-Type, the way a browser does for the common case."""
    text = head.lstrip(_WHITESPACE)
    while text.startswith(_UTF8_BOM):
        text = text[len(_UTF8_BOM):].lstrip(_WHITESPACE)
    text = text[:32].lower()
    for prefix in _SNIFF_PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix):len(prefix) + 1]
            return rest == b"" or rest in _TAG_END  # "<htmlfoo" is not an html tag
    return False


# --- HTTP body decoding -------------------------------------------------------------------------
# Each stage is a lazy generator yielding at most _BLOCK bytes at a time, so a small compressed
# body that expands enormously is stopped at max_bytes + 1 bytes instead of filling memory.


def _read_blocks(stream: Any) -> Iterator[bytes]:
    while block := stream.read(_BLOCK):
        yield bytes(block)


def _inflate(blocks: Iterator[bytes], wbits: int, name: str, members: bool) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(wbits)
    seen = False
    for block in blocks:
        data = block
        while data:
            seen = True
            try:
                out = decompressor.decompress(data, _BLOCK)
            except zlib.error as e:
                raise _Undecodable(f"cannot decode Content-Encoding {name}: {e}") from None
            if out:
                yield out
            if decompressor.eof:
                rest = decompressor.unused_data
                if not (members and rest.startswith(_GZIP_MAGIC)):
                    return  # trailing bytes after the stream: ignored, as browsers do
                decompressor = zlib.decompressobj(wbits)
                data = rest
            else:
                data = decompressor.unconsumed_tail
    if seen and not decompressor.eof:
        # a browser would show the part it got; a dataset must not take half a page for a page
        raise _Undecodable(f"cannot decode Content-Encoding {name}: compressed data ends early")


def _gunzip(blocks: Iterator[bytes], name: str) -> Iterator[bytes]:
    return _inflate(blocks, 16 + zlib.MAX_WBITS, name, members=True)


def _deflate(blocks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """``deflate`` should be zlib-wrapped, but servers often send raw deflate; browsers take both."""
    first = next(blocks, b"")
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0

    def again() -> Iterator[bytes]:
        yield first
        yield from blocks

    return _inflate(again(), zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, name, members=False)


def _unbrotli(blocks: Iterator[bytes], name: str) -> Iterator[bytes]:
    try:
        brotli = importlib.import_module("brotli")  # optional: only some installs have it
    except ImportError:
        raise _Undecodable(f"cannot decode Content-Encoding {name}: the brotli module is not installed") \
            from None
    decompressor = brotli.Decompressor()
    for block in blocks:
        for start in range(0, len(block), 1024):  # small input steps bound each output step
            try:
                out: bytes = decompressor.process(block[start:start + 1024])
            except brotli.error as e:
                raise _Undecodable(f"cannot decode Content-Encoding {name}: {e}") from None
            if out:
                yield out
    if not decompressor.is_finished():
        raise _Undecodable(f"cannot decode Content-Encoding {name}: compressed data ends early")


_DECODERS: dict[str, Callable[[Iterator[bytes], str], Iterator[bytes]]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _deflate,
    "br": _unbrotli,
}


def _body(record: Any) -> Iterator[bytes]:
    """The HTTP body as a browser sees it: de-chunked, then each Content-Encoding undone in reverse."""
    headers = record.http_headers
    if headers is None:  # a resource record: the block is the document
        return _read_blocks(record.raw_stream)
    transfer = (headers.get_header("transfer-encoding") or "").lower()
    stream = record.raw_stream
    if "chunked" in transfer:
        # falls back to the raw bytes when the body is not actually chunked, as browsers do
        stream = ChunkedDataReader(stream)
    blocks = _read_blocks(stream)
    codings = [c.strip().lower() for c in (headers.get_header("content-encoding") or "").split(",")]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise _Undecodable(f"cannot decode Content-Encoding {coding}: not supported")
        blocks = decoder(blocks, coding)
    return blocks


def _read_limited(blocks: Iterator[bytes], max_bytes: int) -> bytes:
    """The whole body, or _TooLarge once more than ``max_bytes`` bytes have been produced."""
    parts: list[bytes] = []
    size = 0
    for block in blocks:
        if size + len(block) > max_bytes:
            raise _TooLarge((b"".join(parts) + block)[:4096])
        parts.append(block)
        size += len(block)
    return b"".join(parts)


# --- records --------------------------------------------------------------------------------------


def _declared_html(record: Any) -> bool | None:
    """True/False from the Content-Type; None when there is none and the body must be sniffed."""
    if record.http_headers is not None:
        declared = record.http_headers.get_header("content-type")
    else:
        declared = record.content_type
    media = _media_type(declared)
    if not media:
        return None
    return media in _HTML_TYPES


def _candidate(record: Any) -> bool:
    """Could this record be a page? Status and record type only; the body is not touched."""
    if record.rec_type not in _PAGE_RECORDS:
        return False
    if record.rec_type == "response":
        if record.http_headers is None:  # dns:, whois: and other non-HTTP responses
            return False
        status = str(record.http_headers.get_statuscode() or "")
        if not (len(status) == 3 and status.startswith("2") and status.isdigit()):
            return False
    return _declared_html(record) is not False


def _page(record: Any, url: str, offset: int, max_bytes: int) -> WarcPage | WarcSkip | None:
    """The page in a candidate record, a skip with the reason, or None if it is not HTML after all."""
    declared = _declared_html(record)
    try:
        data = _read_limited(_body(record), max_bytes)
    except _TooLarge as e:
        if declared or _looks_like_html(e.args[0]):
            return WarcSkip(url, offset, f"page too large: over the limit of {size_text(max_bytes)} "
                                         "(--max-page-bytes)")
        return None
    except _Undecodable as e:
        # without a Content-Type an undecodable body cannot be told to be HTML: not a page
        return WarcSkip(url, offset, str(e)) if declared else None
    if declared is None and not _looks_like_html(data):
        return None
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        # Common Crawl cuts bodies at a fixed size: what is left is a page missing its end
        return WarcSkip(url, offset, f"page truncated by the crawler (WARC-Truncated: {truncated})")
    if record.rec_headers.get_header("WARC-Segment-Number"):
        return WarcSkip(url, offset, "page split over segmented WARC records, which are not joined")
    return WarcPage(url, data, offset)


def _content_length(record: Any) -> int | None:
    value = record.rec_headers.get_header("Content-Length")
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


def iter_warc_pages(path: str, max_bytes: int) -> Iterator[WarcPage | WarcSkip]:
    """Each HTML page of the archive at ``path`` in file order, or a skip saying why it is unusable.

    Streams: at most one body (no more than ``max_bytes`` of it) is held at a time. Pages
    before any damage are yielded first; then :class:`WarcError` is raised, and it is the only
    exception bad input can cause. An empty file, or one without a single WARC record, raises
    WarcError too: the WARC format is "one or more records", and a zero-byte archive is far more
    often a failed download than an empty crawl.
    """
    name = _display(path)
    offset = 0

    def fail(detail: str) -> WarcError:
        # warcio's running offset goes wrong (negative) in a file that is one big gzip stream
        where = f" at offset {offset}" if offset >= 0 else ""
        return WarcError(f"cannot read WARC archive {name}{where}: {detail}")

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise WarcError(f"cannot read WARC archive {name}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise WarcError(f"cannot read WARC archive {name}: not a regular file")
        fh: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the with below, across yields
    except OSError as e:
        raise WarcError(f"cannot read WARC archive {name}: {e.strerror or _one_line(e)}") from None

    with fh:
        size = os.fstat(fh.fileno()).st_size
        # WARCIterator, not ArchiveIterator: a file that is not WARC must fail, not be tried as
        # the older ARC format (where almost any line with five spaces is a valid header)
        records = WARCIterator(fh)
        reader = records.reader = _CappedReader(fh)
        count = 0
        while True:
            try:
                record = next(records, None)
            except Exception as e:  # warcio raises bare Exception, zlib.error, EOFError, ...
                raise fail(_one_line(e)) from e
            if record is None:
                break
            count += 1
            offset = records.offset  # the start of this record; warcio's public getter reads it all
            length = _content_length(record)
            if length is None:
                # without it warcio would read the rest of the file as this record's block
                raise fail("WARC record without a valid Content-Length")
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            result: WarcPage | WarcSkip | None = None
            try:
                if _candidate(record):
                    result = _page(record, url, offset, max_bytes)
                overlong = records.err_count
                records.read_to_end()  # so the truncation check below sees the whole record
                overlong = records.err_count > overlong
                missing = record.raw_stream.limit
            except Exception as e:
                raise fail(_one_line(e)) from e
            if missing:
                # warcio hands out a short record without complaint when the file is cut short
                raise fail(f"record ends {missing:,} bytes before its Content-Length of {length:,} "
                           "(file cut short or corrupt)")
            if overlong and isinstance(result, WarcPage):
                # warcio only warns on stderr and drops the line; the page lost its tail with it
                result = WarcSkip(url, offset, "WARC record longer than its Content-Length: page incomplete")
            if result is not None:
                yield result
            offset = records.offset  # where the next record starts, for errors in reading it
            reader.header_bytes = 0
        if size == 0:
            raise fail("empty file, no WARC records")
        if offset < size:
            # warcio ends quietly when the file stops inside a record's headers, or before the
            # first gzip member is long enough to be recognised
            raise fail("incomplete WARC record at the end of the file (file cut short)" if count
                       else "no complete WARC record (not a WARC file, or cut short)")
        if count == 0:
            raise fail("no WARC records")

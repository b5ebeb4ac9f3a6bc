"""The WARC reader: archives written with warcio's own writer, in both the plain and the
record-gzipped layout, then damaged on purpose."""

from __future__ import annotations

import gzip
import io
import random
import zlib
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from pipeline.warc import WARC_SUFFIXES, WarcError, WarcPage, WarcSkip, is_warc, iter_warc_pages

HTML = b"<!doctype html><html><head><title>Ibuprofen</title></head><body><p>200 mg</p></body></html>"
LIMIT = 1_000_000
GZ = pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])


@dataclass
class Rec:
    """One record to write; ``status=None`` means a record without HTTP headers."""

    url: str = "https://example.org/page"
    body: bytes = HTML
    status: str | None = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html")])
    rec_type: str = "response"
    warc_type: str = ""  # WARC Content-Type, for resource records
    warc_headers: dict[str, str] = field(default_factory=dict)


def page(url: str = "https://example.org/page", body: bytes = HTML, ctype: str = "text/html") -> Rec:
    return Rec(url=url, body=body, headers=[("Content-Type", ctype)])


def write_warc(path: Path, records: Iterable[Rec | str], gz: bool) -> Path:
    """Write the records; a str stands for a special record: warcinfo, request, revisit."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for rec in records:
            if rec == "warcinfo":
                writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
            elif rec == "request":
                http = StatusAndHeaders("GET /page HTTP/1.1", [("Host", "example.org")],
                                        is_http_request=True)
                writer.write_record(writer.create_warc_record("https://example.org/page", "request",
                                                              http_headers=http))
            elif rec == "revisit":
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_revisit_record(
                    "https://example.org/page", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    "https://example.org/page", "2024-01-01T00:00:00Z", http_headers=http))
            else:
                assert isinstance(rec, Rec)
                http = (StatusAndHeaders(rec.status, rec.headers, protocol="HTTP/1.1")
                        if rec.status is not None else None)
                writer.write_record(writer.create_warc_record(
                    rec.url, rec.rec_type, payload=io.BytesIO(rec.body), length=len(rec.body),
                    http_headers=http, warc_content_type=rec.warc_type,
                    warc_headers_dict=dict(rec.warc_headers)))
    return path


def offsets(path: Path) -> list[int]:
    """Record offsets as warcio's own indexer sees them, to check ours against."""
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        return [records.get_record_offset() for _ in records]


def read_all(path: Path, max_bytes: int = LIMIT) -> list[WarcPage | WarcSkip]:
    return list(iter_warc_pages(str(path), max_bytes))


def read_until_error(path: Path, max_bytes: int = LIMIT) -> tuple[list[WarcPage | WarcSkip], WarcError]:
    got: list[WarcPage | WarcSkip] = []
    with pytest.raises(WarcError) as info:
        for item in iter_warc_pages(str(path), max_bytes):
            got.append(item)
    return got, info.value


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("crawl.warc", True), ("CRAWL.WARC.GZ", True), ("a/b/CC-MAIN-1.warc.gz", True),
    ("page.html", False), ("crawl.warc.zst", False), ("warc", False), ("crawl.gz", False),
])
def test_is_warc_by_name(name: str, expected: bool) -> None:
    assert is_warc(name) is expected
    assert WARC_SUFFIXES == (".warc", ".warc.gz")


@GZ
def test_html_response_becomes_a_page_with_url_bytes_and_offset(tmp_path: Path, gz: bool) -> None:
    path = write_warc(tmp_path / "a.warc", ["warcinfo", "request", page("https://example.org/a")], gz)
    [got] = read_all(path)
    assert got == WarcPage(url="https://example.org/a", data=HTML, offset=offsets(path)[2])
    assert got.offset > 0


@pytest.mark.parametrize(("headers", "body"), [
    ([("Content-Encoding", "gzip")], gzip.compress(HTML)),
    ([("Content-Encoding", "x-gzip")], gzip.compress(HTML)),
    ([("Content-Encoding", "GZIP")], gzip.compress(HTML)),
    ([("Content-Encoding", "deflate")], zlib.compress(HTML)),
    ([("Content-Encoding", "deflate")], raw_deflate(HTML)),  # what many servers really send
    ([("Content-Encoding", "identity")], HTML),
    ([("Content-Encoding", "gzip, deflate")], zlib.compress(gzip.compress(HTML))),
    ([("Transfer-Encoding", "chunked")], chunked(HTML)),
    ([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")], chunked(gzip.compress(HTML))),
    ([("Transfer-Encoding", "chunked")], HTML),  # says chunked, is not: taken as is, like a browser
    # Common Crawl decodes bodies and renames the headers: nothing left to undo
    ([("X-Crawler-Content-Encoding", "gzip"), ("X-Crawler-Transfer-Encoding", "chunked")], HTML),
], ids=["gzip", "x-gzip", "GZIP", "deflate-zlib", "deflate-raw", "identity", "gzip+deflate", "chunked",
        "chunked+gzip", "not-really-chunked", "common-crawl-renamed"])
@GZ
def test_transfer_and_content_encoding_are_removed(tmp_path: Path, gz: bool,
                                                   headers: list[tuple[str, str]], body: bytes) -> None:
    rec = Rec(body=body, headers=[("Content-Type", "text/html; charset=utf-8"), *headers])
    [got] = read_all(write_warc(tmp_path / "a.warc", [rec], gz))
    assert isinstance(got, WarcPage)
    assert got.data == HTML


NOT_PAGES: list[tuple[str, Rec | str]] = [
    ("warcinfo", "warcinfo"),
    ("request", "request"),
    ("revisit", "revisit"),
    ("metadata", Rec(rec_type="metadata", status=None, body=b"fetchTimeMs: 12\r\n",
                     warc_type="application/warc-fields")),
    ("png", page(body=b"\x89PNG\r\n\x1a\n", ctype="image/png")),
    ("pdf", page(body=b"%PDF-1.7", ctype="application/pdf")),
    ("json", page(body=b'{"a": 1}', ctype="application/json")),
    ("text/plain", page(body=b"<html>shown as text</html>", ctype="text/plain")),
    ("301", Rec(status="301 Moved Permanently", body=b"<html>moved</html>",
                headers=[("Location", "https://example.org/b"), ("Content-Type", "text/html")])),
    ("404", Rec(status="404 Not Found", body=HTML)),
    ("500", Rec(status="500 Internal Server Error", body=HTML)),
    ("no-type-not-html", Rec(headers=[], body=b"just text")),
    ("no-type-htmlish", Rec(headers=[], body=b"<htmlish>")),
    ("resource-png", Rec(rec_type="resource", status=None, body=b"\x89PNG", warc_type="image/png")),
    ("dns", Rec(url="dns:example.org", rec_type="response", status=None, body=b"example.org. 60 IN A 1.2.3.4",
                warc_type="text/dns")),
]


@pytest.mark.parametrize("rec", [r for _, r in NOT_PAGES], ids=[i for i, _ in NOT_PAGES])
@GZ
def test_records_that_are_not_pages_are_passed_over_silently(tmp_path: Path, gz: bool,
                                                              rec: Rec | str) -> None:
    path = write_warc(tmp_path / "a.warc", [rec, page("https://example.org/after")], gz)
    assert [(p.url, type(p)) for p in read_all(path)] == [("https://example.org/after", WarcPage)]


@pytest.mark.parametrize("rec", [
    Rec(headers=[], body=b"<!doctype html><p>x</p>"),
    Rec(headers=[], body=b"\xef\xbb\xbf\r\n  <!DOCTYPE HTML>\n<p>x</p>"),
    Rec(headers=[], body=b"\n<html lang=en><p>x</p></html>"),
    Rec(headers=[("Content-Type", "")], body=b"<HTML>x</HTML>"),
    Rec(headers=[("Content-Type", "application/xhtml+xml; charset=utf-8")], body=b"<html>x</html>"),
    Rec(headers=[("Content-Type", "Text/HTML;charset=ISO-8859-1")], body=b"<p>caf\xe9</p>"),
    Rec(status="203 Non-Authoritative Information", body=b"<p>x</p>"),
    Rec(rec_type="resource", status=None, body=b"<p>x</p>", warc_type="text/html"),
], ids=["sniff-doctype", "sniff-bom-space", "sniff-html-tag", "empty-type-sniffed", "xhtml",
        "type-case-params", "status-203", "resource-text/html"])
@GZ
def test_html_is_recognised_by_type_or_by_sniffing(tmp_path: Path, gz: bool, rec: Rec) -> None:
    [got] = read_all(write_warc(tmp_path / "a.warc", [rec], gz))
    assert got == WarcPage(rec.url, rec.body, 0)


@GZ
def test_order_is_preserved_across_many_records(tmp_path: Path, gz: bool) -> None:
    records: list[Rec | str] = ["warcinfo"]
    for i in range(30):
        records += ["request", page(f"https://example.org/{i}", HTML + b"%d" % i)]
        if i % 5 == 0:
            records.append(page(f"https://example.org/{i}.png", b"\x89PNG", "image/png"))
        if i % 7 == 0:
            records.append(page(f"https://example.org/{i}/big", HTML * 100))
    path = write_warc(tmp_path / "a.warc", records, gz)
    got = read_all(path, max_bytes=len(HTML) * 10)
    expected_urls = []
    for i in range(30):
        expected_urls.append(f"https://example.org/{i}")
        if i % 7 == 0:
            expected_urls.append(f"https://example.org/{i}/big")
    assert [g.url for g in got] == expected_urls
    assert [type(g) for g in got] == [WarcSkip if g.url.endswith("/big") else WarcPage for g in got]
    assert all(g.data == HTML + g.url.rsplit("/", 1)[1].encode() for g in got if isinstance(g, WarcPage))
    all_offsets = offsets(path)
    assert all(g.offset in all_offsets for g in got)
    assert [g.offset for g in got] == sorted(g.offset for g in got)


# --- skips ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rec", "max_bytes"), [
    (page(body=b"<p>" + b"x" * 2000), 1000),
    (Rec(headers=[], body=b"<!doctype html>" + b"x" * 2000), 1000),  # sniffed, then too large
    (Rec(headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
         body=gzip.compress(b"<p>" + b"\0" * 5_000_000)), 1000),  # small on disk, a bomb decoded
    (Rec(headers=[("Content-Type", "text/html"), ("Content-Encoding", "deflate")],
         body=zlib.compress(b"<p>" + b"\0" * 5_000_000)), 1000),
], ids=["plain", "sniffed", "gzip-bomb", "deflate-bomb"])
@GZ
def test_an_oversize_page_is_skipped_with_a_reason(tmp_path: Path, gz: bool, rec: Rec,
                                                   max_bytes: int) -> None:
    path = write_warc(tmp_path / "a.warc", [rec, page("https://example.org/next")], gz)
    skip, nxt = read_all(path, max_bytes=max_bytes)
    assert skip == WarcSkip(rec.url, 0, "page too large: over the limit of 1,000 bytes (--max-page-bytes)")
    assert nxt == WarcPage("https://example.org/next", HTML, offsets(path)[1])


def test_the_limit_is_inclusive(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc", [page()], gz=True)
    assert read_all(path, max_bytes=len(HTML)) == [WarcPage(page().url, HTML, 0)]
    assert isinstance(read_all(path, max_bytes=len(HTML) - 1)[0], WarcSkip)


def test_an_oversize_body_that_is_not_html_is_still_silent(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc", [Rec(headers=[], body=b"x" * 5000)], gz=False)
    assert read_all(path, max_bytes=100) == []


@pytest.mark.parametrize(("headers", "body", "reason"), [
    ([("Content-Encoding", "gzip")], b"this is not gzip at all",
     "cannot decode Content-Encoding gzip: Error -3 while decompressing data: incorrect header check"),
    ([("Content-Encoding", "gzip")], gzip.compress(HTML + random.Random(1).randbytes(5000))[:-200],
     "cannot decode Content-Encoding gzip: compressed data ends early"),
    ([("Content-Encoding", "deflate")], b"\xff\xff\xff\xff",
     "cannot decode Content-Encoding deflate: Error -3 while decompressing data: invalid block type"),
    ([("Content-Encoding", "zstd")], b"(\xb5/\xfd",
     "cannot decode Content-Encoding zstd: not supported"),
    ([("Content-Encoding", "gzip, compress")], b"x",
     "cannot decode Content-Encoding compress: not supported"),
], ids=["gzip-garbage", "gzip-cut", "deflate-garbage", "zstd", "compress"])
@GZ
def test_an_undecodable_body_is_skipped_with_the_reason(tmp_path: Path, gz: bool,
                                                        headers: list[tuple[str, str]], body: bytes,
                                                        reason: str) -> None:
    rec = Rec(headers=[("Content-Type", "text/html"), *headers], body=body)
    path = write_warc(tmp_path / "a.warc", [rec, page("https://example.org/next")], gz)
    skip, nxt = read_all(path)
    assert skip == WarcSkip(rec.url, 0, reason)
    assert isinstance(nxt, WarcPage)


def test_brotli_is_decoded_when_installed_and_skipped_otherwise(tmp_path: Path) -> None:
    try:
        import brotli  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        rec = Rec(headers=[("Content-Type", "text/html"), ("Content-Encoding", "br")], body=b"\x1b\x00")
        [got] = read_all(write_warc(tmp_path / "a.warc", [rec], gz=False))
        assert got == WarcSkip(rec.url, 0,
                               "cannot decode Content-Encoding br: the brotli module is not installed")
    else:
        rec = Rec(headers=[("Content-Type", "text/html"), ("Content-Encoding", "br")],
                  body=brotli.compress(HTML))
        [got] = read_all(write_warc(tmp_path / "a.warc", [rec], gz=False))
        assert got == WarcPage(rec.url, HTML, 0)


def test_a_page_the_crawler_cut_short_is_skipped(tmp_path: Path) -> None:
    rec = Rec(body=HTML[:40], warc_headers={"WARC-Truncated": "length"})
    [got] = read_all(write_warc(tmp_path / "a.warc", [rec], gz=True))
    assert got == WarcSkip(rec.url, 0, "page truncated by the crawler (WARC-Truncated: length)")


def test_an_undecodable_body_of_unknown_type_is_not_a_page(tmp_path: Path) -> None:
    rec = Rec(headers=[("Content-Encoding", "gzip")], body=b"garbage")
    assert read_all(write_warc(tmp_path / "a.warc", [rec], gz=False)) == []


# --- damaged and foreign files -------------------------------------------------------------------


@GZ
def test_a_truncated_archive_yields_the_pages_before_the_damage_then_fails(tmp_path: Path, gz: bool) -> None:
    name = "crawl.warc.gz" if gz else "crawl.warc"
    full = write_warc(tmp_path / f"full-{name}", [page("https://example.org/1", HTML * 20),
                                                  page("https://example.org/2", HTML * 20),
                                                  page("https://example.org/3")], gz)
    starts = offsets(full)
    cut = tmp_path / name
    data = full.read_bytes()
    cut.write_bytes(data[:(starts[1] + starts[2]) // 2])  # the middle of the second record
    got, error = read_until_error(cut)
    assert got == [WarcPage("https://example.org/1", HTML * 20, 0)]
    message = str(error)
    assert message.startswith(f"cannot read WARC archive {cut} at offset {starts[1]}: ")
    assert "cut short" in message
    assert "\n" not in message


@GZ
def test_every_cut_yields_a_prefix_of_the_pages_and_nothing_but_warc_error(tmp_path: Path, gz: bool) -> None:
    records: Sequence[Rec | str] = [page("https://example.org/1"), "request",
                                    Rec(url="https://example.org/2", body=chunked(gzip.compress(HTML)),
                                        headers=[("Content-Type", "text/html"),
                                                 ("Transfer-Encoding", "chunked"),
                                                 ("Content-Encoding", "gzip")])]
    full = write_warc(tmp_path / "full.warc", records, gz)
    data = full.read_bytes()
    expected = read_all(full)
    assert [p.url for p in expected] == ["https://example.org/1", "https://example.org/2"]
    # a cut may go unnoticed only where the records before it are whole: between the end of a
    # record's block and the next record (the blank lines), or in a gzip member's 8-byte trailer
    # (plus the last bits of the deflate stream), after every byte of the record has been inflated
    slack = 12 if gz else 0
    with full.open("rb") as fh:
        it = ArchiveIterator(fh)
        spans = [(it.get_record_offset(), it.get_record_length()) for _ in it]
    ends = [start + length for start, length in spans]
    nexts = [start for start, _ in spans[1:]] + [len(data)]
    cut = tmp_path / "cut.warc"
    for n in range(len(data)):
        cut.write_bytes(data[:n])
        got: list[WarcPage | WarcSkip] = []
        try:
            got.extend(iter_warc_pages(str(cut), LIMIT))
        except WarcError as e:
            assert "\n" not in str(e)
        else:
            whole = [i for i, (end, nxt) in enumerate(zip(ends, nexts, strict=True))
                     if end - slack <= n <= nxt]
            assert whole, f"a cut at byte {n} went unnoticed"
            assert got == [p for p in expected if p.offset <= spans[whole[0]][0]], n
        assert got == expected[:len(got)], n


@pytest.mark.parametrize(("content", "detail"), [
    (b"<!doctype html><html><body>not an archive</body></html>\n",
     "at offset 0: not a WARC record header: '<!doctype html><html><body>not an archive</body></html>'"),
    (gzip.compress(b"<html>\n<body>gzipped page</body></html>\n"),
     "at offset 0: not a WARC record header: '<html>'"),
    (bytes(range(256)) * 8, "at offset 0: not a WARC record header but binary data"),
    (b"\x1f\x8b", "at offset 0: no complete WARC record (not a WARC file, or cut short)"),
    (b"", "at offset 0: empty file, no WARC records"),
    (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/\r\n\r\n"
     b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML,
     "at offset 0: WARC record without a valid Content-Length"),
    (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n",  # warcio trips
     "at offset 0: damaged WARC record (its headers cannot be read)"),
], ids=["html", "gzipped-html", "binary", "gzip-magic-only", "empty", "no-content-length", "no-target-uri"])
def test_a_file_that_is_not_a_warc_raises_warc_error(tmp_path: Path, content: bytes, detail: str) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(content)
    got, error = read_until_error(path)
    assert got == []
    assert str(error).startswith(f"cannot read WARC archive {path} {detail}")


def test_a_whole_file_gzip_is_refused_with_the_fix(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "plain.warc", [page("https://example.org/1"), page("https://example.org/2")],
                       gz=False)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    got, error = read_until_error(path)
    # warcio only notices at the second record; the first one was read correctly
    assert got == [WarcPage("https://example.org/1", HTML, 0)]
    assert str(error) == (f"cannot read WARC archive {path}: the whole file is one gzip stream, not one "
                          "gzip member per record (fix with: warcio recompress IN OUT)")


def test_a_corrupt_gzip_member_raises_warc_error(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc.gz", [page("https://example.org/1", HTML * 20),
                                               page("https://example.org/2", HTML * 20)], gz=True)
    data = bytearray(path.read_bytes())
    second = offsets(path)[1]
    data[second + 40] ^= 0xFF  # inside the compressed header of the second record
    path.write_bytes(bytes(data))
    got, error = read_until_error(path)
    assert [p.url for p in got] == ["https://example.org/1"]
    assert str(error).startswith(f"cannot read WARC archive {path} at offset {second}: ")


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_unreadable_path_raises_warc_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.warc"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(WarcError, match=r"^cannot read WARC archive .*x\.warc: "):
        read_all(path)


@pytest.mark.filterwarnings("error::ResourceWarning")
def test_stopping_early_closes_the_file(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc", [page("https://example.org/1"), page("https://example.org/2")],
                      gz=True)
    pages = iter_warc_pages(str(path), LIMIT)
    assert isinstance(pages, Generator)
    assert next(pages).url == "https://example.org/1"
    pages.close()  # a consumer that stops early must not leak the file handle
    assert [p.url for p in read_all(path)] == ["https://example.org/1", "https://example.org/2"]


@GZ
def test_a_record_longer_than_its_content_length_skips_the_page(tmp_path: Path, gz: bool) -> None:
    plain = write_warc(tmp_path / "a.warc", [page("https://example.org/1"), page("https://example.org/2")],
                       gz=False)
    data = plain.read_bytes()
    length = b"Content-Length: %d\r\n" % (data.index(b"\r\n\r\nWARC/1.0") - data.index(b"HTTP/1.1 200"))
    assert length in data
    damaged = data.replace(length, b"Content-Length: %d\r\n" % (int(length.split()[1]) - 10), 1)
    path = tmp_path / ("b.warc.gz" if gz else "b.warc")
    if gz:  # one gzip member per record, as a crawler writes them
        first = damaged.index(b"WARC/1.0", 1)
        damaged = gzip.compress(damaged[:first]) + gzip.compress(damaged[first:])
    path.write_bytes(damaged)
    got = read_all(path)
    assert got[0] == WarcSkip("https://example.org/1", 0,
                              "WARC record longer than its Content-Length: page incomplete")
    assert got[1:] == [WarcPage("https://example.org/2", HTML, offsets(path)[1])]


_LONG = 8 * 1024 * 1024


@GZ
@pytest.mark.parametrize("where", ["warc header", "http header", "status line"])
def test_header_lines_are_capped(tmp_path: Path, gz: bool, where: str) -> None:
    """A header line of many megabytes (1 GiB in the stress test, out of 4.5 MB of gzip) is an
    error at once, not a line read whole into memory, and the reason holds no exception text."""
    junk = b"A" * _LONG
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML
    if where == "http header":
        body = b"HTTP/1.1 200 OK\r\nX-Junk: " + junk + b"\r\nContent-Type: text/html\r\n\r\n" + HTML
    head = b"WARC/1.0\r\n" if where != "status line" else b"WARC/1.0 " + junk + b"\r\n"
    record = (head + b"WARC-Type: response\r\nWARC-Target-URI: https://example.org/\r\n"
              + (b"X-Junk: " + junk + b"\r\n" if where == "warc header" else b"")
              + b"Content-Length: %d\r\n\r\n" % len(body) + body + b"\r\n\r\n")
    path = tmp_path / ("long.warc.gz" if gz else "long.warc")
    path.write_bytes(gzip.compress(record) if gz else record)
    got, error = read_until_error(path)
    assert got == []
    assert str(error) == (f"cannot read WARC archive {path} at offset 0: damaged WARC record "
                          "(a header line longer than 65,536 bytes)")

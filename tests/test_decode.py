"""Decode stage: page bytes in any charset to the right characters, binary data refused.

Rows are ``Example(data, expected)`` in named tables, one parametrized test over each; known
failures stay as ``xfail(strict=True)`` rows, so a fix shows up as a failing row to move back.
The property tests hold for any bytes at all: ``decode`` returns text or raises
``DecodeError``, and ``process_page`` never raises.
"""

from __future__ import annotations

import gzip
import random
import re
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decode import DecodeError, decode
from pipeline.run import process_page

# µ, é and an en dash: the characters that mojibake destroys first (and µ matters for "µg").
LEAFLET = ("Each tablet contains 500 µg of salbutamol – take one when needed. "
           "Naïve patients may feel a little shaky; the café at the clinic sells water.")
FRENCH = ("Le paracétamol soulage la fièvre et la douleur légère à modérée. Ne dépassez pas "
          "la dose prescrite ; évitez l'alcool pendant le traitement.")

# charset-normalizer alone read these two as cp775 and windows-1250 ("à" became "ŕ").
LABEL = ("Each tablet contains 500 µg of the active ingredient – take it with food. "
         "The café test: naïve patients should not exceed the dose.")
STORAGE = "Ne dépassez pas la dose. À conserver à température ambiante, à l'abri de la lumière."

def page(body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{head}<title>Leaflet</title></head>"
            f"<body><h1>Leaflet</h1><p>{body}</p></body></html>")


META_1252 = '<meta charset="windows-1252">'
HTTP_EQUIV_1252 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Example(NamedTuple):
    data: bytes
    expected: str
    """Text the decoded page must contain (charsets) or words of the error (rejects)."""


_CHARSETS: list[Any] = [
    pytest.param(Example(page(LEAFLET).encode("utf-8"), LEAFLET), id="utf-8"),
    pytest.param(Example(b"\xef\xbb\xbf" + page(LEAFLET).encode("utf-8"), LEAFLET),
                 id="utf-8 with BOM"),
    pytest.param(Example(page(LEAFLET, '<meta charset="utf-8">').encode("utf-8"), LEAFLET),
                 id="utf-8 declared"),
    pytest.param(Example(page(LEAFLET, META_1252).encode("cp1252"), LEAFLET),
                 id="windows-1252 meta charset"),
    pytest.param(Example(page(LEAFLET, HTTP_EQUIV_1252).encode("cp1252"), LEAFLET),
                 id="windows-1252 http-equiv"),
    pytest.param(Example(page(LEAFLET).encode("cp1252"), LEAFLET), id="windows-1252 undeclared"),
    pytest.param(Example(page(FRENCH).encode("cp1252"), FRENCH),
                 id="windows-1252 undeclared french"),
    pytest.param(Example(page(LABEL).encode("cp1252"), LABEL), id="windows-1252 undeclared label"),
    pytest.param(Example(page(STORAGE).encode("cp1252"), STORAGE),
                 id="windows-1252 undeclared storage"),
    pytest.param(Example(page(FRENCH, '<meta charset="iso-8859-1">').encode("latin-1"), FRENCH),
                 id="latin-1 declared"),
    pytest.param(Example(page(FRENCH).encode("latin-1"), FRENCH), id="latin-1 undeclared"),
    pytest.param(Example(page(STORAGE).encode("latin-1"), STORAGE),
                 id="latin-1 undeclared storage"),
    pytest.param(Example(page(LEAFLET).encode("utf-16"), LEAFLET), id="utf-16 native BOM"),
    pytest.param(Example(b"\xff\xfe" + page(LEAFLET).encode("utf-16-le"), LEAFLET),
                 id="utf-16 LE with BOM"),
    pytest.param(Example(b"\xfe\xff" + page(LEAFLET).encode("utf-16-be"), LEAFLET),
                 id="utf-16 BE with BOM"),
    pytest.param(Example(('<?xml version="1.0" encoding="utf-16"?>' + page(LEAFLET))
                         .encode("utf-16"), LEAFLET), id="utf-16 with xml declaration"),
    pytest.param(Example(gzip.compress(page(LEAFLET).encode("utf-8")), LEAFLET), id="gzip"),
    pytest.param(Example(gzip.compress(page(LEAFLET, META_1252).encode("cp1252")), LEAFLET),
                 id="gzip windows-1252"),
    pytest.param(Example(page(LEAFLET.replace("salbutamol", "salbu\x00tamol")).encode(), LEAFLET),
                 id="stray NUL removed"),
    pytest.param(Example(page(LEAFLET.replace("tablet", "tab\x1flet")).encode(), LEAFLET),
                 id="stray control character removed"),
    pytest.param(Example(page("Take one\x0btablet\x0cdaily.").encode(), "Take one tablet daily."),
                 id="vertical tab and form feed are spaces"),
    pytest.param(Example(page(LEAFLET, META_1252).encode("utf-8"), LEAFLET),
                 id="declared windows-1252 but actually utf-8"),
    pytest.param(Example(page(LEAFLET, '<meta charset="utf-8">').encode("cp1252"), LEAFLET),
                 id="declared utf-8 but actually windows-1252"),
    pytest.param(Example(page(LEAFLET, '<meta charset="utf-16">').encode("utf-16-le"), LEAFLET),
                 id="utf-16 LE without BOM, declared"),
    pytest.param(Example(page(LEAFLET, '<meta http-equiv="Content-Type" content="text/html; '
                                       'charset=UTF-16">').encode("utf-16-be"), LEAFLET),
                 id="utf-16 BE without BOM, declared"),
]

MARKDOWN = """# Salbutamol inhaler

Salbutamol relaxes the airways.

## How to use it

- Shake the inhaler.
- Breathe out, then take one puff.

## Side effects

* shaky hands
* headache
"""

_REJECTS: list[Any] = [
    pytest.param(Example(b"", "empty"), id="empty"),
    pytest.param(Example(b" \r\n\t  \n", "whitespace"), id="whitespace"),
    pytest.param(Example(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(512), "PNG"),
                 id="png"),
    pytest.param(Example(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "PDF"),
                 id="pdf"),
    pytest.param(Example(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64), "JPEG"), id="jpeg"),
    pytest.param(Example(b"PK\x03\x04" + bytes(64), "ZIP"), id="zip"),
    pytest.param(Example(bytes([0, 1, 2, 3, 0, 0, 7, 0]) * 256, "NUL"), id="nul-heavy binary"),
    pytest.param(Example(gzip.compress(b""), "empty"), id="gzip of nothing"),
    pytest.param(Example(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(64)), "PNG"), id="gzip png"),
    pytest.param(Example(gzip.compress(b"<p>x</p>" * 50)[:30], "gzip"), id="truncated gzip"),
    pytest.param(Example(gzip.compress(b"<p>x</p>" * 50)[:10] + b"\xff" * 40, "gzip"),
                 id="corrupt gzip body"),
    pytest.param(Example("\ufeff   \n".encode("utf-16-le"), "no text"), id="utf-16 blank"),
    pytest.param(Example(gzip.compress(gzip.compress(page(LEAFLET).encode())), "compressed twice"),
                 id="gzip twice"),
    pytest.param(Example(random.Random(2).randbytes(4096), "binary data"), id="random bytes"),
    pytest.param(Example(MARKDOWN.encode(), "not HTML: Markdown"), id="markdown"),
    pytest.param(Example(LEAFLET.encode() + b"\n\n" + FRENCH.encode(), "not HTML: plain text"),
                 id="plain text"),
    pytest.param(Example(MARKDOWN.replace("Salbutamol relaxes", "Salbutamol <b>relaxes</b>").encode(),
                         "not HTML: Markdown"), id="markdown with inline tags"),
]

_HTML_AFTER_ALL: list[Any] = [
    pytest.param("<h2>Dosage</h2><p>Take 2 puffs.</p>", id="fragment"),
    pytest.param("<p>Take 2 puffs.</p>\n# not a heading, a comment in text", id="fragment and hash"),
    pytest.param("<!DOCTYPE html>\n# Title\n- item", id="doctype"),
    pytest.param("<title>Salbutamol</title>\nTake 2 puffs.", id="title only"),
]


@pytest.mark.parametrize("text", _HTML_AFTER_ALL)
def test_html_with_little_markup_is_still_html(text: str) -> None:
    assert decode(text.encode()).text == text


@pytest.mark.parametrize("example", _CHARSETS)
def test_decodes_to_the_right_characters(example: Example) -> None:
    decoded = decode(example.data)
    assert example.expected in decoded.text
    assert "\ufffd" not in decoded.text
    assert not _NOT_XML.search(decoded.text), "lxml refuses these characters in text"
    assert not decoded.text.startswith("\ufeff"), "the BOM must not reach the parser"
    assert decoded.encoding


@pytest.mark.parametrize("example", _REJECTS)
def test_refuses_what_is_not_an_html_text(example: Example) -> None:
    with pytest.raises(DecodeError) as info:
        decode(example.data)
    message = str(info.value)
    assert example.expected.lower() in message.lower()
    assert "\n" not in message and len(message) < 200, "one line for rejects.jsonl"


def test_declared_utf8_stays_utf8_with_more_invalid_sequences_than_valid() -> None:
    """One "µ" right and three invalid sequences: still UTF-8 as declared, the invalid bytes
    replaced; read as windows-1252 the dose "500 µg" would be lost ("500 Âµg")."""
    data = page("Each tablet contains 500 µg. Sha{1}ky ha{2}nds. Head{3}ache.",
                '<meta charset="utf-8">').encode("utf-8")
    for mark, invalid in ((b"{1}", b"\xaf"), (b"{2}", b"\xff"), (b"{3}", b"\xe2\x82")):
        data = data.replace(mark, invalid)
    text = decode(data).text
    assert "500 µg" in text and "Sha\ufffdky" in text and "Head\ufffdache" in text


@pytest.mark.parametrize("head", ["", '<meta charset="utf-8">', META_1252])
def test_a_few_invalid_bytes_do_not_garble_a_utf8_page(head: str) -> None:
    """A stray byte in a UTF-8 page becomes U+FFFD, as in a browser; reading the whole page as
    windows-1252 instead would turn every "µg" into "Âµg"."""
    data = page(LEAFLET, head).encode("utf-8").replace(b"salbutamol", b"salbu\xff\xfetamol")
    text = decode(data).text
    assert LEAFLET.replace("salbutamol", "salbu\ufffd\ufffdtamol") in text


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda b: _GZIP_HEADER + b),     # gzip header, any body
    st.binary(max_size=512).map(lambda b: b"\xff\xfe" + b),      # UTF-16 BOM, any body
    st.text(max_size=512).map(lambda t: t.encode("utf-8")),
))
def test_decode_returns_text_or_raises_decode_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError as exc:
        assert str(exc)
    else:
        assert isinstance(decoded.text, str) and decoded.text.strip()


_HTML_BITS = st.sampled_from([
    "<html>", "<head>", "<title>", "</title>", "<body>", "<h1>", "</h1>", "<h2>Side effects</h2>",
    "<h2>Dosage</h2>", "<ul>", "<li>", "</li>", "</ul>", "<p>", "</p>", "<table>", "<tr>", "<td>",
    "<th>", "</table>", "<br>", "<!--", "-->", "<script>", "</script>", "&amp;", "&#0;",
    "&#x10FFFF;",
    "Naproxen", "ibuprofen", "10 mg", "twice daily", "10-5 mg", "0 mg", "1e308 mg", " ", "\n",
])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=1024),
                 st.lists(st.one_of(_HTML_BITS, st.text(max_size=12)), max_size=80).map("".join)))
def test_process_page_never_raises(text: str) -> None:
    result = process_page("fuzz.html", text.encode("utf-8"))
    assert result.article is not None or result.rejects
    for reject in result.rejects:
        assert reject.stage and reject.reason
    # process_page turns any exception into an "internal error" reject so a bug costs one page,
    # not the run; that safety net must stay unused
    assert not [r for r in result.rejects if r.reason.startswith("internal error")], result.rejects

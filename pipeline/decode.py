"""Stage 1: bytes to text, whatever charset the page was saved in.

Pages arrive as bytes with an honest, a wrong or no charset declaration. BeautifulSoup's
``UnicodeDammit`` weighs the BOM, the declared charset (meta tags) and statistical detection
(charset-normalizer) in that order, which is what browsers effectively do; we only add the
checks that decide a page is not text at all.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass

from bs4.dammit import EncodingDetector, UnicodeDammit


class DecodeError(ValueError):
    """The bytes are not an HTML text document; the message says why, for ``rejects.jsonl``."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")  # UTF-8, UTF-16 LE/BE (and UTF-32)
_UNDECLARED = ["utf-8", "windows-1252"]
# Characters lxml refuses in text (XML 1.0): control characters other than tab and line breaks,
# U+FFFE and U+FFFF. One stray NUL or pasted vertical tab would otherwise fail the whole page in
# a later stage; vertical tab and form feed are whitespace to a browser, the rest is dropped.
_NOT_XML: dict[int, str | None] = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF]),
    0x0B: " ",
    0x0C: " ",
}
_NOT_XML_CHAR = re.compile("[" + "".join(re.escape(chr(c)) for c in _NOT_XML) + "]")


def _xml_safe(text: str) -> str:
    """``text`` without the characters of :data:`_NOT_XML`: ``str.translate`` looks up every
    character in a dict (4 ms for a 140 KB page), so it runs only on a text holding one."""
    return text.translate(_NOT_XML) if _NOT_XML_CHAR.search(text) else text
_GZIP_MAGIC = b"\x1f\x8b"
MAX_PAGE_BYTES = 32 * 1024 * 1024
"""Largest page, compressed or not (``extract --max-page-bytes``): beyond it a page costs
more memory than a run should risk on one input (the tree takes several times its size)."""


# bytes that no text in any charset we read holds (ESC is left out: ISO-2022 text uses it)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _sniff_binary(data: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with BOM: NULs are expected
    if head.count(b"\x00") > len(head) // 10:
        return "binary data (NUL bytes)"
    if len(_CONTROL_BYTES.findall(head)) > max(8, len(head) // 20):
        return "binary data (control bytes)"  # compressed or encrypted data, say
    return None


_UTF16_DECLARED = re.compile(r"""charset\s*=\s*["']?\s*utf-?16""", re.IGNORECASE)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text with no BOM that declares itself UTF-16 (``<meta charset="utf-16">``): its
    ASCII characters put a NUL on every other byte, which would otherwise read as binary."""
    head = data[:4096]
    nuls = head.count(b"\x00")
    if nuls < len(head) // 4:
        return None
    for codec, odd in (("utf-16-le", True), ("utf-16-be", False)):
        on_side = head[1::2].count(b"\x00") if odd else head[0::2].count(b"\x00")
        if on_side >= nuls * 0.9 and _UTF16_DECLARED.search(head.decode(codec, "replace")):
            return Decoded(text=_xml_safe(data.decode(codec, "replace")), encoding=codec)
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes, declared: bool = False) -> str | None:
    r"""The text of bytes that are UTF-8 but for a few invalid sequences (a stray byte pasted
    from a legacy file, a cut multi-byte character), each replaced by U+FFFD as browsers do;
    None when they are clearly another charset.

    Legacy text almost never forms a valid multi-byte sequence. For a page ``declared`` UTF-8,
    one valid multi-byte character is enough to keep the declaration; otherwise the invalid
    sequences must not outnumber the valid non-ASCII characters.

    >>> _mostly_utf8("µg, café, naïve".encode() + b" \xff"), _mostly_utf8("café".encode("cp1252"))
    ('µg, café, naïve \ufffd', None)
    >>> _mostly_utf8("µg".encode() + b" \xff \xfe \xe2\x82", declared=True)
    'µg \ufffd \ufffd \ufffd'
    """
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - invalid
    if invalid == 0 or non_ascii == 0:
        return None
    return text if declared or invalid <= non_ascii else None


_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def decode(data: bytes, max_bytes: int = MAX_PAGE_BYTES) -> Decoded:
    """Decode page bytes to text, raising :class:`DecodeError` for non-text input.

    Gzip-compressed pages are expanded up to ``max_bytes``; a page that expands beyond is
    refused (a gzip bomb).
    """
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gunzip(data, max_bytes)
        except ValueError as exc:
            raise DecodeError(str(exc)) from exc
        if data.startswith(_GZIP_MAGIC):
            raise DecodeError("not HTML: gzip data compressed twice (a page is expanded once)")
    if not data.strip():
        raise DecodeError("empty file" if not data else "empty file (whitespace only)")
    wide = _utf16_without_bom(data)
    if wide is not None:
        return _checked(wide)
    binary = _sniff_binary(data)
    if binary:
        raise DecodeError(f"not HTML: {binary}")
    # An undeclared page is UTF-8 when its bytes are valid UTF-8, else windows-1252, the web's
    # legacy default (what browsers assume). Statistical detection alone misreads short Western
    # pages (cp775, windows-1250: "à" becomes "ŕ"); it still runs when windows-1252 cannot decode.
    # Bytes that are valid UTF-8 are UTF-8 whatever the page declares: legacy text almost
    # never forms valid multi-byte sequences, while pages re-saved as UTF-8 often keep an old
    # windows-1252 declaration.
    # Bytes that are UTF-8 but for a few invalid sequences are UTF-8 too, the invalid bytes
    # replaced: reading the whole page as windows-1252 for one stray byte would garble every
    # other non-ASCII character ("µg" becoming "Âµg" loses a dose).
    # A page declared UTF-8 stays UTF-8 unless its bytes are clearly another charset: a few
    # invalid sequences beside valid ones are damage to replace, not a sign of windows-1252.
    bom = data.startswith(_BOMS)
    declared = None if bom else EncodingDetector.find_declared_encoding(data, is_html=True)
    undeclared = not bom and declared is None
    utf8 = not bom and _is_utf8(data)
    almost = None if bom or utf8 else _mostly_utf8(data, (declared or "").lower() in _UTF8_NAMES)
    if almost is not None:
        text, encoding = almost, "utf-8"
    else:
        known = ["utf-8"] if utf8 else _UNDECLARED if undeclared else []
        dammit = UnicodeDammit(data, known_definite_encodings=known, is_html=True)
        if dammit.unicode_markup is None:
            raise DecodeError("could not decode bytes in any charset")
        text, encoding = dammit.unicode_markup, dammit.original_encoding or "utf-8"
    return _checked(Decoded(text=_xml_safe(text), encoding=encoding))


def _checked(decoded: Decoded) -> Decoded:
    if not decoded.text.strip():
        raise DecodeError("no text after decoding")
    problem = markup_problem(decoded.text)
    if problem:
        raise DecodeError(f"not HTML: {problem}")
    return decoded


_SCAN = 256 * 1024
_DOCUMENT_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|article|aside|b|blockquote|body|br|caption|code|dd|details|div|dl|dt|em|"
    r"figure|footer|form|h[1-6]|header|hr|i|img|li|link|main|nav|ol|p|pre|script|section|small|"
    r"span|strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul)[\s>/]", re.IGNORECASE)
_MARKDOWN_BLOCK = re.compile(r"^ {0,3}(?:#{1,6}\s+\S|[-*+]\s+\S|\d{1,3}[.)]\s+\S|>\s|```|~~~)",
                             re.MULTILINE)


def markup_problem(text: str) -> str | None:
    """Why ``text`` is not HTML, or None. A page is read as HTML when it has a document tag
    (doctype, ``<html>``, ``<head>``, ``<body>``, ``<meta>``, ``<title>``), or HTML tags and no
    more Markdown blocks (``# heading``, ``- item``, a code fence) than tags. A Markdown or plain
    text file saved under an ``.html`` name would otherwise become one paragraph of an article
    with the file name for a title.

    >>> markup_problem("<h2>Dosage</h2><p>Take 2 puffs.</p>") is None
    True
    >>> markup_problem("# Dosage\\n\\n- Take 2 puffs."), markup_problem("Take 2 puffs daily.")
    ('Markdown text (no HTML document)', 'plain text (no HTML tags)')
    """
    head = text[:_SCAN]
    if _DOCUMENT_TAG.search(head):
        return None
    tags = _count(_HTML_TAG, head)
    blocks = _count(_MARKDOWN_BLOCK, head)
    if blocks > tags:
        return "Markdown text (no HTML document)"
    if tags == 0:
        return "plain text (no HTML tags)"
    return None


def _count(pattern: re.Pattern[str], text: str) -> int:
    return pattern.subn("", text)[1]


class GzipTooLarge(ValueError):
    """Gzip data that expands beyond the limit (a gzip bomb)."""


def gunzip(data: bytes, limit: int) -> bytes:
    """Expand gzip data; corrupt data raises ValueError, data that expands beyond ``limit``
    raises :class:`GzipTooLarge`, each with the reason."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"corrupt gzip data: {exc}") from exc
    if len(out) > limit:
        raise GzipTooLarge(f"gzip data expands beyond {size_text(limit)}")
    return out


def size_text(n: int) -> str:
    """A byte count for messages: ``33,554,432 bytes (32 MiB)``.

    >>> size_text(32 * 1024 * 1024), size_text(1500)
    ('33,554,432 bytes (32 MiB)', '1,500 bytes (1.46 KiB)')
    """
    if n < 1024:
        return f"{n:,} bytes"
    value = n / 1024
    units = ["KiB", "MiB", "GiB", "TiB"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    return f"{n:,} bytes ({value:.3g} {units[0]})"

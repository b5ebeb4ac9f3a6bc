"""Stage 1: bytes to text, whatever charset the page was saved in.

Pages arrive as bytes with an honest, a wrong or no charset declaration. BeautifulSoup's
``UnicodeDammit`` weighs the BOM, the declared charset (meta tags) and statistical detection
(charset-normalizer) in that order, which is what browsers effectively do; we only add the
checks that decide a page is not text at all.
"""

from __future__ import annotations

import gzip
import io
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
_GZIP_MAGIC = b"\x1f\x8b"
MAX_PAGE_BYTES = 32 * 1024 * 1024
"""Largest page, compressed or not (``extract --max-page-bytes``): beyond it a page costs
more memory than a run should risk on one input (the tree takes several times its size)."""


def _sniff_binary(data: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with BOM: NULs are expected
    if head.count(b"\x00") > len(head) // 10:
        return "binary data (NUL bytes)"
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> str | None:
    r"""The text of bytes that are UTF-8 but for a few invalid sequences (a stray byte pasted
    from a legacy file, a cut multi-byte character), each replaced by U+FFFD as browsers do;
    None when the invalid sequences outnumber the valid non-ASCII characters (legacy text,
    whose bytes almost never form valid multi-byte sequences).

    >>> _mostly_utf8("µg, café, naïve".encode() + b" \xff"), _mostly_utf8("café".encode("cp1252"))
    ('µg, café, naïve \ufffd', None)
    """
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return text if 0 < invalid <= non_ascii else None


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
    if not data.strip():
        raise DecodeError("empty file" if not data else "empty file (whitespace only)")
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
    bom = data.startswith(_BOMS)
    undeclared = not bom and EncodingDetector.find_declared_encoding(data, is_html=True) is None
    utf8 = not bom and _is_utf8(data)
    almost = None if bom or utf8 else _mostly_utf8(data)
    if almost is not None:
        text, encoding = almost, "utf-8"
    else:
        known = ["utf-8"] if utf8 else _UNDECLARED if undeclared else []
        dammit = UnicodeDammit(data, known_definite_encodings=known, is_html=True)
        if dammit.unicode_markup is None:
            raise DecodeError("could not decode bytes in any charset")
        text, encoding = dammit.unicode_markup, dammit.original_encoding or "utf-8"
    text = text.translate(_NOT_XML)
    if not text.strip():
        raise DecodeError("no text after decoding")
    return Decoded(text=text, encoding=encoding)


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

"""Stage 2: text to one lxml tree per page, parsed once and shared by every later stage.

lxml (libxml2) parses an order of magnitude faster than BeautifulSoup's tree builders and is
what the throughput targets assume. The parser never touches the network, never loads a DTD
and never expands entities other than HTML's own character references, so a hostile page
cannot make the run fetch or read anything.

Nesting is bounded: libxml2 stops building the tree at 2,048 levels (and silently drops the
rest of the page), and the later stages walk the tree recursively. A tree deeper than
:data:`MAX_DEPTH` levels is therefore rebuilt from the text with every tag below that depth
dropped and its text kept (:func:`cap_depth`), the way browsers stop nesting elements at a
fixed depth: the page's words all survive, only pathological markup is flattened.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree, html

MAX_DEPTH = 256
"""Deepest element nesting handed to the later stages (libxml2's own default limit; real pages
stay well under 100). Python's recursion limit allows about 450 in the recursive stages."""

_PARSER = html.HTMLParser(  # type: ignore[call-arg]  # default_doctype is real; stubs lag
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    recover=True,
    default_doctype=False,
    huge_tree=True,  # text nodes over 10 MB and nesting up to 2,048 levels, instead of truncation
)

# Drop an XML declaration that names an encoding: the text is already decoded, and lxml refuses
# str input that still claims one.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

# Matches an element MAX_DEPTH + 1 levels below the document (the root is level 1). libxml2
# evaluates it in C over the levels above, a few milliseconds for a 100,000-row table.
_TOO_DEEP = etree.XPath("/*" * (MAX_DEPTH + 1))


class ParseError(ValueError):
    """The text holds no parseable HTML document."""


def parse(text: str) -> html.HtmlElement:
    """Parse decoded page text to the root ``<html>`` element, even for bare fragments.

    The tree is at most :data:`MAX_DEPTH` levels deep (see :func:`cap_depth`).
    """
    text = _XML_DECL.sub("", text, count=1)
    root = _parse(text)
    if _limit_error() is not None or _TOO_DEEP(root):
        # html/body and the elements libxml2 implies may add levels to what the text opens
        root = _parse(cap_depth(text, MAX_DEPTH - 16))
        problem = _limit_error()
        if problem is not None:
            raise ParseError(f"beyond the parser's limits: {problem}")
        if _TOO_DEEP(root):
            raise ParseError(f"document nested deeper than {MAX_DEPTH} levels")
    return root


def _parse(text: str) -> html.HtmlElement:
    try:
        root = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise ParseError("unparseable HTML: empty document")
    return root


def _limit_error() -> str | None:
    """libxml2's message when the last parse stopped at one of its limits (2,048 levels of
    nesting): the rest of the page is then missing from the tree."""
    for error in _PARSER.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return str(error.message)
    return None


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "frame", "keygen"})
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font",
                     "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
                     "sup", "time", "tt", "u", "var", "nobr"})
_RAW_TEXT = frozenset({"script", "style"})
# start tags that close an open element of the same family, as HTML's tree builder does
_CLOSES: dict[str, frozenset[str]] = {
    "p": frozenset({"p"}), "li": frozenset({"li"}), "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}), "tr": frozenset({"tr", "td", "th"}),
    "td": frozenset({"td", "th"}), "th": frozenset({"td", "th"}), "option": frozenset({"option"}),
}


class _DepthCapper(HTMLParser):
    """Re-emits HTML as written, except that tags nested deeper than ``limit`` are dropped
    (their text is kept; a dropped block tag leaves a space so words do not run together)."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip_text = False  # inside a dropped <script> or <style>: code, not text

    def _gap(self, tag: str) -> None:
        if tag not in _INLINE:
            self.out.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if len(self.open) < self.limit:
                self.out.append(self.get_starttag_text() or "")
            else:
                self._gap(tag)
            return
        closes = _CLOSES.get(tag)
        if closes and self.open and self.open[-1] in closes:
            self.open.pop()
        self.open.append(tag)
        if len(self.open) <= self.limit:
            self.out.append(self.get_starttag_text() or "")
        else:
            self.skip_text = tag in _RAW_TEXT
            self._gap(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.open) < self.limit:
            self.out.append(self.get_starttag_text() or "")
        else:
            self._gap(tag)

    def handle_endtag(self, tag: str) -> None:
        depth = len(self.open)  # of the innermost open element of this name
        while depth and self.open[depth - 1] != tag:
            depth -= 1
        if not depth:
            if len(self.open) < self.limit:
                self.out.append(f"</{tag}>")  # a stray end tag: libxml2 decides
            return
        del self.open[depth - 1:]
        self.skip_text = False
        if depth <= self.limit:
            self.out.append(f"</{tag}>")
        else:
            self._gap(tag)

    def handle_data(self, data: str) -> None:
        if not self.skip_text:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def cap_depth(text: str, limit: int) -> str:
    """``text`` with every tag nested deeper than ``limit`` open elements removed, text kept.

    Used only for pages whose tree is too deep; comments, processing instructions and CDATA
    sections are dropped (the parser would drop the first two anyway).

    >>> cap_depth("<div><div><div><p>deep</p></div></div></div><p>after</p>", 2)
    '<div><div>  deep  </div></div><p>after</p>'
    """
    capper = _DepthCapper(limit)
    capper.feed(text)
    capper.close()
    return "".join(capper.out)

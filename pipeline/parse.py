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

Size is bounded too, before libxml2 sees the page (:func:`check_limits`): a page with more
elements or attributes than :data:`MAX_ELEMENTS` / :data:`MAX_ATTRIBUTES`, or one tag with more
than :data:`MAX_TAG_ATTRIBUTES` attributes, is refused. Its tree would take more memory than a
worker may hold (a million tiny elements cost about 350 MB, a million attributes about 300 MB
more), and libxml2 takes time quadratic in the attributes of one element, inside one call
into C that no timer interrupts (200,000 attributes: over a minute). Real pages stay far
below: a long article has some 20,000 elements.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree, html

MAX_DEPTH = 256
"""Deepest element nesting handed to the later stages (libxml2's own default limit; real pages
stay well under 100). Python's recursion limit allows about 450 in the recursive stages."""
MAX_ELEMENTS = 500_000
"""Most start tags a page may hold (a 100,000-row table of two cells has 300,000)."""
MAX_ATTRIBUTES = 500_000
"""Most attributes with a value (``name=...``) a page may hold."""
MAX_TAG_ATTRIBUTES = 1_000
"""Most attributes one tag may hold (libxml2's time grows with the square of it)."""
LONG_TAG = 16_384
"""Characters from which a tag's attributes are counted one by one: a shorter tag cannot hold
enough of them to matter."""

_START_TAG = re.compile(r"<[A-Za-z]")
_ATTRIBUTE = re.compile(r"""[\s"'][^\s"'<>/=]+\s*=""")
_TAG_ATTRIBUTE = re.compile(r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")

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
    """The text holds no parseable HTML document, or one beyond the limits."""


def _count(pattern: re.Pattern[str], text: str) -> int:
    return pattern.subn("", text)[1]  # counted in C, with no object per match


def check_limits(text: str) -> None:
    """Raise :class:`ParseError` for a page whose markup is beyond the limits (see the module
    docstring). Costs a few passes of ``str.count`` over an ordinary page; the exact counts
    run only when those allow a page beyond a limit."""
    if text.count("<") > MAX_ELEMENTS and _count(_START_TAG, text) > MAX_ELEMENTS:
        raise ParseError(f"too many elements: more than {MAX_ELEMENTS:,} (a pathological page)")
    if text.count("=") > MAX_ATTRIBUTES and _count(_ATTRIBUTE, text) > MAX_ATTRIBUTES:
        raise ParseError(f"too many attributes: more than {MAX_ATTRIBUTES:,} (a pathological page)")
    # LONG_TAG is read at each call (tests lower it); re's own cache compiles it once
    for tag in re.finditer(rf"<[A-Za-z][^<>]{{{LONG_TAG},}}", text):
        if _count(_TAG_ATTRIBUTE, tag.group()) > MAX_TAG_ATTRIBUTES:
            raise ParseError(f"a tag with more than {MAX_TAG_ATTRIBUTES:,} attributes "
                             "(a pathological page)")


def parse(text: str) -> html.HtmlElement:
    """Parse decoded page text to the root ``<html>`` element, even for bare fragments.

    The tree is at most :data:`MAX_DEPTH` levels deep (see :func:`cap_depth`); a page beyond
    the size limits is refused (:func:`check_limits`).
    """
    check_limits(text)
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


_TEXT_HOLDERS: dict[str, tuple[str, ...]] = {
    "ul": ("li",), "ol": ("li",), "menu": ("li",), "dl": ("dd",), "tr": ("td",),
    "table": ("tr", "td"), "thead": ("tr", "td"), "tbody": ("tr", "td"), "tfoot": ("tr", "td"),
}
"""Containers whose own text no reader shows (text directly in a ``<ul>`` is no list item,
text directly in a ``<table>`` no cell), and the elements that hold text inside them."""


class _DepthCapper(HTMLParser):
    """Re-emits HTML as written, except that tags nested deeper than ``limit`` are dropped
    (their text is kept; a dropped block tag leaves a space so words do not run together).

    Text of dropped tags that would land directly in a list or a table (when the deepest
    element kept is one) is put in a list item or a cell of its own, so that it stays text
    the later stages read."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.out: list[str] = []
        self.open: list[tuple[str, bool, str]] = []
        """(tag, kept, what closes the text holder opened for it) of every open element."""
        self.skip_text = False  # inside a dropped <script> or <style>: code, not text

    def _gap(self, tag: str) -> None:
        if tag not in _INLINE:
            self.out.append(" ")

    def _kept(self) -> bool:
        """Whether an element opened now would be kept."""
        return len(self.open) < self.limit and (not self.open or self.open[-1][1])

    def _holder(self) -> str:
        """Open a text holder when the innermost kept element needs one; its end tags."""
        if not self.open or not self.open[-1][1] or self.open[-1][0] not in _TEXT_HOLDERS:
            return ""
        tags = _TEXT_HOLDERS[self.open[-1][0]]
        self.out.append("".join(f"<{t}>" for t in tags))
        return "".join(f"</{t}>" for t in reversed(tags))

    def _close(self, entries: list[tuple[str, bool, str]]) -> None:
        for _, _, closer in reversed(entries):
            if closer:
                self.out.append(closer)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_startendtag(tag, attrs)
            return
        closes = _CLOSES.get(tag)
        if closes and self.open and self.open[-1][0] in closes:
            self._close([self.open.pop()])
        if self._kept():
            self.out.append(self.get_starttag_text() or "")
            self.open.append((tag, True, ""))
        else:
            closer = self._holder()
            self.skip_text = tag in _RAW_TEXT
            self._gap(tag)
            self.open.append((tag, False, closer))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._kept():
            self.out.append(self.get_starttag_text() or "")
        else:
            self._gap(tag)

    def handle_endtag(self, tag: str) -> None:
        depth = len(self.open)  # of the innermost open element of this name
        while depth and self.open[depth - 1][0] != tag:
            depth -= 1
        if not depth:
            if self._kept():
                self.out.append(f"</{tag}>")  # a stray end tag: libxml2 decides
            return
        closed = self.open[depth - 1:]
        del self.open[depth - 1:]
        self._close(closed)
        self.skip_text = False
        if closed[0][1]:
            self.out.append(f"</{tag}>")
        else:
            self._gap(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_text:
            return
        if data.strip() and not self._kept() and self.open and self.open[-1][1]:
            # text directly in the deepest kept element (its dropped children's tails)
            closer = self._holder()
            self.out.append(data)
            self.out.append(closer)
            return
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def finish(self) -> str:
        self.close()
        self._close(self.open)
        return "".join(self.out)


def cap_depth(text: str, limit: int) -> str:
    """``text`` with every tag nested deeper than ``limit`` open elements removed, text kept.

    Used only for pages whose tree is too deep; comments, processing instructions and CDATA
    sections are dropped (the parser would drop the first two anyway).

    >>> cap_depth("<div><div><div><p>deep</p></div></div></div><p>after</p>", 2)
    '<div><div>  deep  </div></div><p>after</p>'
    """
    capper = _DepthCapper(limit)
    capper.feed(text)
    return capper.finish()

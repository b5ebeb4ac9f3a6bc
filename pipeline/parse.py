"""Stage 2: text to one lxml tree per page, parsed once and shared by every later stage.

lxml (libxml2) parses an order of magnitude faster than BeautifulSoup's tree builders and is
what the throughput targets assume. The parser never touches the network and never expands
external entities, so a hostile page cannot make the run fetch anything.
"""

from __future__ import annotations

import re

from lxml import etree, html

_PARSER = html.HTMLParser(  # type: ignore[call-arg]  # default_doctype is real; stubs lag
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    recover=True,
    default_doctype=False,
    huge_tree=True,
)

# Drop an XML declaration that names an encoding: the text is already decoded, and lxml refuses
# str input that still claims one.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


class ParseError(ValueError):
    """The text holds no parseable HTML document."""


def parse(text: str) -> html.HtmlElement:
    """Parse decoded page text to the root ``<html>`` element, even for bare fragments."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise ParseError("unparseable HTML: empty document")
    return root

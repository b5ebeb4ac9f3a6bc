"""The page's JSON-LD as one graph of nodes whose ``@id`` references can be followed.

Sites built on the common SEO plugins write one ``@graph`` in which the article names its
author, publisher and website only by reference (``"publisher": {"@id":
"https://example.org/#organization"}``) and the named node sits elsewhere in the graph, often
in another ``<script>``. Reading such a reference as a value gives an id or a URL where a
reader expects a name; :meth:`Graph.resolve` follows it to the node instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html

from pipeline.segment import clean

_LOOKS_LIKE_REFERENCE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|/|#)|^\S*[/#]\S*$", re.I)
"""An id or URL: a scheme, "www.", a path, a fragment ("#organization"), or a slash with no
space around it. A brand written as a domain ("TheList.com") is a name and stays."""

_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _nodes(root: html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas and control characters are common in hand-written JSON-LD
                data = json.loads(_TRAILING_COMMA.sub(r"\1", raw), strict=False)
            except ValueError:
                continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        for key in ("mainEntity", "about", "itemReviewed"):
            if isinstance(data.get(key), dict | list):
                yield from _flatten(data[key])


def types(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` values, lower case."""
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


def is_reference(text: str) -> bool:
    """Whether a value is an id or a URL rather than a name a reader would recognise."""
    return bool(_LOOKS_LIKE_REFERENCE.search(text.strip()))


@dataclass(slots=True)
class Graph:
    """Every JSON-LD node of a page, and the nodes that carry content by their ``@id``."""

    nodes: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, root: html.HtmlElement) -> Graph:
        nodes = list(_nodes(root))
        by_id: dict[str, dict[str, Any]] = {}
        for node in nodes:
            ident = node.get("@id")
            # a bare {"@id": ...} is itself a reference; the node with content wins
            if isinstance(ident, str) and len(node) > 1:
                by_id.setdefault(ident, node)
        return cls(nodes, by_id)

    def resolve(self, value: Any) -> Any:
        """A reference (``{"@id": ...}`` or the id as a string) replaced by the node it names;
        the first item of a list; anything else as it is."""
        if isinstance(value, list):
            return self.resolve(value[0]) if value else None
        if isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and ident in self.by_id and not value.get("name"):
                return self.by_id[ident]
            return value
        if isinstance(value, str) and value in self.by_id:
            return self.by_id[value]
        return value

    def name(self, value: Any) -> str | None:
        """The name a value stands for: its own text, or the name of the node it references;
        never an id or a URL."""
        value = self.resolve(value)
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value")
            if isinstance(value, list):
                value = value[0] if value else None
        if not isinstance(value, str):
            return None
        text = clean(value)
        return text if text and not is_reference(text) else None

    def first(self, *wanted: str) -> dict[str, Any]:
        """The first node of any of the ``wanted`` types (lower case), or an empty node."""
        return next((n for n in self.nodes if types(n) & set(wanted)), {})

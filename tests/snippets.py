"""Shared helpers of the table-driven snippet tests: wrap a snippet in a page, run it, and
compare what comes out the way a reader would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

import pytest

from pipeline.decode import decode
from pipeline.models import Article
from pipeline.parse import parse
from pipeline.run import process_page


class HasHtml(Protocol):
    @property
    def html(self) -> str: ...


DEFAULT_H1 = "Baclofen tablets: what you need to know"


class Example(NamedTuple):
    """One table row: a snippet, what a reader extracts from it, and the page's headline
    (which names its primary drug)."""

    html: str
    expected: Any
    h1: str = DEFAULT_H1


def page(body: str, h1: str = DEFAULT_H1, outside: str = "") -> bytes:
    """A minimal page around a snippet; ``outside`` goes in the body after the article."""
    return (
        f"<html><head><title>T</title></head><body><article><h1>{h1}</h1>\n{body}\n"
        f"</article>{outside}</body></html>"
    ).encode()


def rows(*tables: Iterable[Any]) -> list[Any]:
    return [row for table in tables for row in table]


def xfail(reason: str, *examples: Any) -> list[Any]:
    """Known gaps, kept as rows that must start failing the day they are fixed."""
    return [pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=reason)) for e in examples]


def row_id(row: HasHtml) -> str:
    return repr(" ".join(re.sub(r"<[^>]+>", " ", row.html).split())[:60] or row.html[:60])


def norm(text: str) -> str:
    """Text as a reader compares it: lower case, no punctuation, no leading article."""
    words = re.sub(r"[^\w\s/]", " ", text.lower()).split()
    return " ".join(words[1:] if words[:1] in (["a"], ["an"], ["the"]) else words)


def article(html: bytes) -> dict[str, Any]:
    result = process_page("snippet.html", html)
    assert result.article is not None, result.rejects
    return dict(json.loads(result.article.model_dump_json()))


# ---- evidence: every record's text is text of its page ---------------------------------------

_FOOTNOTE_SUP = re.compile(r"[\s\d,*†‡§¶–-]*")
_FOOTNOTE_MARK = re.compile(r"\[\d+(?:[,–-]\d+)*\]")
_NOT_TEXT = ("script", "style", "template")
EVIDENCE_PARTS = re.compile(r"\s+[—|]\s+|:\s+|;\s*")
"""Where a composed evidence text joins its parts: "Row — Header: cell", "Drug | Col: cell",
list cells joined by "; "."""


def squash(text: str) -> str:
    """Text compared without whitespace, markdown ``**`` or bracketed footnote marks ("[2]"),
    which segmentation removes from evidence; whitespace also differs where blocks join."""
    return re.sub(r"\s+", "", _FOOTNOTE_MARK.sub("", text.replace("**", "")))


def visible_texts(data: bytes) -> tuple[str, str]:
    """A page's text (script and style left out) as :func:`squash` leaves it, twice: with the
    footnote markers of ``<sup>`` and without them (``m<sup>2</sup>`` is an exponent, kept)."""
    root = parse(decode(data).text)

    def text(drop_sup: bool) -> str:
        parts: list[str] = []

        def walk(node: Any) -> None:
            if node.text:
                parts.append(node.text)
            for child in node:
                if (isinstance(child.tag, str) and child.tag not in _NOT_TEXT
                        and not (drop_sup and child.tag == "sup"
                                 and _FOOTNOTE_SUP.fullmatch(child.text_content() or ""))):
                    walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(root)
        return squash("".join(parts))

    return text(False), text(True)


def evidence_not_on_page(article: Article, data: bytes) -> list[tuple[str, str, str]]:
    """(record kind, part, evidence text) for every part of a record's evidence that is not
    text of the page; empty when every record's evidence is."""
    texts = visible_texts(data)
    missing = []
    for kind in ("conditions", "doses", "benefits", "side_effects", "warnings", "comparisons"):
        for record in getattr(article, kind):
            for part in EVIDENCE_PARTS.split(record.text):
                if squash(part) and not any(squash(part) in t for t in texts):
                    missing.append((kind, part, record.text))
    return missing

"""Shared helpers of the table-driven snippet tests: wrap a snippet in a page, run it, and
compare what comes out the way a reader would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Protocol

import pytest

from pipeline.run import process_page


class HasHtml(Protocol):
    @property
    def html(self) -> str: ...


def page(body: str, h1: str, outside: str = "") -> bytes:
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

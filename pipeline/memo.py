"""One way to remember what a function found in a text.

A page's extractors ask the same questions of the same texts: every extractor splits the same
block into sentences, the drug scan and the term lexicons see the same sentence several times,
the dose parser reads a sentence as a dose and again as a label. :func:`per_text` remembers
the answers for recent texts, and only for texts of up to :data:`MAX_TEXT` characters, so that
a hostile page's megabyte-long block is computed, not kept in memory after its page.

A remembered answer is shared by every caller: functions that use this return immutable
values (tuples, strings, booleans), and callers that want a list make their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")

MAX_TEXT = 4000
"""Longest text whose answer is remembered."""


def per_text(maxsize: int) -> Callable[[Callable[[str], R]], Callable[[str], R]]:
    """Remember ``fn(text)`` for the ``maxsize`` most recent texts of up to :data:`MAX_TEXT`
    characters; longer texts are computed every time."""

    def decorate(fn: Callable[[str], R]) -> Callable[[str], R]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def remembered(text: str) -> R:
            return cached(text) if len(text) <= MAX_TEXT else fn(text)

        return remembered

    return decorate

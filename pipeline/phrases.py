"""Lexicon phrases to one regular expression, the same way for every lexicon.

Phrases match on word boundaries, longest first, ignoring case; phrases in Thai or CJK
script, which write words without spaces, match without boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")


def escape(phrase: str) -> str:
    """A phrase as a regular expression: literal, except that a page's apostrophes are
    typographic as often as not ("shouldn’t" is "shouldn't")."""
    return re.escape(phrase).replace("'", "['’]")


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    spaced = [escape(a) for a in alts if not UNSPACED.search(a)]
    unspaced = [re.escape(a) for a in alts if UNSPACED.search(a)]
    parts = [r"(?<!\w)(?:" + "|".join(spaced) + r")(?!\w)"] if spaced else []
    if unspaced:
        parts.append("|".join(unspaced))
    return re.compile("|".join(parts) or r"(?!)", re.I)

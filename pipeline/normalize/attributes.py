"""Comparison-table headers to a fixed set of attribute keys, so that the same attribute can be
compared across articles ("Typical dose", "Dosage" and "Max dose" are all ``dose``; "LDL
reduction" and "Mean weight loss (max dose)" are ``effectiveness``).

The phrases live in ``data/comparison_attributes.json``; the earliest phrase in a header
decides, the longest at one position ("approved for" is ``uses``, "year of approval" is
``approval``). A header that names none of them is ``other``; the raw header is always kept
beside its key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.models import AttributeKey
from pipeline.phrases import phrase_pattern

__all__ = ["AttributeKey", "attribute_key"]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    pattern: re.Pattern[str]
    key_of: dict[str, AttributeKey]


@cache
def _lexicon() -> _Lexicon:
    data = json.loads(resources.files("pipeline.data").joinpath("comparison_attributes.json").read_text())
    key_of: dict[str, AttributeKey] = {}
    for key, phrases in data["keys"].items():
        for phrase in phrases:
            if key_of.setdefault(phrase.lower(), AttributeKey(key)) != AttributeKey(key):
                raise ValueError(f"comparison_attributes.json: {phrase!r} has two keys")
    return _Lexicon(phrase_pattern(key_of), key_of)


def attribute_key(header: str) -> AttributeKey:
    """The normalised key of a comparison header.

    >>> attribute_key("Mean weight loss (max dose)"), attribute_key("Approved for")
    (<AttributeKey.EFFECTIVENESS: 'effectiveness'>, <AttributeKey.USES: 'uses'>)
    >>> attribute_key("Danger organs")
    <AttributeKey.OTHER: 'other'>
    """
    lex = _lexicon()
    found = lex.pattern.search(" ".join(header.lower().split()))
    return lex.key_of[found.group().lower()] if found else AttributeKey.OTHER

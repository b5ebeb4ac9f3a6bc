"""The article's primary drug, as a canonical generic name, or None for a page about a class
or several drugs equally; and the drug class a page and each of its records are about.

The headline is the strongest evidence (a page is titled after its subject); JSON-LD Drug or
Product entities come next; mentions in the article text decide when the headline names no
drug. A headline that names two drugs ("A vs B") or a drug class names no primary drug.

A page about a class ("Beta blockers", "PDE5 inhibitors") has no primary drug, so its records
would be anonymous: every record therefore also carries a ``drug_class``, its own drug's class
when it has a drug, else the page's class (the class its headline names, or the class most
of the drugs it names belong to).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from pipeline.models import Record
from pipeline.normalize.drugs import lexicon
from pipeline.normalize.transliterate import find_transliterated

_VERSUS = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|or)(?!\w)", re.I)
_VERSUS_WORD = re.compile(r"\bvs\.?\b|\bversus\b", re.I)
_MIN_SHARE = 0.5
_MIN_MENTIONS = 2
_MIN_CLASS_SHARE = 0.5
"""A page naming several drugs is about their class when at least half the mentions share it."""

R = TypeVar("R", bound=Record)


def _distinct(text: str) -> list[str]:
    seen: list[str] = []
    for m in lexicon().find(text):
        if m.generic not in seen:
            seen.append(m.generic)
    return seen


def _two_brands_of_one(headline: str) -> bool:
    """A headline that sets two names of one generic side by side ("Ozempic vs Wegovy")."""
    mentions = lexicon().find(headline)
    return (len({m.generic for m in mentions}) == 1
            and len({m.text.lower() for m in mentions}) >= 2 and bool(_VERSUS.search(headline)))


_COMPOSITION = re.compile(
    r"\b(?:salt composition|composition|active ingredients?|active substances?|generic name|"
    r"contains the active (?:ingredient|substance))\b\s*(?:[:\-\u2013\u2014]|is|are)?\s*", re.I)


def _composition(body: list[str]) -> str | None:
    """The one drug the page's composition line names ("SALT COMPOSITION: Paracetamol
    (650mg)", "Active ingredient: ibuprofen 200 mg"), when such lines name only one."""
    found: set[str] = set()
    for text in body:
        for m in _COMPOSITION.finditer(text):
            found.update(d.generic for d in lexicon().find(text[m.end(): m.end() + 80]))
    return found.pop() if len(found) == 1 else None


def primary_drug(headlines: Iterable[str | None], entity_names: Iterable[str],
                 body: Iterable[str]) -> str | None:
    counts: Counter[str] = Counter()
    body_texts = list(body)
    for text in body_texts:
        counts.update(m.generic for m in lexicon().find(text))
    total = sum(counts.values())

    for headline in headlines:
        if not headline:
            continue
        names = _distinct(headline) or find_transliterated(headline)
        if _two_brands_of_one(headline):
            return names[0]  # "Ozempic vs Wegovy": one generic under two names
        if _VERSUS.search(headline) and (len(names) >= 2 or _VERSUS_WORD.search(headline)):
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
    composed = _composition(body_texts)
    if composed is not None:
        return composed  # a brand the lexicon does not know, "Salt composition: Paracetamol"
    if not total:
        return None
    top, n = counts.most_common(1)[0]
    if n >= _MIN_MENTIONS and n / total >= _MIN_SHARE:
        return top
    return None


def page_class(headlines: Iterable[str | None], body: Iterable[str], drug: str | None) -> str | None:
    """The drug class a page is about: its drug's class, else the class its headline names,
    else the class shared by most of the drugs it names."""
    known = lexicon().drug_class(drug) if drug is not None else None
    if known:
        return known
    for headline in headlines:
        found = lexicon().find_classes(headline) if headline else []
        if found:
            return found[0].drug_class
    classes: Counter[str] = Counter()
    for text in body:
        classes.update(c for m in lexicon().find(text) if (c := lexicon().drug_class(m.generic)))
    if not classes:
        return None
    top, n = classes.most_common(1)[0]
    return top if n >= _MIN_MENTIONS and n / sum(classes.values()) >= _MIN_CLASS_SHARE else None


def with_class(records: Sequence[R], fallback: str | None) -> list[R]:
    """Records with their ``drug_class``: their drug's class, else the page's."""
    out = []
    for record in records:
        drug = getattr(record, "drug", None)
        drug_class = (lexicon().drug_class(drug) if drug else None) or fallback
        out.append(record.model_copy(update={"drug_class": drug_class}))
    return out

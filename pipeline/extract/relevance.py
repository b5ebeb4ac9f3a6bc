"""Whether a page is about medication at all, before any of its records count.

A medication pipeline run over a crawl meets news, recipes and finance pages that mention a
drug-like word ("lithium" in a battery article, a transliterated name in a sports report) or
hold tables and amounts ("250 g flour", a car-loan comparison). Such a page yields nothing:
it is a medication page when its headline names a drug or a drug class, or when its text
uses the vocabulary of medication (dose, side effects, prescription, patients, ...) in
several words. A drug whose name is also an everyday word (an element, a spice, caffeine)
needs that vocabulary even when a headline names it. The words are data
(``data/medical_context.json``), in every language the corpus holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from re import Pattern

from pipeline.normalize.drugs import lexicon
from pipeline.normalize.transliterate import find_transliterated
from pipeline.phrases import phrase_pattern

_SCAN_CHARS = 200_000
"""The medical words of a page show early; a huge page is not read to its end for them."""


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    words: Pattern[str]
    min_words: int
    everyday: frozenset[str]
    everyday_classes: frozenset[str]

    def is_everyday(self, generic: str) -> bool:
        """A name that is also an everyday word, or a nutrient of any food label."""
        return (generic.lower() in self.everyday
                or lexicon().drug_class(generic) in self.everyday_classes)


@cache
def _vocabulary() -> _Vocabulary:
    data = json.loads(resources.files("pipeline.data").joinpath("medical_context.json").read_text())
    words = [w for ws in data["words"].values() for w in ws]
    return _Vocabulary(phrase_pattern(words), int(data["min_words"]),
                       frozenset(n.lower() for n in data["everyday_names"]),
                       frozenset(data["everyday_classes"]))


@dataclass(frozen=True, slots=True)
class Relevance:
    """A page's standing: is it about medication, and may its drug stand."""

    medication: bool
    drug_stands: bool
    reason: str


def _scan(texts: Iterable[str], enough: int) -> tuple[int, set[str]]:
    """How many distinct medical words a page's text uses, and the drugs it names as written
    (everyday names aside). Reading stops once ``enough`` words are found: the page is a
    medication page then, whatever else its text holds, so the count says "at least"."""
    vocabulary = _vocabulary()
    found: set[str] = set()
    drugs: set[str] = set()
    budget = _SCAN_CHARS
    for text in texts:
        piece = text[:budget]
        found.update(m.group(0).lower() for m in vocabulary.words.finditer(piece))
        drugs.update(m.generic for m in lexicon().find(piece) if not vocabulary.is_everyday(m.generic))
        budget -= len(text)
        if budget <= 0 or len(found) >= enough:
            break
    return len(found), drugs


def _headline_names(headlines: Iterable[str | None]) -> tuple[set[str], set[str], bool]:
    """The drugs a headline names as written, those it names only in another script, and
    whether it names a drug class."""
    drugs: set[str] = set()
    transliterated: set[str] = set()
    has_class = False
    for headline in headlines:
        if not headline:
            continue
        drugs.update(m.generic for m in lexicon().find(headline))
        transliterated.update(find_transliterated(headline))
        has_class = has_class or bool(lexicon().find_classes(headline))
    return drugs, transliterated - drugs, has_class


def judge(headlines: Iterable[str | None], drug: str | None, texts: Iterable[str]) -> Relevance:
    """Whether a page is about medication, and whether its primary drug stands."""
    vocabulary = _vocabulary()
    count, body_drugs = _scan(texts, enough=vocabulary.min_words)
    # several medicines named side by side ("Sertraline | Citalopram") with a word of the
    # vocabulary are a medication page too
    context = count >= vocabulary.min_words or (len(body_drugs) >= 2 and count >= 1)
    written, transliterated, has_class = _headline_names(headlines)
    named = written | transliterated
    # an everyday name needs the vocabulary; a name matched through another script at least
    # one of its words ("сборной" is no aspirin)
    plain = {d for d in written if not vocabulary.is_everyday(d)}
    if count >= 1:
        plain |= {d for d in transliterated if not vocabulary.is_everyday(d)}
    medication = bool(plain) or has_class or context
    drug_stands = drug is not None and (context or drug in plain)
    if medication:
        reason = ""
    elif named:
        reason = (f"not a medication article: its headline names {', '.join(sorted(named))}, "
                  f"an everyday word, and its text has {count} medical words")
    else:
        reason = (f"not a medication article: no drug or class in its headline and "
                  f"{count} medical words in its text")
    return Relevance(medication, drug_stands, reason)

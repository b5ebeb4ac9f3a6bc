"""``drug_class`` on articles and records: no record of a class page is anonymous.

A page about a class ("Beta blockers", "H2 blockers compared") has no primary drug, so its
records carry ``drug`` null; they carry the page's class instead. Records with a drug carry
that drug's class, so a query can group by class across pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.snippets import Example, article, page

_KINDS = ("doses", "benefits", "side_effects", "warnings", "comparisons")


def _classes(art: dict[str, Any]) -> dict[str, Any]:
    """The article's drug and class, and the (drug, drug_class) pairs its records carry."""
    pairs = {(r["drug"], r["drug_class"]) for kind in _KINDS for r in art[kind]}
    return {"drug": art["drug"], "drug_class": art["drug_class"], "records": pairs}


_CLASS_PAGES = [
    Example(  # a class page in the style of a pharmacology handout
        "<p>Beta blockers slow the heart and lower blood pressure.</p>"
        "<h2>Side effects</h2><ul><li>Tiredness</li><li>Cold hands and feet</li></ul>"
        "<h2>Warnings</h2><p>Do not stop taking a beta blocker suddenly.</p>",
        {"drug": None, "drug_class": "beta blocker", "records": {(None, "beta blocker")}},
        "Beta blockers: how they work",
    ),
    Example(  # a GI course page about a class, named by its abbreviation
        "<p>H2 blockers reduce the amount of acid the stomach makes.</p>"
        "<h2>Adverse effects</h2><p>Common side effects include headache, dizziness and constipation.</p>",
        {"drug": None, "drug_class": "h2 receptor antagonist",
         "records": {(None, "h2 receptor antagonist")}},
        "H2 blockers (H2RAs)",
    ),
    Example(  # a "vs" page naming no class: the class its drugs share; each row its drug's class
        "<p>Sildenafil and tadalafil both treat erectile dysfunction.</p>"
        "<table><tr><th>Drug</th><th>Onset</th><th>Side effects</th></tr>"
        "<tr><td>Sildenafil</td><td>30-60 min</td><td>Headache, flushing</td></tr>"
        "<tr><td>Tadalafil</td><td>30 min</td><td>Back pain</td></tr></table>"
        "<h2>Warnings</h2><p>Do not take either with nitrates.</p>",
        {"drug": None, "drug_class": "pde5 inhibitor",
         "records": {("sildenafil", "pde5 inhibitor"), ("tadalafil", "pde5 inhibitor"),
                     (None, "pde5 inhibitor")}},
        "Sildenafil vs tadalafil",
    ),
    Example(  # a single-drug page: its records carry the drug and the drug's class
        "<h2>Side effects</h2><ul><li>Drowsiness</li><li>Nausea</li></ul>",
        {"drug": "baclofen", "drug_class": "muscle relaxant",
         "records": {("baclofen", "muscle relaxant")}},
    ),
]


@pytest.mark.parametrize("example", _CLASS_PAGES, ids=lambda e: e.h1)
def test_drug_class(example: Example) -> None:
    assert _classes(article(page(example.html, example.h1))) == example.expected

"""The primary drug and ``drug_class`` on articles and records: no record of a class page is
anonymous.

A page about a class ("Beta blockers", "H2 blockers compared") has no primary drug, so its
records carry ``drug`` null; they carry the page's class instead. Records with a drug carry
that drug's class, so a query can group by class across pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.snippets import DEFAULT_H1, Example, article, page, xfail

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


def _bare(body: str, title: str | None = None) -> bytes:
    """A page without <h1>, as product and HCP pages often are."""
    head = f"<title>{title}</title>" if title else ""
    return f"<html><head>{head}</head><body><div>{body}</div></body></html>".encode()


_PRIMARY = [
    Example(  # neither <title> nor <h1>: a brand in the first heading and the text names the drug
        "<p class='hero'>FLEXIBLE DOSING</p><p>Cholbam should be dosed by weight.</p>"
        "<h2>Number of Cholbam capsules for each dose</h2><p>Take Cholbam with food.</p>",
        "cholic acid",
    ),
    Example(  # two brands of one generic side by side: one drug
        "<h1>Ozempic vs Wegovy: what is the difference?</h1><p>Both contain semaglutide.</p>",
        "semaglutide",
    ),
    Example(  # two generics side by side: about both
        "<h1>Ozempic vs Mounjaro</h1><p>Semaglutide and tirzepatide both lower weight.</p>",
        None,
    ),
    Example(  # a brand the lexicon does not know, its composition line naming the drug
        "<h1>Dolo 650 Tablet</h1><div>SALT COMPOSITION: Paracetamol (650mg)</div><p>Take this "
        "medicine with food, in the dose your doctor advises. Side effects may include nausea "
        "and stomach pain; tell your doctor if you are pregnant.</p>",
        "acetaminophen",
    ),
    Example(  # a pharmacy's product page
        "<h1>Nurofen Express Liquid Capsules 200mg</h1><p>Active ingredient: ibuprofen 200 mg."
        "</p><p>For the relief of headache and period pain.</p>",
        "ibuprofen",
    ),
]

_PRIMARY_GAPS = xfail(
    "a page that keeps naming a combination product and its components separately is about the "
    "combination: giving it the combination exposes records the lead's attribution still gives to "
    "a component (issue 12.5), so the rule waits for that",
    Example(
        "<p>Buprenorphine treatment eases cravings. Buprenorphine is a partial agonist, so "
        "buprenorphine has a ceiling effect. Suboxone adds naloxone, which discourages injection; "
        "Suboxone comes as a film.</p><p>Your first buprenorphine dose is given at the clinic, and "
        "buprenorphine doses are then adjusted weekly.</p>",
        "buprenorphine/naloxone",
        "Dr. Lee, Psychiatrist: Addiction Care",
    ),
)


@pytest.mark.parametrize("example", [*_PRIMARY, *_PRIMARY_GAPS], ids=lambda e: e.html[:40])
def test_primary_drug(example: Example) -> None:
    title = None if example.h1 == DEFAULT_H1 else example.h1
    assert article(_bare(example.html, title))["drug"] == example.expected

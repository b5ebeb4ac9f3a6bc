"""One record per fact: what an analyst counts and sums must not double or invent.

Each row is a small page in the shape of a real one (a label with an incidence table, a
patient leaflet, a monograph) and what a reader records from it. A table row and a list
item that state the same effect are one record with the richer evidence; headings, lead-ins
and cross-references are never records by themselves; a condition studied in a trial is not
a side effect.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.snippets import Example, article, norm, page, row_id

_TABLE = (
    "<h2>Adverse reactions</h2><table><thead><tr><th>Adverse reaction</th>"
    "<th>Drugname (n=1,349) %</th><th>Placebo (n=207) %</th></tr></thead>"
    "<tbody><tr><td>Headache</td><td>5.6</td><td>1.9</td></tr>"
    "<tr><td>Dizziness</td><td>5.2</td><td>1.9</td></tr></tbody></table>"
)


def _effects(art: dict[str, Any]) -> list[tuple[str, str, float | None]]:
    return sorted((norm(se["term_normalized"]), se["category"], se["incidence"])
                  for se in art["side_effects"] if se["drug"] == art["drug"])


_EFFECT_ROWS = [
    # an incidence table read once, each row with its percentage
    Example(_TABLE, [("dizziness", "common", 5.2), ("headache", "common", 5.6)]),
    # the same effects in a list and in the table: one record each, with the table's figure
    Example("<h2>Side effects</h2><ul><li>Headache</li><li>Dizziness</li></ul>" + _TABLE,
            [("dizziness", "common", 5.2), ("headache", "common", 5.6)]),
    # a percentage in a list item is its incidence
    Example("<h2>Common side effects</h2><ul><li>Nausea (12%)</li><li>Rash (3.5%)</li></ul>",
            [("nausea", "common", 12.0), ("rash", "common", 3.5)]),
    # the illness studied in a trial is no side effect
    Example("<h2>Side effects</h2><p>In placebo-controlled trials in hypertension, 5.7% of "
            "patients stopped treatment because of adverse reactions.</p>", []),
    Example("<h2>Adverse reactions</h2><p>In studies in patients with heart failure, nausea "
            "was reported.</p>", [("nausea", "unspecified", None)]),
]


@pytest.mark.parametrize("example", _EFFECT_ROWS, ids=row_id)
def test_one_side_effect_record_per_fact(example: Example) -> None:
    assert _effects(article(page(example.html))) == example.expected


_BUPRENORPHINE = "Buprenorphine for opioid dependence"
_TREATED_WITHDRAWAL = [
    # the withdrawal a drug treats is the condition, not the drug's effect (an addiction
    # clinic's FAQ, a smoking-cessation leaflet) ...
    Example("<p>Buprenorphine is used to treat opioid dependence.</p><h2>What is withdrawal?</h2>"
            "<p>Withdrawal symptoms include yawning, chills and a runny nose.</p>", [],
            _BUPRENORPHINE),
    Example("<p>Varenicline is used for smoking cessation in adults.</p><h2>Withdrawal symptoms "
            "when you quit</h2><ul><li>Irritability</li><li>Restlessness</li></ul><h2>Side effects</h2><ul>"
            "<li>Nausea</li><li>Strange dreams</li></ul>",
            [("nausea", "unspecified", None), ("strange dreams", "unspecified", None)],
            "Varenicline (Champix): how it helps you quit"),
    # ... but stopping the drug itself is still its withdrawal
    Example("<p>Buprenorphine is used to treat opioid dependence.</p><h2>Stopping treatment</h2>"
            "<p>Stopping buprenorphine suddenly can cause withdrawal symptoms such as anxiety "
            "and sweating.</p>",
            [("anxiety", "withdrawal", None), ("sweating", "withdrawal", None)], _BUPRENORPHINE),
    # and a drug that treats something else keeps its withdrawal list
    Example("<p>Sertraline is used to treat depression.</p><h2>Withdrawal symptoms</h2><ul>"
            "<li>Dizziness</li><li>Irritability</li></ul>",
            [("dizziness", "withdrawal", None), ("irritability", "withdrawal", None)],
            "Sertraline tablets"),
]


@pytest.mark.parametrize("example", _TREATED_WITHDRAWAL, ids=row_id)
def test_withdrawal_the_drug_treats_is_not_its_side_effect(example: Example) -> None:
    assert _effects(article(page(example.html, example.h1))) == example.expected


_NOT_WARNINGS = [
    # a lead-in is no warning: "Before taking it, tell your doctor if you have:" introduces
    # warnings, "Contact a doctor straight away if you notice:" serious side effects
    Example("<h2>Warnings</h2><p>Before taking it, tell your doctor if you have:</p>"
            "<ul><li>kidney disease</li><li>a history of seizures</li></ul>",
            ["kidney disease", "a history of seizures"]),
    Example("<h2>Warnings</h2><p>Contact a doctor straight away if you notice any of the "
            "following:</p><ul><li>yellow skin</li><li>dark urine</li></ul>", []),
    # a cross-reference is no warning, and is no part of one
    Example("<h2>Warnings and precautions</h2><ul><li><b>Pregnancy:</b> see the boxed warning and "
            "section 5.1.</li><li><b>Diuretics:</b> starting it with a diuretic can cause an "
            "excessive fall in blood pressure; see section 2.1.</li></ul>",
            ["Diuretics: starting it with a diuretic can cause an excessive fall in blood pressure"]),
    # a statistic is no warning; the advice beside it is
    Example("<h2>Warnings</h2><ul><li>Bradycardia can occur. Cases (8.6%) have been reported in "
            "clinical trials.</li><li>Renal impairment occurred in 8% of patients.</li></ul>",
            ["Bradycardia can occur."]),
    # routine text: storage, reporting lines, disclaimers
    Example("<h2>Warnings</h2><ul><li>Keep out of the reach of children.</li><li>Call your doctor "
            "for medical advice about side effects.</li><li>Do not drink alcohol while taking it.</li></ul>",
            ["Do not drink alcohol while taking it."]),
    # a call to action is no warning (a telehealth page's and a pharmacy's wording)
    Example("<h2>Warnings</h2><p>Take our 2-minute quiz to see if you qualify for treatment.</p>"
            "<p>Do not use it if you are pregnant.</p><p>Order now and get free delivery on "
            "your first prescription, then take it as directed.</p>",
            ["Do not use it if you are pregnant."]),
    # a statistic in a list of safety notes asks nothing of the reader
    Example("<h2>Use in pregnancy</h2><ul><li>In the general population, the background risk of "
            "major birth defects is 2% to 4%.</li><li>Advise women to use effective "
            "contraception.</li></ul>", ["Advise women to use effective contraception."]),
    # reassurance about side effects warns of nothing (a pharmacy's and a clinic's wording)
    Example("<h2>Side effects</h2><p>Most side effects do not require any medical attention and "
            "disappear as your body adjusts to the medicine.</p><p>Do not drive if you feel "
            "drowsy.</p>", ["Do not drive if you feel drowsy."]),
    Example("<h2>Side Effects</h2><p>Although not all of these side effects may occur, if they do "
            "occur they may need medical attention.</p><p>Mild side effects usually go away on "
            "their own within a few days.</p>", []),
]


@pytest.mark.parametrize("example", _NOT_WARNINGS, ids=row_id)
def test_headings_lead_ins_and_references_are_not_warnings(example: Example) -> None:
    art = article(page(example.html))
    assert sorted(norm(w["text"]) for w in art["warnings"]) == sorted(map(norm, example.expected))

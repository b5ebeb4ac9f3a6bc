"""Doses and strengths as they come out of whole pages: pipeline.run.process_page end to end.

The dose parser has its own tables (test_dose_parser.py); these rows check what the page adds:
section headings and lead-in labels, definition lists, dosing tables, which drug a dose
belongs to, and the numbers on a page that are not doses at all (prices, pack sizes,
percentages of patients, durations, ages, weights).

Each row is a small page and the doses a careful reader lists (corpus/ANNOTATION.md). The set
of (drug, amount, amount_max, unit) must match exactly; other fields (kind, frequency,
population, ...) are checked only where the row names them, so a row states one fact.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from pipeline.run import process_page
from tests import snippets
from tests.snippets import row_id, rows

_DEFAULT_H1 = "Gabapentin: uses, dosage and side effects"
_DEFAULT_DRUG = "gabapentin"


class Example(NamedTuple):
    html: str
    expected: Any
    h1: str = _DEFAULT_H1
    """The page's headline, which names its primary drug."""


def page(body: str, h1: str = _DEFAULT_H1, outside: str = "") -> bytes:
    return snippets.page(body, h1, outside)


def d(amount: float, amount_max: float | None = None, unit: str = "mg", *,
      drug: str | None = _DEFAULT_DRUG, **fields: Any) -> dict[str, Any]:
    """One expected dose: drug, amount, amount_max and unit always, other fields when named."""
    return {"drug": drug, "amount": amount, "amount_max": amount_max, "unit": unit, **fields}








_KEY = ("drug", "amount", "amount_max", "unit")


def _key(dose: dict[str, Any]) -> tuple[Any, ...]:
    amount_max = dose["amount_max"]
    return (dose["drug"], float(dose["amount"]), None if amount_max is None else float(amount_max),
            dose["unit"])


def page_doses(html: str, h1: str) -> list[dict[str, Any]]:
    result = process_page("snippet.html", page(html, h1))
    assert result.article is not None, result.rejects
    doses: list[dict[str, Any]] = json.loads(result.article.model_dump_json())["doses"]
    return doses


# --------------------------------------------------------------------------------------------
# Where a page states its doses
# --------------------------------------------------------------------------------------------

_INTRO_STRENGTHS = [
    Example(
        "<p>Gabapentin 300 mg capsules are prescribed for nerve pain and seizures.</p>",
        [d(300, kind="strength", form="capsule")],
    ),
    Example(
        "<p>Levothyroxine comes as 25 mcg, 50 mcg and 100 mcg tablets.</p>",
        [d(25, unit="mcg", drug="levothyroxine"), d(50, unit="mcg", drug="levothyroxine"),
         d(100, unit="mcg", drug="levothyroxine")],
        "Levothyroxine for an underactive thyroid",
    ),
    Example(
        "<p>Hydrocortisone 1% cream is sold for itchy, inflamed skin.</p>",
        [d(1, unit="%", drug="hydrocortisone")],
        "Hydrocortisone cream",
    ),
    Example(
        "<p>Baclofen relaxes tight muscles in people with multiple sclerosis.</p>",
        [d(20, drug="baclofen", kind="strength")],
        "Baclofen 20 mg tablets",
    ),
]

_LABEL_PARAGRAPHS = [
    Example(
        "<h2>Dosage</h2><p><strong>Adults:</strong> 300 mg three times a day.</p>",
        [d(300, frequency_per_day=3, population="adult")],
    ),
    Example(
        "<h2>Dosage</h2><p><b>Adults:</b> 300 mg three times a day.</p>"
        "<p><b>Children 3 to 12 years:</b> 10 to 15 mg/kg a day.</p>",
        [d(300, frequency_per_day=3, population="adult"), d(10, 15, "mg/kg", population="child")],
    ),
    Example(
        "<h2>How much to take</h2><p>Adults: 300 mg three times a day.</p>",
        [d(300, frequency_per_day=3)],
    ),
    Example(
        "<h2>Dosage</h2><p><strong>Starting dose:</strong> 300 mg once a day at bedtime.</p>",
        [d(300, kind="starting_dose", frequency_per_day=1)],
    ),
    Example(
        "<h2>Dosage</h2><p><strong>Maximum dose:</strong> 3,600 mg a day.</p>",
        [d(3600, kind="max_dose")],
    ),
]

_AMOUNTS_IN_CONTEXT = [
    Example(
        "<h2>Dosage</h2><p>Adults weighing over 50 kg: 1 g up to four times a day. Take no more "
        "than 4 g in 24 hours.</p>",
        [d(1, unit="g", drug="acetaminophen"), d(4, unit="g", drug="acetaminophen", kind="max_dose")],
        "Paracetamol for pain and fever",
    ),
    Example(
        "<h2>Dosage</h2><p>Take 2 tablets (1000 mg) every 6 hours if needed.</p>",
        [d(1000, drug="acetaminophen", frequency_per_day=4)],
        "Paracetamol for pain and fever",
    ),
    Example(
        "<h2>Dosage</h2><p>Most adults start with 10 units at bedtime.</p>",
        [d(10, unit="units", drug="insulin glargine")],
        "Insulin glargine (Lantus)",
    ),
]

_PHRASINGS = [
    Example(
        "<h2>Dosage</h2><p>Take one 20 mg tablet three times a day.</p>",
        [d(20, drug="baclofen", frequency_per_day=3, form="tablet")],
        "Baclofen for muscle spasms",
    ),
    Example(
        "<h2>Dosage</h2><p>Children: 2.5 mg to 5 mg three times a day.</p>",
        [d(2.5, 5, drug="baclofen", population="child")],
        "Baclofen for muscle spasms",
    ),
    Example(
        "<h2>Dosage</h2><p>The dose may be increased to 25 mg three times a day.</p>",
        [d(25, drug="baclofen", kind="titration")],
        "Baclofen for muscle spasms",
    ),
]

_DEFINITION_LISTS = [
    Example(
        "<dl><dt>Available strengths</dt><dd>100 mg, 300 mg and 400 mg capsules</dd></dl>",
        [d(100, kind="strength"), d(300, kind="strength"), d(400, kind="strength")],
    ),
    Example(
        "<dl><dt>Strength</dt><dd>600 mg</dd><dt>Form</dt><dd>Film-coated tablet</dd></dl>",
        [d(600, kind="strength")],
    ),
    Example(
        "<dl><dt>Usual adult dose</dt><dd>900 to 1800 mg a day, split into three doses</dd></dl>",
        [d(900, 1800)],
    ),
]

_LIST_ITEMS = [
    Example(
        "<h2>Dosage</h2><ul><li>Day 1: 300 mg once a day</li><li>Day 2: 300 mg twice a day</li>"
        "<li>Day 3: 300 mg three times a day</li></ul>",
        [d(300, frequency_per_day=1), d(300, frequency_per_day=2), d(300, frequency_per_day=3)],
    ),
    Example(
        "<h2>Dosage</h2><ul><li>Starting dose: 5 mg three times a day</li>"
        "<li>Increase by 5 mg every three days</li><li>Maximum dose: 80 mg a day</li></ul>",
        [d(5, kind="starting_dose", drug="baclofen"), d(5, kind="titration", drug="baclofen"),
         d(80, kind="max_dose", drug="baclofen")],
        "Baclofen for muscle spasms",
    ),
    Example(
        "<h2>How to take it</h2><ul><li>Take 500 mg twice a day with meals</li>"
        "<li>Swallow the tablets whole</li></ul>",
        [d(500, drug="metformin", frequency_per_day=2, food="with food")],
        "Metformin tablets",
    ),
    Example(
        "<h2>Dosage</h2><ul><li>The usual dose is 10–20 mg once a day</li></ul>",
        [d(10, 20, drug="citalopram", frequency_per_day=1)],
        "Citalopram for depression",
    ),
]

_DOSING_TABLES = [
    Example(
        "<h2>Titration schedule</h2><table><tr><th>Week</th><th>Dose</th></tr>"
        "<tr><td>1</td><td>5 mg three times a day</td></tr>"
        "<tr><td>2</td><td>10 mg three times a day</td></tr>"
        "<tr><td>3</td><td>15 mg three times a day</td></tr></table>",
        [d(5, drug="baclofen", frequency_per_day=3), d(10, drug="baclofen", frequency_per_day=3),
         d(15, drug="baclofen", frequency_per_day=3)],
        "Baclofen for muscle spasms",
    ),
    Example(
        "<table><tr><th>Age</th><th>Dose</th></tr><tr><td>Adults</td><td>10 mg once a day</td></tr>"
        "<tr><td>Children 6 to 11 years</td><td>5 mg once a day</td></tr></table>",
        [d(10, drug="loratadine"), d(5, drug="loratadine")],
        "Loratadine for hay fever",
    ),
    Example(
        "<table><tr><td>Strength</td><td>20 mg</td></tr><tr><td>Pack size</td><td>28 tablets</td></tr>"
        "</table>",
        [d(20, drug="simvastatin", kind="strength")],
        "Simvastatin tablets",
    ),
]

_COMPARISON_TABLES = [
    Example(
        "<table><tr><th>Drug</th><th>Usual dose</th><th>Main side effect</th></tr>"
        "<tr><td>Sertraline</td><td>50–200 mg a day</td><td>Nausea</td></tr>"
        "<tr><td>Fluoxetine</td><td>20–80 mg a day</td><td>Insomnia</td></tr></table>",
        [d(50, 200, drug="sertraline"), d(20, 80, drug="fluoxetine")],
        "Antidepressants compared",
    ),
]

# --------------------------------------------------------------------------------------------
# Numbers that are not doses
# --------------------------------------------------------------------------------------------

_NOT_DOSES = [
    Example("<p>A pack of 90 capsules costs $24.99 at most pharmacies.</p>", []),
    Example("<p>Each box contains 28 tablets.</p>", []),
    Example("<p>In trials, 12% of people who took gabapentin felt dizzy.</p>", []),
    Example("<p>Save 20% on your first order today.</p>", []),
    Example("<p>Most people take it for 7 to 10 days.</p>", []),
    Example("<p>It is not suitable for children under 12 years or adults under 50 kg.</p>", []),
    Example("<p>Store below 25 °C and keep out of reach of children.</p>", []),
    Example("<p>It starts to work within 2 hours and lasts for 8 hours.</p>", []),
    Example(
        "<p>Metformin lowered HbA1c by 1.5% on average.</p>",
        [],
        "Metformin tablets",
    ),
    Example("<p>A pack of 100 × 300 mg capsules costs £4.50.</p>", [d(300)]),
    Example("<p>Rated 4.5 out of 5 by 1,200 customers.</p>", []),
    Example("<p>Updated 12 March 2023. Call 0800 123 456 for advice.</p>", []),
]

# --------------------------------------------------------------------------------------------
# Doses of other drugs named on the page
# --------------------------------------------------------------------------------------------

_OTHER_DRUGS = [
    Example(
        "<p>Sertraline is usually started at 50 mg a day; fluoxetine is started at 20 mg a day.</p>",
        [d(50, drug="sertraline"), d(20, drug="fluoxetine")],
        "Sertraline for depression",
    ),
    Example(
        "<h2>Dosage</h2><p>Adults take 300 mg three times a day.</p><p>If you also take ibuprofen, do "
        "not take more than 400 mg of ibuprofen at a time.</p>",
        [d(300, frequency_per_day=3), d(400, drug="ibuprofen")],
    ),
    Example(
        "<h2>Other treatments</h2><p>For nerve pain, amitriptyline is often given at 10 mg at night.</p>",
        [d(10, drug="amitriptyline")],
    ),
]

_NEVER_MORE_THAN = [
    Example(
        "<h2>Dosage</h2><ul><li>Do not take more than 80 mg a day</li></ul>",
        [d(80, kind="max_dose", drug="baclofen")],
        "Baclofen for muscle spasms",
    ),
    Example(
        "<h2>Dosage</h2><p>Never take more than 4 g in 24 hours.</p>",
        [d(4, unit="g", drug="acetaminophen", kind="max_dose")],
        "Paracetamol for pain and fever",
    ),
    Example(
        "<h2>Switching from pregabalin</h2><p>People taking 150 mg of pregabalin a day usually "
        "move to 900 mg of gabapentin a day.</p>",
        [d(150, drug="pregabalin"), d(900)],
    ),
]

# --------------------------------------------------------------------------------------------
# Issue 13: what the nearest label or heading says about the doses under it
# --------------------------------------------------------------------------------------------

_LABELS_AND_HEADINGS = [
    # a monograph's item label before a dash holds for every sentence of the item; "at first"
    # before the amount starts; "milligram (mg) per kilogram (kg) of body weight" is mg/kg
    Example(
        "<h2>Dosing</h2><ul><li>For high blood pressure:<ul><li>Adults\u2014At first, 10 "
        "milligrams (mg) once a day. However, the dose is usually not more than 80 mg per day."
        "</li><li>Children 6 years of age and older\u2014Dose is based on body weight. The dose "
        "is usually 0.07 milligram (mg) per kilogram (kg) of body weight once a day.</li></ul>"
        "</li></ul>",
        [d(10, drug="lisinopril", kind="starting_dose", population="adult", frequency_per_day=1),
         d(80, drug="lisinopril", kind="max_dose", population="adult", amount_per="day"),
         d(0.07, unit="mg/kg", drug="lisinopril", population="child", frequency_per_day=1)],
        "Lisinopril (oral route)",
    ),
    # a leaflet names teenagers "young people"
    Example(
        "<h2>Dosage</h2><p>For young people aged 13 to 17 years, the usual starting dose is 50mg "
        "a day.</p>",
        [d(50, drug="sertraline", kind="starting_dose", population="adolescent", amount_per="day")],
        "Sertraline tablets",
    ),
    # A short line in a box of its own labels the text after it (not a heading in the markup).
    Example(
        '<h2>How to take it</h2><div class="box"><div class="label">Adults and children '
        "weighing 40 kg or more</div><div>The usual dose is 250 mg to 500 mg three times a day."
        '</div></div><div class="box"><div class="label">Children weighing less than 40 kg</div>'
        "<div>It is usually 30 mg/kg to 60 mg/kg a day, split into two or three doses.</div></div>",
        [d(250, 500, drug="amoxicillin", population="adult or child ≥40 kg", frequency_per_day=3,
           amount_per="administration"),
         d(30, 60, "mg/kg", drug="amoxicillin", population="child <40 kg", amount_per="day",
           frequency_per_day=None)],
        "Amoxicillin capsules and liquid",
    ),
    Example(
        "<h2>Dosage</h2><h3>Children weighing less than 40 kg</h3><p>Give 20 mg/kg a day in "
        "three divided doses.</p>",
        [d(20, unit="mg/kg", drug="amoxicillin", population="child <40 kg", amount_per="day",
           frequency_per_day=3)],
        "Amoxicillin capsules and liquid",
    ),
    Example(
        "<h2>Dosage in kidney disease</h2><p>Take 5 mg once daily.</p>",
        [d(5, drug="rosuvastatin", population="renal impairment")],
        "Rosuvastatin tablets",
    ),
    # The capsules are not for children: only the liquid the clause names for them is.
    Example(
        "<p>It comes as 250 mg and 500 mg capsules, and as a liquid (125 mg/5 mL) for children "
        "who cannot swallow capsules.</p>",
        [d(250, drug="amoxicillin", population=None, kind="strength"),
         d(500, drug="amoxicillin", population=None, kind="strength"),
         d(25, unit="mg/mL", drug="amoxicillin", population="child")],
        "Amoxicillin capsules and liquid",
    ),
    Example(
        "<h2>Starting dose</h2><p>For most adults it is worked out from weight: about 1.6 mcg/kg "
        "a day.</p>",
        [d(1.6, unit="mcg/kg", drug="levothyroxine", kind="starting_dose", amount_per="day")],
        "Levothyroxine for an underactive thyroid",
    ),
    Example(
        "<h2>Dosage schedule</h2><h4>Start</h4><ul><li>Inject 0.25 mg weekly for the first month."
        "</li></ul><h4>Step up</h4><ul><li>Go to 0.5 mg weekly in month two.</li></ul>"
        "<h4>Stay</h4><ul><li>Most people remain on a dose of 1 mg weekly.</li></ul>",
        [d(0.25, drug="semaglutide", kind="starting_dose"),
         d(0.5, drug="semaglutide", kind="titration"),
         d(1, drug="semaglutide", kind="maintenance_dose")],
        "Semaglutide injections",
    ),
    Example(
        "<h2>Titration schedule</h2><table><tr><th>Weeks</th><th>Weekly dose</th><th>Note</th></tr>"
        "<tr><td>Weeks 1–4</td><td>0.25 mg</td><td>Getting used to it</td></tr>"
        "<tr><td>Weeks 5–8</td><td>0.5 mg</td><td>First step</td></tr>"
        "<tr><td>Week 9+</td><td>1 mg</td><td>Full dose</td></tr></table>",
        [d(0.25, drug="semaglutide", kind="titration"), d(0.5, drug="semaglutide", kind="titration"),
         d(1, drug="semaglutide", kind="titration")],
        "Semaglutide injections",
    ),
    Example(
        "<h2>Dosage</h2><ul><li>Start with 10–20 mg once daily</li><li>Can be raised to 80 mg "
        "depending on response</li></ul>",
        [d(10, 20, drug="atorvastatin", kind="starting_dose", frequency_per_day=1),
         d(80, drug="atorvastatin", kind="titration", frequency_per_day=1)],
        "Atorvastatin tablets",
    ),
    Example(
        "<h2>Dosage</h2><ul><li>Day 1: 300 mg once a day, at bedtime</li><li>Day 2: 300 mg twice "
        "a day</li><li>Day 3: 300 mg three times a day (900 mg in total)</li></ul>",
        [d(300, kind="titration", frequency_per_day=1), d(300, kind="titration", frequency_per_day=2),
         d(300, kind="titration", frequency_per_day=3, amount_per="administration"),
         d(900, kind="titration", frequency_per_day=3, amount_per="day")],
    ),
    Example(
        "<dl><dt>Usual adult dose</dt><dd>900 to 1800 mg a day, split into three doses</dd></dl>",
        [d(900, 1800, amount_per="day", frequency_per_day=3)],
    ),
    # The dose people stay on keeps the schedule of the dose before it; a step size has none.
    Example(
        "<h2>Dosage</h2><p>Start with 0.25 mg once weekly. Increase it by 0.25 mg every month. "
        "Raise it in steps of no more than 0.5 mg. Most people stay on 1 mg.</p>",
        [d(0.25, drug="semaglutide", kind="starting_dose", frequency_per_day=1 / 7),
         d(0.25, drug="semaglutide", kind="titration", frequency_per_day=None),
         d(0.5, drug="semaglutide", kind="titration", frequency_per_day=None),
         d(1, drug="semaglutide", kind="maintenance_dose", frequency_per_day=1 / 7)],
        "Semaglutide injections",
    ),
    Example(
        "<h2>Dosage</h2><p>Most OTC tablets contain 3 mg or 5 mg per dose.</p>",
        [d(3, drug="melatonin", kind="strength"), d(5, drug="melatonin", kind="strength")],
        "Melatonin for sleep",
    ),
]

# --------------------------------------------------------------------------------------------
# Issue 13 item 4: a heading is a title, never a dose record by itself
# --------------------------------------------------------------------------------------------

_HEADINGS = [
    # The section title repeats a strength the text states: one strength, no dose.
    Example(
        "<h2>Gabapentin 300 mg dosage</h2><p>It is made as 100 mg and 300 mg capsules.</p>",
        [d(100, kind="strength"), d(300, kind="strength")],
    ),
    # A section title naming an amount the text does not state gives nothing.
    Example(
        "<h2>Sertraline 50 mg dosage guide</h2><p>Take it once a day with or without food.</p>",
        [],
        "Sertraline for depression",
    ),
    # A heading that names a product, as catalogues do, gives its strength.
    Example(
        "<h3>Buy Armodafinil – 150mg</h3><p>Fast delivery to most countries.</p>",
        [d(150, drug="armodafinil", kind="strength")],
        "Modafinil and armodafinil",
    ),
    # A bold line that states a dose is read like any sentence.
    Example(
        "<h2>Schedule</h2><p><strong>Weeks 1–4 — Weekly dose: 0.25 mg</strong></p>"
        "<p>Then your prescriber raises it.</p>",
        [d(0.25, drug="semaglutide", kind="titration")],
        "Semaglutide injections",
    ),
]

# --------------------------------------------------------------------------------------------
# Issue 12: numbers beside a dose that are diet, a recipe or a letter
# --------------------------------------------------------------------------------------------

_NOT_DOSES_ON_PAGES = [
    Example(
        "<h2>Safety</h2><p>Without enough protein (1.2–1.6 g/kg/day) much of the weight lost is "
        "muscle.</p>",
        [],
        "Semaglutide injections",
    ),
    Example(
        "<h2>Alcohol</h2><p>Light drinking (1–2 units) with it is usually fine.</p>",
        [],
        "Sildenafil tablets",
    ),
    Example("<h3>The 3 G's that raise bleeding risk</h3><p>Ginkgo, garlic and ginger.</p>", [],
            "Herbal supplements and bleeding"),
    Example(
        "<h2>Preparation</h2><p>Morphine 10 mg (1 mL) + saline 9 mL gives a 1 mg/mL solution.</p>",
        [d(1, unit="mg/mL", drug="morphine")],
        "Morphine injection",
    ),
    # A card: a bare amount and, below it, what it is.
    Example(
        "<h2>Getting the dose right</h2><div><p>0.2–0.4mg</p><p>What the brain produces on its "
        "own each night</p></div><div><p>1–3mg</p><p>The usual dose of an over-the-counter "
        "tablet</p></div>",
        [d(1, 3, drug="melatonin", kind="dose")],
        "Melatonin for sleep",
    ),
    # On a page about a class, an amount tied to no drug needs a dosing context of its own.
    Example(
        "<h2>A snack while you take them</h2><p>Mix 125 g oats with 200 mL milk.</p>"
        "<h2>Doses</h2><p>Most are started at 1.25 mg to 5 mg once daily.</p>",
        [d(1.25, 5, drug=None, frequency_per_day=1)],
        "Beta blockers: how they compare",
    ),
    Example(
        "<h2>Dosing</h2><p>Dose range 0.5 mg → 2 mg per week (weekly injection)</p>",
        [d(0.5, 2, drug="semaglutide")],
        "Semaglutide injections",
    ),
]

_KNOWN_GAPS: list[Any] = []

_ROWS = rows(
    _INTRO_STRENGTHS,
    _LABEL_PARAGRAPHS,
    _AMOUNTS_IN_CONTEXT,
    _PHRASINGS,
    _DEFINITION_LISTS,
    _LIST_ITEMS,
    _DOSING_TABLES,
    _COMPARISON_TABLES,
    _NOT_DOSES,
    _OTHER_DRUGS,
    _NEVER_MORE_THAN,
    _LABELS_AND_HEADINGS,
    _HEADINGS,
    _NOT_DOSES_ON_PAGES,
    _KNOWN_GAPS,
)


@pytest.mark.parametrize("example", _ROWS, ids=row_id)
def test_doses_of_a_page(example: Example) -> None:
    doses = page_doses(example.html, example.h1)
    assert {_key(x) for x in doses} == {_key(x) for x in example.expected}, doses
    for wanted in example.expected:
        candidates = [x for x in doses if _key(x) == _key(wanted)]
        extra = {k: v for k, v in wanted.items() if k not in _KEY}
        assert any(all(c[k] == v for k, v in extra.items()) for c in candidates), (wanted, candidates)


def test_a_range_is_ordered_and_keeps_its_sentence() -> None:
    (dose,) = page_doses("<h2>Dosage</h2><p>Take 900–1800 mg a day.</p>", _DEFAULT_H1)
    assert (dose["amount"], dose["amount_max"]) == (900, 1800)
    assert dose["text"] == "Take 900–1800 mg a day."


def test_route_and_food_stated_once_reach_the_primary_drugs_doses() -> None:
    html = page("<p>Gabapentin comes as 300 mg capsules.</p>"
                "<p>It is taken by mouth, with or without food.</p>")
    doses = [d for d in page_doses(html.decode(), _DEFAULT_H1) if d["amount"] == 300]
    assert doses and all(d["route"] == "oral" and d["food"] == "with or without food" for d in doses)


@pytest.mark.parametrize("example", _HEADINGS, ids=row_id)
def test_a_heading_is_never_a_dose_by_itself(example: Example) -> None:
    """No record of kind dose (or any kind but strength) is read from a section title."""
    heading = " ".join(example.html.split("</h")[0].split(">")[-1].split())
    for dose in page_doses(example.html, example.h1):
        if dose["text"] == heading and "dose" not in heading.lower():
            assert dose["kind"] == "strength", dose

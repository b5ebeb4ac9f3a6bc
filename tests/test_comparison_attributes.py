"""Comparison attributes an analyst can compare across articles: a normalised key beside every
raw header, ``effectiveness`` filled when a row or column states it, and the records that cells
stating uses, advantages or incidences give.

Headers and cells imitate the comparison tables of drug-information sites, pharmacy blogs,
clinic pages and nursing study cards; each row is what a careful reader takes from them.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.export import prepare
from pipeline.models import Article
from pipeline.normalize.attributes import attribute_key
from pipeline.run import process_page
from tests.snippets import Example, article, norm, page

_KEYS = [  # (raw header, key)
    ("Typical dose", "dose"), ("Dosage", "dose"), ("Max dose", "dose"), ("Dosing flexibility", "dose"),
    ("Daily serving", "dose"), ("Dose adjustments", "dose"),
    ("LDL reduction", "effectiveness"), ("Mean weight loss (max dose)", "effectiveness"),
    ("Average Weight Loss", "effectiveness"), ("Perceived effectiveness", "effectiveness"),
    ("Expected weight loss", "effectiveness"), ("HbA1c reduction", "effectiveness"),
    ("Onset of action", "onset"), ("How fast it works", "onset"), ("Onset", "onset"),
    ("Duration of action", "duration"), ("How long it lasts", "duration"),
    ("Elimination half-life", "half_life"), ("Half life", "half_life"),
    ("Common side effects", "side_effects"), ("Adverse effects", "side_effects"),
    ("Typical Cash Price", "cost"), ("Cost per month (frequent use)", "cost"), ("With insurance", "cost"),
    ("Max Savings/Year", "cost"),
    ("Uses", "uses"), ("Indications", "uses"), ("FDA Indication", "uses"), ("Approved for", "uses"),
    ("Best for spontaneity", "best_for"), ("Choose when", "best_for"), ("Ideal for", "best_for"),
    ("Pros", "benefits"), ("Advantages", "benefits"),
    ("How it works", "mechanism"), ("Mechanisms targeted", "mechanism"),
    ("Effect of food", "food"), ("Food effect", "food"), ("When to take", "frequency"),
    ("How often", "frequency"), ("Active ingredient", "ingredient"), ("Year of approval", "approval"),
    ("Drug class", "drug_class"), ("Contraindications", "warnings"), ("Monitoring", "monitoring"),
    ("Interactions with alcohol", "interactions"), ("Form", "form"), ("Administration", "route"),
    ("Danger organs", "other"), ("Head-to-head superiority", "other"), ("", "other"),
]


@pytest.mark.parametrize(("header", "key"), _KEYS)
def test_attribute_key(header: str, key: str) -> None:
    assert attribute_key(header).value == key


def _rows(art: dict[str, Any]) -> list[dict[str, Any]]:
    """Each comparison row as a reader checks it: medication, effectiveness, header -> key."""
    return [{"medication": norm(c["medication"]), "effectiveness": c["effectiveness"],
             "keys": c["attribute_keys"]} for c in art["comparisons"]]


_EFFECTIVENESS = [
    Example(  # a transposed statin table with an "LDL reduction" row
        "<table><tr><th>Feature</th><th>Atorvastatin</th><th>Rosuvastatin</th></tr>"
        "<tr><td>Usual dose</td><td>10–80 mg</td><td>5–40 mg</td></tr>"
        "<tr><td>LDL reduction</td><td>up to 50%</td><td>up to 63%</td></tr></table>",
        [{"medication": "atorvastatin", "effectiveness": "up to 50%",
          "keys": {"Usual dose": "dose", "LDL reduction": "effectiveness"}},
         {"medication": "rosuvastatin", "effectiveness": "up to 63%",
          "keys": {"Usual dose": "dose", "LDL reduction": "effectiveness"}}],
        "Atorvastatin vs rosuvastatin",
    ),
    Example(  # a weight-loss column in a row-wise table
        "<table><tr><th>Medicine</th><th>Mean weight loss</th><th>Cash price</th></tr>"
        "<tr><td>Wegovy</td><td>15% at 68 weeks</td><td>$1,349/month</td></tr>"
        "<tr><td>Zepbound</td><td>21% at 72 weeks</td><td>$1,086/month</td></tr></table>",
        [{"medication": "wegovy", "effectiveness": "15% at 68 weeks",
          "keys": {"Mean weight loss": "effectiveness", "Cash price": "cost"}},
         {"medication": "zepbound", "effectiveness": "21% at 72 weeks",
          "keys": {"Mean weight loss": "effectiveness", "Cash price": "cost"}}],
        "Wegovy vs Zepbound",
    ),
    Example(  # no row or column states effectiveness: none is made up
        "<table><tr><th>Drug</th><th>Onset</th></tr><tr><td>Sildenafil</td><td>30-60 min</td></tr>"
        "<tr><td>Tadalafil</td><td>30 min</td></tr></table>",
        [{"medication": "sildenafil", "effectiveness": None, "keys": {"Onset": "onset"}},
         {"medication": "tadalafil", "effectiveness": None, "keys": {"Onset": "onset"}}],
        "Sildenafil vs tadalafil",
    ),
]


@pytest.mark.parametrize("example", _EFFECTIVENESS, ids=lambda e: e.h1)
def test_effectiveness_and_keys(example: Example) -> None:
    assert _rows(article(page(example.html, example.h1))) == example.expected


_RECORDS = [
    Example(  # an indications column names conditions
        "<table><tr><th>Medication</th><th>FDA indication</th></tr>"
        "<tr><td>Wegovy</td><td>Obesity</td></tr><tr><td>Mounjaro</td><td>Type 2 diabetes only</td></tr>"
        "</table>",
        {"conditions": {"obesity", "type 2 diabetes"}, "benefits": set()},
        "Wegovy vs Mounjaro",
    ),
    Example(  # "Best for" names an audience's condition; a yes/no answer gives nothing
        "<table><tr><th>Factor</th><th>Sildenafil</th><th>Tadalafil</th></tr>"
        "<tr><td>Best for</td><td>Occasional use</td><td>Benign prostatic hyperplasia with ED</td></tr>"
        "<tr><td>Best for spontaneity</td><td>No</td><td>Yes</td></tr></table>",
        {"conditions": {"benign prostatic hyperplasia", "erectile dysfunction"}, "benefits": set()},
        "Sildenafil vs tadalafil",
    ),
    Example(  # a "Pros" column gives the row drug's benefits
        "<table><tr><th>Drug</th><th>Pros</th><th>Cons</th></tr>"
        "<tr><td>Loratadine</td><td>Does not make most people drowsy</td><td>Slower onset</td></tr>"
        "<tr><td>Cetirizine</td><td>Works within an hour</td><td>Drowsiness in some people</td></tr></table>",
        {"conditions": set(), "benefits": {("loratadine", "Does not make most people drowsy"),
                                           ("cetirizine", "Works within an hour")}},
        "Loratadine or cetirizine?",
    ),
]


@pytest.mark.parametrize("example", _RECORDS, ids=lambda e: e.h1)
def test_uses_and_advantages_give_records(example: Example) -> None:
    art = article(page(example.html, example.h1))
    got = {"conditions": {c["name_normalized"] for c in art["conditions"]},
           "benefits": {(b["drug"], b["text"]) for b in art["benefits"]}}
    assert got == example.expected


def test_incidence_table_gives_each_drug_its_effects() -> None:
    html = ("<table><tr><th>Adverse reaction</th><th>Tirzepatide</th><th>Semaglutide</th></tr>"
            "<tr><td>Nausea</td><td>18%</td><td>20%</td></tr>"
            "<tr><td>Pancreatitis</td><td>—</td><td>0.2%</td></tr></table>")
    art = article(page(html, "Tirzepatide or semaglutide?"))
    got = {(s["drug"], s["term_canonical"]) for s in art["side_effects"]}
    assert got == {("tirzepatide", "nausea"), ("semaglutide", "nausea"), ("semaglutide", "pancreatitis")}
    assert {norm(c["medication"]): c["side_effects"] for c in art["comparisons"]} == {
        "tirzepatide": ["nausea"], "semaglutide": ["nausea", "pancreatitis"]}


def test_attribute_rows_keep_the_raw_header_beside_the_key() -> None:
    html = ("<table><tr><th>Drug</th><th>LDL reduction</th><th>Danger organs</th></tr>"
            "<tr><td>Atorvastatin</td><td>50%</td><td>Liver</td></tr>"
            "<tr><td>Simvastatin</td><td>40%</td><td>Muscle</td></tr></table>")
    result = process_page("snippet.html", page(html, "Statins compared"))
    assert isinstance(result.article, Article)
    rows = prepare(result.article).rows["comparison_attributes"]
    assert {(r["header"], r["attribute"]) for r in rows} == {("LDL reduction", "effectiveness"),
                                                              ("Danger organs", "other")}

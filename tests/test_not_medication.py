"""Pages that are not about medication yield nothing: no record, no drug.

Rows imitate what a crawl meets besides drug pages (a recipe with weights, a loan
comparison, a battery article that says "lithium", a sports report whose words transliterate
to a drug name) and pages that are about medication with few medical words (a headline that
names a drug or class). The negative corpus of ../shared, when present, is the measure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import process_page
from tests.conftest import SHARED, requires_shared
from tests.snippets import Example, row_id


def _html(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
            "</article></body></html>")


_NOT_MEDICATION = [
    Example(_html("Oat porridge with apple",
                  "<ul><li>250 g oats</li><li>2 tbsp honey</li><li>Protein 12 g</li></ul>"
                  "<table><tr><th>Nutrient</th><th>Amount</th></tr><tr><td>Folic acid</td>"
                  "<td>40 mcg</td></tr><tr><td>Niacin</td><td>2 mg</td></tr></table>"), None),
    Example(_html("Car loans compared",
                  "<table><tr><th>Product</th><th>Rate</th><th>Term</th></tr>"
                  "<tr><td>Flex Loan</td><td>3.9%</td><td>60 months</td></tr>"
                  "<tr><td>Easy Loan</td><td>4.2%</td><td>48 months</td></tr></table>"
                  "<h2>Benefits</h2><ul><li>Lower monthly payments</li><li>Fast approval</li></ul>"), None),
    Example(_html("Gigafactory raises lithium output",
                  "<p>The plant will process more lithium and nickel for cells. Lithium prices "
                  "fell this year.</p>"), None),
    Example(_html("Подольски завершил карьеру в сборной",
                  "<p>Лукас Подольски объявил о завершении карьеры в сборной Германии.</p>"), None),
    Example(_html("Zimt-Schnecken mit Ingwer",
                  "<p>Ingwer und Zimt in die Dose geben, 2 Dose/n Milch dazu.</p>"), None),
]

_MEDICATION = [
    Example(_html("Ashwagandha", "<p>An ancient herb from India.</p><ul><li>Calms</li></ul>"),
            "ashwagandha"),
    Example(_html("Beta blockers explained", "<p>They slow the heart.</p>"), None),
    Example(_html("Lithium for bipolar disorder",
                  "<p>Lithium tablets are prescribed by a doctor; the dose is checked with "
                  "blood tests, and side effects include tremor.</p>"), "lithium"),
]


@pytest.mark.parametrize("example", _NOT_MEDICATION, ids=row_id)
def test_a_page_not_about_medication_yields_nothing(example: Example) -> None:
    result = process_page("page.html", example.html.encode())
    assert result.article is None
    assert [r.stage for r in result.rejects] == ["classify"]
    assert "not a medication article" in result.rejects[0].reason


@pytest.mark.parametrize("example", _MEDICATION, ids=row_id)
def test_a_medication_page_with_few_medical_words_is_kept(example: Example) -> None:
    result = process_page("page.html", example.html.encode())
    assert result.article is not None, result.rejects
    assert result.article.drug == example.expected


@requires_shared()
def test_the_negative_corpus_yields_at_most_one_page_with_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "pipeline", "extract", str(SHARED / "corpus" / "negative"),
                    "--out", str(out), "-q"], check=True)
    kinds = ("doses", "side_effects", "warnings", "benefits", "conditions", "comparisons")
    yielding = []
    for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        if article["drug"] or any(article[k] for k in kinds):
            yielding.append(article["source"])
    assert len(yielding) <= 1, yielding

"""A daily total is computable from the dose columns alone (issue 13): one wording per row.

Each row is a small page and the daily total(s) a reader works out from it. The total is
computed exactly as the README's pandas example does, from ``amount``, ``amount_max``,
``amount_per`` and ``frequency_per_day``, never from the text: ``amount`` when the amount
is a daily total, ``amount * frequency_per_day`` when it is one administration, ``amount *
24`` for a rate per hour. A total the page leaves open ("500 mg" with no frequency) is
missing (None), never a guess.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pandas as pd
import pytest

from pipeline.run import process_page
from tests import snippets

_H1 = "Gabapentin capsules"


class Example(NamedTuple):
    html: str
    expected: list[tuple[float | None, float | None, str]]
    """(daily total, daily total of the range's top or None, unit) per dose taken, in order."""
    h1: str = _H1


def daily_totals(doses: pd.DataFrame) -> pd.DataFrame:
    """The README's worked example: the daily total of every dose taken (strengths, whose
    ``amount_per`` is null, are not taken)."""
    per = doses["amount_per"].astype("string")
    times = per.map({"day": 1.0, "hour": 24.0, "minute": 1440.0}).astype("Float64")
    times = times.mask(per == "administration", doses["frequency_per_day"])
    doses = doses[per.notna()].copy()
    doses["daily_total"] = doses["amount"] * times
    doses["daily_total_max"] = doses["amount_max"].fillna(doses["amount"]) * times
    return doses


_ROWS = [
    # per administration x administrations a day
    Example("<h2>Dosage</h2><p>Take 300 mg three times a day.</p>", [(900, 900, "mg")]),
    Example("<h2>Dosage</h2><p>The usual dose is 250 mg to 500 mg three times daily.</p>",
            [(750, 1500, "mg")]),
    Example("<h2>Dosage</h2><p>Adults: 1 g every 8 hours.</p>", [(3, 3, "g")]),
    Example("<h2>Dosage</h2><p>2 puffs (200 mcg) four times a day.</p>", [(800, 800, "mcg")]),
    # a daily total, however it is split
    Example("<h2>Dosage</h2><p>900 mg to 1800 mg a day, split into three doses.</p>",
            [(900, 1800, "mg")]),
    Example("<h2>Dosage</h2><p>The usual range is 900–3600 mg in three divided doses.</p>",
            [(900, 3600, "mg")]),
    Example("<h2>Dosage</h2><p>1200 mg per day, given in two or three divided doses.</p>",
            [(1200, 1200, "mg")]),
    Example("<h2>Dosage</h2><p>Typical daily dose: 1800 mg.</p>", [(1800, 1800, "mg")]),
    Example("<h2>Dosage</h2><p>Do not take more than 3600 mg in 24 hours.</p>",
            [(3600, 3600, "mg")]),
    # weight-based daily doses: mg/kg over a day, whichever way it is written
    Example("<h2>Children</h2><p>It is usually 40 mg/kg to 90 mg/kg a day, split into two or "
            "three doses.</p>", [(40, 90, "mg/kg")], "Amoxicillin liquid"),
    Example("<h2>Children</h2><p>25 mg/kg/day in 3 divided doses.</p>", [(25, 25, "mg/kg")],
            "Amoxicillin liquid"),
    Example("<h2>Children</h2><p>10 mg/kg three times a day.</p>", [(30, 30, "mg/kg")],
            "Amoxicillin liquid"),
    # "in total" restates the sum of the doses before it: both records give the same total
    Example("<h2>Dosage</h2><ul><li>Day 3: 300 mg three times a day (900 mg in total)</li></ul>",
            [(900, 900, "mg"), (900, 900, "mg")]),
    # a rate
    Example("<h2>Infusion</h2><p>Start at 2 mg/h by continuous infusion.</p>", [(48, 48, "mg/h")],
            "Morphine injection"),
    # the page leaves the total open
    Example("<h2>Dosage</h2><p>A single 300 mg dose is sometimes given before surgery.</p>",
            [(None, None, "mg")]),
]


def _totals(example: Example) -> list[tuple[float | None, float | None, str]]:
    result = process_page("snippet.html", snippets.page(example.html, example.h1))
    assert result.article is not None, result.rejects
    records: list[dict[str, Any]] = json.loads(result.article.model_dump_json())["doses"]
    frame = pd.DataFrame(records).astype({
        "amount": "Float64", "amount_max": "Float64", "frequency_per_day": "Float64",
        "amount_per": "category"})
    taken = daily_totals(frame)

    def value(x: Any) -> float | None:
        return None if pd.isna(x) else round(float(x), 6)

    return [(value(a), value(b), str(u))
            for a, b, u in zip(taken["daily_total"], taken["daily_total_max"], taken["unit"],
                               strict=True)]


@pytest.mark.parametrize("example", _ROWS, ids=snippets.row_id)
def test_daily_total_needs_no_text(example: Example) -> None:
    want = [(None if a is None else float(a), None if b is None else float(b), u)
            for a, b, u in example.expected]
    assert _totals(example) == want

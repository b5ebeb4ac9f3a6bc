"""The canonical seed page and the real-page corpus, scored with the team's scorer.

Both live in ``../shared``, which a user's clone does not have: these tests then skip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.inputs import read_source
from pipeline.run import process_page
from tests.conftest import SHARED, requires_shared

SEED_PERFECT = ("drug", "title", "author", "published", "doses", "side_effects",
                "side_effect_categories", "comparison_rows", "comparison_cells")
SEED_JUDGEMENT = ("conditions", "benefits", "warnings")


def _score(pages: list[Path], gold: Path, tmp_path: Path,
           details: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    pred = tmp_path / "articles.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for page in pages:
            result = process_page(str(page), read_source(str(page)))
            if result.article is not None:
                fh.write(result.article.model_dump_json() + "\n")
    out = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(gold), "--pred", str(pred),
         "--json"], check=True, capture_output=True, text=True,
    )
    scored = json.loads(out.stdout)
    if details is not None:
        details.update(scored.get("details", {}))
    fields: dict[str, dict[str, float]] = scored["fields"]
    return fields


@requires_shared()
def test_seed_scores(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "seed.json").write_bytes((SHARED / "seed" / "baclofen-20mg.gold.json").read_bytes())
    fields = _score([SHARED / "seed" / "baclofen-20mg.html"], gold, tmp_path)
    for name in SEED_PERFECT:
        assert fields[name]["f1"] == 1.0, (name, fields[name])
    for name in SEED_JUDGEMENT:
        assert fields[name]["f1"] >= 0.9, (name, fields[name])


@requires_shared()
def test_corpus_pages_never_fail(tmp_path: Path) -> None:
    """Every real page, English or not, gives an article with a title; none crashes."""
    pages = sorted((SHARED / "corpus" / "pages").glob("*.html"))
    pages += sorted((SHARED / "corpus" / "multilingual").glob("*.html"))
    assert pages
    for page in pages:
        result = process_page(str(page), read_source(str(page)))
        assert result.article is not None, (page.name, result.rejects)
        assert result.article.title


# Where the 38 corpus pages stood when these floors were last set (measured with
# ../shared/tools/score.py, truncated to three decimals). A change may raise them; one that
# would lower any of them must say why in its commit.
CORPUS_FLOORS = {
    "overall": 0.894,
    "drug": 1.000,
    "title": 1.000,
    "author": 1.000,
    "published": 1.000,
    "conditions": 0.721,
    "doses": 0.979,
    "benefits": 0.529,
    "side_effects": 0.908,
    "side_effect_categories": 0.926,
    "warnings": 0.666,
    "comparison_rows": 1.000,
    "comparison_cells": 1.000,
}
# The scorer's dose details (not in "overall"): among found gold doses, the share whose kind
# and frequency_per_day agree.
DETAIL_FLOORS = {
    "dose_kind": 0.957,
    "dose_frequency": 0.966,
}
# dose_kind went from 0.972 to 0.957 when page 56's dosing schedule, outside its one <article>,
# began to be read: 9 more gold doses found, two of whose kinds the gold simplifies ("a
# maximum of 8-12 mg on the first day" is max_dose 8 there, "increase in 2-4 mg increments"
# titration 2).


@requires_shared()
def test_corpus_does_not_regress(tmp_path: Path) -> None:
    pages = sorted((SHARED / "corpus" / "pages").glob("*.html"))
    details: dict[str, float] = {}
    fields = _score(pages, SHARED / "corpus" / "gold", tmp_path, details)
    scores = {name: field["f1"] for name, field in fields.items()}
    scores["overall"] = sum(scores.values()) / len(scores)
    below = {name: (round(scores[name], 4), floor) for name, floor in CORPUS_FLOORS.items()
             if scores[name] < floor}
    below.update({name: (details.get(name), floor) for name, floor in DETAIL_FLOORS.items()
                  if details.get(name, 0.0) < floor})
    assert not below, below

"""Shared fixtures: paths, and running the pipeline once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.inputs import read_source
from pipeline.run import process_page

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = ROOT.parent / "shared"


def requires_shared() -> pytest.MarkDecorator:
    """Tests on the team's shared corpus skip in a user's clone, which has none."""
    return pytest.mark.skipif(not (SHARED / "SPEC.md").exists(), reason="../shared is absent")


@pytest.fixture(scope="session")
def sample_articles() -> dict[str, dict[str, Any]]:
    """Every raw/ sample through the pipeline, as the nested JSON a user reads."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(RAW.glob("*.htm*")):
        result = process_page(str(path), read_source(str(path)))
        assert result.article is not None, (path.name, result.rejects)
        out[path.name] = json.loads(result.article.model_dump_json())
    return out

"""The README and docs/report.png say what the program does now.

Every README block marked ``<!-- docs: NAME -->`` (the help, the end-of-run summary, the
output of the pandas, SQLite and DuckDB examples) is computed again from a fresh run over
``raw/`` by ``docs/make_docs.py`` and must equal the README's (the summary's timing aside);
the screenshot must carry the figures of such a run. When extraction changes what they show,
``make docs`` rewrites them. The README's column lists, keys and distribution name are checked
against the code they describe.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from docs.make_docs import (
    PNG_KEY,
    README,
    SCREENSHOT,
    Run,
    blocks,
    example_run,
    expected_readme,
    mask_timing,
    png_text,
    with_text,
)
from pipeline import PROGRAM, __version__
from pipeline.export import table_columns
from pipeline.store.columns import tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield example_run(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_examples_are_what_the_program_prints(run: Run, readme: str) -> None:
    assert {m.group("name") for m in blocks(readme)} == {"help", "summary", "python-output",
                                                         "sqlite-output"}
    expected = mask_timing(expected_readme(readme, run))
    if mask_timing(readme) != expected:
        diff = "".join(difflib.unified_diff(readme.splitlines(True), expected.splitlines(True),
                                            "README.md", "what the program prints", n=1))
        pytest.fail(f"README.md is out of date: run `make docs` and commit\n{diff}")


def test_report_png_shows_the_figures_of_a_run_today(run: Run) -> None:
    figures = png_text(SCREENSHOT.read_bytes()).get(PNG_KEY)
    assert figures is not None, "docs/report.png was not made by `make docs`"
    assert json.loads(figures) == run.figures(), "docs/report.png is out of date: run `make docs`"


def test_png_text_chunks_round_trip() -> None:
    png = SCREENSHOT.read_bytes()
    with_figures = with_text(png, "k", '{"pages": 14}')
    assert png_text(with_figures)["k"] == '{"pages": 14}'
    assert with_figures[16:24] == png[16:24], "the header chunk (width, height) stays first"


def _output_table(readme: str) -> dict[str, list[str]]:
    """The column names listed for each table in "What lands in output/", in order."""
    section = readme[readme.index("## What lands in `output/`"):]
    section = section[:section.index("\n\n", section.index("| file |"))]
    listed = {}
    for line in section.splitlines():
        found = re.match(r"\| `([a-z_]+)\.csv` / `\.json` \|[^|]*\|(.*)\|$", line)
        if found:
            listed[found.group(1)] = re.findall(r"`([a-z_]+)`", found.group(2))
    return listed


def test_readme_lists_the_columns_of_every_table(readme: str) -> None:
    listed = _output_table(readme)
    assert set(listed) == set(table_columns())
    for table, columns in table_columns().items():
        assert [c for c in listed[table] if c in columns] == \
            [c for c in columns if c not in ("article_id", "seq") or c in listed[table]], table


def test_readme_gives_every_primary_key(readme: str) -> None:
    section = readme[readme.index("- **Schema.**"):readme.index("- **Replace, never append.**")]
    section = " ".join(section.split())
    for name, table in tables().items():
        key = f"`{name} ({', '.join(table.primary_key)})`"
        shared = re.search(rf"`(\w+) \(([a-z_, ]+)\)`, and likewise [^;]*`{name}`", section)
        assert key in section or (shared is not None and shared.group(2)
                                  == ", ".join(table.primary_key)), name


def test_the_distribution_name_is_ours_everywhere(readme: str) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == PROGRAM
    assert project["version"] == __version__
    assert project["scripts"] == {PROGRAM: "pipeline.cli:main"}
    assert all(r.startswith(f"{PROGRAM}[") for r in project["optional-dependencies"]["dev"]
               if r.startswith(("medextract", PROGRAM)))
    installs = re.findall(r"pip install '([^']+)'", readme)
    assert installs, "the README shows how to install the package"
    for target in installs:
        wheel = re.fullmatch(r"dist/([a-z_]+)-([0-9.]+)-py3-none-any\.whl\[\w+\]", target)
        assert wheel is not None and wheel.groups() == (PROGRAM, __version__), target
    assert readme.startswith(f"# {PROGRAM}\n")
    flat = " ".join(readme.split())
    mentions = [flat[m.start():m.start() + 60] for m in re.finditer("medextract", flat)]
    assert len(mentions) == 1 and "the former name, is someone else's" in mentions[0], \
        "the former name appears only where the README says why it changed"

"""The command line as a person meets it: help with examples and exit codes, ``inspect``,
the end-of-run summary, ``--quiet`` / ``--verbose``, page-and-stage log lines, the progress
bar's switch, and ``report.html``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.console import (
    PROGRESS_MIN_PAGES,
    RunSummary,
    format_summary,
    progress,
    reject_counts,
    show_progress,
)
from pipeline.inspect import matched_phrases
from pipeline.models import Reject

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Cetirizine 10 mg tablets | PillNotes</title>
<meta name="author" content="Dana Ortiz">
<meta property="article:published_time" content="2024-03-05">
</head>
<body>
<div class="sidebar-widget"><h3>Recent posts</h3><p>Ten tips for better sleep this winter</p></div>
<article>
  <h1>Cetirizine 10 mg tablets</h1>
  <p>Cetirizine is an antihistamine used to relieve hay fever and hives.</p>
  <h2>Side effects</h2>
  <ul><li>Drowsiness</li><li>Dry mouth</li><li>Headache</li></ul>
  <p><strong>Serious side effects</strong></p>
  <ul><li>Difficulty breathing</li></ul>
  <h2>Dosage</h2>
  <p>Adults: take 10 mg once daily.</p>
</article></body></html>
"""

EXIT_CODES = ("0  finished", "1  an unexpected failure", "2  unusable arguments")
"""The group's summary; each command's --help has its own block (COMMAND_EXIT_CODES)."""

COMMAND_EXIT_CODES = {
    "extract": ("0  finished (also when some inputs were rejected", "1  unexpected failure",
                "the --db database", "2  unusable arguments", "another run is writing"),
    "fetch": ("0  finished, and at least one URL was fetched", "1  no URL could be fetched",
              "2  unusable arguments (nothing to fetch"),
    "inspect": ("0  explained (also a page that is a reject", "1  unexpected failure",
                "2  unusable arguments (missing or unreadable page"),
}

def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def page(tmp_path: Path) -> Path:
    path = tmp_path / "cetirizine.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    """One good page, two binary files (one reject reason, twice) and an empty file."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "cetirizine.html").write_text(PAGE, encoding="utf-8")
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "x<img src=x onerror=alert(1)>.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(99))
    (folder / "empty.html").write_bytes(b"")
    return folder


# --- help ------------------------------------------------------------------------------------


def test_group_help_lists_every_command_with_examples_and_exit_codes() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    for name in main.commands:
        assert name in result.output
    for line in EXIT_CODES:
        assert line in result.output
    assert "--quiet" in result.output and "--verbose" in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_subcommand_help_shows_examples(command: str) -> None:
    result = _invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output
    assert f"python -m pipeline {command}" in result.output


def _exit_block(command: str) -> str:
    output = _invoke(command, "--help").output
    assert "Exit status:" in output, command
    return output[output.index("Exit status:"):]


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_has_its_own_exit_codes(command: str) -> None:
    assert set(COMMAND_EXIT_CODES) == set(main.commands)
    block = _exit_block(command)
    for line in COMMAND_EXIT_CODES[command]:
        assert line in block, (command, line)
    assert all(block != _exit_block(other) for other in main.commands if other != command)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_option_has_help(command: str) -> None:
    options = [p for p in main.commands[command].params if isinstance(p, click.Option)]
    assert [p.name for p in options if not p.help] == []


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_explains_sections_records_and_boilerplate(page: Path) -> None:
    result = _invoke("inspect", str(page))
    assert result.exit_code == 0, result.output
    out = result.stdout
    # metadata
    assert re.search(r"title\s+Cetirizine 10 mg tablets", out)
    assert re.search(r"drug\s+cetirizine", out)
    assert re.search(r"author\s+Dana Ortiz", out)
    assert re.search(r"published\s+2024-03-05", out)
    # sections: how recognised, classification and why
    assert "[h2] Side effects" in out
    assert "→ side_effects: phrase “side effects” → side_effects" in out
    assert "[bold] Serious side effects" in out
    assert "category phrase “serious” → serious" in out
    assert "[h2] Dosage" in out and "phrase “dosage” → dosage" in out
    # records with their evidence, under the section that produced them
    side_effects = out.index("[h2] Side effects")
    assert out.index("+ side_effects: drowsiness [unspecified] ← “Drowsiness”") > side_effects
    assert "+ side_effects: difficulty breathing [serious] ← “Difficulty breathing”" in out
    assert re.search(r"\+ doses: 10 mg, dose, 1×/day.* ← “.*take 10 mg once daily", out)
    # boilerplate removed, with tag, class and reason
    assert "removed as boilerplate (1)" in out
    assert "<div sidebar-widget> boilerplate class/role: Recent posts" in out


def test_inspect_json_is_machine_readable(page: Path) -> None:
    result = _invoke("inspect", "--json", str(page))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["outcome"] == "article"
    assert data["metadata"]["drug"] == "cetirizine"
    sections = {s["heading"]: s for s in data["sections"]}
    se = sections["Side effects"]
    assert (se["recognised"], se["level"], se["kind"]) == ("h2", 2, "side_effects")
    assert {"group": "kind", "name": "side_effects", "phrase": "side effects"} in se["matches"]
    assert [r["evidence"] for r in se["records"]] == ["Drowsiness", "Dry mouth", "Headache"]
    assert data["removed"][0]["reason"] == "boilerplate class/role"
    assert data["counts"]["side_effects"] == 4


def test_inspect_a_rejected_page_says_why(tmp_path: Path) -> None:
    path = tmp_path / "photo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = _invoke("inspect", str(path))
    assert result.exit_code == 0
    assert "result    rejected" in result.stdout
    assert "decode: not HTML: PNG image" in result.stdout


def test_inspect_a_missing_page_is_exit_2(tmp_path: Path) -> None:
    result = _invoke("inspect", str(tmp_path / "nope.html"))
    assert result.exit_code == 2
    assert "input not found" in result.output


@pytest.mark.parametrize(("heading", "expected"), [
    ("Serious side effects", [("kind", "side_effects", "side effects"),
                              ("category", "serious", "serious")]),
    ("How to take baclofen", [("kind", "dosage", "how to take")]),
    ("Our favourite recipes", []),
])
def test_matched_phrases_names_the_lexicon_phrase(heading: str,
                                                  expected: list[tuple[str, str, str]]) -> None:
    found = [(m.group, m.name, m.phrase) for m in matched_phrases(heading)]
    assert found[: len(expected)] == expected
    if not expected:
        assert found == []


# --- extract: summary, quiet, verbose, logs ----------------------------------------------


def test_summary_lists_records_per_table_and_rejects_by_reason(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke("extract", str(pages), "--out", str(out))
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert re.search(r"^4 pages read in [\d.]+ s \([\d.]+ pages/s\): 1 article, 3 rejects", err,
                     re.M)
    assert "records per table:" in err
    assert re.search(r"^  side_effects +4$", err, re.M)
    assert re.search(r"^  doses +\d+$", err, re.M)
    assert "rejects by reason (stage: reason → count):" in err
    assert "decode: not HTML: PNG image → 2" in err
    assert re.search(r"^  decode: [^\n]*empty[^\n]* → 1$", err, re.M)
    assert f"report: {out / 'report.html'}" in err
    assert result.stdout == ""


def test_summary_groups_and_cuts_many_reasons() -> None:
    rejects = [Reject(source=f"p{i}.html", stage="validate", reason=f"reason {i % 20}")
               for i in range(40)]
    text = format_summary(RunSummary(40, 0, {"doses": 0, "rejects": 40}, reject_counts(rejects),
                                     2.0, "out"))
    assert "40 pages read in 2.0 s (20.0 pages/s)" in text
    assert "validate: reason 0 → 2" in text
    assert "... 8 more reasons → 16 (see rejects.jsonl)" in text


@pytest.mark.parametrize("args", [["-q", "extract"], ["extract", "--quiet"]])
def test_quiet_prints_nothing_on_success(pages: Path, tmp_path: Path, args: list[str]) -> None:
    result = _invoke(*args, str(pages), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert result.output == ""
    assert (tmp_path / "out" / "report.html").is_file()


def test_verbose_logs_every_page_with_its_stage(pages: Path, tmp_path: Path) -> None:
    result = _invoke("extract", "-v", str(pages), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    good = pages / "cetirizine.html"
    assert f"INFO {good}: done: article cetirizine: " in result.stderr
    assert f"INFO {pages / 'photo.html'}: done: rejected; decode: not HTML" in result.stderr


def test_warnings_name_the_page_and_the_stage(pages: Path, tmp_path: Path) -> None:
    result = _invoke("extract", str(pages), "--out", str(tmp_path / "out"))
    assert f"WARNING {pages / 'photo.html'}: decode: not HTML: PNG image" in result.stderr
    assert "INFO" not in result.stderr


def test_unwritable_output_is_exit_2(page: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = _invoke("extract", str(page), "--out", str(blocker / "sub"))
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_a_person_watching_many_pages() -> None:
    many = PROGRESS_MIN_PAGES
    assert show_progress(many, "normal", _Tty())
    assert not show_progress(many, "normal", io.StringIO())  # piped, CI, a log file
    assert not show_progress(many - 1, "normal", _Tty())
    assert not show_progress(many, "quiet", _Tty())
    assert not show_progress(many, "verbose", _Tty())  # the per-page lines are the progress


def test_progress_yields_every_source_in_order() -> None:
    sources = [f"p{i}.html" for i in range(7)]
    assert list(progress(sources, enabled=True)) == sources
    assert list(progress(sources, enabled=False)) == sources


# --- report.html ----------------------------------------------------------------------------

_EXTERNAL = re.compile(r"""(?:\bsrc|\bhref|\baction|\bposter|\bsrcset|\bdata)\s*=\s*["']?\s*"""
                       r"""(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


def test_report_is_self_contained_and_escapes_page_text(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _invoke("extract", str(pages), "--out", str(out)).exit_code == 0
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>")
    assert not _EXTERNAL.search(report)
    assert "http://" not in report and "https://" not in report
    assert "<img" not in report.lower()  # the file name of a reject, escaped
    assert "x&lt;img src=x onerror=alert(1)&gt;.html" in report
    assert '<svg class="chart"' in report and report.count('<rect class="bar"') == 4
    assert '<section class="drug" id="drug-1"><h3>cetirizine</h3>' in report
    assert re.search(r"<td>drug</td><td class=\"n\">1 / 1</td>", report)
    assert "not HTML: PNG image</td><td class=\"n\">2</td>" in report


def test_report_is_the_same_for_the_same_inputs(pages: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert _invoke("-q", "extract", str(pages), "--out", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a" / "report.html").read_bytes() == (tmp_path / "b" / "report.html").read_bytes()


@pytest.mark.parametrize(("content", "code", "says"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(64), 0, "decode: not HTML: PNG image"),  # a reject: explained
    (None, 2, "input not found"),
])
def test_inspect_exit_status_is_the_documented_one(tmp_path: Path, content: bytes | None,
                                                   code: int, says: str) -> None:
    page = tmp_path / "page.html"
    if content is not None:
        page.write_bytes(content)
    result = CliRunner().invoke(main, ["inspect", str(page)])
    assert result.exit_code == code, result.output
    assert says in result.output

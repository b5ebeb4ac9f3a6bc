"""The command line a user meets: help, version, defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline import PROGRAM, __version__
from pipeline.cli import main
from tests.conftest import RAW

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cetirizine 10 mg tablets</title></head>
<body><article>
  <h1>Cetirizine 10 mg tablets</h1>
  <p>Cetirizine is an antihistamine used to relieve hay fever and hives.</p>
  <h2>Side effects</h2>
  <ul><li>Drowsiness</li><li>Dry mouth</li><li>Headache</li></ul>
  <h2>Dosage</h2>
  <p>Adults: take 10 mg once daily.</p>
</article></body></html>
"""


def test_help_lists_the_extract_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.output
    assert "--version" in result.output


def test_short_help_option() -> None:
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    assert "extract" in result.output


def test_extract_help_shows_the_examples() -> None:
    result = CliRunner().invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "python -m pipeline extract pages/ --out data/" in result.output
    assert "raw/" in result.output and "--out" in result.output


def test_version_prints_the_program_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    assert PROGRAM in result.output


def test_python_dash_m_runs_the_command_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True,
                          text=True, timeout=60, cwd=RAW.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{PROGRAM}, version {__version__}"


def test_default_input_is_raw_and_default_output_is_output(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "cetirizine.html").write_text(PAGE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "output" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == [str(Path("raw", "cetirizine.html"))]
    assert (tmp_path / "output" / "run.json").is_file()


def test_no_raw_folder_is_a_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert proc.stderr.strip() == "Error: input not found: raw"


def test_unknown_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["extract", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.output

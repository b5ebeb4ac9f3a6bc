"""``report.html`` in a real browser: headless Chromium (Debian's ``chromium`` package, which
``.ci/run`` installs) loads the report of a run over ``raw/``, and the test reads back the
rendered DOM, the laid-out size of every chart bar and per-drug table, and a screenshot.

Skips when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline import PROGRAM
from pipeline.cli import main
from tests.conftest import RAW

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="headless Chromium is not installed (apt-get install chromium; .ci/run does it)",
)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

MEASURE = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="report.html" width="1280" height="2000"></iframe>
<script>
document.getElementById("f").addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument;
  const box = (el) => { const b = el.getBoundingClientRect(); return [b.width, b.height]; };
  document.getElementById("out").textContent = JSON.stringify({
    bars: [...d.querySelectorAll("svg.chart rect.bar")].map(box),
    values: [...d.querySelectorAll("svg.chart text.value")].map((t) => Number(t.textContent)),
    tables: [...d.querySelectorAll("table.drug-table")].map(box),
  });
});
</script></body></html>
"""
"""A page beside the report that lays it out in a frame and writes what it measured into its
own DOM, for ``--dump-dom`` to print: the report itself carries no script."""


def _chromium(tmp: Path, *args: str) -> str:
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "output"
    result = CliRunner().invoke(main, ["-q", "extract", str(RAW), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "report.html"


def test_chart_and_drug_tables_are_in_the_rendered_dom(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert f"<h1>{PROGRAM} run report</h1>" in dom
    chart = re.search(r'<svg class="chart".*?</svg>', dom, re.S)
    assert chart is not None, "no chart in the DOM"
    assert len(re.findall(r'<rect class="bar"', chart.group(0))) == 15
    assert "nausea" in chart.group(0)
    tables = re.findall(r'<section class="drug" id="drug-\d+"><h3>([^<]+)</h3>'
                        r'<table class="drug-table">', dom)
    assert {"gabapentin", "metformin", "sertraline"} <= set(tables)


def test_bars_and_tables_are_laid_out(report: Path, tmp_path: Path) -> None:
    page = report.parent / "measure.html"
    page.write_text(MEASURE, encoding="utf-8")
    dom = _chromium(tmp_path, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                    "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    assert found is not None and found.group(1) != "pending", dom[:500]
    measured: dict[str, Any] = json.loads(found.group(1))
    bars, values, tables = measured["bars"], measured["values"], measured["tables"]
    assert len(bars) == len(values) == 15
    assert all(h > 5 for _, h in bars)
    widths = [w for w, _ in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > 300
    for (width, _), value in zip(bars, values, strict=True):  # bar length follows the count
        assert width == pytest.approx(widths[0] * value / values[0], abs=2)
    assert len(tables) >= 12 and all(w > 200 and h > 100 for w, h in tables)


def test_screenshot(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", report.as_uri())
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == 1280
    assert len(data) > 10_000, "a blank page compresses to a few KB"

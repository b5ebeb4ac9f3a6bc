"""``make docs``: the README's example outputs and ``docs/report.png``, from a real run.

The README shows what commands print: the help, the end-of-run summary, the output of its
pandas, SQLite and DuckDB examples. Each such block is a fenced block right after a marker
line ``<!-- docs: NAME -->``. This module computes every block from one run over a copy of
``raw/`` plus two inputs that are not articles (so the summary shows rejects), running the
README's own code where the block is that code's output; ``make docs`` writes the blocks into
README.md and takes the screenshot. ``tests/test_docs.py`` computes the same blocks and fails
when README.md differs (the summary's timing aside), so the numbers in the README follow the
program as extraction changes: run ``make docs`` and commit.

The screenshot carries the run's figures in a PNG text chunk (:data:`PNG_KEY`), which the
test compares with the run: a report.png older than the extraction it shows fails too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SCREENSHOT = ROOT / "docs" / "report.png"
PNG_KEY = "run-figures"
"""The key of the PNG text chunk holding the figures of the run the screenshot shows."""
WIDTH = 80
"""Terminal width for the help text (click reads COLUMNS)."""

BLOCK = re.compile(r"^<!-- docs: (?P<name>[a-z-]+) -->\n```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$",
                   re.M | re.S)
FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.M | re.S)
TIMING = re.compile(r"read in [0-9.]+ s \([0-9.,]+ pages/s\)")
"""The one part of the summary that differs between two runs."""

RECIPE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Lemon drizzle cake</title></head><body><article><h1>Lemon drizzle cake</h1>
<p>Beat the butter and sugar, add the eggs one at a time, then fold in the flour.</p>
<p>Bake for 45 minutes and pour the lemon syrup over the warm cake.</p>
</article></body></html>
"""
PNG_HEADER = b"\x89PNG\r\n\x1a\n" + bytes(64)


@dataclass(frozen=True, slots=True)
class Run:
    """A run of ``extract raw not-articles --out output`` in ``cwd``."""

    cwd: Path
    summary: str
    """What the run printed on stderr."""

    @property
    def out(self) -> Path:
        return self.cwd / "output"

    def figures(self) -> dict[str, Any]:
        """What the report shows at its top: pages, articles and rows per table."""
        run = json.loads((self.out / "run.json").read_text(encoding="utf-8"))
        return {"pages": run["pages"], "articles": run["articles"], "rows": run["rows"]}


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": str(WIDTH), "PYTHONHASHSEED": "0"}


def _python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)[:200]} failed: {proc.stderr[-2000:]}")
    return proc


def example_run(workdir: Path) -> Run:
    """Extract a copy of raw/ and two inputs that are not articles, as a user would."""
    shutil.copytree(ROOT / "raw", workdir / "raw")
    extra = workdir / "not-articles"
    extra.mkdir()
    (extra / "photo.html").write_bytes(PNG_HEADER)
    (extra / "recipe.html").write_text(RECIPE, encoding="utf-8")
    proc = _python(workdir, "-m", "pipeline", "extract", "raw", "not-articles", "--out", "output")
    return Run(workdir, proc.stderr)


def _preceding_code(readme: str, start: int, lang: str) -> str:
    """The last fenced ``lang`` block of the README before offset ``start``."""
    blocks = [m for m in FENCE.finditer(readme, 0, start) if m.group("lang") == lang]
    if not blocks:
        raise ValueError(f"no ```{lang} block before offset {start}")
    return blocks[-1].group("body")


def _help(run: Run, readme: str, start: int) -> str:
    command = ".venv/bin/python -m pipeline --help"
    return f"$ {command}\n" + _python(run.cwd, "-m", "pipeline", "--help").stdout


def _summary(run: Run, readme: str, start: int) -> str:
    return run.summary


def _python_output(run: Run, readme: str, start: int) -> str:
    return _python(run.cwd, "-c", _preceding_code(readme, start, "python")).stdout


def _sqlite_output(run: Run, readme: str, start: int) -> str:
    """The README's ``sqlite3 -header -column FILE "SQL"`` example, as that shell prints it."""
    shell = _preceding_code(readme, start, "sh")
    found = re.search(r'sqlite3 -header -column (\S+) "(.*)"', shell, re.S)
    if found is None:
        raise ValueError("no sqlite3 -header -column command in the ```sh block")
    with sqlite3.connect(f"file:{run.cwd / found.group(1)}?mode=ro", uri=True) as db:
        cursor = db.execute(found.group(2))
        header = [d[0] for d in cursor.description]
        rows = [["" if v is None else str(v) for v in row] for row in cursor]
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                   + "\n" for line in lines)


GENERATORS: dict[str, Callable[[Run, str, int], str]] = {
    "help": _help,
    "summary": _summary,
    "python-output": _python_output,
    "sqlite-output": _sqlite_output,
}
"""How each kind of marked block is computed (the marker's name)."""


def blocks(readme: str) -> list[re.Match[str]]:
    found = list(BLOCK.finditer(readme))
    unknown = {m.group("name") for m in found} - set(GENERATORS)
    if unknown:
        raise ValueError(f"README markers with no generator: {sorted(unknown)}")
    return found


def expected_readme(readme: str, run: Run) -> str:
    """The README with every marked block replaced by what the run gives."""
    out, last = [], 0
    for match in blocks(readme):
        body = GENERATORS[match.group("name")](run, readme, match.start())
        out.append(readme[last:match.start("body")])
        out.append(body if body.endswith("\n") else body + "\n")
        last = match.end("body")
    out.append(readme[last:])
    return "".join(out)


def mask_timing(text: str) -> str:
    return TIMING.sub("read in … s (… pages/s)", text)


# ---- the screenshot ------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def screenshot(report: Path, png: Path, size: str = "1280,1800") -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("headless Chromium is needed for docs/report.png: apt-get install "
                           "chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--screenshot={png}", f"--window-size={size}", report.as_uri()],
                       check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def with_text(png: bytes, key: str, text: str) -> bytes:
    """``png`` with a tEXt chunk ``key`` (Latin-1) right after its header chunk."""
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return png[:ihdr_end] + _chunk(b"tEXt", key.encode("latin-1") + b"\0"
                                   + text.encode("latin-1")) + png[ihdr_end:]


def png_text(png: bytes) -> dict[str, str]:
    """Every tEXt chunk of a PNG file, by key."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG file")
    out, at = {}, 8
    while at + 8 <= len(png):
        size, kind = int.from_bytes(png[at:at + 4], "big"), png[at + 4:at + 8]
        if kind == b"tEXt":
            key, _, value = png[at + 8:at + 8 + size].partition(b"\0")
            out[key.decode("latin-1")] = value.decode("latin-1")
        at += 12 + size
    return out


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="make-docs-") as tmp:
        run = example_run(Path(tmp))
        readme = README.read_text(encoding="utf-8")
        updated = expected_readme(readme, run)
        stale = mask_timing(updated) != mask_timing(readme)  # a new timing alone is no change
        if stale:
            README.write_text(updated, encoding="utf-8")
        print(f"README.md: {len(blocks(readme))} example blocks "
              f"{'rewritten' if stale else 'already up to date'}")
        figures = json.dumps(run.figures(), sort_keys=True)
        shown = png_text(SCREENSHOT.read_bytes()).get(PNG_KEY) if SCREENSHOT.exists() else None
        if shown == figures and "--screenshot" not in argv:
            print(f"{SCREENSHOT.relative_to(ROOT)}: shows these figures already "
                  "(--screenshot takes it again)")
            return 0
        png = Path(tmp) / "report.png"
        screenshot(run.out / "report.html", png)
        SCREENSHOT.write_bytes(with_text(png.read_bytes(), PNG_KEY, figures))
        print(f"{SCREENSHOT.relative_to(ROOT)}: the report of that run ({figures})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

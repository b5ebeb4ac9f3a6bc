"""Outputs survive a killed run, and two runs never write one output directory (issues 7, 15).

A run writes every file into a new generation directory ``OUT/.generations/N/`` and switches
the pointer ``OUT/.current`` to it with one rename once all are complete, holding
``OUT/.lock`` (``flock``) from start to end; ``OUT/NAME`` is a link through the pointer. The
kill-at-every-step test has the run kill itself (a test hook) after each step of publishing in
turn and checks that OUT then holds the whole previous output set or the whole new one, and
that the next run, without ``--full``, gives what an uninterrupted run gives. The kill test runs
``extract`` over a copy of ``raw/``, keeps a snapshot of every file, then starts a run over a
bigger generated corpus (copies of ``raw/``) and SIGKILLs it twice: once while it reads pages
(after a few "done" lines of ``-v``), once while it writes its files (when its new generation
holds ``articles.jsonl``). After each kill the previous files must be byte for byte
the snapshot and readable (pandas reads every CSV, every JSON parses, SQLite opens with the old
row counts); a second run started while the first holds the lock must refuse with one line
and exit status 2; and the next run must complete and clear what the killed ones left.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.export import (
    GENERATIONS,
    KILL_AT_PUBLISH_STEP,
    LOCK_NAME,
    POINTER,
    clear_leftovers,
    table_columns,
)
from pipeline.incremental import MANIFEST_NAME
from tests.conftest import RAW, ROOT

Snapshot = dict[str, bytes]


def _unpublished(out: Path) -> list[Path]:
    """Generation directories that the pointer does not name: a run's work in progress, or
    what a killed run left."""
    current = (out / POINTER).resolve() if (out / POINTER).is_symlink() else None
    folder = out / GENERATIONS
    return [d for d in sorted(folder.iterdir()) if d.resolve() != current] if folder.is_dir() else []


def _extract_cmd(pages: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", str(pages), "--out", str(out), *extra]


def _run(pages: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_extract_cmd(pages, out, "-q"), cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _snapshot(out: Path) -> Snapshot:
    """The output set as a reader sees it: every file under OUT's own names (through the
    pointer), nothing of the generations' directories."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME
            and not p.relative_to(out).as_posix().startswith((GENERATIONS, POINTER))}


def _row_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in table_columns()}


def _assert_readable(out: Path, counts: dict[str, int], in_sqlite: dict[str, int]) -> None:
    for table in table_columns():
        pd.read_csv(out / f"{table}.csv")
        assert len(json.loads((out / f"{table}.json").read_text("utf-8"))) == counts[table]
        pd.read_parquet(out / f"{table}.parquet")
    for line in (out / "articles.jsonl").read_text("utf-8").splitlines():
        json.loads(line)
    json.loads((out / "run.json").read_text("utf-8"))
    assert _row_counts(out / "medications.sqlite") == in_sqlite


def _corpus(base: Path, copies: int) -> Path:
    pages = base / f"corpus-{copies}"
    if not pages.exists():
        for i in range(copies):
            shutil.copytree(RAW, pages / f"copy{i:03d}")
    return pages


def _kill_while_reading(pages: Path, out: Path, after: int) -> subprocess.CompletedProcess[str]:
    """Start a run, SIGKILL it once ``after`` pages are done; meanwhile start a second run on
    the same OUT, which must refuse. Returns the second run."""
    proc = subprocess.Popen(_extract_cmd(pages, out, "-v"), cwd=ROOT, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None
        done = 0
        second = None
        for line in proc.stderr:
            if ": done: " in line:
                done += 1
            if done == 1 and second is None:  # the first run holds the lock by now
                second = subprocess.run(_extract_cmd(RAW, out, "-q"), cwd=ROOT,
                                        capture_output=True, text=True, timeout=120)
            if done >= after:
                break
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert second is not None
    return second


def _kill_while_writing(base: Path, out: Path) -> None:
    """SIGKILL a run as soon as it writes its files; a bigger corpus if it was too quick."""
    for copies in (4, 12, 40):
        pages = _corpus(base, copies)
        proc = subprocess.Popen(_extract_cmd(pages, out, "-q"), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 300
            while proc.poll() is None and time.monotonic() < deadline:
                if any((stage / "articles.jsonl").exists() for stage in _unpublished(out)):
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.002)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            return
    pytest.fail("every run finished before its files could be caught being written")


def test_killed_runs_leave_the_previous_outputs_and_the_next_run_completes(
        tmp_path: Path) -> None:
    small = tmp_path / "small"
    shutil.copytree(RAW, small)
    out = tmp_path / "out"
    first = _run(small, out)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    counts = json.loads(before["run.json"])["rows"]
    assert "medications.sqlite" in before and "schema/doses.json" in before
    in_sqlite = _row_counts(out / "medications.sqlite")
    assert in_sqlite == {t: counts[t] for t in table_columns()}

    second = _kill_while_reading(_corpus(tmp_path, 12), out, after=5)
    assert second.returncode == 2, second.stderr
    (line,) = second.stderr.strip().splitlines()
    assert line.startswith("Error: another run is writing to ") and str(out) in line, line
    assert _snapshot(out) == before
    _assert_readable(out, counts, in_sqlite)

    _kill_while_writing(tmp_path, out)
    assert _unpublished(out), "the kill should leave an unfinished generation"
    assert _snapshot(out) == before
    _assert_readable(out, counts, in_sqlite)

    final = _run(_corpus(tmp_path, 4), out)
    assert final.returncode == 0, final.stderr
    assert not _unpublished(out), "leftovers of killed runs are cleared"
    assert not [p for p in out.rglob("*.tmp")]
    after = _snapshot(out)
    assert after.keys() == before.keys()
    new_counts = json.loads(after["run.json"])["rows"]
    assert new_counts["articles"] == 4 * counts["articles"]
    # the database keeps the first run's articles (other sources) beside the new ones
    _assert_readable(out, new_counts, {t: counts[t] + new_counts[t] for t in table_columns()})


def test_a_second_run_on_a_locked_output_refuses(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("untouched\n", encoding="utf-8")
    with open(out / LOCK_NAME, "ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running extract does
        result = CliRunner().invoke(main, ["extract", str(RAW), "--out", str(out)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line == (f"Error: another run is writing to {out} ({out / LOCK_NAME} is locked): "
                    "wait for it to finish or choose another --out")
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME, "keep.txt"]
    # released: the same command now runs
    result = CliRunner().invoke(main, ["extract", "-q", str(RAW / "03-amoxicillin-leaflet.html"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "keep.txt").read_text(encoding="utf-8") == "untouched\n"


def _settled(out: Path) -> dict[str, object]:
    """What a run leaves, as comparable values: the files' bytes (``run.json`` without its
    timings), the SQLite databases' rows."""
    view: dict[str, object] = {}
    for name, data in _snapshot(out).items():
        if name == "run.json":
            run = json.loads(data)
            view[name] = {k: v for k, v in run.items()
                          if k not in ("started_at", "elapsed_seconds", "reused", "peak_memory_mib")}
        elif name.endswith(".sqlite"):
            with sqlite3.connect(f"file:{out / name}?mode=ro", uri=True) as db:
                tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                view[name] = {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                              for t in tables}
        else:
            view[name] = data
    return view


def _run_here(pages: Path, out: Path) -> None:
    """``extract -q PAGES --out OUT`` in this process (quicker than a child: no start-up)."""
    result = CliRunner().invoke(main, ["extract", "-q", str(pages), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _legacy(out: Path) -> None:
    """OUT as an earlier version left it: every file in place under its own name."""
    flat = out.with_name(out.name + "-flat")
    shutil.copytree(out, flat, ignore=shutil.ignore_patterns(GENERATIONS, POINTER, LOCK_NAME))
    shutil.rmtree(out)
    flat.rename(out)
    assert not any(p.is_symlink() for p in out.rglob("*"))


@pytest.mark.parametrize("layout", ["generations", "legacy"])
def test_a_kill_at_every_publishing_step_leaves_one_whole_output_set(
        tmp_path: Path, layout: str) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    names = ["01-gabapentin-300mg-blog.html", "03-amoxicillin-leaflet.html",
             "11-loratadine-prose.html"]
    for name in names:
        shutil.copy(RAW / name, pages / name)
    base = tmp_path / "base"
    _run_here(pages, base)
    if layout == "legacy":
        _legacy(base)
    # the next run's inputs: one page changed, one gone (the rest is reused: a quick run)
    (pages / names[0]).write_bytes((RAW / names[0]).read_bytes() + b"<p>Updated.</p>")
    (pages / names[1]).unlink()
    previous = _settled(base)
    whole = tmp_path / "whole"
    shutil.copytree(base, whole, symlinks=True)
    _run_here(pages, whole)
    new = _settled(whole)
    assert new != previous

    step = 1
    while True:
        out = tmp_path / f"killed-at-{step}"
        shutil.copytree(base, out, symlinks=True)
        proc = subprocess.run(_extract_cmd(pages, out, "-q"), cwd=ROOT, capture_output=True,
                              text=True, timeout=300, env={**os.environ, KILL_AT_PUBLISH_STEP: str(step)})
        if proc.returncode == 0:
            break  # there is no step N: every step was covered
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        after_kill = _settled(out)
        assert after_kill in (previous, new), f"a mixed output set after a kill at step {step}"
        _run_here(pages, out)
        assert _settled(out) == new, f"the run after a kill at step {step} differs"
        assert not _unpublished(out)
        shutil.rmtree(out)
        step += 1
    assert step >= (5 if layout == "legacy" else 3), "fewer publishing steps than expected"


def test_readers_follow_the_pointer(raw_output: Path) -> None:
    import pipeline
    from pipeline.incremental import Manifest

    current = (raw_output / POINTER).resolve()
    assert current.parent.name == GENERATIONS
    for name in ("articles.jsonl", "doses.csv", "medications.sqlite", MANIFEST_NAME, "run.json"):
        assert (raw_output / name).is_symlink() and (raw_output / name).resolve() == current / name
    assert (raw_output / "schema" / "doses.json").resolve() == current / "schema" / "doses.json"
    assert Manifest(raw_output).out == current
    assert len(pipeline.load(raw_output)["articles"]) == len(list(RAW.glob("*.htm*")))


def test_clear_leftovers_removes_only_what_runs_leave(tmp_path: Path) -> None:
    (tmp_path / GENERATIONS / "1" / "schema").mkdir(parents=True)
    (tmp_path / GENERATIONS / "2").mkdir()
    (tmp_path / GENERATIONS / "2" / "doses.csv").write_text("x", encoding="utf-8")
    (tmp_path / POINTER).symlink_to(f"{GENERATIONS}/1")
    (tmp_path / ".staging-abc" / "schema").mkdir(parents=True)
    (tmp_path / ".staging-abc" / "doses.csv").write_text("x", encoding="utf-8")
    (tmp_path / ".doses.csv.k2j3.tmp").write_text("x", encoding="utf-8")
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / ".doses.json.k2j3.tmp").write_text("x", encoding="utf-8")
    for keep in ("doses.csv", "notes.tmp", ".lock"):
        (tmp_path / keep).write_text("x", encoding="utf-8")
    clear_leftovers(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        ".current", ".generations", ".generations/1", ".generations/1/schema", ".lock",
        "doses.csv", "notes.tmp", "schema"]


def test_output_files_are_as_readable_as_any_new_file(raw_output: Path) -> None:
    """Temporary files are created 0600; the datasets they become must not stay so."""
    umask = os.umask(0o022)
    os.umask(umask)
    for path in raw_output.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o444 == 0o444 & ~umask, path

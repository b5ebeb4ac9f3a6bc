"""Hostile input, round two (issue 15): each finding of the stress test that is not a row of
``tests/test_hostile.py``'s table or of the decode and WARC tables, as a test.

The kill at every publishing step is in ``tests/test_atomic.py``. Findings about one page's
outcome (nesting, charsets, guards, double gzip, long WARC header lines) are rows of
``tests/test_hostile.py``, which runs each through the command line and measures memory.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.engine import run_local
from pipeline.export import table_columns
from pipeline.tasks import PageOutcome, PageTask, Settings, run_task
from tests.conftest import ROOT
from tests.test_bad_input import GOOD_PAGE, IS_ROOT

# ---- 1. input resolution ------------------------------------------------------------------


def _resolve(args: list[str]) -> Any:
    from pipeline.inputs import resolve_inputs

    return resolve_inputs(args)


def test_a_glob_visits_each_file_once_and_follows_no_directory_link(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.html").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "loop").symlink_to(".", target_is_directory=True)
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "alias.html").symlink_to("page.html")  # a second name of a listed file

    for args in ([f"{tmp_path}/**/*.html"], [str(tmp_path)], [str(tmp_path), f"{tmp_path}/*.html"]):
        inputs = _resolve(args)
        assert inputs.sources == [str(tmp_path / "page.html"), str(tmp_path / "sub" / "other.html")]
        skipped = {(s.path, s.reason.split(":")[0]) for s in inputs.skipped}
        assert (str(tmp_path / "alias.html"), "another name of an input already listed") in skipped
        if "**" in args[0] or args == [str(tmp_path)]:
            assert (str(tmp_path / "loop"), "a link to a directory, not followed") in skipped


_TREE = ["a.html", "b.htm", "sub/c.html", "sub/deep/d.html", ".hidden/e.html", "sub/notes.txt"]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("**/*.html", ["a.html", "sub/c.html", "sub/deep/d.html"]),
    ("./**/*.html", ["./a.html", "./sub/c.html", "./sub/deep/d.html"]),
    ("*/*.html", ["sub/c.html"]),
    ("sub/**/*.htm*", ["sub/c.html", "sub/deep/d.html"]),
    ("sub/**", ["sub/c.html", "sub/deep/d.html", "sub/notes.txt"]),  # as glob: every file
    ("**/*.txt", ["sub/notes.txt"]),  # a file the glob names is taken, page or not
    (".hidden/*.html", [".hidden/e.html"]),
])
def test_globs_match_as_pythons_glob_does_without_links(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, expected: list[str]) -> None:
    for name in _TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(GOOD_PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert sorted(_resolve([pattern]).sources) == expected


def test_a_glob_through_two_directory_links_finishes(tmp_path: Path) -> None:
    """Two links to ``.`` made Python's recursive glob branch two ways per level, 40 deep."""
    (tmp_path / "page.html").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "a").symlink_to(".", target_is_directory=True)
    (tmp_path / "b").symlink_to(".", target_is_directory=True)
    code = ("from pipeline.inputs import resolve_inputs; "
            f"print(len(resolve_inputs([{str(tmp_path / '**' / '*.html')!r}]).sources))")
    try:
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("resolving the inputs did not finish")
    assert proc.stdout.strip() == "1", proc.stderr


def test_the_search_is_bounded_in_depth_and_entries(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import inputs

    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "deep.html").write_text(GOOD_PAGE, encoding="utf-8")
    (tmp_path / "top.html").write_text(GOOD_PAGE, encoding="utf-8")
    monkeypatch.setattr(inputs, "MAX_DEPTH", 2)
    found = _resolve([str(tmp_path)])
    assert str(tmp_path / "top.html") in found.sources
    assert str(deep / "deep.html") not in found.sources
    assert found.failed == {str(tmp_path / "a" / "b" / "c"):
                            "not searched: deeper than 2 directory levels below an input"}

    many = tmp_path / "many"
    many.mkdir()
    for i in range(10):
        (many / f"p{i}.html").write_text(GOOD_PAGE, encoding="utf-8")
    monkeypatch.setattr(inputs, "MAX_DEPTH", 64)
    monkeypatch.setattr(inputs, "MAX_ENTRIES", 5)
    found = _resolve([str(many)])
    assert len(found.sources) <= 5
    assert list(found.failed.values()) == [
        "not searched to the end: the inputs hold more than 5 entries"]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_an_unreadable_directory_is_a_reject_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = tmp_path / "pages"
    locked = pages / "locked"
    locked.mkdir(parents=True)
    (locked / "inside.html").write_text(GOOD_PAGE, encoding="utf-8")
    (pages / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    if IS_ROOT:  # root reads a mode 000 directory: make listing it fail as it would for a user
        real = os.scandir

        def scandir(path: Any = ".") -> Any:
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real(path)

        monkeypatch.setattr("pipeline.inputs.os.scandir", scandir)
    locked.chmod(0)
    try:
        result = CliRunner().invoke(main, ["extract", "-q", str(pages), "--out",
                                           str(tmp_path / "out")], catch_exceptions=False)
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 0, result.output
    rejects = {r["source"]: r for r in _jsonl(tmp_path / "out" / "rejects.jsonl")}
    assert rejects[str(locked)]["stage"] == "read"
    assert rejects[str(locked)]["reason"] == "cannot read directory: Permission denied"
    assert [a["source"] for a in _jsonl(tmp_path / "out" / "articles.jsonl")] == [
        str(pages / "good.html")]


# ---- 2. a limit that also covers C code ---------------------------------------------------


def stuck_in_c(task: PageTask, settings: Settings) -> PageOutcome:
    """A per-page function that never returns and cannot be interrupted by a signal handler,
    as libxml2 inside one long call: SIGALRM is blocked while it sleeps."""
    if b"STUCK" in task.data:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
    return run_task(task, settings)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_stuck_in_c_code_is_a_reject_and_the_run_goes_on(workers: int) -> None:
    tasks = [PageTask("stuck.html", GOOD_PAGE.encode() + b"<!-- STUCK -->"),
             PageTask("good.html", GOOD_PAGE.encode())]
    started = time.monotonic()
    outcomes = list(run_local(iter(tasks), Settings(timeout=0.5), workers, work=stuck_in_c))
    assert time.monotonic() - started < 20, "the stuck page was not stopped"
    assert [o.source for o in outcomes] == ["stuck.html", "good.html"]
    stuck, good = outcomes
    assert stuck.article is None and not stuck.complete
    assert json.loads(stuck.rejects[0])["reason"] == "timed out after 0.5 s (--page-timeout)"
    assert good.article is not None


@pytest.mark.parametrize(("page", "reason"), [
    pytest.param("<html><body>" + "<i></i>" * 2_000 + "</body></html>",
                 "too many elements: more than 1,000 (a pathological page)", id="elements"),
    pytest.param("<html><body>" + "<i a=1 b=2></i>" * 800 + "</body></html>",
                 "too many attributes: more than 1,000 (a pathological page)", id="attributes"),
    pytest.param("<html><body><div " + " ".join(f"a{i}" for i in range(600)) + ">x</div></body></html>",
                 "a tag with more than 500 attributes (a pathological page)", id="one tag"),
])
def test_pathological_pages_are_refused_before_libxml2_sees_them(
        page: str, reason: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import parse

    monkeypatch.setattr(parse, "MAX_ELEMENTS", 1_000)
    monkeypatch.setattr(parse, "MAX_ATTRIBUTES", 1_000)
    monkeypatch.setattr(parse, "MAX_TAG_ATTRIBUTES", 500)
    monkeypatch.setattr(parse, "LONG_TAG", 256)
    with pytest.raises(parse.ParseError) as info:
        parse.parse(page)
    assert str(info.value) == reason
    assert parse.parse(GOOD_PAGE) is not None  # an ordinary page passes the same limits


# ---- 4. every input accounted for, one primary key ----------------------------------------


def _write_warc(path: Path, records: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
    from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_a_recrawled_url_is_one_article_in_every_format(tmp_path: Path) -> None:
    page = GOOD_PAGE.encode()
    archive = tmp_path / "in" / "crawl.warc.gz"
    archive.parent.mkdir()
    _write_warc(archive, [("https://example.org/naproxen", page),
                          ("https://example.org/other", page.replace(b"Naproxen", b"Ibuprofen")),
                          ("https://example.org/naproxen", page),             # the same again
                          ("https://example.org/naproxen", page + b"<!-- changed -->")])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", "-q", str(archive), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    articles = _jsonl(out / "articles.jsonl")
    assert [a["source"] for a in articles] == ["https://example.org/naproxen",
                                               "https://example.org/other"]
    ids = sorted(a["article_id"] for a in articles)
    for table in table_columns():
        csv_ids = pd.read_csv(out / f"{table}.csv", dtype=str)["article_id"]
        json_ids = [r["article_id"] for r in json.loads((out / f"{table}.json").read_text())]
        parquet_ids = pd.read_parquet(out / f"{table}.parquet")["article_id"]
        with sqlite3.connect(out / "medications.sqlite") as db:
            sql_ids = [r[0] for r in db.execute(f'SELECT article_id FROM "{table}"')]
        assert sorted(csv_ids) == sorted(json_ids) == sorted(parquet_ids) == sorted(sql_ids), table
        if table == "articles":
            assert sorted(csv_ids) == ids
    rejects = _jsonl(out / "rejects.jsonl")
    assert [(r["source"], r["stage"]) for r in rejects] == [
        ("https://example.org/naproxen", "read")] * 2
    assert "same URL" in rejects[0]["reason"] and "same content" in rejects[0]["reason"]
    assert "same URL" in rejects[1]["reason"] and "other content" in rejects[1]["reason"]


# ---- 7. memory bounded, no internal exception text in a reason ----------------------------


def _table_page(rows: int) -> bytes:
    body = "".join(f"<tr><td>Batch {i}</td><td>Lot {i * 7}</td></tr>" for i in range(rows))
    return (GOOD_PAGE.replace("</article>", f"<table>{body}</table></article>")).encode()


def test_a_worker_over_the_memory_limit_is_stopped_and_its_page_rejected(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is watched from outside the worker (its resident memory, read from /proc), so
    it holds in C code too. Here it is lowered below what a 100,000-row table needs."""
    from pipeline import engine

    if engine.rss(os.getpid()) is None:
        pytest.skip("no /proc: the memory of a worker cannot be watched here")
    monkeypatch.setattr(engine, "MEMORY_LIMIT", 150 * 1024 * 1024)
    tasks = [PageTask("big.html", _table_page(100_000)), PageTask("good.html", GOOD_PAGE.encode())]
    stats = engine.WorkerStats()
    big, good = run_local(iter(tasks), Settings(timeout=120), 1, stats=stats)
    reject = json.loads(big.rejects[0])
    assert big.article is None and not big.complete
    assert reject["reason"] == "needs more than 150 MiB of memory (a pathological page)", reject
    assert good.article is not None
    assert 150 << 20 < stats.peak_rss < 1 << 30


def test_an_article_too_big_to_hold_is_a_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import tasks

    monkeypatch.setattr(tasks, "MAX_ARTICLE_BYTES", 1_000)
    outcome = run_task(PageTask("good.html", GOOD_PAGE.encode()), Settings())
    assert outcome.article is None
    reason = json.loads(outcome.rejects[0])["reason"]
    assert reason.startswith("too many records: the article would take ") and \
        reason.endswith("over the limit of 1,000 bytes (a pathological page)"), reason


# ---- 7. no internal exception text in a reason --------------------------------------------


def test_a_bug_costs_one_page_and_its_reason_holds_no_exception_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import run

    def broken(*args: Any, **kwargs: Any) -> Any:
        return None.startswith("x")  # type: ignore[attr-defined]

    monkeypatch.setattr(run, "extract_doses", broken)
    result = run.process_page("bug.html", GOOD_PAGE.encode())
    assert result.article is None
    (reject,) = result.rejects
    assert reject.stage == "extract"
    assert "AttributeError" not in reject.reason and "NoneType" not in reject.reason
    assert reject.reason == "internal error while extracting records (a bug: see the log)"


# ---- 9. what the terminal shows, an empty input set ---------------------------------------


def _extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_control_characters_in_names_cannot_forge_log_lines(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a\nERROR forged line.html").write_bytes(b"")
    (pages / "\x1b[31mred\x1b[0m.html").write_bytes(b"")
    (pages / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    proc = _extract(str(pages), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert not [line for line in lines if line.startswith("ERROR")], proc.stderr
    assert any("a\\nERROR forged line.html: decode: empty file" in line for line in lines)
    assert any("\\x1b[31mred\\x1b[0m.html: decode: empty file" in line for line in lines)


def test_quiet_prints_nothing_but_errors(tmp_path: Path) -> None:
    """dateutil warns (``UnknownTimezoneWarning``) on a date with an unknown time zone."""
    pages = tmp_path / "pages"
    pages.mkdir()
    dated = GOOD_PAGE.replace("<title>", '<meta property="article:published_time" '
                              'content="January 5, 2024 10:00 XYZT"><title>')
    (pages / "dated.html").write_text(dated, encoding="utf-8")
    (pages / "empty.html").write_bytes(b"")
    proc = _extract("-q", str(pages), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0
    assert proc.stderr == ""
    noisy = _extract(str(pages), "--out", str(tmp_path / "out2"))
    assert "Traceback" not in noisy.stderr and "warnings.warn" not in noisy.stderr


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".lock"}


@pytest.fixture
def published(tmp_path: Path) -> Iterator[Path]:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert _extract("-q", str(pages), "--out", str(out)).returncode == 0
    yield out


@pytest.mark.parametrize("make", [
    pytest.param(lambda d: None, id="empty directory"),
    pytest.param(lambda d: (d / "notes.txt").write_text("no pages here"), id="no page in it"),
])
def test_an_empty_input_set_is_an_error_that_leaves_the_outputs_alone(
        published: Path, tmp_path: Path, make: Callable[[Path], object]) -> None:
    before = _snapshot(published)
    empty = tmp_path / "empty"
    empty.mkdir()
    make(empty)
    proc = _extract(str(empty), "--out", str(published))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"Error: no input pages: no *.html, *.htm, *.warc or *.warc.gz file in {empty}"]
    assert _snapshot(published) == before

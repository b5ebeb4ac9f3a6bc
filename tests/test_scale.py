"""Runs at scale: worker processes, incremental runs, the Dask engine and web-archive input
give the same datasets as one plain run, and re-runs only touch what changed.

Speed itself is measured by ``make bench``, never asserted here.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.engine import WORKER_DIED, run_local
from pipeline.incremental import MANIFEST_NAME, Manifest, ManifestWriter
from pipeline.tasks import PageOutcome, PageTask, Settings, run_task
from tests.conftest import RAW

DATASET_SUFFIXES = (".csv", ".json", ".jsonl", ".parquet", ".html")
"""Every file a run writes except ``run.json`` (its timing) and the SQLite files (binary pages
that differ with write history, compared by their rows instead)."""


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _datasets(out: Path) -> dict[str, bytes]:
    """The datasets under OUT's own names (through the pointer to the current generation)."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.suffix in DATASET_SUFFIXES and p.name != "run.json"
             and not p.relative_to(out).as_posix().startswith(".")}
    assert "articles.jsonl" in files and "side_effects.parquet" in files
    return files


def _db_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def _sources(out: Path) -> list[str]:
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["source"] for line in lines]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """Every raw/ sample twice, byte-distinct, plus one file that is not a page."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in sorted(RAW.glob("*.html")):
        data = path.read_bytes()
        (folder / path.name).write_bytes(data)
        (folder / f"copy-{path.name}").write_bytes(data + b"\n<!-- copy -->\n")
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return folder


# --- workers ----------------------------------------------------------------------------------


def test_workers_give_the_same_datasets_as_one_process(pages: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert _invoke("extract", "-q", str(pages), "--out", str(one), "--workers", "1").exit_code == 0
    assert _invoke("extract", "-q", str(pages), "--out", str(two), "--workers", "2").exit_code == 0
    assert _datasets(one) == _datasets(two)
    assert _db_rows(one / "medications.sqlite") == _db_rows(two / "medications.sqlite")
    assert _sources(one) == sorted(_sources(one))  # input order, whatever finished first
    rejects = (two / "rejects.jsonl").read_text().splitlines()
    assert [json.loads(r)["source"] for r in rejects] == [str(pages / "photo.html")]


def crash_on_marked_pages(task: PageTask, settings: Settings) -> PageOutcome:
    """A per-page function that kills its worker process, as a crash in C would."""
    if b"CRASH" in task.data:
        os._exit(3)
    return run_task(task, settings)


def test_a_page_that_kills_its_worker_is_rejected_and_the_rest_survive() -> None:
    page = (RAW / "01-gabapentin-300mg-blog.html").read_bytes()
    tasks = [PageTask(f"p{i}.html", page + (b"<!-- CRASH -->" if i == 5 else f"<!-- {i} -->".encode()))
             for i in range(12)]
    outcomes = list(run_local(tasks, Settings(), workers=2, window=6, work=crash_on_marked_pages))
    assert [o.source for o in outcomes] == [t.source for t in tasks]
    assert outcomes[5].article is None and WORKER_DIED in outcomes[5].rejects[0]
    assert not outcomes[5].complete  # never reused by a later run
    assert all(o.article is not None for i, o in enumerate(outcomes) if i != 5)


def test_workers_end_when_the_run_is_killed(pages: Path, tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    for i in range(3):  # enough pages that the run is still going when it is killed
        for page in sorted(pages.glob("0*.html")):
            (pages / f"more-{i}-{page.name}").write_bytes(page.read_bytes() + f"<!-- {i} -->".encode())
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", "-q", str(pages), "--out",
                            str(tmp_path / "out"), "--workers", "2"], cwd=RAW.parent)
    deadline = time.monotonic() + 60
    helpers: list[Any] = []
    while len(helpers) < 3 and time.monotonic() < deadline and run.poll() is None:
        helpers = psutil.Process(run.pid).children(recursive=True)  # fork server and workers
        time.sleep(0.05)
    run.kill()
    run.wait()
    assert len(helpers) >= 3
    _, alive = psutil.wait_procs(helpers, timeout=10)
    assert not alive


def test_workers_option_is_validated(pages: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(pages), "--out", str(tmp_path / "o"),
                                       "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


# --- incremental runs -------------------------------------------------------------------------


def _run_json(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "run.json").read_text())
    return data


def test_an_unchanged_rerun_writes_nothing(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _invoke("extract", "-q", str(pages), "--out", str(out)).exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = _invoke("extract", str(pages), "--out", str(out))
    assert result.exit_code == 0
    assert "unchanged since the last run" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    (out / "doses.parquet").resolve().unlink()  # a dataset gone: the run is not skipped
    result = _invoke("extract", str(pages), "--out", str(out))
    assert "inputs unchanged" not in result.stderr
    assert (out / "doses.parquet").is_file()


def test_only_changed_pages_are_processed_again(pages: Path, tmp_path: Path) -> None:
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert _invoke("extract", "-q", str(pages), "--out", str(out)).exit_code == 0
    changed = pages / "02-metformin-monograph.html"
    changed.write_bytes(changed.read_bytes().replace(b"</body>", b"<p>Updated.</p></body>"))
    result = _invoke("extract", str(pages), "--out", str(out))
    assert result.exit_code == 0
    total = len(list(pages.iterdir()))
    assert _run_json(out)["reused"] == total - 1
    assert f"{total - 1} unchanged pages were not processed again" in result.stderr
    # the datasets are those of a full run on the new inputs
    assert _invoke("extract", "-q", str(pages), "--out", str(fresh), "--full").exit_code == 0
    assert _run_json(fresh)["reused"] == 0
    assert _datasets(out) == _datasets(fresh)
    assert _db_rows(out / "medications.sqlite") == _db_rows(fresh / "medications.sqlite")


def test_removed_pages_leave_the_outputs(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _invoke("extract", "-q", str(pages), "--out", str(out)).exit_code == 0
    gone = pages / "copy-03-amoxicillin-leaflet.html"
    assert str(gone) in _sources(out)
    gone.unlink()
    assert _invoke("extract", "-q", str(pages), "--out", str(out), "--prune").exit_code == 0
    assert str(gone) not in _sources(out)
    assert str(gone) not in (out / "articles.csv").read_text()
    with sqlite3.connect(out / "medications.sqlite") as db:
        assert not db.execute("SELECT 1 FROM articles WHERE source = ?", (str(gone),)).fetchall()
    with sqlite3.connect(out / MANIFEST_NAME) as db:
        assert not db.execute("SELECT 1 FROM inputs WHERE source = ?", (str(gone),)).fetchall()


def test_a_new_program_version_processes_every_page(pages: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert _invoke("extract", "-q", str(pages), "--out", str(out), "--workers", "1").exit_code == 0
    monkeypatch.setattr("pipeline.tasks.__version__", "99.0")
    monkeypatch.setattr("pipeline.incremental.__version__", "99.0")
    result = _invoke("extract", str(pages), "--out", str(out), "--workers", "1")
    assert "unchanged" not in result.stderr
    assert _run_json(out)["reused"] == 0


def test_changed_options_and_a_damaged_manifest_mean_a_full_run(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _invoke("extract", "-q", str(pages), "--out", str(out)).exit_code == 0
    result = _invoke("extract", str(pages), "--out", str(out), "--page-timeout", "5")
    assert "inputs unchanged" not in result.stderr  # options that decide outcomes changed
    (out / MANIFEST_NAME).write_bytes(b"not a database")
    result = _invoke("extract", str(pages), "--out", str(out))
    assert result.exit_code == 0
    assert _run_json(out)["reused"] == 0
    assert len(_sources(out)) == len(list(pages.iterdir())) - 1


def test_timed_out_pages_are_not_remembered(tmp_path: Path) -> None:
    timed_out = PageOutcome(source="a.html", article=None, rejects=(), summary="rejected",
                            complete=False, key="k1")
    done = PageOutcome(source="b.html", article=None, rejects=(), summary="rejected", key="k2")
    writer = ManifestWriter(tmp_path / MANIFEST_NAME, Settings())
    writer.add(timed_out)
    writer.add(done)
    writer.close()
    assert Manifest(tmp_path).outcome("k1") is None
    remembered = Manifest(tmp_path).outcome("k2")
    assert remembered is not None and remembered.reused("k2") == done.reused("k2")


# --- Dask -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_engine_gives_the_local_engine_datasets(pages: Path, tmp_path: Path,
                                                     dask_scheduler: str) -> None:
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert _invoke("extract", "-q", str(pages), "--out", str(local), "--workers", "1").exit_code == 0
    result = _invoke("extract", "-q", str(pages), "--out", str(dask), "--engine", "dask",
                     "--scheduler", dask_scheduler)
    assert result.exit_code == 0, result.output
    assert _datasets(local) == _datasets(dask)
    assert _db_rows(local / "medications.sqlite") == _db_rows(dask / "medications.sqlite")


def test_scheduler_needs_the_dask_engine_and_must_be_reachable(pages: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.dask_engine.CONNECT_TIMEOUT", "2s")
    result = CliRunner().invoke(main, ["extract", str(pages), "--out", str(tmp_path / "a"),
                                       "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.output
    result = CliRunner().invoke(main, ["extract", str(pages), "--out", str(tmp_path / "b"),
                                       "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.output
    assert not (tmp_path / "b" / "articles.jsonl").exists()


# --- web archives -----------------------------------------------------------------------------


def _write_warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
    from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for url, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                       protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_records_are_pages_known_by_their_url(tmp_path: Path, name: str) -> None:
    blog = (RAW / "01-gabapentin-300mg-blog.html").read_bytes()
    leaflet = (RAW / "03-amoxicillin-leaflet.html").read_bytes()
    archive = tmp_path / "in" / name
    archive.parent.mkdir()
    _write_warc(archive, [
        ("https://example.org/gabapentin", "text/html; charset=utf-8", blog),
        ("https://example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(50)),
        ("https://example.org/amoxicillin", "text/html", leaflet),
        ("https://example.org/huge", "text/html", b"<html>" + b"x" * 300_000),
    ])
    out = tmp_path / "out"
    result = _invoke("extract", str(archive.parent), "--out", str(out), "--max-page-bytes", "200000")
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert [(a["source"], a["drug"]) for a in articles] == [
        ("https://example.org/gabapentin", "gabapentin"), ("https://example.org/amoxicillin", "amoxicillin")]
    assert all(a["url"] == a["source"] or a["url"] for a in articles)
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["source"], r["stage"]) for r in rejects] == [("https://example.org/huge", "read")]
    assert "page too large" in rejects[0]["reason"]

    # the same bytes as a plain file give the same records
    single = tmp_path / "single"
    single.mkdir()
    shutil.copy(RAW / "01-gabapentin-300mg-blog.html", single / "gabapentin.html")
    assert _invoke("extract", "-q", str(single), "--out", str(tmp_path / "o2")).exit_code == 0
    plain = json.loads((tmp_path / "o2" / "articles.jsonl").read_text())
    for key in ("title", "doses", "side_effects", "warnings", "conditions"):
        assert articles[0][key] == plain[key]


def test_a_damaged_warc_keeps_its_pages_and_rejects_the_rest(tmp_path: Path) -> None:
    archive = tmp_path / "in" / "cut.warc.gz"
    archive.parent.mkdir()
    blog = (RAW / "01-gabapentin-300mg-blog.html").read_bytes()
    _write_warc(archive, [("https://example.org/a", "text/html", blog),
                          ("https://example.org/b", "text/html", blog + b"<!-- b -->")])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) - 200])
    (tmp_path / "in" / "page.html").write_bytes(blog)
    out = tmp_path / "out"
    result = _invoke("extract", str(archive.parent), "--out", str(out))
    assert result.exit_code == 0
    assert _sources(out) == ["https://example.org/a", str(tmp_path / "in" / "page.html")]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [r["source"] for r in rejects] == [str(archive)]
    assert "cannot read WARC archive" in rejects[0]["reason"]

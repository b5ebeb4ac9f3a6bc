"""The benchmark's corpus builder and target checks (the pipeline and trafilatura are not run)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from bench.corpus import MARKER, BasePage, build, corpus_files, find_sources, generate, vary
from bench.run import Figures, check_targets, first, parse_args, slug
from bench.stages import OTHER, OUTCOME, STAGES, WRITER, WRITER_FIXED, measure, stage_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bases() -> list[BasePage]:
    """The raw/ samples only, so that the tests are the same with or without ../shared."""
    return find_sources(ROOT, shared=ROOT / "no-such-shared-dir").pages


def _headline(data: bytes) -> tuple[str, str]:
    root = lxml.html.fromstring(data)
    h1, title = root.find(".//h1"), root.find(".//title")
    return ("".join(map(str, h1.itertext())).strip() if h1 is not None else "",
            "".join(map(str, title.itertext())).strip() if title is not None else "")


def test_sources_without_shared_say_so(bases: list[BasePage]) -> None:
    sources = find_sources(ROOT, shared=ROOT / "no-such-shared-dir")
    assert len(sources.pages) == len(list((ROOT / "raw").glob("*.html"))) >= 1
    assert any("absent" in note for note in sources.notes)


def test_variations_are_deterministic_for_a_seed(bases: list[BasePage]) -> None:
    for index, base in enumerate(bases):
        assert vary(base.data, 7, index) == vary(base.data, 7, index)
        assert vary(base.data, 7, index) != vary(base.data, 8, index)
    assert list(generate(bases, 30, 3)) == list(generate(bases, 30, 3))


def test_pages_are_byte_distinct_and_count_is_met(bases: list[BasePage]) -> None:
    pages = list(generate(bases, 10 * len(bases), 0))
    assert len(pages) == 10 * len(bases)
    assert len({name for name, _ in pages}) == len(pages)
    assert len({hashlib.sha256(data).digest() for _, data in pages}) == len(pages)
    originals = {hashlib.sha256(b.data).digest() for b in bases}
    assert not originals & {hashlib.sha256(data).digest() for _, data in pages}


def test_pages_parse_and_keep_the_drug_headline(bases: list[BasePage]) -> None:
    for index, (_, data) in enumerate(generate(bases, 4 * len(bases), 0)):
        base = bases[index % len(bases)]
        h1, title = _headline(data)
        assert (h1, title) == _headline(base.data), base.name
        assert h1 or title, base.name
        # the edits are small: the text stays the same page's
        assert 0 < len(data) - len(base.data) < len(base.data) // 2, base.name


def test_every_kind_of_variation_happens(bases: list[BasePage]) -> None:
    """Over some copies each edit shows up: doses change, filler and attributes appear."""
    copies = [data for _, data in generate(bases, 5 * len(bases), 0)]
    assert all(b"<!-- bench copy " in data for data in copies)
    assert any(b"data-page-rev=" in data for data in copies)
    assert any(b"If you have any further questions" in data or b"Keep this page" in data
               or b"Opening hours" in data for data in copies)
    longer = sum(1 for i, data in enumerate(copies) if len(data) > len(bases[i % len(bases)].data) + 200)
    assert longer > len(copies) // 4  # duplicated paragraphs and filler


def test_build_writes_the_count_and_reuses_it(tmp_path: Path, bases: list[BasePage]) -> None:
    corpus = tmp_path / "corpus"
    assert build(corpus, bases, 25, seed=1) is True
    assert len(corpus_files(corpus)) == 25
    assert json.loads((corpus / MARKER).read_text())["pages"] == 25
    stamp = corpus_files(corpus)[0].stat().st_mtime_ns
    assert build(corpus, bases, 25, seed=1) is False  # reused, not rewritten
    assert corpus_files(corpus)[0].stat().st_mtime_ns == stamp
    (corpus / "notes.txt").write_text("not ours")
    assert build(corpus, bases, 30, seed=1) is True
    assert len(corpus_files(corpus)) == 30
    assert (corpus / "notes.txt").exists()  # only the builder's own pages are ever deleted
    assert build(corpus, bases, 12, seed=1) is True
    assert len(corpus_files(corpus)) == 12
    corpus_files(corpus)[0].unlink()  # an incomplete corpus is rebuilt
    assert build(corpus, bases, 12, seed=1) is True
    assert len(corpus_files(corpus)) == 12


def test_samples_cover_every_base_page(tmp_path: Path, bases: list[BasePage]) -> None:
    build(tmp_path, bases, 3 * len(bases), seed=0)
    sample = first(corpus_files(tmp_path), 2 * len(bases))
    assert len(sample) == 2 * len(bases)
    assert {p.name.split("-", 1)[1] for p in sample} == {b.name for b in bases}
    assert first([1, 2], 5) == [1, 2]


def test_log_names_have_no_spaces() -> None:
    assert slug("full --workers 1") == "full-workers-1"
    assert slug("unchanged re-run") == "unchanged-re-run"


_GOOD = Figures(lxml_ms=0.25, trafilatura_ms=40.0, pipeline_ms=1.0,
                peak_rss_sum_mib=150.0, peak_rss_max_mib=90.0, rss_by_size={1000: 140.0, 20000: 150.0},
                cpus=2, workers=2, serial_seconds=20.0, parallel_seconds=10.0, full_seconds=10.0,
                unchanged_seconds=0.4)


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, {"pipeline/lxml": "PASS", "pipeline/trafilatura": "PASS", "peak RSS (tree": "PASS",
          "peak RSS (largest": "PASS", "RSS flat": "PASS", "workers": "PASS", "unchanged": "PASS"}),
    ({"pipeline_ms": 1.01}, {"pipeline/lxml": "MISS", "pipeline/trafilatura": "PASS"}),
    ({"pipeline_ms": 10.0}, {"pipeline/lxml": "MISS", "pipeline/trafilatura": "PASS"}),
    ({"pipeline_ms": 10.1}, {"pipeline/trafilatura": "MISS"}),
    ({"trafilatura_ms": 3.9}, {"pipeline/trafilatura": "MISS", "pipeline/lxml": "PASS"}),
    ({"trafilatura_ms": None}, {"pipeline/trafilatura": "N/A"}),
    ({"peak_rss_sum_mib": 250.0}, {"peak RSS (tree": "MISS", "peak RSS (largest": "PASS"}),
    ({"peak_rss_max_mib": 200.0}, {"peak RSS (largest": "PASS"}),
    ({"rss_by_size": {1000: 100.0, 20000: 116.0}}, {"RSS flat": "MISS"}),
    ({"rss_by_size": {1000: 100.0, 20000: 115.0}}, {"RSS flat": "PASS"}),
    ({"rss_by_size": {1000: 100.0}}, {"RSS flat": "N/A"}),
    ({"serial_seconds": 17.0}, {"workers": "MISS"}),
    ({"serial_seconds": 18.0}, {"workers": "PASS"}),
    ({"cpus": 1}, {"workers": "N/A"}),
    ({"serial_seconds": None, "parallel_seconds": None}, {"workers": "N/A"}),
    ({"unchanged_seconds": 0.6}, {"unchanged": "MISS"}),
    ({"unchanged_seconds": None}, {"unchanged": "N/A"}),
    ({"lxml_ms": None, "pipeline_ms": None},
     {"pipeline/lxml": "N/A", "pipeline/trafilatura": "N/A"}),
])
def test_check_targets(changes: dict[str, object], expected: dict[str, str]) -> None:
    checks = check_targets(replace(_GOOD, **changes))  # type: ignore[arg-type]
    assert len(checks) == 7
    for prefix, status in expected.items():
        [check] = [c for c in checks if c.name.startswith(prefix)]
        assert check.status == status, (check, changes)
        assert check.detail


def test_check_details_carry_the_numbers() -> None:
    text = " ".join(c.detail for c in check_targets(_GOOD))
    for number in ("0.25 ms", "40.00 ms", "1.00 ms", "0.250", "40.00x", "150.0", "90.0", "25.0x",
                   "2.00x"):
        assert number in text


def test_default_options_keep_the_usual_corpus() -> None:
    args = parse_args([])
    assert args.pages is None and args.pages_dir is None  # 2,000 once the sources are known
    assert args.corpus == ROOT / "bench" / ".corpus" and args.out == ROOT / "bench" / ".out"
    assert args.rss_sizes == [1000, 5000] and args.sample == 300
    assert parse_args(["--trafilatura-sample", "5"]).sample == 5  # the former name still works


def test_pages_dir_builds_its_own_corpus(tmp_path: Path) -> None:
    site = tmp_path / "My site"
    (site / "sub").mkdir(parents=True)
    for name in ("a.html", "sub/b.htm", "sub/a.html"):
        (site / name).write_bytes(b"<html><body><h1>Page</h1><p>" + name.encode() + b"</p></body></html>")
    (site / "notes.txt").write_text("not a page")
    args = parse_args(["--pages-dir", str(site)])
    assert args.pages_dir == site and args.rss_sizes == [] and args.pages is None
    assert args.corpus == ROOT / "bench" / ".corpus-My-site" and args.out == ROOT / "bench" / ".out-My-site"
    sources = find_sources(ROOT, shared=ROOT / "no-such-shared-dir", pages_dir=site)
    assert [p.name for p in sources.pages] == ["a.html", "sub_a.html", "sub_b.html"]
    corpus = tmp_path / "corpus"
    build(corpus, sources.pages, len(sources.pages))
    assert [p.name for p in corpus_files(corpus)] == ["000000-a.html", "000001-sub_a.html",
                                                      "000002-sub_b.html"]
    chosen = parse_args(["--pages-dir", str(site), "--rss-sizes", "10,20", "--pages", "7"])
    assert chosen.rss_sizes == [10, 20] and chosen.pages == 7


@pytest.mark.parametrize("argv", [["--pages-dir", "/no/such/dir"], ["--pages", "0"]])
def test_unusable_options_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_stage_timers_time_every_stage_and_leave_the_pipeline_as_it_was() -> None:
    import pipeline.run
    import pipeline.tasks

    before = {name: getattr(pipeline.run, name) for names in STAGES.values() for name in names}
    process_page = pipeline.tasks.process_page
    pages = [(p.name, p.read_bytes()) for p in sorted((ROOT / "raw").glob("*.html"))[:2]]
    times = measure(pages)
    assert times.pages == 2
    assert {"decode", "parse", "segment", "classify", "extract: side effects", "validate",
            OTHER, OUTCOME, WRITER, WRITER_FIXED} <= set(times.seconds)
    assert times.process_page > 0
    assert {name: getattr(pipeline.run, name) for name in before} == before
    assert pipeline.tasks.process_page is process_page
    rows = stage_table(times)
    assert rows[0][0].startswith("stage") and any(r[0] == "extract: doses" for r in rows)

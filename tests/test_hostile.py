"""Hostile and broken input (issue 7): nothing crashes, nothing is lost, every page is bounded.

Every case of the issue is generated here (no committed blobs) into a directory of its own,
beside one good page, and each directory goes through the real command line in a child
process, ``python -m pipeline extract DIR --out OUT --page-timeout 5``, several at a time. For
each the test checks the contract: exit status 0, no traceback, the good page in
``articles.jsonl``, every input of the case in ``articles.jsonl`` or in ``rejects.jsonl`` with
a stage and a reason, and the outcome the README's "Hostile inputs" table promises. The peak
memory of the run's process and of its page workers (which the run records in ``run.json``)
must stay under 1 GiB for every case; the child's wall time is bounded loosely, as a safety
net against a hang: speed targets belong in benchmarks, the per-page time limit is what bounds
a page here.

Cases that are cheap also run all together in one directory, as a crawl would mix them. The
cases that ``tests/test_bad_input.py`` tests in process are the ones the issue does not list.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_bad_input import (
    GOOD_NAME,
    GOOD_PAGE,
    IS_ROOT,
    RECIPE_PAGE,
    _directory_named_html,
    _png,
    _symlink_loops,
    _truncated,
    _with_nuls,
)

PAGE_TIMEOUT = 5
"""``--page-timeout`` of every run here: the cases that hit it cost 5 s, not the default 30."""
TIME_LIMIT = 60
"""Seconds a case's whole run may take: far above what any takes, it only stops a hang."""
MEMORY_LIMIT_MB = 1024
"""Peak resident memory of any process of a case's run (the run itself and its page workers,
from ``run.json``): every input within the limits stays under 1 GiB."""
_INTERNAL = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|Traceback|NoneType")
"""What an exception's text looks like: never part of a reject's reason."""

_HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
         "<title>Naproxen 250 mg tablets</title></head><body><article><h1>Naproxen 250 mg</h1>"
         "<p>Naproxen relieves pain and swelling in arthritis.</p>")
_TAIL = ("<h2>Warnings</h2><p>Do not take naproxen if you are allergic to aspirin.</p>"
         "</article></body></html>")
_ACCENTED = GOOD_PAGE.replace(
    "<p>Take 10 mg twice daily.</p>",
    "<p>Take 250 µg twice daily, with a café au lait – never on an empty stomach.</p>")
"""A page whose dose is lost when its charset is misread ("250 Âµg" is no dose)."""


def _page(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    def make(d: Path) -> list[str]:
        (d / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return [name]
    return make


def _deep(depth: int) -> str:
    """A dose deep inside ``depth`` nested divs, a warning after them."""
    return (_HEAD + "<div>" * depth + "<p>Take 500 mg twice daily with food.</p>"
            + "</div>" * depth + _TAIL)


def _long_table(rows: int) -> str:
    body = "".join(f"<tr><td>Batch {i}</td><td>Lot {i * 7}</td></tr>" for i in range(rows))
    return (_HEAD + "<h2>Batches</h2><table><tr><th>Batch</th><th>Lot</th></tr>" + body
            + "</table><h2>Dosage</h2><p>Take 500 mg twice daily.</p>" + _TAIL)


def _huge_page(d: Path) -> list[str]:
    """50 MB of ordinary paragraphs: a real page, only too big."""
    para = (b"<p>Naproxen is taken for arthritis. The usual dose is 250 mg twice daily. "
            b"Side effects include heartburn and headache.</p>\n")
    with open(d / "huge.html", "wb") as fh:
        fh.write(_HEAD.encode())
        for _ in range(50 * 1024 * 1024 // len(para) + 1):
            fh.write(para)
        fh.write(_TAIL.encode())
    return ["huge.html"]


def _text_node(size: int) -> str:
    words = "naproxen can cause nausea and 10 mg headache "
    return _HEAD + "<p>" + words * (size // len(words)) + "</p>" + _TAIL


def _big_attribute(size: int) -> str:
    return GOOD_PAGE.replace("<article>", f'<article data-state="{"x" * size}">')


def _unclosed_tables() -> str:
    return GOOD_PAGE.replace(
        "<h2>Dosage</h2>",
        "<table><tr><td>Strength<td>250 mg<tr><td>Form<td>Tablet<table><tr><td>Notes<td>"
        "<h2>Dosage</h2>").replace("</article>", "")


SCRIPT_ONLY = ('<html><head><script>var drug = "naproxen 250 mg";</script></head><body>'
               '<script src="/app.js"></script><script>document.write("<h1>" + drug + '
               '"</h1>");</script><noscript></noscript></body></html>')

SPANISH = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">
<title>Ibuprofeno 400 mg: para qué sirve, dosis y efectos secundarios</title></head>
<body><article><h1>Ibuprofeno 400 mg</h1>
<p>El ibuprofeno es un antiinflamatorio que alivia el dolor y la fiebre.</p>
<h2>Dosis</h2><p>Adultos: 400 mg cada 8 horas, con comida.</p>
<h2>Efectos secundarios</h2><ul><li>Náuseas</li><li>Dolor de cabeza</li><li>Mareo</li></ul>
</article></body></html>"""


def _invalid_utf8() -> bytes:
    """UTF-8 with stray bytes that are no UTF-8 at all (a paste from a legacy file)."""
    data = _ACCENTED.encode("utf-8")
    return data.replace(b"Heartburn", b"Heart\xff\xfe\xc3(burn")


def _duplicates(d: Path) -> list[str]:
    (d / "copy-a.html").write_text(GOOD_PAGE, encoding="utf-8")
    (d / "copy-b.html").write_text(GOOD_PAGE, encoding="utf-8")
    return ["copy-a.html", "copy-b.html"]


def _unreadable(d: Path) -> list[str]:
    """A file that cannot be read: chmod 000, or for root (who reads those anyway) Linux's
    /proc/self/mem, a regular file whose first bytes fail with EIO."""
    path = d / "locked.html"
    if not IS_ROOT:
        path.write_text(GOOD_PAGE, encoding="utf-8")
        path.chmod(0)
    elif Path("/proc/self/mem").exists():
        path.symlink_to("/proc/self/mem")
    else:
        pytest.skip("running as root without /proc: no file is unreadable")
    return ["locked.html"]


def _nested_lists(depth: int) -> str:
    """A heading and its dose inside ``depth`` nested ``<ul><li>`` (two levels each)."""
    return (_HEAD + "<ul><li>" * depth + "<h3>Dosage</h3><p>Take 500 mg twice daily with food.</p>"
            + "</li></ul>" * depth + _TAIL)


def _utf8_with_many_invalid_bytes() -> bytes:
    """Declared UTF-8, one "µ" and "é" right, and more invalid sequences than valid ones."""
    data = _ACCENTED.replace(" – never on an empty stomach", "").encode("utf-8")
    return (data.replace(b"Heartburn", b"Heart\xe0\xafburn")
            .replace(b"Dizziness", b"Dizzi\xff\xfeness\xc3(")
            .replace(b"Headache", b"Head\xe2\x82ache \xf0\x9f\xff"))


def _utf16_without_bom() -> bytes:
    text = _ACCENTED.replace('<meta charset="utf-8">', '<meta charset="utf-16">')
    return text.encode("utf-16-le")


def _many_attributes(count: int) -> str:
    """One element with ``count`` attributes: libxml2 takes time quadratic in the count."""
    attributes = " ".join(f"data-a{i}=x" for i in range(count))
    return GOOD_PAGE.replace("<article>", f"<article {attributes}>")


def _tiny_elements(d: Path, name: str, count: int, element: bytes) -> list[str]:
    with open(d / name, "wb") as fh:
        fh.write(_HEAD.encode())
        for _ in range(count // 100_000):
            fh.write(element * 100_000)
        fh.write(element * (count % 100_000))
        fh.write(_TAIL.encode())
    return [name]


def _four_million_elements(d: Path) -> list[str]:
    return _tiny_elements(d, "elements.html", 4_000_000, b"<i></i>")


def _largest_allowed_elements(d: Path) -> list[str]:
    """As many elements and attributes as the pre-parse limits let through (one attribute an
    element, each holding text): the page that needs the most memory of the pages the limits
    accept (about 400 MiB in a worker, where twice the elements took 1.65 GB)."""
    from pipeline.parse import MAX_ATTRIBUTES, MAX_ELEMENTS

    count = min(MAX_ELEMENTS, MAX_ATTRIBUTES) - 100
    return _tiny_elements(d, "most-elements.html", count, b"<b id=x>x</b>")


def _warc_with_huge_header_line(d: Path) -> list[str]:
    """A .warc.gz whose first header line expands to 64 MiB (a gzip member of 64 KiB)."""
    with open(d / "long-line.warc.gz", "wb") as fh:
        line = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: " + b"A" * (64 << 20)
                             + b"\r\n\r\n", compresslevel=9)
        fh.write(line)
    return ["long-line.warc.gz"]


MARKDOWN = """# Naproxen 250 mg

Naproxen relieves pain and swelling in arthritis.

## Dosage

- Take 250 mg twice daily with food.
- Do not take more than 1000 mg a day.

## Side effects

* heartburn
* headache
"""

PLAIN_TEXT = """Naproxen 250 mg tablets

Naproxen relieves pain and swelling in arthritis. Take 250 mg twice daily with food.
Common side effects are heartburn and headache.
"""


# ---- what a case must give ----------------------------------------------------------------

Json = dict[str, Any]


def _drug(name: str) -> Callable[[Json], None]:
    def check(article: Json) -> None:
        assert article["drug"] == name, article["drug"]
    return check


def _mcg_dose_intact(article: Json) -> None:
    """The charset was read right: "250 µg" is a dose and "café" is whole."""
    doses = [d for d in article["doses"] if d["unit"] == "mcg" and d["amount"] == 250]
    assert doses, article["doses"]
    assert "250 µg" in doses[0]["text"] and "café" in doses[0]["text"], doses[0]["text"]


def _nothing_lost_in_depth(article: Json) -> None:
    """The dose 10,000 levels down and the warning after all the closing tags both survive."""
    assert any(d["amount"] == 500 and d["unit"] == "mg" for d in article["doses"]), article["doses"]
    assert any("allergic to aspirin" in w["text"] for w in article["warnings"]), article["warnings"]


def _heading_and_dose_kept(article: Json) -> None:
    """The text of the capped levels is kept: the dose of the deepest item is found."""
    assert any(d["amount"] == 500 and d["unit"] == "mg" for d in article["doses"]), article["doses"]
    assert any("allergic to aspirin" in w["text"] for w in article["warnings"]), article["warnings"]


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path], list[str]]
    outcome: str
    """"article", "reject", or "either" (an article, or a reject whose reason has ``reason``)."""
    stage: str | None = None
    reason: str | None = None
    check: Callable[[Json], None] | None = None
    """More to check on the article, for "article"."""
    heavy: bool = False
    """Too slow or big to repeat in the run of all cases together."""
    args: tuple[str, ...] = ()
    """More options for its run."""


CASES = [
    Hostile("empty", _page("empty.html", b""), "reject", "decode", "empty file"),
    Hostile("whitespace only", _page("blank.html", b" \n\t \r\n  "), "reject", "decode",
            "whitespace only"),
    Hostile("binary (PNG header)", _page("picture.html", _png(7)), "reject", "decode",
            "not HTML: PNG image"),
    Hostile("gzip-compressed HTML", _page("packed.html", gzip.compress(GOOD_PAGE.encode())),
            "article", check=_drug("naproxen")),
    Hostile("UTF-16 with BOM", _page("wide.html", _ACCENTED.encode("utf-16")), "article",
            check=_mcg_dose_intact),
    Hostile("UTF-8 declared as windows-1252",
            _page("utf8-as-1252.html", _ACCENTED.replace(
                '<meta charset="utf-8">', '<meta charset="windows-1252">').encode("utf-8")),
            "article", check=_mcg_dose_intact),
    Hostile("windows-1252 declared as UTF-8", _page("1252-as-utf8.html", _ACCENTED.encode("cp1252")),
            "article", check=_mcg_dose_intact),
    Hostile("invalid byte sequences", _page("invalid.html", _invalid_utf8()), "article",
            check=_mcg_dose_intact),
    Hostile("NUL bytes", _page("nuls.html", _with_nuls()), "article", check=_drug("naproxen")),
    Hostile("truncated mid-tag", _page("truncated.html", _truncated()), "article",
            check=_drug("naproxen")),
    Hostile("unclosed tables", _page("unclosed.html", _unclosed_tables()), "article",
            check=_drug("naproxen")),
    Hostile("10,000-deep nesting", _page("deep.html", _deep(10_000)), "article",
            check=_nothing_lost_in_depth),
    Hostile("100,000-row table", _page("rows.html", _long_table(100_000)), "either",
            reason="timed out", heavy=True),
    Hostile("50 MB page", _huge_page, "reject", "read", "page too large", heavy=True),
    Hostile("5 MB text node", _page("text-node.html", _text_node(5 * 1024 * 1024)), "either",
            reason="timed out", heavy=True),
    Hostile("1 MB attribute", _page("attribute.html", _big_attribute(1024 * 1024)), "article",
            check=_drug("naproxen")),
    Hostile("script-only page", _page("script.html", SCRIPT_ONLY), "reject", "classify",
            "not a medication article"),
    Hostile("page in another language", _page("es.html", SPANISH), "article",
            check=_drug("ibuprofen")),
    Hostile("page about something else", _page("recipe.html", RECIPE_PAGE), "reject", "classify",
            "not a medication article"),
    Hostile("duplicate pages under two names", _duplicates, "article", check=_drug("naproxen")),
    Hostile("symlink loop", _symlink_loops, "reject", "read", "cannot read input"),
    Hostile("unreadable file", _unreadable, "reject", "read", "cannot read input"),
    Hostile("directory named x.html", _directory_named_html, "reject", "read", "is a directory"),
    # issue 15, round two
    Hostile("<ul><li> nested 130 deep", _page("lists.html", _nested_lists(130)), "article",
            check=_heading_and_dose_kept),
    Hostile("declared UTF-8, more invalid sequences than valid",
            _page("invalid-many.html", _utf8_with_many_invalid_bytes()), "article",
            check=_mcg_dose_intact),
    Hostile("UTF-16 without BOM, <meta charset=utf-16>", _page("wide-no-bom.html",
                                                                _utf16_without_bom()),
            "article", check=_mcg_dose_intact),
    Hostile("gzip-compressed twice", _page("packed-twice.html",
                                           gzip.compress(gzip.compress(GOOD_PAGE.encode()))),
            "reject", "decode", "compressed twice"),
    Hostile("200,000 attributes on one element", _page("attributes.html",
                                                       _many_attributes(200_000)),
            "reject", "parse", "attributes", heavy=True),
    Hostile("4,000,000 elements", _four_million_elements, "reject", "parse", "elements",
            heavy=True),
    Hostile("as many elements as the limits allow", _largest_allowed_elements, "either",
            reason="timed out", heavy=True, args=("--page-timeout", "120")),
    Hostile("WARC header line of 64 MiB", _warc_with_huge_header_line, "reject", "read",
            "header line"),
    # issue 14, item 8
    Hostile("Markdown saved as .html", _page("notes.html", MARKDOWN), "reject", "decode",
            "not HTML: Markdown"),
    Hostile("plain text saved as .html", _page("notes.txt.html", PLAIN_TEXT), "reject", "decode",
            "not HTML: plain text"),
]


# ---- running them ---------------------------------------------------------------------------


@dataclass
class Run:
    pages: Path
    out: Path
    names: list[str]
    args: list[str] = field(default_factory=list)
    heavy: bool = False
    status: int | None = None
    stderr: str = ""
    seconds: float = 0.0

    def articles(self) -> dict[str, Json]:
        return {a["source"]: a for a in _jsonl(self.out / "articles.jsonl")}

    def rejects(self) -> dict[str, Json]:
        return {r["source"]: r for r in _jsonl(self.out / "rejects.jsonl")}

    def source(self, name: str) -> str:
        return str(self.pages / name)

    def peaks_mib(self) -> tuple[float, float]:
        """Peak resident memory of the run's own process and of its largest page worker, as the
        run recorded them in ``run.json``."""
        peaks = json.loads((self.out / "run.json").read_text(encoding="utf-8"))["peak_memory_mib"]
        return float(peaks["run"]), float(peaks["workers"])


def _jsonl(path: Path) -> list[Json]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _execute(run: Run) -> Run:
    """One ``extract`` in a child process, and its wall time."""
    cmd = [sys.executable, "-m", "pipeline", "extract", "-q", str(run.pages),
           "--out", str(run.out), "--page-timeout", str(PAGE_TIMEOUT), *run.args]
    log = run.out.with_suffix(".stderr")
    started = time.monotonic()
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        watchdog = threading.Timer(TIME_LIMIT * 2, proc.kill)  # a hang fails, it does not block
        watchdog.start()
        try:
            proc.wait()
        finally:
            watchdog.cancel()
    run.seconds = time.monotonic() - started
    run.status = proc.returncode
    run.stderr = log.read_text(encoding="utf-8", errors="replace")
    return run


def _setup(base: Path, label: str, cases: list[Hostile]) -> Run:
    pages = base / label / "pages"
    pages.mkdir(parents=True)
    (pages / GOOD_NAME).write_text(GOOD_PAGE, encoding="utf-8")
    names: list[str] = []
    for case in cases:
        names += case.make(pages)
    return Run(pages=pages, out=base / label / "out", names=names,
               heavy=any(case.heavy for case in cases))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run | str]]:
    """Every case's run (or why it was skipped), the runs of all cheap cases together and of
    the page time limit, all in child processes, as many at once as there are CPUs."""
    base = tmp_path_factory.mktemp("hostile")
    planned: dict[str, Run | str] = {}
    for i, case in enumerate(CASES):
        try:
            planned[case.name] = _setup(base, f"case{i:02d}", [case])
            planned[case.name].args = list(case.args)
        except pytest.skip.Exception as exc:
            planned[case.name] = str(exc)
    planned["all together"] = _setup(base, "together", [c for c in CASES if not c.heavy
                                                         and c.make is not _unreadable])
    # the 100,000-row table, read before the good page ("0-" sorts first)
    slow = Hostile("slow page first", _page("0-rows.html", _long_table(100_000)), "reject",
                   heavy=True)
    limited = _setup(base, "limited", [slow])
    limited.args = ["--page-timeout", "0.5"]  # the last --page-timeout wins
    planned["time limit"] = limited
    todo = [r for r in planned.values() if isinstance(r, Run)]
    todo.sort(key=lambda r: not r.heavy)  # the slow ones first, not left to finish alone
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        list(pool.map(_execute, todo))
    yield planned
    for run in todo:  # a chmod 000 file must not stop pytest from cleaning up
        for path in run.pages.iterdir():
            if not path.is_symlink():
                path.chmod(0o700)
    shutil.rmtree(base, ignore_errors=True)


def _check_run(run: Run) -> tuple[dict[str, Json], dict[str, Json]]:
    assert run.status == 0, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert run.seconds < TIME_LIMIT, f"took {run.seconds:.0f} s"
    own, worker = run.peaks_mib()
    assert own < MEMORY_LIMIT_MB, f"the run peaked at {own:.0f} MiB"
    assert worker < MEMORY_LIMIT_MB, f"a worker peaked at {worker:.0f} MiB"
    articles, rejects = run.articles(), run.rejects()
    good = articles.get(run.source(GOOD_NAME))
    assert good is not None and good["drug"] == "naproxen", (sorted(articles), rejects)
    for reject in rejects.values():
        assert reject["stage"].strip() and reject["reason"].strip(), reject
        assert "internal error" not in reject["reason"], reject
        assert not _INTERNAL.search(reject["reason"]), reject
    for name in run.names:
        source = run.source(name)
        assert source in articles or source in rejects, (source, sorted(articles), rejects)
    return articles, rejects


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input(runs: dict[str, Run | str], case: Hostile) -> None:
    run = runs[case.name]
    if isinstance(run, str):
        pytest.skip(run)
    articles, rejects = _check_run(run)
    for name in run.names:
        source = run.source(name)
        if case.outcome == "either" and source in rejects:
            assert case.reason and case.reason in rejects[source]["reason"], rejects[source]
        elif case.outcome in ("article", "either"):
            assert source in articles, rejects.get(source)
            if case.check is not None:
                case.check(articles[source])
        else:
            assert source not in articles, f"{case.name} became an article"
            assert rejects[source]["stage"] == case.stage, rejects[source]
            assert case.reason and case.reason in rejects[source]["reason"], rejects[source]


def test_duplicate_pages_are_two_articles_with_their_own_ids(runs: dict[str, Run | str]) -> None:
    run = runs["duplicate pages under two names"]
    assert isinstance(run, Run)
    articles = run.articles()
    a, b = (articles[run.source(n)] for n in ("copy-a.html", "copy-b.html"))
    assert a["article_id"] != b["article_id"], "the id follows the source as well as the bytes"
    strip = ("article_id", "source")
    assert {k: v for k, v in a.items() if k not in strip} == {
        k: v for k, v in b.items() if k not in strip}


def test_symlink_loop_is_not_followed(runs: dict[str, Run | str]) -> None:
    run = runs["symlink loop"]
    assert isinstance(run, Run)
    reported = set(run.articles()) | set(run.rejects())
    assert not [s for s in reported if "/loop/" in s], "a directory link was followed"


def test_all_cheap_cases_together_in_one_run(runs: dict[str, Run | str]) -> None:
    run = runs["all together"]
    assert isinstance(run, Run)
    articles, rejects = _check_run(run)
    assert len(articles) + len(rejects) >= len(run.names) + 1


def test_a_page_over_the_time_limit_is_a_reject_and_the_run_goes_on(
        runs: dict[str, Run | str]) -> None:
    run = runs["time limit"]
    assert isinstance(run, Run)
    _, rejects = _check_run(run)  # the good page, read after the slow one, is an article
    reject = rejects[run.source("0-rows.html")]
    # whichever stage the page was in when its time ran out (that depends on the machine)
    assert reject["reason"] == "timed out after 0.5 s (--page-timeout)", reject


def test_time_and_memory_of_every_case(runs: dict[str, Run | str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Not a benchmark: a record of what each case cost, shown with ``pytest -s``."""
    with capsys.disabled():
        print()
        for name, run in runs.items():
            if isinstance(run, Run):
                own, worker = run.peaks_mib()
                print(f"  {name:50} {run.seconds:6.1f} s {own:6.0f} MiB, {worker:4.0f} MiB in a worker")


def test_time_limit_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit interrupts a stage that never returns, rejects the page with the stage it
    was in, and leaves no timer behind for the next page."""
    from pipeline import run as run_module

    def stuck(*args: Any, **kwargs: Any) -> Any:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(run_module, "segment", stuck)
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    result = run_module.process_page("stuck.html", GOOD_PAGE.encode(), timeout=0.2)
    assert time.monotonic() - started < 5
    assert result.article is None
    assert [(r.stage, r.reason) for r in result.rejects] == [
        ("extract", "timed out after 0.2 s (--page-timeout)")]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler
    monkeypatch.undo()
    again = run_module.process_page("good.html", GOOD_PAGE.encode(), timeout=5)
    assert again.article is not None and not again.rejects


def test_page_size_limit_applies_to_gzip_too() -> None:
    from pipeline.run import process_page

    packed = gzip.compress(GOOD_PAGE.encode() + b" " * 20_000)
    result = process_page("packed.html", packed, max_bytes=10_000)
    assert result.article is None
    assert "gzip data expands beyond 10,000 bytes" in result.rejects[0].reason


@pytest.mark.parametrize("depth", [300, 2_047, 10_000, 100_000])
def test_deep_nesting_is_flattened_not_lost(depth: int) -> None:
    """libxml2 stops at 2,048 levels and drops the rest of the page, the recursive stages stop
    near 450: deeper trees are rebuilt with the deep tags dropped and their text kept."""
    from lxml import etree

    from pipeline.parse import MAX_DEPTH, parse

    root = parse(_deep(depth))
    deepest = max(sum(1 for _ in el.iterancestors()) for el in root.iter())
    assert deepest < MAX_DEPTH
    text = " ".join(root.text_content().split())
    assert "Take 500 mg twice daily with food." in text
    assert text.endswith("Do not take naproxen if you are allergic to aspirin.")
    assert etree.tostring(root).count(b"<div>") <= MAX_DEPTH


_WRAPPERS = [
    ("<div>", "</div>"), ("<ul><li>", "</li></ul>"), ("<ol><li>", "</li></ol>"),
    ("<dl><dd>", "</dd></dl>"), ("<table><tr><td>", "</td></tr></table>"),
    ("<table><tbody><tr><td>", "</td></tr></tbody></table>"), ("<blockquote>", "</blockquote>"),
    ("<section><ul><li><span>", "</span></li></ul></section>"), ("<b>", "</b>"),
    ("<ul><li><table><tr><th>", "</th></tr></table></li></ul>"),
]


@pytest.mark.parametrize("levels", [255, 300, 2_100])
@pytest.mark.parametrize(("opening", "closing"), _WRAPPERS, ids=lambda t: t)
def test_deep_nesting_keeps_the_text_whatever_the_tags(opening: str, closing: str,
                                                      levels: int) -> None:
    """Wherever the cap falls (on a list, a table, a row...), the text below it stays text
    that the later stages read: the heading and the dose of the deepest element, and what
    follows the nesting."""
    from pipeline.run import process_page

    repeats = levels // opening.count("<") + 1
    page = (_HEAD + opening * repeats + "<h3>Dosage</h3><p>Take 500 mg twice daily with food.</p>"
            + closing * repeats + _TAIL)
    result = process_page("deep.html", page.encode())
    assert result.stages is not None, result.rejects
    text = " ".join(b.text for b in result.stages.blocks if b.kind != "table") + " ".join(
        c.text for b in result.stages.blocks if b.table for row in b.table.rows for c in row)
    assert "Dosage" in text and "Take 500 mg twice daily with food." in text, text[:300]
    assert "Do not take naproxen if you are allergic to aspirin." in text


def test_flattening_keeps_scripts_out_of_the_text() -> None:
    from pipeline.parse import cap_depth

    capped = cap_depth("<div>" * 5 + "<script>var x = '<p>';</script><b>bold</b> text", 3)
    assert "var x" not in capped and "bold" in capped and "text" in capped


def test_read_source_refuses_a_page_over_the_limit(tmp_path: Path) -> None:
    from pipeline.inputs import PageTooLarge, read_source

    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    assert read_source(str(path), max_bytes=5007) == path.read_bytes()
    with pytest.raises(PageTooLarge, match=r"page too large: 5,007 bytes \(4.89 KiB\), over the "
                                           r"limit of 5,006 bytes"):
        read_source(str(path), max_bytes=5006)


@pytest.mark.parametrize("module", ["pipeline.parse", "pipeline.decode"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0

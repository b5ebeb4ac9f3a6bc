"""One page through every stage: bytes in, a validated article (or a reject) out.

This is the unit of work that the command line runs over many pages. It is a pure function
of the page's bytes and its source name, so results are the same in any order, in any process,
and on any run.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TextIO

from lxml.html import HtmlElement

from pipeline.boilerplate import Removed, strip_boilerplate
from pipeline.classify import Classified, classify
from pipeline.decode import MAX_PAGE_BYTES, DecodeError, decode
from pipeline.extract.benefits import extract_benefits
from pipeline.extract.citations import extract_citations
from pipeline.extract.comparisons import extract_comparisons
from pipeline.extract.conditions import extract_conditions
from pipeline.extract.context import PageContext
from pipeline.extract.doses import extract_doses
from pipeline.extract.drug import page_class, primary_drug, with_class
from pipeline.extract.effect_terms import effect_like
from pipeline.extract.language import resolve_language
from pipeline.extract.metadata import Metadata, extract_metadata, headline_of
from pipeline.extract.relevance import judge
from pipeline.extract.side_effects import extract_side_effects, without_treated_withdrawal
from pipeline.extract.warnings import extract_warnings
from pipeline.logs import page_log
from pipeline.models import Article, Author, Condition, Reject, SideEffect
from pipeline.normalize.drugs import lexicon
from pipeline.parse import ParseError, parse
from pipeline.segment import Block, segment
from pipeline.tables import resolve_tables
from pipeline.validate import build

log = logging.getLogger(__name__)


_MEDICAL_KINDS = frozenset({"side_effects", "dosage", "uses", "warnings"})
"""Sections whose presence makes a page about a medication even when no drug name is known
(a page in a script the drug lexicon does not cover)."""


@dataclass(frozen=True, slots=True)
class Stages:
    """What the stages made of a page on the way to its records, kept for ``inspect``."""

    meta: Metadata
    removed: list[Removed]
    blocks: list[Block]
    classified: list[Classified]
    title: str
    drug: str | None


@dataclass(slots=True)
class PageResult:
    source: str
    article: Article | None = None
    rejects: list[Reject] = field(default_factory=list)
    stages: Stages | None = None


def article_id(source: str, data: bytes) -> str:
    """Stable across runs for the same source and content; differs when either changes."""
    digest = hashlib.sha256()
    digest.update(source.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()[:16]


def _names_drug(text: str) -> bool:
    return bool(lexicon().find(text) or lexicon().find_classes(text))


_LONG_PARAGRAPH = 25
"""Words of a paragraph that makes the text begin: a heading after it heads a section."""


def _opening_heading(blocks: list[Block]) -> str | None:
    """The first heading (h1-h3) that comes before the text begins: "new sale" or a price
    before a product's h3 is no text yet; an introduction of three sentences is."""
    for b in blocks:
        if b.kind == "heading" and b.level <= 3:
            return b.text
        if b.kind == "paragraph" and len(b.text.split()) >= _LONG_PARAGRAPH:
            return None
    return None


def _single_drug(text: str) -> str | None:
    """The one drug a heading names, if any; a name inside an effect's ("Creatine
    phosphokinase elevation", "Vitamin B12 deficiency") names no drug."""
    names = {m.generic for m in lexicon().find(text) if not effect_like(text[m.start:].strip())}
    return names.pop() if len(names) == 1 else None


def _first_of_each(side_effects: list[SideEffect]) -> list[SideEffect]:
    """Comparison rows repeat list terms; keep the first record of each (drug, term, category)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for se in side_effects:
        key = (se.drug, se.term_canonical, se.category)
        if key not in seen:
            seen.add(key)
            kept.append(se)
    return kept


def _first_condition(conditions: list[Condition]) -> list[Condition]:
    """A condition a comparison table's uses column repeats from the text is listed once."""
    first = {c.name_normalized: c for c in reversed(conditions)}
    return [c for c in conditions if first[c.name_normalized] is c]


class PageTimeout(BaseException):
    """Raised inside a page's stages when its time limit is over.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` inside a
    stage can swallow it: it always reaches :func:`process_page`, which turns it into a reject.
    """


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise PageTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`PageTimeout` in the block once ``seconds`` of wall time have passed.

    POSIX only, and only in the main thread: a ``SIGALRM`` timer (``setitimer``) whose handler
    raises. Python runs the handler between bytecodes, so a limit is enforced inside any
    Python loop and regular expression, but one long call into C (libxml2 on a pathological
    page) finishes first: that is why pages run in worker processes, which the engine kills
    a little after the limit (:mod:`pipeline.engine`). Elsewhere (Windows, another thread) and
    for ``None`` or 0 the block runs without a limit.
    """
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_WARM_UP_PAGE = b"""<html><head><title>Naproxen 250 mg</title></head><body><article>
<h1>Naproxen 250 mg tablets</h1><p>Naproxen is used to treat arthritis and period pain.</p>
<h2>Benefits</h2><p>Naproxen helps to relieve pain, swelling and stiffness.</p>
<h2>Dosage</h2><p>Take 250 mg twice a day with food. Do not take more than 1000 mg a day.</p>
<h2>Side effects</h2><p>Common side effects include nausea and headache.</p><ul><li>Dizziness</li></ul>
<h2>Warnings</h2><p>Do not take naproxen if you are allergic to aspirin (Smith et al., 2019).</p>
<table><tr><th>Drug</th><th>Dose</th><th>Side effects</th></tr>
<tr><td>Naproxen</td><td>250 mg</td><td>Nausea</td></tr><tr><td>Ibuprofen</td><td>200 mg</td>
<td>Heartburn</td></tr></table></article></body></html>"""


def warm_up() -> None:
    """Load every lexicon and compile every pattern now, so that the first page's time limit
    measures the page and not the loading (about half a second, paid once per process)."""
    process_page("warm-up.html", _WARM_UP_PAGE)


_board: Any = None
"""Where this process shows the stage of the page in progress (see :func:`show_stages_on`)."""


def show_stages_on(board: Any) -> None:
    """Keep ``board.value`` (a small shared byte array) set to the stage of the page this
    process is working on: a worker's engine reads it when it has to kill the worker, to say
    in which stage the page was stopped."""
    global _board
    _board = board


class _Progress:
    """The stage a page is in, and the warnings (``warnings.warn``) raised on the way, each
    once: a library's warning is about this page, not something to print raw on stderr."""

    def __init__(self) -> None:
        self.stage = "decode"
        self.warnings: dict[tuple[str, str], None] = {}

    def enter(self, stage: str) -> None:
        self.stage = stage
        if _board is not None:
            _board.value = stage.encode()

    def warn(self, message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        self.warnings.setdefault((self.stage, f"{category.__name__}: {message}"), None)


INTERNAL_ERROR = "internal error while extracting records (a bug: see the log)"


def process_page(source: str, data: bytes, url: str | None = None, timeout: float | None = None,
                 max_bytes: int = MAX_PAGE_BYTES) -> PageResult:
    """Run every stage on one page; never raises for bad input, it rejects it instead.

    ``url``: where the page was fetched from, the article's ``url`` when the page names no
    canonical URL of its own. ``timeout``: seconds the page may take (see :func:`time_limit`);
    a page that takes longer is one reject, ``timed out after N s``, with no records.
    ``max_bytes``: the largest page once a gzip-compressed page is expanded. Warnings that
    libraries raise on the way are logged for the page (level INFO), never printed raw.
    """
    progress = _Progress()
    progress.enter("decode")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = progress.warn
        result = _stages(source, data, url, timeout, max_bytes, progress)
    for stage, text in progress.warnings:
        page_log(log, source, stage).info("%s", text)
    return result


def _stages(source: str, data: bytes, url: str | None, timeout: float | None, max_bytes: int,
            progress: _Progress) -> PageResult:
    result = PageResult(source=source)
    aid = article_id(source, data)

    def reject(stage: str, reason: str) -> PageResult:
        page_log(log, source, stage).warning("%s", reason)
        result.rejects.append(Reject(source=source, stage=stage, reason=reason, article_id=aid))
        return result

    try:
        with time_limit(timeout):
            try:
                decoded = decode(data, max_bytes=max_bytes)
            except DecodeError as exc:
                return reject("decode", str(exc))
            progress.enter("parse")
            try:
                root = parse(decoded.text)
            except ParseError as exc:
                return reject("parse", str(exc))
            progress.enter("extract")
            try:
                return _extract(source, aid, root, result, url)
            except RecursionError:
                return reject("segment", "document nested too deeply to process")
            except MemoryError:
                return reject("extract", "out of memory")
            except Exception:  # a bug must cost one page, never the run; the log has the details
                page_log(log, source, "extract").exception("extract failed")
                return reject("extract", INTERNAL_ERROR)
    except PageTimeout:
        # what the stages made before the limit is dropped: a page is all or nothing
        result = PageResult(source=source)
        return reject(progress.stage, f"timed out after {timeout:g} s (--page-timeout)")


def _not_medication(source: str, aid: str, result: PageResult, reason: str) -> PageResult:
    page_log(log, source, "classify").warning("%s", reason)
    result.rejects.append(Reject(source=source, stage="classify", reason=reason, article_id=aid))
    return result


def _extract(source: str, aid: str, root: HtmlElement, result: PageResult,
             fetched_url: str | None) -> PageResult:
    meta = extract_metadata(root)
    content = strip_boilerplate(root, meta.title)
    blocks = resolve_tables(segment(content.root), lexicon().canonical)
    body_texts = [b.text for b in blocks if b.kind != "heading"]
    title = meta.title or headline_of(blocks)
    headlines = [title, meta.h1]
    if meta.title and meta.h1 is None and not _names_drug(title):
        # no h1 and a <title> that names no drug ("Ok Lifecare", a clinic's name and tagline):
        # a heading that opens the text is the headline; one further down, naming a drug
        # ("Frequently asked questions about Suboxone"), still names the page's drug
        opening = _opening_heading(blocks)
        if opening and _names_drug(opening):
            title = headlines[0] = opening
        else:
            headlines.append(next((b.text for b in blocks if b.kind == "heading"
                                   and b.level <= 3 and _names_drug(b.text)), None))
    drug = primary_drug(headlines, meta.jsonld_names, [b.text for b in blocks])
    relevance = judge([title, meta.h1], drug, (b.text for b in blocks))
    if not relevance.medication:
        return _not_medication(source, aid, result, relevance.reason)
    if not relevance.drug_stands:
        drug = None  # "lithium" in an article that speaks of no dose, patient or treatment
    classified = classify(blocks, title=meta.title, drug_of=_single_drug)
    ctx = PageContext(blocks=classified, primary=drug, source=source)
    result.stages = Stages(meta, content.removed, blocks, classified, title, drug)

    comparisons = extract_comparisons(ctx)
    doses = extract_doses(ctx) + comparisons.doses
    side_effects = _first_of_each(extract_side_effects(ctx) + comparisons.side_effects)
    drug_class = page_class([title, meta.h1], [b.text for b in blocks], drug)
    conditions = _first_condition(extract_conditions(ctx) + comparisons.conditions)
    side_effects = without_treated_withdrawal(side_effects, conditions, ctx)
    records = {
        "conditions": conditions,
        "doses": with_class(doses, drug_class),
        "benefits": with_class(extract_benefits(ctx) + comparisons.benefits, drug_class),
        "side_effects": with_class(side_effects, drug_class),
        "warnings": with_class(extract_warnings(ctx), drug_class),
        "comparisons": with_class(comparisons.rows, drug_class),
    }
    result.rejects.extend(ctx.rejects)

    # a dose tied to no drug is only a number and a unit ("250 g flour"): not evidence enough
    has_records = bool(side_effects or comparisons.rows) or any(d.drug for d in doses)
    medical_sections = any(cb.kind in _MEDICAL_KINDS for cb in classified)
    if drug is None and not has_records and not medical_sections and not any(
        lexicon().find(b.text) or lexicon().find_classes(b.text) for b in blocks[:300]
    ):
        return _not_medication(source, aid, result,
                               "not a medication article: no drug, dose, side effect or comparison found")
    author = None
    if meta.author_name:
        author = build(Author, result.rejects, source, name=meta.author_name,
                       title=meta.author_title)
    result.article = build(
        Article,
        result.rejects,
        source,
        article_id=aid,
        source=source,
        url=meta.url or fetched_url,
        title=title,
        description=meta.description,
        site_name=meta.site_name,
        language=resolve_language(meta.language, " ".join(body_texts)),
        published=meta.published,
        modified=meta.modified,
        drug=drug,
        drug_class=drug_class,
        author=author,
        citations=extract_citations(" ".join(body_texts)),
        **records,
    )
    return result

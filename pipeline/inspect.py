"""Why a page extracted the way it did: ``python -m pipeline inspect PAGE.html``.

:func:`inspect_page` runs the page through :func:`pipeline.run.process_page`, exactly as
``extract`` does, and explains what the stages made of it: the metadata found, every section
heading (how the segmenter recognised it, what it was classified as and which lexicon phrase
decided that), the records each section produced with their evidence, and the regions removed
as boilerplate. It is pure: bytes in, an :class:`Inspection` out; :func:`render_text` and
:func:`to_json` turn that into what the command prints.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel

from pipeline.classify import Classified, classify_heading, normalize_heading
from pipeline.decode import DecodeError, decode
from pipeline.models import RECORD_TABLES as MODEL_TABLES
from pipeline.models import Article, Comparison, Condition, Dose, SideEffect
from pipeline.phrases import phrase_pattern
from pipeline.run import Stages, article_id, process_page

RECOGNISED_AS = {
    **{f"h{n}": f"<h{n}> heading" for n in range(1, 7)},
    "bold": "bold line standing alone",
    "label": "bold lead-in label",
    "li": "bold label heading a list item",
    "dt": "<dt> term of a definition list",
    "th": "table header cell",
    "caption": "table caption",
    "row-header": "table row header",
    "line": "short line naming a section, or a line ending with ':' before a list",
    "lead-in": "sentence ending with ':' before a list (a neutral topic in it does not count)",
}
"""How the segmenter (``Block.source``) and classify (``line``) recognised a heading."""

RECORD_TABLES = (*MODEL_TABLES, "comparisons")
_PREAMBLE = "(before the first heading)"


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    group: str
    """``kind`` (a section kind) or ``category`` (a side-effect category)."""
    name: str
    phrase: str


@dataclass(frozen=True, slots=True)
class RecordNote:
    table: str
    summary: str
    drug: str | None
    evidence: str


@dataclass(slots=True)
class Section:
    heading: str
    level: int
    recognised: str
    """The segmenter's name for the markup (``h2``, ``bold``, ``label``, ``dt``, ``th``...)."""
    path: list[str]
    kind: str | None
    """The section kind in force for the blocks under the heading."""
    category: str | None
    own_kind: str | None
    """What the heading's own words name, before title, table and inheritance rules."""
    own_category: str | None
    matches: list[PhraseMatch]
    why: str
    blocks: int = 0
    records: list[RecordNote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RemovedNote:
    tag: str
    label: str
    reason: str
    text: str


@dataclass(slots=True)
class Inspection:
    source: str
    article_id: str
    encoding: str | None
    outcome: str
    """``article`` or ``rejected``."""
    metadata: dict[str, Any]
    counts: dict[str, int]
    sections: list[Section]
    unplaced: list[RecordNote]
    """Records whose evidence was found under no section (normally none)."""
    removed: list[RemovedNote]
    rejects: list[dict[str, Any]]


# --- why a heading was classified as it was --------------------------------------------------


@cache
def _section_phrases() -> tuple[tuple[str, str, str, re.Pattern[str]], ...]:
    """Every phrase of ``data/sections.json`` as (group, name, phrase, pattern)."""
    data = json.loads(resources.files("pipeline.data").joinpath("sections.json").read_text())
    out: list[tuple[str, str, str, re.Pattern[str]]] = []
    for group, key in (("kind", "kinds"), ("category", "categories")):
        for name, phrases in data[key].items():
            for phrase in sorted({p.lower() for p in phrases}):
                out.append((group, name, phrase, phrase_pattern([phrase])))
    return tuple(out)


def matched_phrases(heading: str) -> list[PhraseMatch]:
    """The lexicon phrases found in a heading: the longest one per kind and per category.

    Re-runs the phrase patterns :func:`pipeline.classify.classify_heading` decides by, so a
    user sees which phrase made "Serious side effects" a serious side-effects section.

    >>> [(m.group, m.name, m.phrase) for m in matched_phrases("Serious side effects")]
    [('kind', 'side_effects', 'side effects'), ('category', 'serious', 'serious')]
    """
    norm = normalize_heading(heading)
    best: dict[tuple[str, str], str] = {}
    for group, name, phrase, pattern in _section_phrases():
        if len(phrase) > len(best.get((group, name), "")) and pattern.search(norm):
            best[(group, name)] = phrase
    ordered = sorted(best.items(), key=lambda kv: (kv[0][0] != "kind", -len(kv[1]), kv[0][1]))
    return [PhraseMatch(group, name, phrase) for (group, name), phrase in ordered]


def _quote(text: str) -> str:
    return f"“{text}”"


def _why(heading: str, path: Sequence[str], kind: str | None, category: str | None,
         matches: Sequence[PhraseMatch]) -> str:
    own = classify_heading(heading)
    kinds = [m for m in matches if m.group == "kind"]
    parts: list[str] = []
    if kind == "title" and own.kind == "title":
        named = ", ".join(sorted({m.name for m in kinds}))
        parts.append(f"names {own.named} section kinds ({named}): a headline for the whole page")
    elif kind == "title":
        parts.append("the page's headline (h1, or the same words as <title>): names the page, "
                     "not a section")
    elif kind == "table" and own.kind is None:
        parts.append("a table header that names no section: a column name, not a section")
    elif kind is not None and own.kind == kind:
        hit = next((m for m in kinds if m.name == kind), None)
        if hit is None and kinds:  # withdrawal / overdose headings are side-effect sections
            hit = kinds[0]
        parts.append(f"phrase {_quote(hit.phrase)} → {hit.name}" if hit else f"kind {kind}")
        others = [m for m in kinds if m is not hit]
        if others:
            parts.append("longest phrase wins over " + ", ".join(_quote(m.phrase) for m in others))
    elif kind is not None:
        origin = next((h for h in reversed(path) if classify_heading(h).kind == kind), None)
        parts.append(f"no section phrase of its own; inherits {kind} from {_quote(origin)}"
                     if origin else f"no section phrase of its own; {kind} from an outer heading")
    elif own.kind is not None:
        parts.append(f"phrase names {own.kind}, but nothing under it took the section")
    else:
        parts.append("no section phrase here or in any heading above it")
    if category is not None:
        cat = next((m for m in matches if m.group == "category" and m.name == category), None)
        if cat is not None:
            parts.append(f"category phrase {_quote(cat.phrase)} → {category}")
        else:
            origin = next((h for h in reversed(path) if classify_heading(h).category == category),
                          None)
            parts.append(f"category {category} from {_quote(origin)}" if origin
                         else f"category {category}")
    return "; ".join(parts)


# --- sections and the records they produced -------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(slots=True)
class _Draft:
    section: Section
    key: tuple[str, ...]
    texts: list[str] = field(default_factory=list)
    first: Classified | None = None
    tables: list[int] = field(default_factory=list)


def _sections(stages: Stages) -> list[_Draft]:
    drafts: list[_Draft] = []
    by_path: dict[tuple[str, ...], _Draft] = {}
    preamble = _Draft(Section(_PREAMBLE, 0, "", [], None, None, None, None, [], ""), ())
    comparison_tables = 0
    for cb in stages.classified:
        block = cb.block
        holder = by_path.get(cb.path, preamble)
        holder.texts.append(_squash(block.text))
        if block.kind == "table" and "orientation" in block.extra:
            holder.tables.append(comparison_tables)
            comparison_tables += 1
        if block.kind != "heading":
            holder.section.blocks += 1
            if holder.first is None:
                holder.first = cb
            continue
        own = classify_heading(block.text)
        section = Section(block.text, block.level, block.source, list(cb.path), None, None,
                          own.kind, own.category, matched_phrases(block.text), "")
        draft = _Draft(section, (*cb.path, block.text))
        by_path[draft.key] = draft
        drafts.append(draft)
    for draft in [preamble, *drafts]:
        sec = draft.section
        if draft.first is not None:
            sec.kind, sec.category = draft.first.kind, draft.first.category
        elif draft is not preamble:  # nothing under it: what the heading itself names
            sec.kind, sec.category = sec.own_kind, sec.own_category
        if draft is not preamble:
            sec.why = _why(sec.heading, sec.path, sec.kind, sec.category, sec.matches)
    return [preamble, *drafts] if preamble.section.blocks else drafts


def _fmt_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _summary(table: str, record: BaseModel) -> str:
    if isinstance(record, Dose):
        amount = _fmt_number(record.amount)
        if record.amount_max is not None:
            amount += f"–{_fmt_number(record.amount_max)}"
        per_day = "/day" if record.amount_per == "day" else ""  # a daily total
        bits = [f"{amount} {record.unit}{per_day}", str(record.kind)]
        if record.frequency_per_day is not None:
            bits.append(f"{_fmt_number(record.frequency_per_day)}×/day")
        bits += [v for v in (record.route, record.form, record.food, record.population) if v]
        if record.as_needed:
            bits.append("as needed")
        return ", ".join(bits)
    if isinstance(record, SideEffect):
        term = record.term_normalized
        if record.term_canonical != term:
            term += f" (= {record.term_canonical})"
        return f"{term} [{record.category}]"
    if isinstance(record, Condition):
        same = record.name_normalized == record.name.lower()
        return record.name if same else f"{record.name} → {record.name_normalized}"
    if isinstance(record, Comparison):
        return f"table {record.table} row {record.row}: {record.medication}"
    return ""


def _records(article: Article) -> Iterable[tuple[str, BaseModel]]:
    for table in RECORD_TABLES:
        for record in getattr(article, table):
            yield table, record


def _place(table: str, record: BaseModel, drafts: Sequence[_Draft]) -> _Draft | None:
    """The section a record came from: its ``section`` heading, confirmed by its evidence."""
    evidence = _squash(str(getattr(record, "text", "")))
    if isinstance(record, Comparison):
        return next((d for d in drafts if record.table in d.tables), None)
    candidates = list(drafts)
    if "section" in type(record).model_fields:
        heading = getattr(record, "section", None)
        candidates = [d for d in drafts if d.section.heading == (heading or _PREAMBLE)] or candidates

    def holds(d: _Draft) -> bool:
        return any(evidence and (evidence in t or t in evidence) for t in d.texts if t)

    return next((d for d in candidates if holds(d)), candidates[0] if len(candidates) < len(drafts)
                else None)


def inspect_page(source: str, data: bytes, url: str | None = None) -> Inspection:
    """Everything ``extract`` does to one page, explained (``url``: see ``process_page``)."""
    result = process_page(source, data, url=url)
    try:
        encoding: str | None = decode(data).encoding
    except DecodeError:
        encoding = None
    article, stages = result.article, result.stages
    meta: dict[str, Any] = {}
    drafts: list[_Draft] = []
    removed: list[RemovedNote] = []
    if stages is not None:
        m = stages.meta
        meta = {
            "title": stages.title, "drug": stages.drug, "author": m.author_name,
            "author_title": m.author_title, "published": m.published and m.published.isoformat(),
            "modified": m.modified and m.modified.isoformat(), "url": m.url,
            "site_name": m.site_name, "language": m.language, "description": m.description,
        }
        drafts = _sections(stages)
        removed = [RemovedNote(r.tag, r.label, r.reason, r.text) for r in stages.removed]
    unplaced: list[RecordNote] = []
    counts = dict.fromkeys(RECORD_TABLES, 0)
    if article is not None:
        for table, record in _records(article):
            counts[table] += 1
            note = RecordNote(table, _summary(table, record), getattr(record, "drug", None),
                              str(getattr(record, "text", "")))
            home = _place(table, record, drafts)
            (home.section.records if home else unplaced).append(note)
    return Inspection(
        source=source,
        article_id=article_id(source, data),
        encoding=encoding,
        outcome="article" if article is not None else "rejected",
        metadata=meta,
        counts=counts,
        sections=[d.section for d in drafts],
        unplaced=unplaced,
        removed=removed,
        rejects=[r.model_dump(mode="json", exclude_none=True) for r in result.rejects],
    )


# --- output -----------------------------------------------------------------------------------


def to_json(inspection: Inspection) -> str:
    return json.dumps(dataclasses.asdict(inspection), ensure_ascii=False, indent=2)


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters, its leading indent kept."""
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(inspection: Inspection, width: int = 100) -> str:
    """The inspection as a person reads it in a terminal."""
    ins = inspection
    lines = [f"page      {ins.source}",
             f"result    {ins.outcome} {ins.article_id}"
             + (f" (decoded as {ins.encoding})" if ins.encoding else "")]
    counted = ", ".join(f"{n} {t}" for t, n in ins.counts.items() if n)
    lines.append(f"records   {counted or 'none'}")
    if ins.metadata:
        md = ins.metadata
        lines.append("")
        lines.append("metadata")
        author = md["author"] and md["author"] + (f" ({md['author_title']})" if md["author_title"] else "")
        for label, value in (("title", md["title"]), ("drug", md["drug"]), ("author", author),
                             ("published", md["published"]), ("modified", md["modified"]),
                             ("url", md["url"]), ("site", md["site_name"]),
                             ("language", md["language"])):
            lines.append(f"  {label:<10} {value if value else '-'}")
    lines.append("")
    lines.append(f"sections ({sum(1 for s in ins.sections if s.recognised)})"
                 "   [how recognised] heading / → kind/category in force: why / + records")
    for sec in ins.sections:
        if not sec.recognised and not sec.records and not sec.blocks:
            continue
        indent = "  " * (1 + len(sec.path))
        kind = sec.kind or "no kind"
        if sec.category:
            kind += f"/{sec.category}"
        how = f"[{sec.recognised}] " if sec.recognised else ""
        blocks = f"  ({sec.blocks} block{'s' * (sec.blocks != 1)})" if sec.blocks else ""
        lines.append(_clip(f"{indent}{how}{sec.heading}{blocks}", width))
        lines.append(_clip(f"{indent}    → {kind}" + (f": {sec.why}" if sec.why else ""), width))
        for rec in sec.records:
            head = f"{rec.table}: {rec.summary}" if rec.summary else rec.table
            drug = f" ({rec.drug})" if rec.drug and rec.drug != ins.metadata.get("drug") else ""
            lines.append(_clip(f"{indent}    + {head}{drug} ← “{rec.evidence}”", width))
    if ins.unplaced:
        lines.append("")
        lines.append(f"records under no section ({len(ins.unplaced)})")
        for rec in ins.unplaced:
            lines.append(_clip(f"  + {rec.table}: {rec.summary} ← “{rec.evidence}”", width))
    lines.append("")
    lines.append(f"removed as boilerplate ({len(ins.removed)})   <tag id/class> reason: text")
    for r in ins.removed:
        label = f" {r.label}" if r.label else ""
        lines.append(_clip(f"  <{r.tag}{label}> {r.reason}: {r.text or '-'}", width))
    lines.append("")
    lines.append(f"rejects ({len(ins.rejects)})")
    for rej in ins.rejects:
        evidence = (rej.get("detail") or {}).get("evidence")
        lines.append(_clip(f"  {rej['stage']}: {rej['reason']}"
                           + (f" ← “{evidence}”" if evidence else ""), width))
    return "\n".join(lines) + "\n"

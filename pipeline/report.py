"""``report.html``: one self-contained page about a run, for a person to open in a browser.

Counts, per-field coverage, rejects by reason, a bar chart of the side effects named for the
most drugs, and a table per drug. Plain HTML with inline CSS and an inline SVG chart: no
script, no external asset, nothing fetched, so it opens the same offline, from an e-mail or
from a CI artefact. Every string that comes from a page is escaped.

The page is a pure function of the run's articles and rejects (no clock, no output path, not
their order), so two runs over the same inputs write the same bytes, like every other output.
Its figures are gathered as the run goes (:class:`ReportStats`), never from a list of all
articles.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pipeline import PROGRAM
from pipeline.export import atomic_write
from pipeline.models import Article, Dose, Reject

CHART_TERMS = 15
DRUG_TABLES = 300
"""Past this many drugs the report lists the rest by name only, to stay quick to open."""
TOP_TERMS = 8
COVERAGE_TABLES = ("doses", "side_effects", "warnings", "benefits", "conditions", "comparisons",
                   "citations")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


# --- figures ----------------------------------------------------------------------------------


@dataclass(slots=True)
class DrugFigures:
    articles: int = 0
    doses: int = 0
    side_effects: int = 0
    warnings: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    strengths: Counter[str] = field(default_factory=Counter)


def _dose_label(d: Dose) -> str:
    def num(x: float) -> str:
        return str(int(x)) if x.is_integer() else str(x)

    amount = num(d.amount) + (f"–{num(d.amount_max)}" if d.amount_max is not None else "")
    return f"{amount} {d.unit}"


REJECT_EXAMPLES = 3
REJECT_GROUPS = 200
"""Distinct (stage, reason) groups the report lists; the rest are counted as one line."""


@dataclass(slots=True)
class ReportStats:
    """Everything the report shows, gathered one article at a time: the report of a run of
    any size needs no more memory than its number of distinct drugs and terms. The figures
    do not depend on the order articles arrive in."""

    articles: int = 0
    have: Counter[str] = field(default_factory=Counter)
    """Field or table name -> articles that have it (see :meth:`coverage`)."""
    spread: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Canonical side-effect term -> the drugs it is named for."""
    figures: dict[str, DrugFigures] = field(default_factory=lambda: defaultdict(DrugFigures))
    rejects: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, a: Article) -> None:
        self.articles += 1
        present = {"title": bool(a.title), "drug": bool(a.drug), "author": a.author is not None,
                   "date (published or modified)": bool(a.published or a.modified)}
        present.update((table, bool(getattr(a, table))) for table in COVERAGE_TABLES)
        self.have.update(name for name, yes in present.items() if yes)
        if a.drug:
            self.figures[a.drug].articles += 1
        for dose in a.doses:
            if drug := dose.drug or a.drug:
                self.figures[drug].doses += 1
                self.figures[drug].strengths[_dose_label(dose)] += 1
        for se in a.side_effects:
            if drug := se.drug or a.drug:
                self.figures[drug].side_effects += 1
                self.figures[drug].terms[se.term_canonical] += 1
                self.spread[se.term_canonical].add(drug)
        for w in a.warnings:
            if drug := w.drug or a.drug:
                self.figures[drug].warnings += 1

    def add_rejects(self, rejects: Iterable[Reject]) -> None:
        for r in rejects:
            group = (r.stage, r.reason)
            if group not in self.rejects and len(self.rejects) >= REJECT_GROUPS:
                group = ("(several)", "other reasons (see rejects.jsonl)")
            self.rejects[group] += 1
            shown = self.examples.setdefault(group, [])
            if r.source not in shown:
                bisect.insort(shown, r.source)
                del shown[REJECT_EXAMPLES:]

    @property
    def reject_count(self) -> int:
        return sum(self.rejects.values())

    def coverage(self) -> list[tuple[str, int]]:
        """(field, number of articles that have it): metadata fields, then ≥1 record per table."""
        names = ["title", "drug", "author", "date (published or modified)", *COVERAGE_TABLES]
        return [(name, self.have[name]) for name in names]

    def side_effect_spread(self) -> list[tuple[str, int]]:
        """(term_canonical, number of distinct drugs it is named for), most widespread first."""
        return sorted(((t, len(d)) for t, d in self.spread.items()), key=lambda kv: (-kv[1], kv[0]))


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d2733; --muted: #5b6775; --line: #d9dee5; --accent: #2b6cb0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 6px; }
p.lead, .muted { color: var(--muted); }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
        min-width: 130px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.meter { background: var(--bg); border: 1px solid var(--line); height: 12px; width: 220px;
         border-radius: 6px; }
.meter i { display: block; height: 100%; background: var(--accent); border-radius: 6px; }
svg.chart { width: 100%; height: auto; }
svg.chart .bar { fill: var(--accent); }
svg.chart text { font: 13px system-ui, sans-serif; fill: var(--ink); }
svg.chart text.value { fill: var(--muted); }
.drugs { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
.drug { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.drug table { margin: 0; font-size: 14px; }
.drug th { width: 38%; background: none; font-weight: 500; color: var(--muted); }
"""


def _cards(items: Sequence[tuple[str, int]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{n:,}</b><span>{_e(label)}</span></div>' for label, n in items
    ) + "</div>"


def _coverage_table(stats: ReportStats) -> str:
    total = stats.articles
    rows = []
    for name, n in stats.coverage():
        share = _pct(n, total)
        rows.append(f"<tr><td>{_e(name)}</td><td class=\"n\">{n:,} / {total:,}</td>"
                    f"<td class=\"n\">{share:.0f}%</td><td><div class=\"meter\"><i style=\"width:"
                    f"{share:.1f}%\"></i></div></td></tr>")
    return ('<table class="coverage"><thead><tr><th>field / table</th><th>articles</th>'
            "<th>share</th><th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _rejects_table(stats: ReportStats) -> str:
    if not stats.rejects:
        return '<p class="muted">No rejects: every input became an article.</p>'
    groups = sorted(stats.rejects.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = "".join(
        f"<tr><td>{_e(stage)}</td><td>{_e(reason)}</td><td class=\"n\">{n:,}</td>"
        f"<td>{'<br>'.join(_e(s) for s in stats.examples[(stage, reason)])}</td></tr>"
        for (stage, reason), n in groups
    )
    return ('<table class="rejects"><thead><tr><th>stage</th><th>reason</th><th>count</th>'
            "<th>examples</th></tr></thead><tbody>" + rows + "</tbody></table>")


def bar_chart(data: Sequence[tuple[str, int]], unit: str = "drugs") -> str:
    """A horizontal bar chart as inline SVG: renders without script in every browser."""
    if not data:
        return '<p class="muted">No side effects were extracted.</p>'
    label_w, bar_w, row_h, pad = 230, 640, 26, 8
    width, height = label_w + bar_w + 90, pad * 2 + row_h * len(data)
    top = max(n for _, n in data)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" aria-label="Side effects named for the most drugs">']
    for i, (term, n) in enumerate(data):
        y = pad + i * row_h
        w = max(2.0, bar_w * n / top)
        parts.append(
            f'<g><text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{_e(term)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'rx="3"><title>{_e(term)}: {n} {unit}</title></rect>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 17}">{n}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _drug_tables(figures: Mapping[str, DrugFigures]) -> str:
    ranked = sorted(figures.items(),
                    key=lambda kv: (-(kv[1].doses + kv[1].side_effects + kv[1].warnings), kv[0]))
    cards = []
    for i, (drug, f) in enumerate(ranked[:DRUG_TABLES]):
        terms = ", ".join(f"{_e(t)} ({n})" if n > 1 else _e(t) for t, n in _top(f.terms, TOP_TERMS))
        strengths = ", ".join(_e(s) for s, _ in _top(f.strengths, TOP_TERMS))
        cards.append(
            f'<section class="drug" id="drug-{i + 1}"><h3>{_e(drug)}</h3>'
            '<table class="drug-table"><tbody>'
            f'<tr><th>articles</th><td class="n">{f.articles:,}</td></tr>'
            f'<tr><th>doses</th><td class="n">{f.doses:,}</td></tr>'
            f'<tr><th>side effects</th><td class="n">{f.side_effects:,}</td></tr>'
            f'<tr><th>warnings</th><td class="n">{f.warnings:,}</td></tr>'
            f"<tr><th>top side effects</th><td>{terms or '–'}</td></tr>"
            f"<tr><th>doses seen</th><td>{strengths or '–'}</td></tr>"
            "</tbody></table></section>"
        )
    rest = ""
    if len(ranked) > DRUG_TABLES:
        rest = (f'<p class="muted">{len(ranked) - DRUG_TABLES} more drugs: '
                + ", ".join(_e(d) for d, _ in ranked[DRUG_TABLES:]) + "</p>")
    if not cards:
        return '<p class="muted">No records were attributed to a drug.</p>'
    return '<div class="drugs">' + "".join(cards) + "</div>" + rest


def render_report(stats: ReportStats, rows: Mapping[str, int], pages: int, version: str) -> str:
    """The whole report page."""
    figures = stats.figures
    spread = stats.side_effect_spread()[:CHART_TERMS]
    n_rejects = stats.reject_count
    table_counts = [(name.replace("_", " "), n) for name, n in rows.items()
                    if name not in ("articles", "rejects")]
    return "".join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{PROGRAM} run report</title>"
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{PROGRAM} run report</h1>",
        f'<p class="lead">{PROGRAM} {_e(version)}: {pages:,} pages read, {stats.articles:,} '
        f"articles, {n_rejects:,} rejects. Timing is in <code>run.json</code>.</p>",
        '<nav><a href="#counts">counts</a><a href="#coverage">coverage</a>'
        '<a href="#rejects">rejects</a><a href="#side-effects">side effects</a>'
        '<a href="#drugs">drugs</a></nav>',
        '<h2 id="counts">Counts</h2>',
        _cards([("pages", pages), ("articles", stats.articles), ("rejects", n_rejects),
                ("drugs", len(figures))]),
        '<p class="muted">Rows per table</p>',
        _cards(table_counts),
        '<h2 id="coverage">Coverage</h2>',
        '<p class="muted">Share of articles with the field, or with at least one record in the '
        "table.</p>",
        _coverage_table(stats),
        '<h2 id="rejects">Rejects by reason</h2>',
        _rejects_table(stats),
        '<h2 id="side-effects">Most frequent side effects across drugs</h2>',
        f'<p class="muted">The {len(spread)} side effects named for the most distinct drugs '
        "(canonical terms).</p>",
        bar_chart(spread),
        f'<h2 id="drugs">Per drug ({len(figures):,})</h2>',
        _drug_tables(figures),
        "</main></body></html>\n",
    ])


def write_report(path: Path, stats: ReportStats, rows: Mapping[str, int], pages: int,
                 version: str) -> None:
    atomic_write(path, [render_report(stats, rows, pages, version)])

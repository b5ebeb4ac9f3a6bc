"""Command line: ``python -m pipeline extract [INPUT ...] [--out DIR]`` (see SPEC.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from sqlalchemy import URL

from pipeline import PROGRAM, __version__
from pipeline.console import (
    RunSummary,
    Verbosity,
    configure_logging,
    format_summary,
    progress,
    show_progress,
)
from pipeline.dask_engine import DaskUnavailable, run_dask
from pipeline.decode import MAX_PAGE_BYTES
from pipeline.engine import WorkerStats, default_workers, peak_rss_self, run_local
from pipeline.export import (
    OutputLocked,
    atomic_write,
    clear_leftovers,
    new_generation,
    output_lock,
    publish,
)
from pipeline.incremental import Manifest, published_pages
from pipeline.inputs import (
    PAGE_PATTERNS,
    InputError,
    Inputs,
    display_source,
    iter_pages,
    read_source,
    resolve_inputs,
    run_order,
    source_urls,
)
from pipeline.logs import page_log, printable
from pipeline.report import write_report
from pipeline.sinks import RunWriter
from pipeline.store.sql import (
    StoreError,
    checked_url,
    database_url,
    display_url,
    write_pages,
)
from pipeline.tasks import PageOutcome, Settings
from pipeline.warc import is_warc

log = logging.getLogger("pipeline")
P = ParamSpec("P")
R = TypeVar("R")


class ArgumentError(click.ClickException):
    """An unusable argument: one line on stderr (no usage block), exit status 2."""

    exit_code = 2


def writable_dir(out: str) -> Path:
    """The output directory, created if missing; an unusable one is an argument error."""
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise ArgumentError(f"output path is not a directory: {out_dir}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(f"output directory is not writable: {out_dir}")
    except OSError as exc:
        raise ArgumentError(f"cannot write to {out_dir}: {exc}") from exc
    return out_dir


EXIT_STATUS = """\b
Exit status (each COMMAND --help has its own):
  0  finished (extract: also when some inputs were rejected, see rejects.jsonl)
  1  an unexpected failure (a bug: the traceback says where); fetch: no URL
     could be fetched; extract: the --db database failed
  2  unusable arguments (missing input, unwritable output, unknown option), or
     another run is writing to the same output directory"""

EXTRACT_EXIT_STATUS = """\b
Exit status:
  0  finished (also when some inputs were rejected: they are in rejects.jsonl)
  1  unexpected failure (a bug: the traceback says where), or the --db database
     failed after the files were written (the error names it)
  2  unusable arguments (missing input, unwritable output, unusable --db URL,
     unknown option), or another run is writing to the same output directory"""

FETCH_EXIT_STATUS = """\b
Exit status:
  0  finished, and at least one URL was fetched (stored, or unchanged since the
     last fetch); the others are in OUT/manifest.jsonl with the reason
  1  no URL could be fetched (the last line says why, manifest.jsonl has each
     URL's reason), or an unexpected failure (a bug: the traceback says where)
  2  unusable arguments (nothing to fetch, missing URL file, not an http(s) URL,
     unwritable output, unknown option)"""

INSPECT_EXIT_STATUS = """\b
Exit status:
  0  explained (also a page that is a reject: the reasons are shown)
  1  unexpected failure (a bug: the traceback says where)
  2  unusable arguments (missing or unreadable page, unknown option)"""

_VERBOSITY = f"{PROGRAM}.verbosity"


def _verbosity() -> Verbosity:
    value: Verbosity = click.get_current_context().meta.get(_VERBOSITY, "normal")
    return value


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_VERBOSITY] = param.name  # ctx.meta is shared by the group and subcommand
        configure_logging(_verbosity())


def verbosity_options(f: Callable[P, R]) -> Callable[P, R]:
    """-q/--quiet and -v/--verbose, accepted before or after the subcommand."""
    f = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity,
                     help="Log every page (records, rejects) as it is processed.")(f)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_verbosity,
                        help="Print only errors: no progress bar, warnings or summary.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_STATUS)
@click.version_option(__version__, prog_name=PROGRAM)
@verbosity_options
def main() -> None:
    """Turn medication-article web pages into clean, typed datasets.

    \b
    Examples:
      python -m pipeline extract                      # raw/ -> output/ (+ output/report.html)
      python -m pipeline inspect raw/01-gabapentin-300mg-blog.html
      python -m pipeline fetch urls.txt --out raw/
      python -m pipeline extract --quiet pages/ --out data/
      python -m pipeline COMMAND --help               # options and examples of a command
    """
    configure_logging(_verbosity())


@main.command(epilog=EXTRACT_EXIT_STATUS)
@click.argument("inputs", nargs=-1)
@click.option("--out", "out", default="output", show_default=True,
              help="Directory for the datasets (also OUT/medications.sqlite).")
@click.option("--db", "db", metavar="URL",
              help="Also write the tables to this database: postgresql://USER@HOST/DB, "
                   "sqlite:///PATH or a .sqlite file path.")
@click.option("--prune", is_flag=True,
              help="Delete from the databases the articles whose source is not an input of "
                   "this run.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes extracting pages (default: the number of CPUs); a page "
                   "always runs in a worker, so that it can be stopped. The output is the same "
                   "for any N.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="With --engine dask: the cluster's scheduler (default: start a local "
                   "cluster of --workers processes).")
@click.option("--full", is_flag=True,
              help="Process every page again, ignoring what the previous run into OUT "
                   "remembers (OUT/manifest.sqlite).")
@click.option("--page-timeout", type=click.FloatRange(min=0), default=30.0, show_default=True,
              metavar="SECONDS",
              help="A page that takes longer becomes a reject ('timed out'); 0: no limit.")
@click.option("--max-page-bytes", type=click.IntRange(min=1), default=MAX_PAGE_BYTES,
              show_default=True, metavar="BYTES",
              help="A bigger page (also once gunzipped) becomes a reject without being read.")
@verbosity_options
def extract(inputs: tuple[str, ...], out: str, db: str | None, prune: bool, workers: int | None,
            engine: str, scheduler: str | None, full: bool, page_timeout: float,
            max_page_bytes: int) -> None:
    """Extract records from HTML files, web archives (.warc, .warc.gz) and directories
    (recursive) or globs (default: raw/).

    Every run writes CSV, JSON and Parquet files, their schemas and OUT/medications.sqlite.
    The databases keep articles across runs: each input's rows are replaced, never
    duplicated; --prune removes the articles of inputs that are gone. The files appear only
    when all are complete (a killed run leaves the previous ones), and OUT/.lock keeps a
    second run off the same OUT.

    Runs are incremental: OUT/manifest.sqlite remembers each page's result by a hash of its
    content and the program version, so a page that has not changed is not processed
    again, and a run whose inputs have not changed at all writes nothing.

    \b
    Examples:
      python -m pipeline extract                    # raw/ -> output/
      python -m pipeline extract pages/ --out data/ --workers 8
      python -m pipeline extract 'site/**/*.html'
      python -m pipeline extract crawl/*.warc.gz --engine dask --scheduler tcp://10.0.0.5:8786
      python -m pipeline extract raw/ --db postgresql://me@localhost/meds --prune
    """
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        found = resolve_inputs(inputs or ("raw",))
    except InputError as exc:
        raise ArgumentError(str(exc)) from exc
    if not found.sources and not found.failed:  # nothing to publish over the previous run's
        raise ArgumentError(f"no input pages: no {PAGE_PATTERNS} file in "
                            f"{', '.join(inputs or ('raw',))}")
    _warn_skipped(found)
    sources = [*found.sources, *found.failed]
    if scheduler and engine != "dask":
        raise ArgumentError("--scheduler needs --engine dask")
    db_url = None
    if db is not None:
        try:
            db_url = checked_url(db)
        except StoreError as exc:
            raise ArgumentError(str(exc)) from exc
    out_dir = writable_dir(out)
    ctx = click.get_current_context()
    try:  # held until the command returns or fails; the kernel drops it if the process dies
        ctx.with_resource(output_lock(out_dir))
    except OutputLocked as exc:
        raise ArgumentError(str(exc)) from exc
    except OSError as exc:
        raise ArgumentError(f"cannot lock {out_dir}: {exc}") from exc
    for leftover in clear_leftovers(out_dir):
        log.info("removed %s, left by an interrupted run", leftover)

    urls = source_urls(sources)  # pages stored by `fetch` are known by their URL
    sources = run_order(sources, urls)
    settings = Settings(timeout=page_timeout or None, max_bytes=max_page_bytes)
    verbosity = _verbosity()
    previous = ctx.with_resource(contextlib.closing(Manifest(None if full else out_dir)))
    pages = iter_pages(sources, urls, max_page_bytes, found.failed)
    if db_url is None and not prune and previous.unchanged(pages, settings):
        if verbosity != "quiet":
            click.echo(f"{len(sources)} inputs unchanged since the last run: the datasets in "
                       f"{out_dir} are up to date (--full processes every page again)", err=True)
        return

    stage = ctx.with_resource(new_generation(out_dir))
    workers = workers or default_workers()
    items = previous.reuse(iter_pages(sources, urls, max_page_bytes, found.failed))
    worker_stats = WorkerStats()
    if engine == "dask":
        outcomes = run_dask(items, settings, workers, scheduler=scheduler)
    else:
        outcomes = run_local(items, settings, workers, stats=worker_stats)
    total = None if any(is_warc(s) for s in sources) else len(sources)  # an archive: unknown
    try:
        sinks = RunWriter(stage, out_dir, settings, prune)
        for outcome in progress(outcomes, show_progress(len(sources), verbosity), total=total,
                                label=_source_of):
            sinks.add(outcome)
        counts = sinks.close()
    except DaskUnavailable as exc:
        raise ArgumentError(str(exc)) from exc
    except StoreError as exc:
        raise click.ClickException(f"cannot write the database: {exc}") from exc
    manifest = {
        "program": PROGRAM,
        "version": __version__,
        "started_at": started_at,
        "elapsed_seconds": round(time.monotonic() - started, 3),
        "inputs": len(sources),
        "pages": sinks.pages,
        "reused": sinks.reused,
        "articles": sinks.stats.articles,
        "rows": counts,
        "skipped_inputs": len(found.skipped),
        "peak_memory_mib": {"run": round(peak_rss_self() / 2**20, 1),
                            "workers": round(worker_stats.peak_rss / 2**20, 1)},
    }
    atomic_write(stage / "run.json", [json.dumps(manifest, indent=2) + "\n"])
    write_report(stage / "report.html", sinks.stats, counts, sinks.pages, __version__)
    publish(stage, out_dir)
    if db_url is not None:
        _write_external_database(db_url, out_dir, prune)
    if verbosity != "quiet":
        summary = RunSummary(sinks.pages, sinks.stats.articles, counts, sinks.stats.rejects,
                             time.monotonic() - started, str(out_dir))
        click.echo(format_summary(summary), err=True)
        if sinks.reused:
            click.echo(f"{sinks.reused} unchanged pages were not processed again "
                       "(--full processes every page)", err=True)
        click.echo(f"report: {out_dir / 'report.html'}", err=True)


def _source_of(outcome: PageOutcome) -> str:
    return printable(outcome.source)


SKIPPED_SHOWN = 10


def _warn_skipped(found: Inputs) -> None:
    """One warning per input passed over on purpose (a link to a directory, a second name of
    a file), the first few of them, then how many more."""
    for skipped in found.skipped[:SKIPPED_SHOWN]:
        page_log(log, display_source(skipped.path), "inputs").warning("skipped: %s", skipped.reason)
    if len(found.skipped) > SKIPPED_SHOWN:
        log.warning("inputs: %d more skipped", len(found.skipped) - SKIPPED_SHOWN)


def _write_external_database(url: URL, out_dir: Path, prune: bool) -> None:
    """Write the published run into ``--db``: from OUT's files, after they are in place, so a
    database that fails leaves the datasets complete (exit status 1, the error on stderr)."""
    try:
        summary = write_pages(url, published_pages(out_dir), prune=prune)
    except StoreError as exc:
        raise click.ClickException(f"cannot write the database: {exc}") from exc
    log.info("%s: %d articles written, %d pruned", display_url(database_url(url)),
             summary.articles, summary.pruned)


@main.command(epilog=FETCH_EXIT_STATUS)
@click.argument("inputs", nargs=-1)
@click.option("--out", default="raw", show_default=True,
              help="Directory for the pages (named by hash) and manifest.jsonl.")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="A sitemap or sitemap index URL whose name does not end in .xml (repeatable).")
@click.option("--user-agent", default=None, metavar="TEXT",
              help="User-Agent header; its first word is the robots.txt token. Default: "
                   f"{PROGRAM}/VERSION (...); put a contact URL or address in it.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Minimum seconds between requests to one host (Crawl-delay may raise it).")
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True,
              help="Requests in flight in all.")
@click.option("--per-host", type=click.IntRange(min=1), default=2, show_default=True,
              help="Requests in flight to one host.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Retries after a connection error, 429 or 5xx (exponential backoff, jitter).")
@click.option("--max-retry-after", type=click.FloatRange(min=0), default=120.0,
              show_default=True, help="Give up on a URL whose Retry-After is longer (seconds).")
@click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, help="Seconds to open a connection.")
@click.option("--read-timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds without data before a request fails.")
@click.option("--total-timeout", type=click.FloatRange(min=0, min_open=True), default=120.0,
              show_default=True,
              help="Seconds one request may take in all, connecting to last byte: bounds a "
                   "server that trickles data and so never trips --read-timeout.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=20 * 1024 * 1024,
              show_default=True, help="Largest page body; a bigger one is abandoned.")
@click.option("--max-redirects", type=click.IntRange(min=0), default=10, show_default=True,
              help="Redirects followed for one URL, each hop checked like a first request "
                   "(address, robots.txt, rate limit); one more is a failure.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Fetch at most this many pages.")
@click.option("--allow-private", is_flag=True,
              help="Allow loopback, private and link-local addresses (tests, intranets).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Allow this host even if it resolves to a private address (repeatable).")
def fetch(inputs: tuple[str, ...], out: str, sitemaps: tuple[str, ...], user_agent: str | None,
          delay: float, concurrency: int, per_host: int, retries: int, max_retry_after: float,
          connect_timeout: float, read_timeout: float, total_timeout: float, max_bytes: int,
          max_redirects: int, limit: int | None, allow_private: bool,
          allow_hosts: tuple[str, ...]) -> None:
    """Download pages politely into OUT, for `extract` to read.

    INPUTS: page URLs, sitemap URLs (.xml, .xml.gz), local sitemap files, or text files of
    URLs (one per line, # comments). robots.txt is obeyed, private addresses are refused,
    and OUT/manifest.jsonl maps each stored page to its URL. Fetching into the same OUT
    again sends conditional requests: unchanged pages are not downloaded twice. A URL that
    cannot be fetched is a line of the manifest with the reason; when no URL at all could
    be fetched, the exit status is 1.

    \b
    Examples:
      python -m pipeline fetch https://example.org/drugs/baclofen.html
      python -m pipeline fetch urls.txt --out raw/ --user-agent 'medbot/1.0 (+mailto:me@example.org)'
      python -m pipeline fetch https://example.org/sitemap_index.xml --limit 200
      python -m pipeline fetch --sitemap https://example.org/sitemap --delay 5
      python -m pipeline extract raw/ --out output/     # then: source/url are the URLs
    """
    # imported here so that `extract` does not load the HTTP stack
    from pipeline.fetch.config import DEFAULT_USER_AGENT, FetchConfig
    from pipeline.fetch.crawler import describe, fetched_nothing, run_fetch
    from pipeline.fetch.targets import TargetError, read_targets

    if not inputs and not sitemaps:
        raise ArgumentError("nothing to fetch: give URLs, sitemaps or files of URLs")
    try:
        targets = read_targets(inputs, sitemaps)
    except TargetError as exc:
        raise ArgumentError(str(exc)) from exc
    out_dir = writable_dir(out)
    config = FetchConfig(
        user_agent=user_agent or DEFAULT_USER_AGENT, delay=delay, concurrency=concurrency,
        per_host=per_host, retries=retries, max_retry_after=max_retry_after,
        connect_timeout=connect_timeout, read_timeout=read_timeout,
        total_timeout=total_timeout, max_bytes=max_bytes,
        max_redirects=max_redirects, limit=limit, allow_private=allow_private,
        allow_hosts=frozenset(h.lower().strip("[]") for h in allow_hosts),
    )
    summary = run_fetch(targets, config, out_dir)
    click.echo(describe(summary, out_dir), err=True)
    failure = fetched_nothing(summary)
    if failure is not None:
        raise click.ClickException(failure)  # exit status 1


@main.command("inspect", epilog=INSPECT_EXIT_STATUS)
@click.argument("page")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--width", type=click.IntRange(min=40), default=None,
              help="Cut lines to this width (default: the terminal's; no cut when piped).")
@verbosity_options
def inspect_command(page: str, as_json: bool, width: int | None) -> None:
    """Explain one page: its sections and why, their records, what was removed.

    Runs PAGE through every stage exactly as `extract` does and prints the metadata found
    (title, drug, author, dates); each section heading with how it was recognised (h2, bold
    line, label, dt, table header...), the kind and side-effect category it was classified
    as and why (the lexicon phrase that matched, or the heading it inherits from); the
    records each section produced with their evidence; what was removed as boilerplate
    (tag, class/id, reason, text); and the page's rejects. Nothing is written.

    \b
    Examples:
      python -m pipeline inspect raw/01-gabapentin-300mg-blog.html
      python -m pipeline inspect page.html | less -S
      python -m pipeline inspect page.html --json | jq '.sections[] | {heading, kind, why}'
    """
    from pipeline.inspect import inspect_page, render_text, to_json

    if not os.path.lexists(page):
        raise ArgumentError(f"input not found: {page}")
    try:
        data = read_source(page)
    except OSError as exc:
        raise ArgumentError(f"cannot read {page}: {exc.strerror or exc}") from exc
    url = source_urls([page]).get(page)
    inspection = inspect_page(url or display_source(page), data, url=url)
    if as_json:
        click.echo(to_json(inspection))
        return
    if width is None and sys.stdout.isatty():
        width = shutil.get_terminal_size().columns
    click.echo(render_text(inspection, width=width or 10**6), nl=False)


if __name__ == "__main__":
    sys.exit(main())

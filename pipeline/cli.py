"""Command line: ``python -m pipeline extract [INPUT ...] [--out DIR]`` (see SPEC.md)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from pipeline import __version__
from pipeline.export import atomic_write, write_outputs
from pipeline.inputs import InputError, display_source, read_source, resolve_inputs
from pipeline.models import Article, Reject
from pipeline.run import process_page

log = logging.getLogger("pipeline")


class ArgumentError(click.ClickException):
    """An unusable argument: one line on stderr (no usage block), exit status 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medextract")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print each page's warnings.")
def main(quiet: bool, verbose: bool) -> None:
    """Turn medication-article web pages into clean, typed datasets."""
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--out", "out", default="output", show_default=True,
              help="Directory for the datasets.")
def extract(inputs: tuple[str, ...], out: str) -> None:
    """Extract records from HTML files, directories (recursive) or globs (default: raw/).

    \b
    Examples:
      python -m pipeline extract                    # raw/ -> output/
      python -m pipeline extract pages/ --out data/
      python -m pipeline extract 'site/**/*.html'
    """
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        sources = resolve_inputs(inputs or ("raw",))
    except InputError as exc:
        raise ArgumentError(str(exc)) from exc
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise ArgumentError(f"output path is not a directory: {out_dir}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(f"output directory is not writable: {out_dir}")
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc}") from exc

    articles: list[Article] = []
    rejects: list[Reject] = []
    for path in sources:
        source = display_source(path)
        try:
            data = read_source(path)
        except OSError as exc:
            reason = f"cannot read input: {exc.strerror or exc}"
            log.warning("%s: read: %s", source, reason)
            rejects.append(Reject(source=source, stage="read", reason=reason))
            continue
        result = process_page(source, data)
        rejects.extend(result.rejects)
        if result.article is not None:
            articles.append(result.article)
    counts = write_outputs(out_dir, articles, rejects)
    manifest = {
        "program": "medextract",
        "version": __version__,
        "started_at": started_at,
        "elapsed_seconds": round(time.monotonic() - started, 3),
        "inputs": len(sources),
        "articles": len(articles),
        "rows": counts,
    }
    atomic_write(out_dir / "run.json", [json.dumps(manifest, indent=2) + "\n"])
    click.echo(f"{len(sources)} pages: {len(articles)} articles, {counts['rejects']} rejects "
               f"-> {out_dir}", err=True)


if __name__ == "__main__":
    sys.exit(main())

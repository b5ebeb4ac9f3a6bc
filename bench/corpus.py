"""Build the benchmark corpus: the sample pages replicated, with small variations, to N pages.

Why variations: the pipeline remembers pages by a hash of their content, and caches (the
OS's, lxml's, the pipeline's own) reward repeated bytes. A corpus of 2,000 identical copies
would measure those caches, not the extraction. Each copy therefore differs a little (a
comment, an attribute, a filler paragraph, a changed dose, a duplicated paragraph) while
staying realistic HTML whose extraction is still meaningful.

Why bytes and not a parsed tree: re-serialising a tree would normalise every page (charset,
whitespace, broken markup), and the pipeline's decoding and parsing of the original bytes is
part of what is measured. Every edit inserts only ASCII, so it is safe in UTF-8 and in the
single-byte charsets (cp1252, latin-1) the samples use, and it leaves ``<head>``, the title
and the ``<h1>`` alone.

Deterministic: page ``i`` depends only on the seed, ``i`` and the base pages, so a corpus can
be rebuilt, or reused when its marker file says it was built with the same parameters.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: ``raw/`` is here and the team's ``shared/`` next to it."""

MARKER = ".bench-corpus.json"
"""Parameters a corpus directory was built with; not ``*.html``, so the pipeline ignores it."""

FORMAT_VERSION = 1
"""Bump when the variations change, so that corpora built by older code are rebuilt."""

PAGE_NAME = re.compile(r"^\d{6}-.+\.html$")
"""Names of the pages this module writes; only these are ever deleted from a corpus dir."""

_FILLER = (
    "Keep this page in a safe place in case you want to read it again.",
    "If you have any further questions, ask your pharmacist or your doctor.",
    "This information was reviewed by our editorial team and is updated regularly.",
    "Subscribe to our newsletter to receive the latest health articles every week.",
    "Our pharmacists are available by phone from Monday to Friday.",
    "Always read the label and the leaflet that comes in the pack.",
    "Share this article with a friend or family member who might find it useful.",
    "We do not endorse any brand mentioned on this page.",
    "Opening hours may differ on public holidays.",
    "Find your nearest pharmacy with the store locator at the top of the page.",
    "Content on this website is for general information only.",
    "Thanks for reading, and take care of yourself.",
)
"""Neutral sentences: no drug, dose, side effect or condition, so they change the bytes
and the text length but not the records."""

_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_H1_CLOSE = re.compile(rb"</h1\s*>", re.IGNORECASE)
_PARAGRAPH = re.compile(rb"<p\b[^>]*>(?:(?!</?p\b).){20,4000}?</p\s*>", re.IGNORECASE | re.DOTALL)
_DOSE = re.compile(rb"(?<![\w.,])(\d{1,4})(\s?(?:mg|mcg|g|ml|mL)\b)")


@dataclass(frozen=True, slots=True)
class BasePage:
    """One sample page to replicate: its file name (for the copies' names) and bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Sources:
    """The base pages found and what was skipped, for the report."""

    pages: list[BasePage]
    notes: list[str]


def find_sources(root: Path = ROOT, shared: Path | None = None,
                 pages_dir: Path | None = None) -> Sources:
    """The ``raw/`` samples, plus the team's shared corpus pages when ``../shared`` exists;
    or, given ``pages_dir``, the pages of that directory alone (real pages of any site).

    A user's clone has no ``../shared``: the benchmark then runs on ``raw/`` alone and says so.
    """
    if pages_dir is not None:
        pages = pages_in(pages_dir)
        if not pages:
            raise FileNotFoundError(f"no *.html or *.htm pages under {pages_dir}")
        return Sources(pages, [f"{len(pages)} pages from {pages_dir}"])
    shared = root.parent / "shared" if shared is None else shared
    pages = [BasePage(p.name, p.read_bytes()) for p in sorted((root / "raw").glob("*.html"))]
    notes: list[str] = ["raw/"]
    if shared.is_dir():
        for sub in ("corpus/pages", "corpus/multilingual"):
            found = sorted((shared / sub).glob("*.html"))
            pages += [BasePage(p.name, p.read_bytes()) for p in found]
            notes.append(f"{len(found)} pages from {shared / sub}")
    else:
        notes.append(f"{shared} is absent: corpus built from raw/ only")
    if not pages:
        raise FileNotFoundError(f"no *.html sample pages under {root / 'raw'}")
    return Sources(pages, notes)


def pages_in(directory: Path) -> list[BasePage]:
    """Every ``*.html`` and ``*.htm`` page under ``directory`` (searched recursively, as the
    pipeline searches its inputs), in path order; copies are named by the file's stem, so
    pages of subdirectories keep distinct names through their path."""
    found = sorted(p for p in directory.rglob("*") if p.suffix.lower() in (".html", ".htm")
                   and p.is_file())
    return [BasePage("_".join(p.relative_to(directory).with_suffix(".html").parts), p.read_bytes())
            for p in found]


def _insert(data: bytes, at: int, text: bytes) -> bytes:
    return data[:at] + text + data[at:]


def _body_start(data: bytes) -> int:
    """Where content may be inserted without touching ``<head>`` or the ``<h1>`` headline."""
    h1 = _H1_CLOSE.search(data)
    if h1:
        return h1.end()
    body = _BODY_OPEN.search(data)
    return body.end() if body else 0


def _paragraphs(data: bytes) -> list[re.Match[bytes]]:
    """Leaf paragraphs (no nested ``<p>``) after the headline, the units edits work on."""
    start = _body_start(data)
    return [m for m in _PARAGRAPH.finditer(data) if m.start() >= start]


def _add_comment(data: bytes, rng: random.Random, index: int, seed: int) -> bytes:
    """Always applied: makes every copy byte-distinct, even when the other edits do not apply."""
    note = f"<!-- bench copy {index} seed {seed} rev {rng.getrandbits(32):08x} -->\n".encode()
    return _insert(data, _body_start(data), note)


def _add_attribute(data: bytes, rng: random.Random) -> bytes:
    """A varying ``data-`` attribute on ``<body>``, like a CMS's per-request page id."""
    body = _BODY_OPEN.search(data)
    if not body:
        return data
    attribute = f' data-page-rev="{rng.getrandbits(40):010x}"'.encode()
    return _insert(data, body.start() + len(b"<body"), attribute)


def _add_filler(data: bytes, rng: random.Random) -> bytes:
    """A paragraph of neutral sentences after a random paragraph (or after the headline)."""
    text = " ".join(rng.sample(_FILLER, rng.randint(1, 4)))
    paragraphs = _paragraphs(data)
    at = rng.choice(paragraphs).end() if paragraphs else _body_start(data)
    return _insert(data, at, f"\n<p>{text}</p>\n".encode())


def _change_dose(data: bytes, rng: random.Random) -> bytes:
    """One dose in the body text changes its number, as between two editions of a page."""
    start = _body_start(data)
    doses = [m for m in _DOSE.finditer(data) if m.start() >= start]
    if not doses:
        return data
    m = rng.choice(doses)
    value = int(m.group(1))
    new = max(1, value + rng.choice((-1, 1)) * max(1, value // 10) * rng.randint(1, 3))
    return data[:m.start(1)] + str(new).encode() + data[m.end(1):]


def _duplicate_paragraph(data: bytes, rng: random.Random) -> bytes:
    """A paragraph repeated, as when a template or an editor repeats a block."""
    paragraphs = _paragraphs(data)
    if not paragraphs:
        return data
    m = rng.choice(paragraphs)
    return _insert(data, m.end(), b"\n" + m.group(0))


def _swap_paragraphs(data: bytes, rng: random.Random) -> bytes:
    """Two neighbouring paragraphs change places (the order of the rest is kept)."""
    paragraphs = _paragraphs(data)
    if len(paragraphs) < 2:
        return data
    i = rng.randrange(len(paragraphs) - 1)
    a, b = paragraphs[i], paragraphs[i + 1]
    return data[:a.start()] + b.group(0) + data[a.end():b.start()] + a.group(0) + data[b.end():]


def vary(data: bytes, seed: int, index: int) -> bytes:
    """Copy ``index`` of a page: a comment always, each other edit with some probability.

    Seeded by ``(seed, index)`` alone, so a copy is the same in any run and any order.
    """
    rng = random.Random(f"{seed}:{index}")
    if rng.random() < 0.5:
        data = _swap_paragraphs(data, rng)
    if rng.random() < 0.5:
        data = _duplicate_paragraph(data, rng)
    if rng.random() < 0.6:
        data = _change_dose(data, rng)
    if rng.random() < 0.7:
        data = _add_filler(data, rng)
    if rng.random() < 0.5:
        data = _add_attribute(data, rng)
    return _add_comment(data, rng, index, seed)


def page_name(index: int, base: BasePage) -> str:
    """``000123-02-metformin-monograph.html``: sortable, and says which sample it copies."""
    return f"{index:06d}-{Path(base.name).stem}.html"


def generate(bases: Sequence[BasePage], pages: int, seed: int) -> Iterable[tuple[str, bytes]]:
    """The corpus as (name, bytes), round-robin over the bases: every sample equally often."""
    for index in range(pages):
        base = bases[index % len(bases)]
        yield page_name(index, base), vary(base.data, seed, index)


def fingerprint(bases: Sequence[BasePage]) -> str:
    """A hash of the base pages, so that a corpus is rebuilt when a sample changes."""
    digest = hashlib.sha256()
    for base in bases:
        digest.update(base.name.encode() + b"\0" + hashlib.sha256(base.data).digest())
    return digest.hexdigest()[:16]


def _marker(bases: Sequence[BasePage], pages: int, seed: int) -> dict[str, object]:
    return {"format": FORMAT_VERSION, "pages": pages, "seed": seed, "bases": len(bases),
            "fingerprint": fingerprint(bases)}


def is_current(directory: Path, bases: Sequence[BasePage], pages: int, seed: int) -> bool:
    """True when ``directory`` holds this corpus already: same parameters, same page count."""
    try:
        marker = json.loads((directory / MARKER).read_text())
    except (OSError, ValueError):
        return False
    if marker != _marker(bases, pages, seed):
        return False
    return sum(1 for p in directory.iterdir() if PAGE_NAME.match(p.name)) == pages


def build(directory: Path, bases: Sequence[BasePage], pages: int, seed: int = 0) -> bool:
    """Write the corpus into ``directory`` unless it is there already; True when (re)built.

    The marker is written last, so an interrupted build is never taken for a complete one.
    Only files named like this module's pages are removed, never anything else in the dir.
    """
    if pages < 1:
        raise ValueError("a corpus needs at least one page")
    if is_current(directory, bases, pages, seed):
        return False
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).unlink(missing_ok=True)
    for old in directory.iterdir():
        if PAGE_NAME.match(old.name):
            old.unlink()
    for name, data in generate(bases, pages, seed):
        (directory / name).write_bytes(data)
    (directory / MARKER).write_text(json.dumps(_marker(bases, pages, seed), indent=2) + "\n")
    return True


def corpus_files(directory: Path) -> list[Path]:
    """The corpus's pages in index order."""
    return sorted(p for p in directory.iterdir() if PAGE_NAME.match(p.name))

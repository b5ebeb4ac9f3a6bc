"""The fetch manifest, ``OUT/manifest.jsonl``: one JSON object per requested URL.

It is how the extract stage learns where a stored page came from (its ``final_url`` becomes
the page's ``source``), and how the next fetch run makes conditional requests (``etag``,
``last_modified``). Stored files are named by the SHA-256 of the final URL, never by the URL's
path, so no URL can choose a file name (``../../etc``, a reserved name, a 4 KB path).

During a run, each outcome is appended as soon as it is known, so an interrupted crawl loses
nothing; at the end the file is rewritten with the latest line per requested URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.jsonl"


class ManifestEntry(BaseModel):
    """What happened to one requested URL; ``path`` is set when a stored copy exists."""

    model_config = ConfigDict(extra="ignore")

    requested_url: str
    final_url: str | None = None
    status: int | None = None
    """HTTP status of the last answer (304: the stored copy is still current); None when no
    answer came (refused, unreachable)."""
    fetched_at: str
    """When this outcome was recorded, ISO 8601 UTC."""
    sha256: str | None = None
    content_type: str | None = None
    charset: str | None = None
    """The charset the server declared in Content-Type, not a guess."""
    path: str | None = None
    """The stored copy, relative to the manifest's directory."""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


def page_file_name(final_url: str) -> str:
    """``<sha256 of the final URL>.html``."""
    return hashlib.sha256(final_url.encode("utf-8")).hexdigest() + ".html"


def read_manifest(path: Path) -> dict[str, ManifestEntry]:
    """The latest entry per requested URL; unreadable lines are logged and skipped."""
    entries: dict[str, ManifestEntry] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return entries
    except OSError as exc:  # a directory named manifest.jsonl, no permission
        log.warning("%s: manifest not readable: %s", path, exc.strerror or exc)
        return entries
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = ManifestEntry.model_validate(json.loads(line))
        except (ValueError, ValidationError) as exc:
            log.warning("%s:%d: skipped unreadable manifest line: %s", path, number,
                        str(exc).splitlines()[0])
            continue
        entries.pop(entry.requested_url, None)  # keep the latest, in its latest position
        entries[entry.requested_url] = entry
    return entries


def entry_line(entry: ManifestEntry) -> str:
    return json.dumps(entry.model_dump(mode="json"), ensure_ascii=False) + "\n"


def write_manifest(path: Path, entries: Iterable[ManifestEntry]) -> None:
    atomic_write_bytes(path, "".join(entry_line(e) for e in entries).encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, then rename: a reader (or the
    next run after a crash) never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def page_urls(directory: Path) -> dict[str, str]:
    """Stored page path (normalised, as found from ``directory``) -> the URL it came from."""
    urls = {}
    for entry in read_manifest(directory / MANIFEST_NAME).values():
        if entry.path and entry.final_url:
            urls[os.path.normpath(directory / entry.path)] = entry.final_url
    return urls

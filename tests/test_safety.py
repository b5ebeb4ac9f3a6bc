"""What a hostile page cannot make ``extract`` do (issue 7): reach the network, read a local
file through an entity or a DTD, expand entities, or choose an output file name.

The command-line test runs ``extract`` in a child process whose ``sitecustomize`` makes every
socket, connection and name lookup raise (and note the attempt), over pages that point at a
local HTTP server in every way HTML and XML allow: external DTD, external and parameter
entities, XInclude, images, scripts, style sheets, frames, ``<base>``, a meta refresh. The
server must see no request (that also covers libxml2's own network code, which bypasses
Python), the child must note no attempt, and the secret file the entities name must appear in
no output. SQL values travel as bound parameters (``tests/test_store.py``,
``test_values_travel_as_bound_parameters``) and CSV cells that look like formulas are
neutralised (``tests/test_load.py``, ``test_formula_cells_are_neutralised_in_csv_only``).
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline.parse import parse
from pipeline.run import process_page
from tests.conftest import ROOT
from tests.test_bad_input import GOOD_NAME, GOOD_PAGE

MARKER = "SECRET-7f3a9c"
"""Text of the local files that entities and DTDs name: it must reach no tree and no output."""

GUARD = """\
import socket

LOG = {log!r}


def _refuse(*args, **kwargs):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(repr(args)[:200] + "\\n")
    raise OSError("network access refused during extract")


class _Socket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family != socket.AF_UNIX:  # local pipes between the run's processes are no network
            _refuse(family, *args)
        super().__init__(family, *args, **kwargs)


socket.socket = _Socket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
with open(LOG + ".active", "w", encoding="utf-8") as fh:
    fh.write("guard loaded\\n")
"""


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = f'<!ENTITY remote "{MARKER}">'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server that counts requests: its base URL."""
    _Counter.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _secret_files(tmp_path: Path) -> tuple[Path, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER + "\n", encoding="utf-8")
    dtd = tmp_path / "secret.dtd"
    dtd.write_text(f'<!ENTITY fromdtd "{MARKER}">\n', encoding="utf-8")
    return secret, dtd


def _hostile_pages(base: str, secret: Path, dtd: Path) -> dict[str, str]:
    body = GOOD_PAGE.split("<body>", 1)[1].split("</body>", 1)[0]
    return {
        "xxe-file.html": (f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                          f"<html><body>{body}<p>&xxe;</p></body></html>"),
        "xxe-http.html": (f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{base}/entity">'
                          f'<!ENTITY % remote SYSTEM "{base}/parameter.dtd"> %remote;]>'
                          f"<html><body>{body}<p>&xxe; &remote;</p></body></html>"),
        "external-dtd.html": (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                              f'"{base}/xhtml1-strict.dtd"><html><body>{body}</body></html>'),
        "local-dtd.html": (f'<!DOCTYPE html SYSTEM "file://{dtd}">'
                           f"<html><body>{body}<p>&fromdtd;</p></body></html>"),
        "references.html": (
            f'<html xmlns:xi="http://www.w3.org/2001/XInclude"><head><base href="{base}/">'
            f'<link rel="stylesheet" href="{base}/style.css">'
            f'<meta http-equiv="refresh" content="0; url={base}/refresh">'
            f'<script src="{base}/app.js"></script></head><body>'
            f'<img src="{base}/pixel.png" srcset="{base}/a.png 2x">'
            f'<iframe src="{base}/frame"></iframe><object data="{base}/object"></object>'
            f'<xi:include href="{base}/xinclude" parse="text"/>{body}'
            f'<link rel="canonical" href="{base}/canonical"></body></html>'),
        "laughs.html": ('<!DOCTYPE html [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">'
                        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;">]>'
                        f"<html><body>{body}<p>&f;&f;&f;&f;&f;&f;&f;&f;</p></body></html>"),
        "../../escape.html".replace("/", "_"): GOOD_PAGE.replace(
            "<title>", '<link rel="canonical" href="file:///etc/passwd"><title>../../etc/passwd '),
    }


def test_extract_reaches_no_network_and_reads_no_entity(tmp_path: Path, server: str,
                                                         raw_output: Path) -> None:
    secret, dtd = _secret_files(tmp_path)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / GOOD_NAME).write_text(GOOD_PAGE, encoding="utf-8")
    for name, text in _hostile_pages(server, secret, dtd).items():
        (pages / name).write_text(text, encoding="utf-8")
    guard = tmp_path / "guard"
    guard.mkdir()
    log = tmp_path / "network.log"
    (guard / "sitecustomize.py").write_text(GUARD.format(log=str(log)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(guard), *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = tmp_path / "out"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pages), "--out",
                           str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 60, "the billion laughs were expanded"
    assert Path(str(log) + ".active").exists(), "the socket guard did not load"
    assert not log.exists(), log.read_text(encoding="utf-8")
    assert _Counter.requests == [], "a page made extract fetch something"
    for path in out.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
            assert b"lollollol" not in path.read_bytes(), path
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    drugs = [json.loads(line)["drug"] for line in lines]
    assert drugs == ["naproxen"] * (1 + len(_hostile_pages(server, secret, dtd)))
    # output names come from the program, never from pages: the same files as any run
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert names == sorted(p.relative_to(raw_output).as_posix() for p in raw_output.rglob("*"))


@pytest.mark.parametrize("name", ["xxe-file.html", "local-dtd.html", "laughs.html"])
def test_the_parser_expands_no_entity(tmp_path: Path, name: str) -> None:
    secret, dtd = _secret_files(tmp_path)
    text = _hostile_pages("http://127.0.0.1:9", secret, dtd)[name]
    started = time.monotonic()
    root = parse(text)
    content = root.text_content()
    assert MARKER not in content
    assert "lollol" not in content
    assert time.monotonic() - started < 5
    result = process_page(name, text.encode())
    assert result.article is not None and result.article.drug == "naproxen"

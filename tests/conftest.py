"""Shared fixtures: paths, running the pipeline once per test session, PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.inputs import read_source
from pipeline.run import process_page
from tests.postgres import PostgresUnavailable, postgres_server

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = ROOT.parent / "shared"


def requires_shared() -> pytest.MarkDecorator:
    """Tests on the team's shared corpus skip in a user's clone, which has none."""
    return pytest.mark.skipif(not (SHARED / "SPEC.md").exists(), reason="../shared is absent")


@pytest.fixture(scope="session")
def sample_articles() -> dict[str, dict[str, Any]]:
    """Every raw/ sample through the pipeline, as the nested JSON a user reads."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(RAW.glob("*.htm*")):
        result = process_page(str(path), read_source(str(path)))
        assert result.article is not None, (path.name, result.rejects)
        out[path.name] = json.loads(result.article.model_dump_json())
    return out


# ---- PostgreSQL: a throwaway server per test session, a fresh database per test ------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A running throwaway server; outside CI the tests skip when none can be started here."""
    stack = contextlib.ExitStack()
    try:
        url = stack.enter_context(postgres_server())
    except PostgresUnavailable as exc:
        if _in_ci():
            pytest.fail(f"PostgreSQL tests must run in CI: {exc}")
        pytest.skip(f"no PostgreSQL server can be started here: {exc}")
    with stack:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the session's server, dropped after the test."""
    import psycopg
    from psycopg import sql

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield postgres_server_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def raw_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every raw/ page through ``extract`` (in process): all files and the SQLite database.

    Shared by the test modules that read outputs; they must not change it.
    """
    from click.testing import CliRunner

    from pipeline.cli import main

    out = tmp_path_factory.mktemp("raw-output") / "out"
    result = CliRunner().invoke(main, ["extract", "-q", str(RAW), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out

"""The set-up ``make`` does: the venv holds exactly ``constraints.txt``, every extra it installs
imports, and ``tools/venv.py`` never leaves a half-built venv that blocks the next try.

The real thing (a fresh clone under Debian's python3 and the newest one) is ``.ci/run``'s job;
here the decisions of ``tools/venv.py`` are run with its steps replaced by stand-ins.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pipeline import PROGRAM
from tools import venv as setup

ROOT = Path(__file__).resolve().parent.parent
ALWAYS_THERE = {"pip", "setuptools", "wheel"}
"""What a venv brings by itself, whatever constraints.txt says."""


def _pins() -> dict[str, str]:
    """constraints.txt's version of every package, for this Python (its markers evaluated)."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _installed() -> dict[str, str]:
    """Every distribution of this venv but pip's own and this project (an editable install,
    whose metadata setuptools also leaves in the checkout: NAME.egg-info)."""
    found = {}
    for dist in importlib.metadata.distributions():
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            continue
        if Path(str(dist.locate_file(""))).resolve() == ROOT:
            continue
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
    return {name: v for name, v in found.items() if name not in ALWAYS_THERE}


def test_the_venv_holds_exactly_the_pinned_versions() -> None:
    """Every package installed is pinned, at that version. (Some pins are not installed on
    every Python: dask needs importlib_metadata only before 3.12.)"""
    pins, installed = _pins(), _installed()
    assert {n: (v, pins.get(n)) for n, v in installed.items() if pins.get(n) != v} == {}, \
        "installed but not pinned (or another version): add it to constraints.txt"
    assert len(installed) > 50 and {"lxml", "pydantic", "trafilatura"} <= set(installed)


def test_every_pin_has_one_version_for_every_python() -> None:
    """A package pinned twice is pinned for disjoint Pythons: its marker lines split them."""
    lines = [Requirement(line) for line in
             (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    for version in ("3.11.0", "3.11.4", "3.11.5", "3.12.0", "3.13.0", "3.14.0"):
        environment = {"python_full_version": version, "python_version": version[:4]}
        names = [canonicalize_name(r.name) for r in lines
                 if r.marker is None or r.marker.evaluate(environment)]
        assert len(names) == len(set(names)), version
    soupsieve = [r for r in lines if r.name == "soupsieve"]
    assert {str(r.marker) for r in soupsieve} == {'python_full_version < "3.11.5"',
                                                  'python_full_version >= "3.11.5"'}


def _modules(requirement: str) -> list[str]:
    """The importable top-level modules of a requirement's distribution, and of the
    distributions its extras bring (``dask[distributed]``: distributed)."""
    wanted = Requirement(requirement)
    names = {canonicalize_name(wanted.name)}
    for line in importlib.metadata.requires(wanted.name) or []:
        dependency = Requirement(line)
        if dependency.marker is not None and any(dependency.marker.evaluate({"extra": extra})
                                                 for extra in wanted.extras):
            names.add(canonicalize_name(dependency.name))
    modules = []
    for name in names:
        found = [module for module, dists in importlib.metadata.packages_distributions().items()
                 if name in {canonicalize_name(d) for d in dists}
                 and module.isidentifier() and not module.startswith("_")]
        # the module named as the distribution, if any (duckdb also ships optional drivers)
        main = [m for m in found if canonicalize_name(m) == name]
        modules += main or found
    return sorted(modules)


def test_every_extra_that_make_installs_imports() -> None:
    """trafilatura (make bench) imports lxml.html.clean: lxml_html_clean must be declared."""
    requirements = setup.requirements()
    assert any(r.startswith("trafilatura") for r in requirements)
    assert any(r.startswith("lxml_html_clean") for r in requirements)
    assert any(r.startswith("dask[distributed]") for r in requirements)
    modules = {m for r in requirements for m in _modules(r)}
    assert {"trafilatura", "dask", "distributed", "psutil", "pytest", "duckdb"} <= modules
    code = ("import importlib, sys\n"
            f"for name in {sorted(modules)!r}:\n"
            "    importlib.import_module(name)\n"
            "import trafilatura, lxml.html.clean\n"
            "trafilatura.bare_extraction('<html><body><p>x</p></body></html>')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]


# ---- tools/venv.py, its steps replaced ---------------------------------------------------------


class Steps:
    """Stand-ins for the commands tools/venv.py runs; ``fail`` makes one of them fail."""

    def __init__(self, venv: Path) -> None:
        self.venv = venv
        self.commands: list[str] = []
        self.fail: str | BaseException | None = None
        self.stamp_during_install: bool | None = None

    def run(self, step: str, command: list[str]) -> None:
        kind = "venv" if command[1:3] == ["-m", "venv"] else command[2]
        self.commands.append(kind)
        if kind == "venv":
            (self.venv / "bin").mkdir(parents=True)
            (self.venv / "bin" / "python").write_text("")
            (self.venv / "half-built").write_text("")
        if kind == "pip":
            self.stamp_during_install = (self.venv / setup.STAMP).exists()
            if isinstance(self.fail, BaseException):
                raise self.fail
            if self.fail == "pip":
                raise setup.SetupError(f"{step} failed (exit status 1); its messages are above")


@pytest.fixture
def steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Steps]:
    root = tmp_path / "checkout"
    root.mkdir()
    for name in setup.INPUTS:
        shutil.copy(ROOT / name, root / name)
    monkeypatch.setattr(setup, "ROOT", root)
    fake = Steps(root / ".venv")
    monkeypatch.setattr(setup, "run", fake.run)
    monkeypatch.chdir(root)
    yield fake


def _main() -> int:
    return setup.main(["venv.py", ".venv"])


def test_a_fresh_checkout_gets_a_complete_venv_and_then_nothing_to_do(steps: Steps) -> None:
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "pipeline"]
    assert (steps.venv / setup.STAMP).read_text(encoding="utf-8") == setup.identity()
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "pipeline"], "a current venv is left alone"


@pytest.mark.parametrize("failure", ["pip", KeyboardInterrupt()])
def test_a_failed_or_interrupted_set_up_leaves_nothing_and_the_next_one_starts_afresh(
        steps: Steps, failure: str | BaseException, capsys: pytest.CaptureFixture[str]) -> None:
    steps.fail = failure
    assert _main() == (1 if failure == "pip" else 130)
    assert not steps.venv.exists()
    message = capsys.readouterr().err.strip().splitlines()
    assert len(message) == 1 and "the next `make` starts afresh" in message[0], message
    if failure == "pip":
        assert message[0].startswith("error: setting up .venv: installing the pinned "
                                     "dependencies (constraints.txt) into .venv failed")
    steps.fail = None
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "venv", "pip", "pipeline"]
    assert (steps.venv / setup.STAMP).is_file()


def test_a_venv_without_its_stamp_is_rebuilt_from_nothing(steps: Steps) -> None:
    """A set-up killed (kill -9, a power cut) before the stamp leaves a venv that counts as
    half-built: the next run removes it rather than install into it."""
    (steps.venv / "bin").mkdir(parents=True)
    (steps.venv / "bin" / "python").write_text("")
    (steps.venv / "left-by-a-killed-set-up").write_text("")
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "pipeline"]
    assert not (steps.venv / "left-by-a-killed-set-up").exists()


def test_a_venv_of_another_python_is_rebuilt(steps: Steps) -> None:
    assert _main() == 0
    (steps.venv / setup.STAMP).write_text("cpython 3.11.0 /opt/another/bin/python3.11\n")
    (steps.venv / "marker").write_text("")
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "pipeline", "venv", "pip", "pipeline"]
    assert not (steps.venv / "marker").exists()


def test_changed_pins_update_the_venv_in_place_stamp_removed_meanwhile(steps: Steps) -> None:
    assert _main() == 0
    stamp = steps.venv / setup.STAMP
    later = stamp.stat().st_mtime + 10
    os.utime(setup.ROOT / "constraints.txt", (later, later))
    (steps.venv / "marker").write_text("")
    assert _main() == 0
    assert steps.commands == ["venv", "pip", "pipeline", "pip", "pipeline"]
    assert steps.stamp_during_install is False, "an interrupted update must not look complete"
    assert (steps.venv / "marker").exists() and stamp.is_file()


def test_the_requirements_expand_our_own_extras() -> None:
    requirements = setup.requirements()
    assert not any(r.startswith(PROGRAM) for r in requirements)
    assert len(requirements) == len(set(requirements))
    assert "pytest>=8,<10" in requirements and "pydantic>=2.7,<3" in requirements


# ---- the Makefile's own check, before any Python code runs ------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("python", "says"), [
    ("{tmp}/python3.9", "'{tmp}/python3.9' is Python 3.9.18: run make PYTHON="),
    ("{tmp}/no-such-python", "'{tmp}/no-such-python' is not found"),
])
def test_make_refuses_an_old_or_missing_python_in_one_line(tmp_path: Path, python: str,
                                                           says: str) -> None:
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.18' && exit 0\nexit 1\n")
    old.chmod(0o755)
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), "venv",
                           f"PYTHON={python.format(tmp=tmp_path)}", f"VENV={tmp_path / 'venv'}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: Python 3.11 or newer is needed"), proc.stderr
    assert says.format(tmp=tmp_path) in lines[0]
    assert not (tmp_path / "venv").exists()

"""Create or refresh the project's virtualenv for ``make``, so that a failed set-up never
blocks the next one.

Run by the interpreter the venv is for (``make`` runs it with ``$(PYTHON)``, the first
``python3`` on PATH unless ``PYTHON=`` says otherwise)::

    python3 tools/venv.py .venv

A venv cannot be built under a temporary name and renamed (its scripts hold its path), so
completeness is a stamp, ``VENV/.installed-stamp``, written last and naming the interpreter.
A venv without a matching stamp (a set-up that failed or was interrupted, or one made by
another interpreter) is removed and built again from nothing; a complete venv whose
``pyproject.toml`` or ``constraints.txt`` changed is updated in place, its stamp removed
first so that an interrupted update is rebuilt next time. Every failure ends with one line,
``error: ...``, that says which step failed; pip's own messages are printed above it, never
hidden. Python 3.11 or newer is required (``make`` checks it before running this file).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".installed-stamp"
INPUTS = ("pyproject.toml", "constraints.txt")
EXTRAS = "dev"
"""The optional dependency groups installed: ``dev`` includes ``dask`` and ``bench``."""


class SetupError(Exception):
    """One step of the set-up failed; the message is the one line the user sees."""


def identity() -> str:
    """The interpreter the venv must be made from: implementation, version and real path."""
    return (f"{sys.implementation.name} {platform.python_version()} "
            f"{os.path.realpath(sys.executable)}\n")


def is_current(venv: Path) -> bool:
    """True when the venv is complete, made by this interpreter, newer than its inputs."""
    stamp = venv / STAMP
    if not stamp.is_file() or not (venv / "bin" / "python").exists():
        return False
    if stamp.read_text(encoding="utf-8") != identity():
        return False
    newest = max((ROOT / name).stat().st_mtime for name in INPUTS)
    return stamp.stat().st_mtime >= newest


def is_complete_for_this_python(venv: Path) -> bool:
    """A venv that was complete once and made by this interpreter: worth updating in place."""
    stamp = venv / STAMP
    return (stamp.is_file() and (venv / "bin" / "python").exists()
            and stamp.read_text(encoding="utf-8") == identity())


def run(step: str, command: list[str]) -> None:
    """Run one step with its output shown; a failure becomes a :class:`SetupError`."""
    print(f"+ {' '.join(command)}", flush=True)
    try:
        code = subprocess.call(command, cwd=ROOT)
    except OSError as exc:
        raise SetupError(f"{step}: {exc}") from exc
    if code != 0:
        raise SetupError(f"{step} failed (exit status {code}); its messages are above")


def create(venv: Path) -> None:
    """A new venv with pip, or a :class:`SetupError` that says what is missing."""
    try:
        import ensurepip  # noqa: F401  - Debian's python3 lacks it until python3-venv is installed
        import venv as _venv  # noqa: F401
    except ImportError as exc:
        raise SetupError(f"{sys.executable} cannot create virtual environments ({exc}): on "
                         "Debian or Ubuntu, apt-get install python3-venv") from exc
    run(f"creating {venv} with {sys.executable}", [sys.executable, "-m", "venv", str(venv)])


def install(venv: Path) -> None:
    python = str(venv / "bin" / "python")
    run("installing the pinned dependencies (constraints.txt) into " + str(venv),
        [python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
         "-c", "constraints.txt", "-e", f".[{EXTRAS}]"])
    run("checking the installed package", [python, "-m", "pipeline", "--version"])


def set_up(venv: Path) -> None:
    stamp = venv / STAMP
    if is_complete_for_this_python(venv):
        print(f"{venv}: pyproject.toml or constraints.txt changed, updating", flush=True)
        stamp.unlink()  # until the update is complete, the venv counts as half-built
    else:
        if venv.exists() or venv.is_symlink():
            print(f"{venv}: incomplete or made by another Python, rebuilding it with "
                  f"{sys.executable} ({platform.python_version()})", flush=True)
            remove(venv)
        create(venv)
    install(venv)
    tmp = venv / (STAMP + ".tmp")
    tmp.write_text(identity(), encoding="utf-8")
    os.replace(tmp, stamp)


def remove(venv: Path) -> None:
    if venv.is_symlink() or venv.is_file():
        venv.unlink()
    else:
        shutil.rmtree(venv, ignore_errors=True)


def requirements(extra: str = EXTRAS) -> list[str]:
    """The requirements ``pip install -e .[EXTRAS]`` asks for, extras of our own expanded.

    ``.ci/run`` resolves them with ``--python-version 3.11.0``, where pip cannot build this
    project (``--only-binary``) to read them itself.
    """
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    prefix = project["name"] + "["
    out: list[str] = []
    todo, seen = list(project["dependencies"]), set()
    todo += project["optional-dependencies"][extra]
    while todo:
        requirement = todo.pop(0)
        if requirement.startswith(prefix):
            for name in requirement[len(prefix):].split("]")[0].split(","):
                if name.strip() not in seen:
                    seen.add(name.strip())
                    todo += project["optional-dependencies"][name.strip()]
        elif requirement not in out:
            out.append(requirement)
    return out


def main(argv: list[str]) -> int:
    if argv[1:] == ["--requirements"]:
        print("\n".join(requirements()))
        return 0
    if len(argv) != 2:
        print("usage: python3 tools/venv.py VENV_DIR | --requirements", file=sys.stderr)
        return 2
    venv = Path(argv[1])
    if is_current(venv):
        return 0
    try:
        set_up(venv)
    except SetupError as exc:
        remove(venv)
        print(f"error: setting up {venv}: {exc}; {venv} was removed, so the next `make` "
              "starts afresh", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        remove(venv)
        print(f"\ninterrupted: {venv} was removed, so the next `make` starts afresh",
              file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

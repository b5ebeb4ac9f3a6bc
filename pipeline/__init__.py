"""Turn medication-article web pages into clean, typed, validated datasets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
PROGRAM = "medpages"
"""The distribution's name (pyproject.toml), its console script, the robots.txt token of
`fetch`, and the program named in ``run.json`` and the run report."""

__all__ = ["PROGRAM", "__version__", "load"]

if TYPE_CHECKING:
    from pipeline.loader import load


def __getattr__(name: str) -> Any:
    """``pipeline.load`` on first use: the loader needs pandas, which extraction does not,
    and every worker process would otherwise pay its import time and memory."""
    if name == "load":
        # the module is not named "load": importing it would then shadow this function
        from pipeline.loader import load

        return load
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

"""The process that writes a run's outputs stays small: pandas (about 47 MiB) is imported only
where a loader needs it, never to write Parquet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent

_RUN = """
import sys
from pipeline.cli import main
try:
    main(["extract", {raw!r}, "--out", {out!r}, "--quiet", "--workers", "1"])
except SystemExit as exc:
    assert not exc.code, exc.code
print("pandas" in sys.modules, "pyarrow" in sys.modules)
{after}
"""


def _run(tmp_path: Path, after: str = "") -> list[str]:
    code = _RUN.format(raw=str(ROOT / "raw"), out=str(tmp_path / "out"), after=after)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()


def test_the_writer_does_not_import_pandas(tmp_path: Path) -> None:
    """The run's main process (reading pages, writing every output, Parquet included)."""
    assert _run(tmp_path) == ["False", "True"]
    doses = pq.read_table(tmp_path / "out" / "doses.parquet")
    assert doses.num_rows > 0 and str(doses.schema.field("amount").type) == "double"


def test_pandas_still_works_after_a_run_in_the_same_process(tmp_path: Path) -> None:
    after = """
import pandas as pd
import pyarrow as pa
import pipeline
frames = pipeline.load({out!r})
print(len(frames["doses"]) > 0, pa.Table.from_pandas(frames["doses"]).num_rows == len(frames["doses"]))
print(pa.types.is_dictionary(pa.array(pd.Series(["a", "b"], dtype="category")).type))
""".format(out=str(tmp_path / "out"))
    # pyarrow knows pandas again once it is asked for it (from_pandas), categories included
    assert _run(tmp_path, after) == ["False", "True", "True", "True", "True"]

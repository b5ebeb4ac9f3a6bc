"""``python -m pipeline``: the command line of :mod:`pipeline.cli`."""

from pipeline.cli import main

main(prog_name="python -m pipeline")

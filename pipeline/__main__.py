"""``python -m pipeline``: the command line of :mod:`pipeline.cli`."""

from pipeline.cli import main

if __name__ == "__main__":  # not when a worker process imports this module as __mp_main__
    main(prog_name="python -m pipeline")

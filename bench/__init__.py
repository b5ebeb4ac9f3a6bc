"""Benchmark of the pipeline against bare lxml and trafilatura (``python -m bench.run``)."""

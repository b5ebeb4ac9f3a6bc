"""Imported by the fork server that starts the page workers (:mod:`pipeline.engine`): the
pipeline's modules, lexicons and compiled patterns load here once, and every worker forked
from it starts warm, ready for its first page at once."""

from __future__ import annotations

from pipeline.run import warm_up

warm_up()

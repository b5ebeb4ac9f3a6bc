"""Log messages about a page name the page and the stage, whatever handler prints them.

>>> import logging
>>> record = page_log(logging.getLogger("pipeline"), "raw/a.html", "decode").process("binary", {})
>>> record
('raw/a.html: decode: binary', {'extra': {'source': 'raw/a.html', 'stage': 'decode'}})

The page and stage are in the message text (so ``rejects`` read the same in any log) and also
on the record as ``record.source`` and ``record.stage``, for a handler that wants them apart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any


class PageLog(logging.LoggerAdapter[logging.Logger]):
    """A logger for one page at one stage."""

    def __init__(self, logger: logging.Logger, source: str, stage: str) -> None:
        super().__init__(logger, {"source": source, "stage": stage})

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        extra: Mapping[str, object] = self.extra or {}
        kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
        return f"{extra['source']}: {extra['stage']}: {msg}", kwargs


def page_log(logger: logging.Logger, source: str, stage: str) -> PageLog:
    return PageLog(logger, source, stage)

"""Log messages about a page name the page and the stage, whatever handler prints them.

>>> import logging
>>> record = page_log(logging.getLogger("pipeline"), "raw/a.html", "decode").process("binary", {})
>>> record
('raw/a.html: decode: binary', {'extra': {'source': 'raw/a.html', 'stage': 'decode'}})

The page and stage are in the message text (so ``rejects`` read the same in any log) and also
on the record as ``record.source`` and ``record.stage``, for a handler that wants them apart.

Names come from the file system and from pages, so the text is made :func:`printable`: a
file name holding a line break cannot forge a log line of its own, nor an escape sequence
recolour or rewrite the terminal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

# C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a
# terminal shows
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    r"""``text`` with every control character written as an escape, on one line.

    >>> printable("a\nERROR forged.html"), printable("\x1b[31mred\x1b[0m")
    ('a\\nERROR forged.html', '\\x1b[31mred\\x1b[0m')
    """
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"
                                                 if ord(m.group()) < 256 else
                                                 f"\\u{ord(m.group()):04x}"), text)


class PageLog(logging.LoggerAdapter[logging.Logger]):
    """A logger for one page at one stage."""

    def __init__(self, logger: logging.Logger, source: str, stage: str) -> None:
        super().__init__(logger, {"source": source, "stage": stage})

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        extra: Mapping[str, object] = self.extra or {}
        kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
        return printable(f"{extra['source']}: {extra['stage']}: {msg}"), kwargs


def page_log(logger: logging.Logger, source: str, stage: str) -> PageLog:
    return PageLog(logger, source, stage)

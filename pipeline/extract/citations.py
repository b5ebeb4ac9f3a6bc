"""In-text references such as "Ulbricht et al. (2019)", in one canonical spelling."""

from __future__ import annotations

import re

_NAME = r"[A-ZÀ-Ý][\w'’\-]+(?:\s+(?:and|&)\s+[A-ZÀ-Ý][\w'’\-]+)?"
_ET_AL = re.compile(rf"\b({_NAME})\s+et\s+al\.?\s*,?\s*\(\s*((?:19|20)\d{{2}}[a-z]?)\s*\)")
_TWO_AUTHORS = re.compile(r"\b([A-ZÀ-Ý][\w'’\-]+\s+(?:and|&)\s+[A-ZÀ-Ý][\w'’\-]+)\s*"
                          r"\(\s*((?:19|20)\d{2}[a-z]?)\s*\)")
_PAREN = re.compile(rf"\(\s*({_NAME})\s+et\s+al\.?\s*,?\s*((?:19|20)\d{{2}}[a-z]?)\s*\)")


def extract_citations(text: str) -> list[str]:
    """Citations in order of first appearance, each once."""
    found: list[tuple[int, str]] = []
    for pattern in (_ET_AL, _PAREN):
        for m in pattern.finditer(text):
            found.append((m.start(), f"{m.group(1)} et al. ({m.group(2)})"))
    for m in _TWO_AUTHORS.finditer(text):
        if not any(start <= m.start() < start + len(c) for start, c in found):
            found.append((m.start(), f"{m.group(1)} ({m.group(2)})"))
    out: list[str] = []
    for _, citation in sorted(found):
        if citation not in out:
            out.append(citation)
    return out

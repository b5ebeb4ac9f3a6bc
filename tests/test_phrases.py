"""The one way lexicon phrases become patterns (sections, categories, cue words)."""

from __future__ import annotations

import pytest

from pipeline.phrases import phrase_pattern

ROWS = [
    (["side effects"], "Common Side Effects", "Side Effects"),
    (["use", "how to use"], "How to use it", "How to use"),  # longest phrase first
    (["use"], "misuse", None),  # word boundaries
    (["副作用"], "主な副作用について", "副作用"),  # CJK: no spaces, no boundaries
    (["ผลข้างเคียง"], "ผลข้างเคียงที่พบบ่อย", "ผลข้างเคียง"),
    ([], "anything", None),
]


@pytest.mark.parametrize(("phrases", "text", "found"), ROWS)
def test_phrase_pattern(phrases: list[str], text: str, found: str | None) -> None:
    m = phrase_pattern(phrases).search(text)
    assert (m.group(0) if m else None) == found

"""pipeline.memo: answers remembered per text, never for a huge text."""

from __future__ import annotations

from pipeline.memo import MAX_TEXT, per_text


def test_a_short_text_is_computed_once_and_a_long_one_every_time() -> None:
    calls: list[str] = []

    @per_text(maxsize=8)
    def words(text: str) -> tuple[str, ...]:
        calls.append(text)
        return tuple(text.split())

    assert words("a b") == words("a b") == ("a", "b")
    assert calls == ["a b"]
    long = "x " * MAX_TEXT
    assert words(long) == words(long)
    assert calls == ["a b", long, long]


def test_only_the_most_recent_texts_are_kept() -> None:
    calls: list[str] = []

    @per_text(maxsize=2)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    for text in ("a", "b", "c", "a"):
        upper(text)
    assert calls == ["a", "b", "c", "a"]

"""Benefit statements: what the page itself presents as a benefit or advantage of a drug.

Only benefit sections (a "Benefits" list, a "Pros" column, "Why choose ...") are read; an
indication ("used to treat X") is a condition, not a benefit, and praise in passing is too
vague to be a record.
"""

from __future__ import annotations

from pipeline.extract.context import PageContext
from pipeline.models import Benefit
from pipeline.text import split_sentences, word_count

_MAX_WORDS = 60


def extract_benefits(ctx: PageContext) -> list[Benefit]:
    records: list[Benefit] = []
    seen: set[str] = set()
    for cb in ctx.blocks:
        block = cb.block
        if cb.kind != "benefits" or block.kind not in ("item", "paragraph"):
            continue
        texts = [block.text] if block.kind == "item" else split_sentences(block.text)
        for text in texts:
            key = " ".join(text.lower().split())
            if key in seen or not 1 <= word_count(text) <= _MAX_WORDS or text.endswith("?"):
                continue
            seen.add(key)
            record = ctx.make(Benefit, drug=ctx.sentence_drug(text, cb), text=text,
                              section=cb.heading)
            if record is not None:
                records.append(record)
    return records

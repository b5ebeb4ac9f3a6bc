"""Warnings, precautions and important information.

Every item of a warnings section is a warning, and so is each short paragraph there (a
precaution is often two or three sentences that belong together). Sections that mix safety
advice with other text ("Safety", "Interactions", "Monitoring") and the rest of the article
contribute only sentences with a clear warning cue ("do not", "avoid", "contraindicated",
"stopping suddenly"), so routine advice does not flood the table. A sentence that only draws
the consequence of the previous one ("Therefore, ...") joins it.
"""

from __future__ import annotations

from pipeline.classify import Classified
from pipeline.extract.context import PageContext, cues
from pipeline.models import Warning
from pipeline.text import is_continuation, split_sentences, word_count

_SKIP_KINDS = frozenset({"author", "references", "benefits"})
_MIN_WORDS = 3
_MAX_SENTENCES_AS_ONE = 3
_SENTENCE_WORDS = 6


def _sentences_with_continuations(text: str) -> list[str]:
    out: list[str] = []
    for sentence in split_sentences(text):
        if out and is_continuation(sentence):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def is_warning_sentence(sentence: str) -> bool:
    c = cues()
    return bool(c.warning.search(sentence) or c.imperative.search(sentence))


def _with_label(cb: Classified) -> str:
    block = cb.block
    if block.label and not block.text.startswith(block.label):
        return f"{block.label}: {block.text}"
    return block.text


def extract_warnings(ctx: PageContext) -> list[Warning]:
    records: list[Warning] = []
    seen: set[str] = set()

    def add(text: str, cb: Classified) -> None:
        key = " ".join(text.lower().split())
        if key in seen or text.endswith("?") or word_count(text) < _MIN_WORDS:
            return
        seen.add(key)
        record = ctx.make(Warning, drug=ctx.sentence_drug(text, cb), text=text, section=cb.heading)
        if record is not None:
            records.append(record)

    for cb in ctx.blocks:
        block = cb.block
        if block.kind == "heading" and word_count(block.text) >= _SENTENCE_WORDS:
            # text styled as a heading ("Monitor blood counts weekly" in an <h4>) still warns
            if cb.kind not in _SKIP_KINDS and is_warning_sentence(block.text):
                add(block.text, cb)
            continue
        if block.kind not in ("item", "paragraph"):
            continue
        if cb.kind == "warnings":
            sentences = _sentences_with_continuations(block.text)
            separate = len(sentences) > 1 and all(is_warning_sentence(s) for s in sentences)
            if block.kind == "item" or (len(sentences) <= _MAX_SENTENCES_AS_ONE and not separate):
                # a precaution and its explanation stay one warning; sentences that each warn
                # on their own ("Caution is ... . Caution is also ...") are several
                add(_with_label(cb), cb)
            else:
                for sentence in sentences:
                    add(sentence, cb)
            continue
        if cb.kind in _SKIP_KINDS:
            continue
        if cb.kind == "side_effects" and block.kind == "item" and word_count(block.text) < 8:
            continue  # a listed effect; a whole sentence in such a list may still warn
        sentences = _sentences_with_continuations(block.text)
        if block.kind == "item" and len(sentences) == 1 and is_warning_sentence(block.text):
            add(_with_label(cb), cb)
            continue
        for sentence in sentences:
            if is_warning_sentence(sentence):
                add(sentence, cb)
    return records

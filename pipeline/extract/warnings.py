"""Warnings, precautions and important information.

Every item of a warnings section is a warning, and so is each short paragraph there (a
precaution is often two or three sentences that belong together). Sections that mix safety
advice with other text ("Safety", "Monitoring") and the rest of the article contribute only
sentences with a clear warning cue ("do not", "avoid", "contraindicated", "stopping
suddenly"), so routine advice does not flood the table. A sentence that only draws the
consequence of the previous one ("Therefore, ...") joins it.

What a warning is not: a statistic ("Renal impairment occurred in 8% of patients"), routine
text (storage, "call your doctor for medical advice about side effects", disclaimers,
shipping), a heading that names a section ("Who should not take it") or a lead-in that
introduces a list ("Before taking it, tell your doctor if you have:"): the list's items are
the warnings.
"""

from __future__ import annotations

import re

from pipeline.classify import Classified, classify_heading
from pipeline.extract.context import PageContext, cues
from pipeline.memo import per_text
from pipeline.models import Warning
from pipeline.text import is_continuation, split_sentences, word_count

_SKIP_KINDS = frozenset({"author", "references", "benefits"})
_MIN_WORDS = 3
_MIN_ITEM_WORDS = 2
_MAX_SENTENCES_AS_ONE = 3
_SENTENCE_WORDS = 6
# "occurred in 4.6% of patients", "Eighteen percent of 365 patients", "(N=602)", "median time"
_STATISTIC = re.compile(
    r"\d(?:[\d.,]*)\s?%|\bpercent\b|\b\d+\s+of\s+\d+\b|\bn\s?=\s?\d|\bincidence\b|\bmedian\b|"
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:patients|subjects|participants)\b|"
    r"\binterquartile\b|\bconfidence interval\b|\b95%\s?ci\b", re.I)
_DIRECTIVE = re.compile(
    r"\b(?:should|must|do not|don't|never|avoid|monitor|advise|withhold|discontinue|stop|"
    r"contraindicated|not recommended|caution|can cause|may cause|can occur|tell|call|seek|"
    r"consult|check|assess|evaluate|inform)\b", re.I)
# routine text: storage, pointers to the label, reporting lines, disclaimers, shop talk
_ROUTINE = re.compile(
    r"\b(?:keep (?:\w+ )?out of (?:the )?reach|store (?:it |at |in |below )|storage|"
    r"for medical advice about side effects|report (?:suspected )?(?:side effects|adverse)|"
    r"1-800-fda-1088|medwatch|questions or concerns|with any questions|not a complete list|"
    r"educational purposes|not (?:intended as |a substitute for )?medical advice|"
    r"full prescribing information|medication guide|patient information leaflet|refund|shipping|"
    r"discreet|consult(?:ation)? fee|book a consult|subscribe|"
    # calls to action: "Take our 2-minute quiz to see if you qualify"
    r"quiz|get started|sign up|order now|buy now|add to cart|shop now|if you qualify|"
    r"free consultation|"
    # reassurance: "most side effects do not require any medical attention and disappear"
    r"(?:do|does) not (?:usually )?(?:require|need) (?:any )?medical attention|"
    r"(?:go|goes) away (?:on (?:their|its) own|by (?:themselves|itself))|"
    r"disappear as your body adjusts|as your body (?:adjusts|gets used)|"
    r"not all of these side effects may occur|along with its needed effects)\b",
    re.I,
)
# reported speech, a journalist's quotation: "...," she said / told / noted
_QUOTED = re.compile(r"[\"”“]\s*,?\s*(?:\w+\s+){0,4}(?:said|says|told|noted|explained|added|continued|"
                     r"reported|wrote|penned|according)\b|\b(?:says|said|told|noted)\s+[A-Z]", re.I)
_SHOUTED = re.compile(r"^[^a-z]*[A-Z]{3}[^a-z]*$")
# a pointer elsewhere in the label: "see the boxed warning and section 5.1", "(see Warnings)"
_CROSS_REFERENCE = re.compile(
    r"(?:[;,:]\s*|\(\s*|^)(?:see|refer to)\s+(?:also\s+)?(?:the\s+)?(?:boxed warning|section|sections|"
    r"warnings|table|figure|full prescribing|\d)(?:[^.;)]|\.\d)*(?:[.;]|\)|$)", re.I)
_LABEL_ONLY = re.compile(r"[^:]{1,60}:\s*")
_LETTER = re.compile(r"[^\W\d_]")


def _sentences_with_continuations(text: str) -> list[str]:
    out: list[str] = []
    for sentence in split_sentences(text):
        if out and is_continuation(sentence):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


@per_text(maxsize=8192)
def is_warning_sentence(sentence: str) -> bool:
    """Whether a sentence warns; asked of one sentence by several extractors, so remembered."""
    c = cues()
    return bool(c.warning.search(sentence) or c.imperative.search(sentence))


def is_statistic(sentence: str) -> bool:
    """A sentence that reports figures and asks nothing of the reader."""
    return bool(_STATISTIC.search(sentence)) and not _DIRECTIVE.search(sentence)


def is_routine(sentence: str) -> bool:
    """Storage, reporting lines, disclaimers and shop talk: no warning, whatever its words."""
    return bool(_ROUTINE.search(sentence))


def _with_label(cb: Classified, text: str) -> str:
    label = cb.block.label
    if label and not text.startswith(label) and text == cb.block.text:
        return f"{label}: {text}"
    return text


def _substance(text: str) -> list[str]:
    """A warning item or paragraph without its statistics and routine sentences ("Symptomatic
    bradycardia can occur. Cases (8.6%) have been reported ..." is its first sentence): the
    runs of sentences left, each quoted as the page has it."""
    sentences = _sentences_with_continuations(text)
    keep = [not is_statistic(s) and not is_routine(s) for s in sentences]
    if all(keep):
        return [text]
    runs: list[list[str]] = []
    for sentence, kept in zip(sentences, keep, strict=True):
        if not kept:
            runs.append([])
        elif runs and runs[-1]:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return [" ".join(run) for run in runs if run]


def extract_warnings(ctx: PageContext) -> list[Warning]:
    records: list[Warning] = []
    seen: set[str] = set()

    def add(text: str, cb: Classified, min_words: int = _MIN_WORDS) -> None:
        text = _CROSS_REFERENCE.sub("", text).strip()
        if text.endswith(":") or _LABEL_ONLY.fullmatch(text) or not _LETTER.search(text):
            return  # a lead-in introduces warnings; a label left alone states none
        key = " ".join(text.lower().split())
        if (key in seen or text.endswith("?") or word_count(text) < min_words or is_routine(text)
                or _SHOUTED.match(text)):
            return
        seen.add(key)
        # a warning on a page about one drug is that drug's, also when it names the drug it
        # interacts with ("Warfarin: it can raise warfarin levels")
        drug = ctx.primary or ctx.sentence_drug(text, cb)
        record = ctx.make(Warning, drug=drug, text=text, section=cb.heading)
        if record is not None:
            records.append(record)

    for cb in ctx.blocks:
        block = cb.block
        if block.kind == "heading" and word_count(block.text) >= _SENTENCE_WORDS:
            # text styled as a heading ("Monitor blood counts weekly" in an <h4>) still warns;
            # a heading that names a section ("Who should not take it") does not
            if (cb.kind not in _SKIP_KINDS and block.source not in ("lead-in", "line", "li")
                    and classify_heading(block.text).kind is None and is_warning_sentence(block.text)):
                add(block.text, cb)
            continue
        if block.kind not in ("item", "paragraph"):
            continue
        if cb.kind == "warnings":
            for text in _substance(block.text):
                sentences = _sentences_with_continuations(text)
                separate = len(sentences) > 1 and all(is_warning_sentence(s) for s in sentences)
                if block.kind == "item" or (len(sentences) <= _MAX_SENTENCES_AS_ONE and not separate):
                    # a precaution and its explanation stay one warning; sentences that each
                    # warn on their own ("Caution is ... . Caution is also ...") are several
                    add(_with_label(cb, text), cb,
                        _MIN_ITEM_WORDS if block.kind == "item" else _MIN_WORDS)
                else:
                    for sentence in sentences:
                        add(sentence, cb)
            continue
        if cb.kind in _SKIP_KINDS:
            continue
        if cb.kind == "side_effects" and block.kind == "item" and word_count(block.text) < 8:
            continue  # a listed effect; a whole sentence in such a list may still warn
        sentences = _sentences_with_continuations(block.text)
        if (block.kind == "item" and len(sentences) == 1 and is_warning_sentence(block.text)
                and not is_statistic(block.text)):
            add(_with_label(cb, block.text), cb)
            continue
        for sentence in sentences:
            if is_warning_sentence(sentence) and not is_statistic(sentence) and not _QUOTED.search(sentence):
                add(sentence, cb)
    return records

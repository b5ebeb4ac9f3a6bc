"""What every extractor needs to know about the page: its classified blocks, its primary drug,
and how to tell which drug a sentence is about.

Records about other drugs named on the page carry that drug (SPEC), so attribution is shared
here rather than re-decided, slightly differently, by each extractor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pipeline.classify import Classified
from pipeline.models import Record, Reject
from pipeline.normalize.drugs import DrugMention, lexicon
from pipeline.phrases import escape, phrase_pattern
from pipeline.validate import build

M = TypeVar("M", bound=Record)


_IN_AN_EFFECT_BEFORE = re.compile(
    r"\b(?:low|high|elevated|raised|increased|decreased|reduced|excess|excessive|too much|too little|"
    r"deficiency of|lack of|loss of|levels? of)\s+$", re.I)
_IN_AN_EFFECT_AFTER = re.compile(r"\s+(?:deficiency|deficiencies|levels?|toxicity|poisoning|overload|"
                                 r"depletion|excess|resistance|sensitivity|allergy|intolerance|"
                                 r"dependence|addiction|withdrawal|abuse|overdose|use disorder)\b", re.I)
_SUBJECT_REACH = 40
"""Characters from a sentence's start within which a drug it names can be its subject."""
# a drug named as the object of a preposition or a comparison, not as the statement's subject
_AS_OBJECT = re.compile(
    r"\b(?:with|such as|like|plus|and|or|than|versus|vs\.?|including|from|to|of|on|into|alongside|"
    r"after|before|without|about|as|switching|switch|combining|combined|besides|"
    r"e\.g\.|eg|especially|particularly)\s+(?:(?:a|an|the|other|another|some|any)\s+)?"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)
_ABBREVIATION = re.compile(r"\(\s*(?P<abbr>[A-Z][A-Za-z0-9]{1,7})\s*\)")


_GLOSSARY = re.compile(
    r"\b(?P<abbr>[A-Z][A-Za-z0-9]{1,7})\s*=\s*(?P<words>[A-Za-z][\w' -]{2,60}?)(?=\s*[;.,]|$)")


def _long_form(abbr: str, words: str) -> str | None:
    """The words an abbreviation stands for (Schwartz and Hearst's match): its letters, from
    the last, found in order in the words before it, the first one starting a word."""
    s_i, l_i = len(abbr) - 1, len(words) - 1
    while s_i >= 0:
        c = abbr[s_i].lower()
        if not c.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (words[l_i].lower() != c
                            or (s_i == 0 and l_i > 0 and words[l_i - 1].isalnum())):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = max(words.rfind(" ", 0, l_i + 1), words.rfind("/", 0, l_i + 1)) + 1
    long_form = words[start:].strip()
    n = len(long_form.split())
    if not 0 < n <= min(len(abbr) + 5, 2 * len(abbr)) or long_form.lower() == abbr.lower():
        return None
    return long_form


_OF_DRUG = re.compile(r"^[\d.,\s–-]*[^\W\d_][\w/%²µμ.]*\s+(?:of|de|di|von)\s+$", re.I)


@dataclass(frozen=True, slots=True)
class Cues:
    negation: re.Pattern[str]
    warning: re.Pattern[str]
    cause: re.Pattern[str]
    se_noun: re.Pattern[str]
    imperative: re.Pattern[str]
    """Warning verbs that count only where a clause starts: "Do not stop", not "do not go away"."""


@cache
def cues() -> Cues:
    data = json.loads(resources.files("pipeline.data").joinpath("cues.json").read_text())
    return Cues(
        negation=phrase_pattern(data["negations"]),
        warning=phrase_pattern(data["warning_cues"]),
        cause=phrase_pattern(data["cause_verbs"]),
        se_noun=phrase_pattern(data["side_effect_nouns"]),
        imperative=re.compile(
            r"(?:^|[,;:.!?]\s*|\b(?:and|but|so|please|you should|you must|always)\s+)[\"“]?(?:"
            + "|".join(escape(p) for p in sorted(data["imperative_warnings"], key=len, reverse=True))
            + r")(?!\w)"
            # "Do not stop suddenly", "should not be used", "never take two doses": a negation
            # counts with an action it forbids, not in "don't worry" or "don't hesitate to call"
            + r"|\b(?:" + "|".join(escape(p) for p in data["negative_imperatives"])
            + r")\s+(?:\w+ly\s+|ever\s+|also\s+|even\s+)?(?:"
            + "|".join(escape(p) for p in sorted(data["forbidden_actions"], key=len, reverse=True))
            + r")(?!\w)",
            re.I,
        ),
    )


@dataclass(slots=True)
class PageContext:
    blocks: list[Classified]
    primary: str | None
    source: str
    rejects: list[Reject] = field(default_factory=list)
    _mentions: dict[str, list[DrugMention]] = field(default_factory=dict, repr=False)
    _abbreviations: dict[str, str] | None = field(default=None, repr=False)

    def make(self, model: type[M], **fields: Any) -> M | None:
        """Build a validated record; an invalid one becomes a reject of this page."""
        return build(model, self.rejects, self.source, **fields)

    def mentions(self, text: str) -> list[DrugMention]:
        """Drug mentions of a text, found once per text: every dose and term of a long
        sentence asks about the same sentence."""
        found = self._mentions.get(text)
        if found is None:
            found = self._mentions[text] = lexicon().find(text)
        return found

    def drug_near(self, text: str, pos: int, block: Classified) -> str | None:
        """The drug a statement at ``pos`` in ``text`` is about.

        The nearest drug named before it in the same sentence wins (or right after it, as in
        "50 mg of sildenafil"); then the list item or label it hangs from, the section
        heading, and finally the page's primary drug.
        """
        found = self.mentions(text)
        before = [m for m in found if m.end <= pos]
        after = [m for m in found if m.start >= pos and m.start - pos <= 25]
        if after and _OF_DRUG.match(text[pos : after[0].start]):
            return after[0].generic  # "150 mg of pregabalin" names its own drug
        if before:
            return before[-1].generic
        if after:
            return after[0].generic
        return self._drug_of_block(block)

    def abbreviations(self) -> dict[str, str]:
        """The page's own abbreviations, "ILD" -> "interstitial lung disease", from where it
        defines them ("Interstitial Lung Disease (ILD)"), found once per page."""
        if self._abbreviations is None:
            found: dict[str, str] = {}
            for cb in self.blocks:
                text = cb.block.text
                for m in _ABBREVIATION.finditer(text):
                    # the words before the brackets: at most eight, back from the bracket
                    words = " ".join(text[max(0, m.start() - 120) : m.start()].split()[-8:])
                    long_form = _long_form(m.group("abbr"), words)
                    if long_form:
                        found.setdefault(m.group("abbr"), long_form.lower())
                for m in _GLOSSARY.finditer(cb.block.text):  # "ILD=interstitial lung disease;"
                    if _long_form(m.group("abbr"), m.group("words")):
                        found.setdefault(m.group("abbr"), m.group("words").strip().lower())
            self._abbreviations = found
        return self._abbreviations

    def other_class_subject(self, text: str, pos: int) -> bool:
        """Whether a statement at ``pos`` has another drug class as its subject ("Thiazide and
        loop diuretics cause hypokalemia" on a digoxin page): its effects are that class's."""
        own = lexicon().drug_class(self.primary) if self.primary else None
        clause = max(text.rfind(c, 0, pos) for c in ".;:!?") + 1
        for mention in lexicon().find_classes(text[clause:pos]):
            if mention.start <= 3 and mention.drug_class != own and self.primary:
                return not any(m.generic == self.primary for m in self.mentions(text[clause:pos]))
        return False

    def effect_drug(self, text: str, pos: int, block: Classified) -> str | None:
        """The drug an effect named at ``pos`` is stated about: the subject of its statement.

        On a page about one drug an effect stays with it unless another drug is what the
        statement speaks of ("Tadalafil causes back pain"); a drug named as an object does
        not take it ("when used with insulin or a sulfonylurea such as gliclazide, look out
        for shakiness"), nor does one named inside the effect ("vitamin B12 deficiency"),
        and a component of a combination is the combination.
        """
        for mention in reversed([m for m in self.mentions(text) if m.end <= pos]):
            if self.primary and mention.generic in self.primary.split("/"):
                return self.primary
            if (_AS_OBJECT.search(text, max(0, mention.start - 40), mention.start)
                    or _IN_AN_EFFECT_BEFORE.search(text, max(0, mention.start - 30), mention.start)
                    or _IN_AN_EFFECT_AFTER.match(text, mention.end)):
                continue  # "low magnesium", "vitamin B12 deficiency" name effects, not drugs
            return mention.generic
        return self._drug_of_block(block)

    def _drug_of_block(self, block: Classified) -> str | None:
        """The list item or label a statement hangs from, its section, or the page's drug."""
        for extra in (block.block.label, block.block.context):
            ms = self.mentions(extra) if extra else []
            if ms:
                return ms[0].generic
        return block.drug or self.primary

    def sentence_drug(self, sentence: str, block: Classified) -> str | None:
        """The drug a whole sentence is about: its subject if it names exactly one drug."""
        found = self.mentions(sentence)
        names = {m.generic for m in found}
        if self.primary in names or (self.primary and names & set(self.primary.split("/"))):
            return self.primary
        # a drug named as an object ("reduces the cortisol levels", "do not take with
        # warfarin") is not what the sentence is about
        subjects = {m.generic for m in found if m.start <= _SUBJECT_REACH
                    and not _AS_OBJECT.search(sentence, max(0, m.start - 40), m.start)}
        if len(subjects) == 1:
            return subjects.pop()
        return self._drug_of_block(block)

"""Side effects from lists, table columns and prose, each split into terms and categorised.

Three readings, from the most to the least explicit:

1. items of a side-effect section (or of a list under a cue such as "Call your doctor right
   away if you have:"): each item is one or more terms;
2. sentences that introduce a list ("The most common side effects are A, B and C", "may cause
   withdrawal symptoms such as A, B, or C"), anywhere in the article;
3. inside a side-effect section only, known adverse-effect terms named in running prose.

Negated mentions ("does not cause drowsiness") are skipped, and a term stated about another
drug is recorded for that drug.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.classify import Classified
from pipeline.extract.context import PageContext, cues
from pipeline.models import SideEffect, SideEffectCategory
from pipeline.normalize.drugs import lexicon as drug_lexicon
from pipeline.normalize.terms import (
    clean_term,
    find_side_effects,
    is_known_condition,
    is_known_side_effect,
    normalize_side_effect,
    split_terms,
)
from pipeline.phrases import phrase_pattern
from pipeline.text import split_sentences

_PARENS = re.compile(r"\s*\([^)]*\)")
_CLAUSE_END = re.compile(
    r"[.;!?](?:\s|$)|[,.;!?][\"\u201d]|\s[—–-]\s|\s(?:which|that|who|when|whenever|if|because|although|but|while|"
    r"especially|particularly|in some|after|during|as well as|etc|these|this|and may|and can|"
    r"and should|and is|and are|or may|requiring|leading to|so|than|for|until|unless|in people|"
    r"in patients|in children|in adults)\b",
    re.I,
)
_CAUSE_OR = re.compile(r"^\s*(?:or|and/or)\s+(?:exacerbate|worsen|aggravate|trigger|contribute to)\s+",
                       re.I)
_OPENER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:of (?:[\w-]+\s+){1,3})?(?:,\s*)?"
    r"(?:(?:may|can|might|could|often|commonly)\s+)?"
    r"(?:include[sd]?|including|are|were|is|such as|like|e\.g\.|namely|:)\s*:?"
    r"|^\s*(?:(?:can|may|might|could|also|sometimes|rarely|occur|occurs|happen|be|been|seen|"
    r"reported|that|which)[\s,]+){1,4}(?:such as|include[sd]?|including)\s*:?"
    # "side effects, though uncommon (2-4% of users), can include ..."
    r"|^\s*,[^,.;:]{1,80}?,\s*(?:(?:may|can|might|could|also|often)\s+){0,2}"
    r"(?:include[sd]?|including|such as)\s*:?"
    # "an additional adverse reaction from clinical studies was X"
    r"|^\s+(?:from|in|during|seen in|reported in)\s+(?:[\w-]+\s+){1,3}(?:was|were)\s+",
    re.I,
)
_INCLUDING = re.compile(r",?\s+(?:including|such as|e\.g\.)\s+", re.I)
_SYMPTOMS_OF = re.compile(r"^\s+of\s+((?:[\w'-]+\s*){1,4})", re.I)
_ADVERSE_OF = re.compile(r"overdose|overdosage|withdrawal|toxicity|too much|allergic|reaction|"
                         r"hypersensitivity|side effect|poisoning|serotonin syndrome", re.I)
_COPULA = re.compile(r"^\s*(?:are|is|were|was)\b", re.I)
_QUALIFIED = re.compile(
    r"\b(?:common|frequent|serious|severe|main|known|typical|possible|potential|reported|rare|"
    r"usual|other|major|mild|key|most|primary|notable|important|additional)\W+(?:\w+\W+)?$",
    re.I,
)
_NOT_TERM = re.compile(
    r"^(?:tell|call|stop|take|contact|seek|if|do|don't|ask|talk|speak|get|go|keep|avoid|use|none|"
    r"see|check|read|make|you|your|it|this|these|they|we|there|most|some|many|other|all|"
    r"any|each|both|such|generally|usually|often|also|may|can|should|will|would|could|"
    r"more|less|very|including|include|like)\b",
    re.I,
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|may|can|should|will|would|could|might|must|have|has|had|"
    r"do|does|did|take|taking|get|gets|feel like|go away|goes away|tell|call)\b",
    re.I,
)
_CATEGORY_WORDS = frozenset(
    {"common", "rare", "serious", "severe", "mild", "less common", "very rare", "uncommon",
     "frequent", "very common", "unknown", "none", "n/a", "yes", "no", "others", "other",
     "overdose", "overdosage", "withdrawal", "toxicity", "death"}
)
_MAX_TERM_WORDS = 7
_CUE_REACH = 300  # characters either side of a term in which its category cue may stand
_HARM_HEADING = re.compile(r"toxicit|adverse|side[ -]effects?|reactions", re.I)
_MIN_CONTENT_LIST = 3


_TOO_MUCH = re.compile(r"\s+([^\W\d_]+)")
_AMOUNT_OF_DRUG = frozenset(
    {"of", "at", "in", "on", "or", "and", "for", "to", "can", "may", "could", "might", "will",
     "is", "was", "you", "it", "medicine", "medication", "medications", "drug", "drugs", "a",
     "the", "this", "your", "tablets", "pills", "capsules"}
)


def _about_the_dose(text: str, m: re.Match[str]) -> bool:
    """An overdose cue "too much" speaks of the drug: "taking too much (baclofen)", not "too
    much stomach acid" or "too much sun"."""
    if m.group(0).lower() != "too much":
        return True
    follower = _TOO_MUCH.match(text, m.end())
    if follower is None:
        return True
    word = follower.group(1)
    return word.lower() in _AMOUNT_OF_DRUG or bool(drug_lexicon().find(word))


@dataclass(frozen=True, slots=True)
class _CategoryCues:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    def find(self, text: str) -> str | None:
        """The category whose cue sits closest to the end of ``text`` (nearest the list)."""
        best: tuple[int, int, str] | None = None
        for cat, pattern in self.patterns:
            for m in pattern.finditer(text):
                if not _about_the_dose(text, m):
                    continue
                key = (m.end(), len(m.group(0)), cat)
                if best is None or key[:2] > best[:2]:
                    best = key
        return best[2] if best else None

    def nearest(self, text: str, pos: int) -> str | None:
        """The category whose cue stands closest to ``pos`` in the same clause: in "X is
        common; very rarely, Y occurs" X is common and Y rare."""
        lo, hi = max(0, pos - _CUE_REACH), min(len(text), pos + _CUE_REACH)
        start = max(text.rfind(";", lo, pos), text.rfind(":", lo, pos), lo - 1) + 1
        end = min((i for i in (text.find(";", pos, hi), text.find(":", pos, hi)) if i != -1),
                  default=hi)
        best: tuple[int, int, str] | None = None
        for cat, pattern in self.patterns:
            for m in pattern.finditer(text, start, end):
                if not _about_the_dose(text, m):
                    continue
                key = (abs((m.start() + m.end()) // 2 - pos), -len(m.group(0)), cat)
                if best is None or key[:2] < best[:2]:
                    best = key
        return best[2] if best else None


@cache
def _categories() -> _CategoryCues:
    data = json.loads(resources.files("pipeline.data").joinpath("sections.json").read_text())
    return _CategoryCues(tuple((k, phrase_pattern(v)) for k, v in data["categories"].items()))


_HEDGE = re.compile(r"^(?:clinically (?:significant|relevant|important)|potentially|possibly)\s+",
                   re.I)  # how sure the page is, not what the effect is
_LEADING_CLAUSE = re.compile(r"^(?:when|while|if|after|during|especially|which|that|even|usually)\b",
                             re.I)
_TRAILING_CLAUSE = re.compile(
    r"\s+(?:when|while|if|after|during|especially|which|that|on|at the start|in the first|"
    r"due to|because of|caused by|at high doses|in (?:some|rare) cases|"
    r"in (?:men|women|children|adults|the elderly|elderly patients|older adults|some people|"
    r"some patients)|with (?:long[- ]term|prolonged|chronic|high[- ]dose|"
    r"regular|continued) (?:use|treatment|therapy))\b.*$",
    re.I,
)


def trim_term(term: str) -> str:
    """Keep the effect, drop the circumstance: "unsteadiness when walking" -> "unsteadiness"."""
    term = _HEDGE.sub("", clean_term(term))
    if _LEADING_CLAUSE.match(term):
        return ""  # "when standing up" is the circumstance of the previous term
    return _TRAILING_CLAUSE.sub("", term).strip()


def term_fields(term: str) -> tuple[str, str]:
    """(term_normalized, term_canonical) of a cleaned term."""
    normalized = term.lower()
    return normalized, normalize_side_effect(term).lower() or normalized


_SEVERITY = re.compile(r"^(?:severe|serious|mild|moderate|significant|marked|sudden|possible)\s+",
                       re.I)


def known_effect(term: str) -> bool:
    """A lexicon effect, also when graded: "severe birth defects" is birth defects."""
    return is_known_side_effect(term) or is_known_side_effect(_SEVERITY.sub("", term))


def plausible_list(terms: list[str]) -> bool:
    """A list read from prose names effects: at least half of its terms are known ones."""
    valid = [t for t in terms if valid_term(t)]
    return bool(valid) and 2 * sum(1 for t in valid if known_effect(t)) >= len(valid)


def valid_term(term: str) -> bool:
    """A short noun phrase naming an effect, not a clause, a category word or a fragment."""
    if not term or len(term) < 3 or not re.search(r"[^\W\d_]", term):
        return False
    words = term.split()
    if len(words) > _MAX_TERM_WORDS or term.lower() in _CATEGORY_WORDS:
        return False
    if _NOT_TERM.match(term) or (_VERBISH.search(term) and not is_known_side_effect(term)):
        return False
    return not cues().se_noun.fullmatch(term)


def _last_match(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    matches = list(pattern.finditer(text, lo, hi))
    return matches[-1] if matches else None


_MODAL_AFTER = re.compile(r"\b(?:can|may|might|could|will|would)\b(?!\s+(?:not|never)\b)",
                          re.I)
_COMPLEMENT = re.compile(r"\b(?:that|whether|if|known|shown|proven|evidence|clear)\b", re.I)


def _negated(prefix: str, verb: str = "") -> bool:
    """A negation in the same clause, shortly before: "does not cause the weight gain or the".

    A negation that a modal verb follows belongs to the subject, not to the effect: in "taking
    it without food can cause nausea" and "people who do not eat may get heartburn" the
    effect is asserted; in "it may not cause drowsiness" and "there is no evidence that it can
    cause seizures" it is not."""
    clause = re.split(r"[,;:.!?]", prefix[-_CUE_REACH:])[-1]
    window = " ".join(clause.split()[-10:])
    last = _last_match(cues().negation, window, 0, len(window))
    if last is None:
        return False
    window = f"{window} {verb}"  # the verb that introduces the effects ("can cause")
    modal = _MODAL_AFTER.search(window, last.end())
    return modal is None or bool(_COMPLEMENT.search(window, last.end(), modal.start()))


_GRAVE = re.compile(r"^(?:severe|serious|life-threatening|fatal)\s", re.I)


@dataclass(slots=True)
class _Collector:
    ctx: PageContext
    records: list[SideEffect]
    seen: set[tuple[str | None, str, str]]

    def add(self, term: str, category: str, text: str, drug: str | None, cb: Classified) -> None:
        term = trim_term(term)
        if not valid_term(term):
            return
        if category == "unspecified" and _GRAVE.match(term):
            category = "serious"  # "can cause severe birth defects": the page calls it severe
        normalized, canonical = term_fields(term)
        key = (drug, canonical, category)
        if key in self.seen:
            return
        self.seen.add(key)
        record = self.ctx.make(
            SideEffect,
            drug=drug,
            term=term,
            term_normalized=normalized,
            term_canonical=canonical,
            category=SideEffectCategory(category),
            section=cb.heading,
            text=text,
        )
        if record is not None:
            self.records.append(record)


def _list_after(sentence: str, start: int) -> str:
    rest = _PARENS.sub("", sentence[start:])
    m = _CLAUSE_END.search(rest)
    return rest[: m.start()] if m else rest


_WORSENS = re.compile(
    r"\b(?:can|may|might|could|will|often|also|sometimes)\s+(?:also\s+)?"
    r"(?P<verb>exacerbate|worsen|aggravate)\s+(?:(?:pre-?existing|existing|underlying)\s+)?",
    re.I,
)
_WORSENING = {"exacerbate": "{} exacerbation", "worsen": "worsening {}",
              "aggravate": "aggravation of {}"}


def _worsened(sentence: str, cb: Classified, col: _Collector, taken: set[str]) -> None:
    """ "Can exacerbate asthma and COPD" names effects the drug has on existing illnesses:
    asthma exacerbation, COPD exacerbation. Only illnesses the lexicons know are read."""
    for m in _WORSENS.finditer(sentence):
        if _negated(sentence[: m.start()], m.group(0)):
            continue
        illnesses = [trim_term(t) for t in split_terms(_list_after(sentence, m.end()))]
        if not illnesses or not all(is_known_condition(t) or known_effect(t) for t in illnesses):
            continue
        pattern = _WORSENING[m.group("verb").lower()]
        category = _categories().find(sentence[: m.start()]) or cb.category or "unspecified"
        drug = col.ctx.drug_near(sentence, m.start(), cb)
        for illness in illnesses:
            term = pattern.format(illness)
            col.add(term, category, sentence, drug, cb)
            taken.add(term.lower())
            taken.add(illness.lower())


def _prose(sentence: str, cb: Classified, col: _Collector, in_section: bool) -> set[str]:
    """Read the lists that a sentence introduces; returns the terms it took."""
    c = cues()
    taken: set[str] = set()
    _worsened(sentence, cb, col, taken)
    known = find_side_effects(sentence) if in_section else []
    anchors: list[tuple[int, int, bool]] = []  # (anchor start, list start, strong)
    for m in c.se_noun.finditer(sentence):
        after = sentence[m.end() :]
        om = _OPENER.match(after)
        if not om:
            continue
        if _COPULA.match(after[om.start():]) and not _QUALIFIED.search(sentence[: m.start()]):
            continue
        of = _SYMPTOMS_OF.match(after)
        if m.group(0).lower() in ("symptoms", "signs") and of and not _ADVERSE_OF.search(of.group(1)):
            continue  # "symptoms of an underactive thyroid, such as ..." are the illness's
        anchors.append((m.start(), m.end() + om.end(), True))
    for m in c.cause.finditer(sentence):
        anchors.append((m.start(), m.end(), False))
    for mention in known:
        # "hepatotoxicity, including liver failure": in a contraindication the same shape names
        # the patient's conditions, so only where harms are the topic
        more = _INCLUDING.match(sentence, mention.end)
        if more and not _negated(sentence[: mention.start]):
            anchors.append((mention.start, more.end(), True))
            named = (_categories().find(sentence[max(0, mention.end - _CUE_REACH): mention.end])
                     or cb.category or "unspecified")
            col.add(mention.text, named, sentence, col.ctx.drug_near(sentence, mention.start, cb), cb)
            taken.add(mention.text.lower())
    anchors.sort()
    for start, list_start, strong in anchors:
        prefix = sentence[:start]
        if _negated(prefix, "" if strong else sentence[start:list_start]):
            continue
        listing = _CAUSE_OR.sub("", _list_after(sentence, list_start))
        parts = split_terms(listing)
        if not strong and parts and c.se_noun.search(parts[0]) and not known_effect(parts[0]):
            continue  # "may experience serious side effects, such as ..." is the strong anchor's
        category = (_categories().find(sentence[:list_start]) or cb.category
                    or ("serious" if cb.kind == "warnings" else "unspecified"))
        drug = col.ctx.drug_near(sentence, start, cb)
        terms = [trim_term(t) for t in share_words(parts)]
        if not plausible_list(terms):
            continue
        for t in terms:
            col.add(t, category, sentence, drug, cb)
            taken.add(t.lower())
    if in_section:
        for mention in known:
            before = sentence[: mention.start]
            if _negated(before) or _PATIENT_CONTEXT.search(before):
                continue  # "in people with kidney problems" is who, not what happens
            if _of_the_illness(sentence, mention.start):
                continue
            category = (_categories().nearest(sentence, mention.start) or cb.category
                        or "unspecified")
            drug = col.ctx.drug_near(sentence, mention.start, cb)
            glossed = _gloss(sentence, mention.start, mention.end)
            if glossed is not None:
                if glossed and glossed.lower() not in taken:
                    col.add(glossed, category, sentence, drug, cb)
                    taken.add(glossed.lower())
                continue
            if mention.text.lower() not in taken:
                col.add(mention.text, category, sentence, drug, cb)
            shared = _shared_head(before, mention.text)
            for term in [*([shared] if shared else []), *_bracketed_list(sentence, mention.end)]:
                if term.lower() not in taken:
                    col.add(term, category, sentence, drug, cb)
                    taken.add(term.lower())
    return taken


_GLOSS_BEFORE = re.compile(r"\b([^\W\d_]{3,}(?:ic|al|ous|ive|ary|ed))\s*\(\s*$", re.I)
_GLOSS_AFTER = re.compile(r"^\s*\)\s*([^\W\d_]+)")
_BRACKETS_AFTER = re.compile(r"\s*\(([^()]+)\)")
_SIGNS_OF = re.compile(r"\b(?:symptoms|signs)\s+of\s+((?:[\w'-]+\s*){1,4})", re.I)


_COORDINATED = re.compile(r"(?<![\w-])([^\W\d_]{3,})\s+(?:and|or|and/or)\s+$", re.I)


def _shared_head(before: str, term: str) -> str | None:
    """ "Prolonged and painful erections": a modifier coordinated before a known effect shares
    its noun; the completed term counts when the lexicon knows it (prolonged erections)."""
    m = _COORDINATED.search(before)
    words = term.split()
    if not m or len(words) < 2:
        return None
    candidate = f"{m.group(1)} {' '.join(words[1:])}"
    return candidate if known_effect(candidate) else None


def _gloss(sentence: str, start: int, end: int) -> str | None:
    """A term in brackets between an adjective and its noun glosses the adjective: in
    "allergic (hypersensitivity) reactions" the effect is the allergic reaction. None when the
    term is no such gloss; else the effect the adjective and noun name ("" if unknown)."""
    adjective = _GLOSS_BEFORE.search(sentence[:start])
    noun = _GLOSS_AFTER.match(sentence[end:])
    if not adjective or not noun:
        return None
    effect = f"{adjective.group(1)} {noun.group(1)}"
    return effect if known_effect(effect) else ""


def _of_the_illness(sentence: str, start: int) -> bool:
    """ "Worsening symptoms of HPP (e.g., new fractures)": signs of the illness being
    treated, not of an adverse effect, name no side effects."""
    lo = max(0, start - _CUE_REACH)
    found = _last_match(_SIGNS_OF, sentence, lo, start)
    if found is None:
        return False
    of = _SIGNS_OF.match(sentence, found.start())  # the object may run into the term itself
    words = of.group(1).split() if of else []
    if _ADVERSE_OF.search(" ".join(words)):
        return False
    return not any(known_effect(" ".join(words[:n])) for n in range(len(words), 0, -1))


def _bracketed_list(sentence: str, end: int) -> list[str]:
    """The terms of a bracketed list right after an effect: "injection site reactions
    (redness, bruising, itching, thinning, and bumps)" names each of them."""
    m = _BRACKETS_AFTER.match(sentence, end)
    if not m:
        return []
    terms = [trim_term(t) for t in share_words(split_terms(m.group(1)))]
    if len(terms) < 2 or not plausible_list(terms):
        return []
    return [t for t in terms if valid_term(t)]


_APPOSITIVE = re.compile(r"^([^,(]{3,40}),\s+(?:a|an|the)\s+\w.*$", re.I)
_DASH_HEAD = re.compile(r"^([^–—:]{3,50}?)\s*(?:\s[–—-]\s|:\s)\s*\S.*$")
_COMMA_HEAD = re.compile(
    r"^([^,]{3,50}),\s+(?:usually|often|especially|mainly|typically|particularly|caused|which|"
    r"even|sometimes|possibly|seen|mostly|most|in|at|on|for|with|during|after|when|if)\b",
    re.I,
)
_PATIENT_CONTEXT = re.compile(
    r"\b(?:with|history of|have|has|had|patients|people|those|anyone|if you)\W+(?:\w+\W+)?$", re.I
)


_LEAD_SYMBOLS = re.compile(r"^[^\w(]+", re.UNICODE)
_TEXT_LABEL = re.compile(r"^([^:]{2,60}):\s+(\S.*)$")
_GROUP_PARENS = re.compile(r"^([^()]{2,60}?)\s*\(([^()]+)\)\s*\.?$")
_INSTANCES = re.compile(r"^(?:rare|occasional|isolated|some)?\s*(?:instances|cases|reports|episodes) of\s+",
                        re.I)


def _item_terms(text: str, label: str | None) -> tuple[list[str], str | None] | None:
    """The terms a side-effect list item names, and a category its own label gives.

    "Nausea: usually mild" names nausea; "Rare: liver damage, jaundice" and "CNS effects:
    headache, dizziness" name the terms after the label; "Digestive issues (nausea,
    constipation)" names the terms in the brackets; "Tremor – a slight shaking" and
    "Tremor, usually in the hands" name the head. None: the item is prose.
    """
    text = _LEAD_SYMBOLS.sub("", text)
    if label is None:
        m = _TEXT_LABEL.match(text)
        if m and len(m.group(1).split()) <= 6:
            label = _LEAD_SYMBOLS.sub("", m.group(1))
    if label:
        rest = text.split(":", 1)[1].strip() if ":" in text else text[len(label):].strip()
        lead = _INSTANCES.match(rest)  # "Rare instances of X, Y or Z"
        terms = split_terms(rest[lead.end():] if lead else rest) if rest else []
        listed = plausible_list([trim_term(t) for t in terms]) and (
            len(terms) > 1 or not is_known_side_effect(trim_term(label)))
        if listed:  # "GI disturbance: diarrhea or constipation" names what follows the label
            return share_words(terms), _categories().find(label) or (
                _categories().find(lead.group(0)) if lead else None)
        if is_known_side_effect(trim_term(label)) or not rest:
            return [label], None
    group = _GROUP_PARENS.match(text)
    if group:
        outer = split_terms(group.group(1))
        inner = split_terms(group.group(2))
        if plausible_list([trim_term(t) for t in inner]):
            # "Digestive issues (nausea, constipation)" names the brackets; "Muscle pain or
            # weakness (myopathy)" names both
            if len(outer) == 1 and is_known_side_effect(trim_term(outer[0])):
                return outer, None  # "Jaundice (yellowing of the skin)": the brackets explain
            return share_words(outer) + inner if len(outer) > 1 else inner, None
    head = _DASH_HEAD.match(text) or _APPOSITIVE.match(text) or _COMMA_HEAD.match(text)
    if head and len(head.group(1).split()) <= 6:
        return share_words(split_terms(head.group(1))), None
    if _term_item(text):
        return share_words(split_terms(text)), None
    return None


def share_words(terms: list[str]) -> list[str]:
    """Complete coordinated terms that share a word, when the completed term is a known effect:
    "muscle pain or weakness" -> muscle weakness; "liver or kidney problems" -> liver problems."""
    out = list(terms)
    for i in range(len(out) - 1):
        a, b = out[i].split(), out[i + 1].split()
        if len(a) >= 2 and len(b) == 1:
            candidate = f"{' '.join(a[:-1])} {b[0]}"
            if is_known_side_effect(candidate):
                out[i + 1] = candidate
        elif len(a) == 1 and len(b) >= 2:
            candidate = f"{a[0]} {' '.join(b[1:])}"
            if is_known_side_effect(candidate) and not is_known_side_effect(a[0]):
                out[i] = candidate
    return out


def _term_item(text: str) -> bool:
    words = _PARENS.sub("", text).split()
    return 0 < len(words) <= 10 and not _NOT_TERM.match(text) and not re.search(r"[.!?]\s+\S", text)


def _list_shares(ctx: PageContext) -> dict[int | None, tuple[int, int]]:
    """Per list: (items that start with a known effect, items)."""
    known: dict[int | None, list[bool]] = {}
    for cb in ctx.blocks:
        if cb.block.kind == "item":
            terms = split_terms(_LEAD_SYMBOLS.sub("", cb.block.text))
            known.setdefault(cb.block.list_id, []).append(
                bool(terms) and is_known_side_effect(trim_term(terms[0])))
    return {k: (sum(flags), len(flags)) for k, flags in known.items()}


def extract_side_effects(ctx: PageContext) -> list[SideEffect]:
    col = _Collector(ctx, [], set())
    shares = _list_shares(ctx)
    plausible_lists = {k for k, (hits, n) in shares.items() if 2 * hits >= n}
    # a list under no section heading that is nearly all known effects ("What to expect:
    # drowsiness, dizziness, nausea") is a side-effect list by its content alone
    effect_lists = {k for k, (hits, n) in shares.items()
                    if k is not None and n >= _MIN_CONTENT_LIST and 4 * hits >= 3 * n}
    for cb in ctx.blocks:
        block = cb.block
        if block.kind == "table" or cb.kind in ("author", "references", "comparison_table"):
            continue
        # a section of another kind whose heading also names harms ("Dosage modifications for
        # hematologic toxicities") has its known effects read from its prose too
        se_section = cb.kind == "side_effects"
        in_section = se_section or (cb.kind not in ("title", "comparison", "benefits") and bool(
            _HARM_HEADING.search(f"{cb.heading or ''} {block.label or ''}")))
        unsorted = cb.kind in (None, "title", "overview", "table")
        cue_only = unsorted and (cb.category in ("serious", "withdrawal", "overdose")
                                 or block.list_id in effect_lists)
        category = cb.category or ("serious" if cb.kind == "warnings"
                                   else "common" if block.source == "tr" and in_section
                                   else "unspecified")  # an incidence table lists common ones
        if cb.kind == "warnings" and block.label and is_known_side_effect(trim_term(block.label)):
            # "Hepatotoxicity: ..." under Warnings and precautions names a serious effect
            col.add(block.label, category, block.text, ctx.sentence_drug(block.text, cb), cb)
        if block.kind == "item" and (se_section or cue_only):
            read = _item_terms(block.text, block.label)
            if read is not None:
                terms, cue = read
                cue = cue or _categories().find(block.extra.get("frequency", ""))
                if cue_only and block.list_id not in plausible_lists:
                    continue  # a cue such as "call your doctor" alone: only lists of known effects
                drug = ctx.sentence_drug(block.text, cb)
                for term in terms:
                    col.add(term, cue or category, block.text, drug, cb)
                continue
        if block.kind in ("paragraph", "item"):
            for sentence in split_sentences(block.text):
                _prose(sentence, cb, col, in_section)
    return col.records

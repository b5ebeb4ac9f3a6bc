"""Side effects from lists, headings and prose, each split into terms and categorised.

Readings, from the most to the least explicit:

1. items of a list of effects (a side-effect section, or a list after a lead-in such as "Call
   your doctor right away if you have:"): each item is read by its shape
   (:mod:`pipeline.extract.items`), not looked up: an item that reads as a noun phrase or a
   symptom description names effects whether or not the lexicon knows them; advice,
   audiences and prose items are read as prose;
2. sub-headings of a side-effect section that name an effect ("Hair loss", "Dry skin and
   lips"), under the category of any category heading before them ("Common", "Rare");
3. sentences that introduce a list ("The most common side effects are A, B and C", "may
   cause withdrawal symptoms such as A, B, or C", "A and B have been reported"), anywhere;
   where harms are the topic the list's parts need only be noun phrases, elsewhere most of
   them must be known effects;
4. inside a side-effect section, known adverse-effect terms named in running prose.

Negated mentions ("does not cause drowsiness") are skipped, and a term stated about another
drug is recorded for that drug.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.classify import (
    Classified,
    classify_heading,
    frequency_category,
    introduces_effects,
    is_predicate,
)
from pipeline.extract.context import PageContext, cues
from pipeline.extract.effect_terms import (
    ItemReading,
    effect_like,
    item_is_term_list,
    known_effect,
    list_terms,
    phrase_list,
    plausible_list,
    read_item,
    share_words,
    term_fields,
    trim_term,
    valid_term,
)
from pipeline.extract.items import Shape, bare, is_footnote, settle, shape
from pipeline.models import Condition, SideEffect, SideEffectCategory
from pipeline.normalize.drugs import lexicon as drug_lexicon
from pipeline.normalize.terms import (
    find_side_effects,
    is_known_condition,
    is_known_side_effect,
    split_terms,
)
from pipeline.phrases import phrase_pattern
from pipeline.segment import Block
from pipeline.text import split_sentences

__all__ = ["extract_side_effects", "term_fields", "valid_term"]

_PARENS = re.compile(r"\s*\([^)]*\)")
_CLAUSE_END = re.compile(
    r"[.;!?](?:\s|$)|[,.;!?][\"\u201d]|\s[—–-]\s|[—–]|\s(?:which|that|who|when|whenever|if|because|although|but|"
    r"while|especially|particularly|in some|after|during|as well as|etc|these|this|and may|and can|"
    r"and should|and is|and are|or may|requiring|leading to|so|than|for|until|unless|in people|"
    r"in patients|in children|in adults|occur|occurs|occurred|are|is|were|was|have been|has been|"
    r"may be|can be|tend to|usually|typically|often|not only)\b",
    re.I,
)
_CAUSE_OR = re.compile(r"^\s*(?:or|and/or)\s+(?:exacerbate|worsen|aggravate|trigger|contribute to)\s+",
                       re.I)
_OPENER = re.compile(
    # "gastrointestinal side effects — bloating, loose stools — occur", "side effects are
    # generally mild — occasional grogginess or vivid dreams — and ..."
    r"^(?:\s+(?:are|were|is|was)(?:\s+\w+){1,3})?\s*[—–]\s*"
    r"|^\s*(?:\([^)]*\)\s*)?(?:of(?:\s+[\w-]+){1,3}\s*)?(?:,\s*)?"
    r"(?:(?:may|can|might|could|often|commonly)\s+)?"
    r"(?:include[sd]?|including|are|were|is|such as|like|e\.g\.|namely|:)\s*:?"
    r"|^\s*(?:(?:can|may|might|could|also|sometimes|rarely|occur|occurs|happen|be|been|seen|"
    r"reported|that|which)[\s,]+){1,4}(?:such as|include[sd]?|including)\s*:?"
    # "side effects, though uncommon (2-4% of users), can include ..."
    r"|^\s*,(?:[^,.;:]|\.\d){1,80}?,\s*(?:(?:may|can|might|could|also|often)\s+){0,2}"
    r"(?:include[sd]?|including|such as)\s*:?"
    # "other side effects seen in a small group of people include ..."
    r"|^[^.;:!?(),—–]{1,45}?\s(?:include[sd]?|including|such as)\s*:?"
    # "an additional adverse reaction from clinical studies was X"
    r"|^\s+(?:from|in|during|seen in|reported in)\s+(?:[\w-]+\s+){1,3}(?:was|were)\s+"
    # "withdrawal symptoms have been observed after discontinuation: insomnia, headache"
    r"|^\s+(?:have|has)\s+(?:also\s+)?been\s+(?:observed|reported|seen|described|noted)"
    r"[^:.;]{0,60}:\s*",
    re.I,
)
_DASHED = re.compile(r"[—–]\s*$")
_PASSIVE = re.compile(r"\s+by\b", re.I)
# between an effect and the effects after it: those are its signs ("look out for shakiness")
_SIGNS_OF_IT = re.compile(r"\b(?:look out for|watch (?:out )?for|signs (?:of|include|are)|"
                          r"symptoms (?:of|include|are)|such signs as)\b", re.I)
_INTERACTIONS = re.compile(r"\binteract", re.I)
# "Three patients with grade 3 elevations had drug-induced liver injury"
_PATIENTS_HAD = re.compile(r"\b(?:patients|people|participants|subjects)\b[^.;:]{0,60}?"
                           r"\b(?:had|developed)\s+",
                           re.I)
_GAIN = re.compile(r"^\s*(?:(?:a|an|the|some|significant|great|better)\s+)*(?:relief|improvement|"
                   r"reduction|benefits?|better|fewer|less|weight loss)\b", re.I)
_RELIEF = re.compile(r"\b(?:relie\w*|reduc\w*|treat\w*|improv\w*|help\w*|manag\w*|control\w*|eas\w*)\b",
                     re.I)
_SIGNS_LIST = re.compile(
    r"\b(?:signs|symptoms)\s+of\s+(?=(?:(?!\b(?:include|includes|are|is|such as|may|can)\b)[^,.;:]){1,40},)",
    re.I)
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
_CUE_REACH = 300  # characters either side of a term in which its category cue may stand
_HARM_HEADING = re.compile(r"toxicit|adverse|side[ -]effects?|reactions", re.I)
_MIN_CONTENT_LIST = 3
_SHORT_HEADING = 12  # a longer "heading" that mentions side effects is a headline sentence
_MAX_HEADING_TERM_WORDS = 6
# the subject of "can cause" when it is the drug or its use, not the illness or the weather
_DRUG_SUBJECT = re.compile(
    r"\b(?:it|this|these|they|them|its|medicines?|medications?|drugs?|pills?|tablets?|capsules?|"
    r"doses?|dosing|dosages?|treatment|therapy|injections?|shots?|supplements?|use|using|"
    r"taking|overdoses?|combination|products?|class|agonists?|inhibitors?|blockers?)\b",
    re.I,
)
# "A and B have been reported", "C may occur": a list named before its verb
_POST_CUE = re.compile(
    r"\s+(?:(?:have|has)\s+(?:also\s+)?been\s+(?:reported|observed|seen|described)|"
    r"(?:were|was)\s+(?:also\s+)?(?:reported|observed)|(?:may|can|might)\s+(?:also\s+)?(?:occur|develop|happen)|"
    r"(?:have|has)\s+occurred|occurred|(?:is|are)\s+(?:also\s+)?(?:possible|common|uncommon|rare|"
    r"reported))\b",
    re.I,
)
# "Of 405 patients, elevations of AST occurred": the setting before the effects
_SETTING = re.compile(r"^(?:(?:of|in|among|across|during)\s[^,]{1,60},\s*|and\s+)", re.I)
_ACTION = re.compile(r"^(?:dose|doses|dosage|dosing|treatment|therapy|discontinuation|interruption|"
                     r"hospitali[sz]ation|withdrawal of)\b", re.I)
_POST_LEAD = re.compile(
    r"^(?:(?:rare|rarely|occasionally|in rare cases|very rarely|sometimes|also|however|cases of|"
    r"reports of|instances of|episodes of|[\w\s]{0,30}?:)[\s,]+)+", re.I)


_TOO_MUCH = re.compile(r"\s+([^\W\d_]+)")
_AMOUNT_OF_DRUG = frozenset(
    {"of", "at", "in", "on", "or", "and", "for", "to", "can", "may", "could", "might", "will",
     "is", "was", "you", "it", "medicine", "medication", "medications", "drug", "drugs", "a",
     "the", "this", "your", "tablets", "pills", "capsules"}
)


def _about_the_dose(text: str, m: re.Match[str]) -> bool:
    """An overdose cue "too much" speaks of the drug: "taking too much (baclofen)", not "too
    much stomach acid" or "too much sun". "Typical" before a drug or class says what kind of
    effect ("typical opioid effects such as euphoria"), not how often."""
    cue = m.group(0).lower()
    if cue == "typical":
        after = _TOO_MUCH.match(text, m.end())
        return after is None or not (drug_lexicon().find(after.group(1))
                                     or drug_lexicon().find_classes(after.group(1)))
    if cue != "too much":
        return True
    follower = _TOO_MUCH.match(text, m.end())
    if follower is None:
        return True
    word = follower.group(1)
    return word.lower() in _AMOUNT_OF_DRUG or bool(drug_lexicon().find(word))


_LABEL_WORDS = 3
"""Words of a label before a colon that may name a category ("Less common:")."""


def _sets_category(text: str, m: re.Match[str], category: str) -> bool:
    """Whether a category cue's match says the effects' category: not "too much sun", not
    "typical opioid effects", not "if these are severe"."""
    return _about_the_dose(text, m) and not (category == "serious" and is_predicate(text, m.start()))


@dataclass(frozen=True, slots=True)
class _CategoryCues:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    weak: frozenset[str]
    """List openers ("may include") that any category noun near them outranks."""

    def _rank(self, m: re.Match[str]) -> int:
        return 0 if m.group(0).lower() in self.weak else 1

    def find(self, text: str) -> str | None:
        """The category whose cue sits closest to the end of ``text`` (nearest the list); a
        category noun ("overdose") outranks a list opener ("may include") anywhere; else
        the category of a frequency in words ("more than 1 in 10 people")."""
        best: tuple[int, int, int, str] | None = None
        for cat, pattern in self.patterns:
            for m in pattern.finditer(text):
                if not _sets_category(text, m, cat):
                    continue
                key = (self._rank(m), m.end(), len(m.group(0)), cat)
                if best is None or key[:3] > best[:3]:
                    best = key
        return best[3] if best else frequency_category(text)

    def nearest(self, text: str, pos: int) -> str | None:
        """The category whose cue stands closest to ``pos`` in the same clause: in "X is
        common; very rarely, Y occurs" X is common and Y rare."""
        lo, hi = max(0, pos - _CUE_REACH), min(len(text), pos + _CUE_REACH)
        start = max(text.rfind(";", lo, pos), text.rfind(":", lo, pos), lo - 1) + 1
        end = min((i for i in (text.find(";", pos, hi), text.find(":", pos, hi)) if i != -1),
                  default=hi)
        best: tuple[int, int, int, str] | None = None
        for cat, pattern in self.patterns:
            for m in pattern.finditer(text, start, end):
                if not _sets_category(text, m, cat):
                    continue
                key = (-self._rank(m), abs((m.start() + m.end()) // 2 - pos), -len(m.group(0)), cat)
                if best is None or key[:3] < best[:3]:
                    best = key
        if best is None:
            # "Common: headache, insomnia. Rare: hyponatraemia; bleeding": the short label
            # that opens the sentence
            colon, sentence = text.rfind(":", 0, pos), text.rfind(". ", 0, pos)
            label = text[sentence + 1: colon] if colon > sentence else ""
            if label.strip() and len(label.split()) <= _LABEL_WORDS:
                return self.find(label)
        return best[3] if best else None


@cache
def _categories() -> _CategoryCues:
    data = json.loads(resources.files("pipeline.data").joinpath("sections.json").read_text())
    return _CategoryCues(tuple((k, phrase_pattern(v)) for k, v in data["categories"].items()),
                         frozenset(p.lower() for p in data["weak_categories"]))


def _last_match(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    matches = list(pattern.finditer(text, lo, hi))
    return matches[-1] if matches else None


_MODAL_AFTER = re.compile(r"\b(?:can|may|might|could|will|would)\b(?!\s+(?:not|never)\b)",
                          re.I)
_COMPLEMENT = re.compile(r"\b(?:that|whether|if|known|shown|proven|evidence|clear)\b", re.I)

_NEGATION_CLAUSE_END = re.compile(r"[,;:.!?]")
_SUBJECT_CLAUSE_END = re.compile(r"[;:.!?]|,\s")


def _negated(prefix: str, verb: str = "") -> bool:
    """A negation in the same clause, shortly before: "does not cause the weight gain or the".

    A negation that a modal verb follows belongs to the subject, not to the effect: in "taking
    it without food can cause nausea" and "people who do not eat may get heartburn" the
    effect is asserted; in "it may not cause drowsiness" and "there is no evidence that it can
    cause seizures" it is not."""
    clause = _NEGATION_CLAUSE_END.split(prefix[-_CUE_REACH:])[-1]
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

    def block_terms(self, cb: Classified) -> set[str]:
        """The terms already recorded from a block's section (for mentions inside them)."""
        return {r.term.lower() for r in self.records if r.section == cb.heading}

    def spelled_out(self, term: str) -> str:
        """The term with the page's own abbreviations written out ("ILD", "CPK elevation")."""
        found = self.ctx.abbreviations()
        if not found:
            return term
        # terms arrive lower-cased; an abbreviation the page defined is no word of its own.
        # Only a whole term is spelled out: "elevated ALT" is how readers name that finding
        folded = {k.lower(): v for k, v in found.items()}
        return folded.get(term.strip().lower(), term)

    def add(self, term: str, category: str, text: str, drug: str | None, cb: Classified,
            incidence: float | None = None) -> bool:
        spelled = trim_term(self.spelled_out(term))
        term = trim_term(term)
        if not valid_term(term):
            return False
        if category == "unspecified" and _GRAVE.match(term):
            category = "serious"  # "can cause severe birth defects": the page calls it severe
        if term.lower() in _GENERIC:
            category = "withdrawal"  # "withdrawal symptoms" are of withdrawal, whatever the section
        normalized, canonical = term_fields(spelled or term)
        key = (drug, canonical, category)
        if key in self.seen:
            if incidence is not None:  # one fact, one record: keep the richer evidence
                self.records = [r.model_copy(update={"incidence": incidence, "text": text})
                                if (r.drug, r.term_canonical, r.category) == key and r.incidence is None
                                else r for r in self.records]
            return True
        self.seen.add(key)
        record = self.ctx.make(
            SideEffect,
            drug=drug,
            term=term,
            term_normalized=normalized,
            term_canonical=canonical,
            category=SideEffectCategory(category),
            incidence=incidence,
            section=cb.heading,
            text=text,
        )
        if record is not None:
            self.records.append(record)
        return True


_SEMICOLON_ITEM_WORDS = 8
"""Words an item of a semicolon list after a colon may have: "hives; difficult breathing;
swelling of your face, lips, tongue, or throat" is one list, not four clauses."""


_LEAD_TO_COLON = re.compile(
    r"\s*(?:on|after|when|while|during|in|following|upon|with|at|by)\b[^:.;!?,]{0,60}:\s+", re.I)
"""A circumstance between a cue and the colon that opens its list: "reported on stopping
treatment abruptly: dizziness, irritability" lists after the colon (while in "can cause
diarrhoea: take it with food" the effect comes before it)."""
_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)")


def _list_after(sentence: str, start: int) -> str:
    lead = _LEAD_TO_COLON.match(sentence, start)
    if lead:
        start = lead.end()
    rest = _PARENS.sub("", sentence[start:])
    if sentence[:start].rstrip().endswith(":") and ";" in rest:
        body = _SENTENCE_STOP.split(rest, maxsplit=1)[0]
        items = [_clause_of(item) for item in body.split(";")]
        if len(items) >= 2 and all(1 <= len(i.split()) <= _SEMICOLON_ITEM_WORDS for i in items):
            return "; ".join(items)
    return _clause_of(rest)


def _clause_of(text: str) -> str:
    m = _CLAUSE_END.search(text)
    return text[: m.start()] if m else text


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
        drug = col.ctx.effect_drug(sentence, m.start(), cb)
        for illness in illnesses:
            term = pattern.format(illness)
            col.add(term, category, sentence, drug, cb)
            taken.add(term.lower())
            taken.add(illness.lower())


def _subject_is_the_drug(prefix: str, ctx: PageContext) -> bool:
    """Whether the clause before "can cause" speaks of the drug ("It can cause", "Taking too
    much can lead to", "Semaglutide may cause"), not of something else ("Dehydration can
    lead to kidney problems")."""
    clause = _SUBJECT_CLAUSE_END.split(prefix)[-1]
    if not clause.strip():
        return True
    return bool(ctx.mentions(clause) or _DRUG_SUBJECT.search(clause))


# "plasma concentrations of these drugs caused by co-administration can lead to ...": what
# another drug does at the levels this one raises
_INTERACTION = re.compile(r"\b(?:co-?administ\w+|concomitant\w*|concurrent\w*)\b", re.I)


def _accept(terms: list[str], harm_topic: bool) -> list[str]:
    """The parts of a list read from prose that name effects: where harms are the topic, any
    short noun phrases headed like effects; elsewhere only lists that are mostly known effects.
    A list in prose ends where its parts stop being effects ("euphoria and respiratory
    depression, its maximal effects are ..."), which no punctuation marks."""
    run: list[str] = []
    for term in terms:
        if not (valid_term(term) and effect_like(term)):
            break
        run.append(term)
    if run and ((harm_topic and phrase_list(run)) or plausible_list(run)):
        return run
    return [t for t in terms if valid_term(t)] if plausible_list(terms) else []


def _post_listed(sentence: str, cb: Classified, col: _Collector, in_section: bool,
                 taken: set[str]) -> None:
    """ "Acute kidney injury and worsening of kidney disease have been reported": the effects
    stand before the verb that reports them."""
    for m in _POST_CUE.finditer(sentence):
        start = max(sentence.rfind(sep, 0, m.start()) for sep in (":", ";", "—", "–", ". ", ", and ")) + 1
        subject = _POST_LEAD.sub("", _SETTING.sub("", sentence[start : m.start()].strip()))
        if (not subject or _negated(sentence[: m.start()]) or col.ctx.mentions(subject)
                or _INTERACTION.search(sentence) or _ACTION.match(subject)):
            continue  # "Dose modifications for X were required": what was done, not what happened
        terms = [t for t in list_terms(subject) if t]
        accepted = _accept(terms, in_section)
        if not accepted or len(accepted) < len(terms):
            continue
        category = (_categories().nearest(sentence, m.start()) or cb.category
                    or ("serious" if cb.kind == "warnings" else "unspecified"))
        drug = col.ctx.effect_drug(sentence, m.start(), cb)
        for t in accepted:
            if t.lower() not in taken and col.add(t, category, sentence, drug, cb):
                taken.add(t.lower())


def _prose(sentence: str, cb: Classified, col: _Collector, in_section: bool,
           harm_topic: bool | None = None) -> set[str]:
    """Read the lists that a sentence introduces; returns the terms it took.

    ``in_section``: harms are the section's topic, so known effects named anywhere in the
    sentence count; ``harm_topic`` (default: the same): lists need only be noun phrases."""
    topic = in_section if harm_topic is None else harm_topic
    interactions = bool(_INTERACTIONS.search(f"{cb.heading or ''} {cb.block.label or ''}"))
    c = cues()
    taken: set[str] = set()
    _worsened(sentence, cb, col, taken)
    known = find_side_effects(sentence) if in_section or topic else []
    anchors: list[tuple[int, int, bool]] = []  # (anchor start, list start, strong)
    for m in c.se_noun.finditer(sentence):
        after = sentence[m.end() :]
        om = _OPENER.match(after)
        if not om:
            continue
        if (_COPULA.match(after[om.start():]) and not _QUALIFIED.search(sentence[: m.start()])
                and not _DASHED.search(om.group(0))):
            continue
        of = _SYMPTOMS_OF.match(after)
        if m.group(0).lower() in ("symptoms", "signs") and of and not _ADVERSE_OF.search(of.group(1)):
            continue  # "symptoms of an underactive thyroid, such as ..." are the illness's
        anchors.append((m.start(), m.end() + om.end(), True))
    for m in _SIGNS_LIST.finditer(sentence):
        # "be vigilant for signs of confusion, agitation, or disorientation": the signs listed;
        # "relief from symptoms of anxiety, including ..." names what is treated
        if len(split_terms(_list_after(sentence, m.end()))) >= 2 and not _RELIEF.search(
                sentence, max(0, m.start() - 40), m.start()):
            anchors.append((m.start(), m.end(), True))
    for m in [*c.cause.finditer(sentence), *_PATIENTS_HAD.finditer(sentence)]:
        if _PASSIVE.match(sentence, m.end()) or interactions:
            continue  # "caused by dehydration" names the cause; a combination's risks are warnings
        anchors.append((m.start(), m.end(), False))
    for mention in known:
        # "hepatotoxicity, including liver failure": in a contraindication the same shape names
        # the patient's conditions, so only where harms are the topic
        more = _INCLUDING.match(sentence, mention.end)
        if (more and not _negated(sentence[: mention.start]) and not c.se_noun.fullmatch(mention.text)
                and not _INTERACTION.search(sentence)):
            anchors.append((mention.start, more.end(), True))
            named = (_categories().find(sentence[max(0, mention.end - _CUE_REACH): mention.end])
                     or cb.category or "unspecified")
            col.add(mention.text, named, sentence, col.ctx.effect_drug(sentence, mention.start, cb), cb)
            taken.add(mention.text.lower())
    anchors.sort()
    for start, list_start, strong in anchors:
        prefix = sentence[:start]
        if _negated(prefix, "" if strong else sentence[start:list_start]):
            continue
        listing = _CAUSE_OR.sub("", _list_after(sentence, list_start))
        if _GAIN.match(listing):
            continue  # "may experience relief from symptoms of anxiety": a benefit
        parts = split_terms(listing)
        if not strong and parts and c.se_noun.search(parts[0]) and not known_effect(parts[0]):
            continue  # "may experience serious side effects, such as ..." is the strong anchor's
        category = (_categories().find(sentence[:list_start]) or cb.category
                    or ("serious" if cb.kind == "warnings" else "unspecified"))
        drug = col.ctx.effect_drug(sentence, start, cb)
        terms = [trim_term(t) for t in share_words(parts)]
        if _INTERACTION.search(prefix[-_CUE_REACH:]) or col.ctx.other_class_subject(sentence, start):
            continue  # what a combination or another class causes is not this drug's effect
        for t in _accept(terms, strong or topic or _subject_is_the_drug(prefix, col.ctx)):
            if col.add(t, category, sentence, drug, cb):
                taken.add(t.lower())
    _post_listed(sentence, cb, col, topic, taken)
    if in_section:  # known effects named anywhere in the sentence
        first = last = None
        for mention in known:
            before = sentence[: mention.start]
            if _negated(before) or _PATIENT_CONTEXT.search(before):
                continue  # "in people with kidney problems" is who, not what happens
            if _of_the_illness(sentence, mention.start):
                continue
            if _inside_taken(mention.text, taken | col.block_terms(cb)):
                category = (_categories().nearest(sentence, mention.start) or cb.category
                            or "unspecified")
                drug = col.ctx.effect_drug(sentence, mention.start, cb)
                for term in _bracketed_list(sentence, mention.end):  # "reactions (pits, bumps)"
                    if term.lower() not in taken and col.add(term, category, sentence, drug, cb):
                        taken.add(term.lower())
                continue
            if c.se_noun.fullmatch(mention.text) and _OPENER.match(sentence[mention.end:]):
                continue  # "withdrawal symptoms such as ..." introduces the effects
            if last is not None and sentence[last.end : mention.start].strip() == "(":
                continue  # "Hypoglycaemia (low blood sugar)": the same effect in other words
            if first is not None and _SIGNS_OF_IT.search(sentence, first.end, mention.start):
                continue  # "Hypoglycaemia – look out for shakiness, sweating": its signs
            last = mention
            category = (_categories().nearest(sentence, mention.start) or cb.category
                        or "unspecified")
            if col.ctx.other_class_subject(sentence, mention.start):
                continue
            drug = col.ctx.effect_drug(sentence, mention.start, cb)
            glossed = _gloss(sentence, mention.start, mention.end)
            if glossed is not None:
                if glossed and glossed.lower() not in taken:
                    col.add(glossed, category, sentence, drug, cb)
                    taken.add(glossed.lower())
                continue
            if mention.text.lower() not in taken:
                col.add(mention.text, category, sentence, drug, cb)
            first = first or mention  # the first effect named; what follows may be its signs
            shared = _shared_head(before, mention.text)
            for term in [*([shared] if shared else []), *_bracketed_list(sentence, mention.end)]:
                if term.lower() not in taken:
                    col.add(term, category, sentence, drug, cb)
                    taken.add(term.lower())
    return taken


def _take(reading: ItemReading, cb: Classified, col: _Collector, category: str, scan: bool) -> None:
    """Record what an item names: its terms, the effects its prose states (where harms are
    the topic), and its group label when the prose names nothing more precise."""
    drug = col.ctx.effect_drug(cb.block.text, len(cb.block.text), cb)
    incidence = _incidence(cb.block) if len(reading.terms) == 1 else None
    for term in reading.terms:
        col.add(term, category, cb.block.text, drug, cb, incidence)
    taken: set[str] = set()
    for text, known_terms in [*((t, scan) for t in reading.prose), *((t, False) for t in reading.tail)]:
        for sentence in split_sentences(text):
            taken |= _prose(sentence, cb, col, known_terms, harm_topic=True)
    if not taken and not reading.terms:
        for term in reading.fallback:
            col.add(term, category, cb.block.text, drug, cb)


_PERCENT = re.compile(r"\(\s*(\d+(?:\.\d+)?)\s*%\s*\)")


def _incidence(block: Block) -> float | None:
    """The percent of patients a table row or a list item gives ("Nausea (12%)")."""
    raw = block.extra.get("incidence")
    if raw is None:
        m = _PERCENT.search(block.text)
        raw = m.group(1) if m else None
    try:
        value = float(raw.replace(",", ".")) if raw else None
    except ValueError:
        return None
    return value if value is not None and 0 <= value <= 100 else None


@functools.lru_cache(maxsize=4096)
def _whole_word(text: str) -> re.Pattern[str]:
    """``text`` not inside a longer word: compiled once per text."""
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


@functools.lru_cache(maxsize=4096)
def _people_with(word: str) -> re.Pattern[str]:
    """ "patients with (up to three words) WORD": who a heading names, not what happens."""
    return re.compile(rf"(?:patients|people|those|adults|children|women|men) with (?:\w+\s+){{0,3}}"
                      rf"{re.escape(word)}", re.I)


def _inside_taken(term: str, taken: set[str]) -> bool:
    """A mention inside a longer term already taken ("fatigue" in "unusual fatigue",
    "pain" in "musculoskeletal pain") is that term, not a second one."""
    word = _whole_word(term.lower())
    return any(t != term.lower() and word.search(t) for t in taken)


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


_PATIENT_CONTEXT = re.compile(
    r"\b(?:with|history of|have|has|had|patients|people|those|anyone|if you|trials? in|stud(?:y|ies) in|"
    r"treatment of|treated for)\W+(?:\w+\W+)?$", re.I
)
_LEAD_SYMBOLS = re.compile(r"^[^\w(]+", re.UNICODE)


def _list_shares(ctx: PageContext) -> dict[int | None, tuple[int, int]]:
    """Per list: (items that start with a known effect, items)."""
    known: dict[int | None, list[bool]] = {}
    for cb in ctx.blocks:
        if cb.block.kind == "item":
            terms = split_terms(_LEAD_SYMBOLS.sub("", cb.block.text))
            known.setdefault(cb.block.list_id, []).append(
                bool(terms) and is_known_side_effect(trim_term(terms[0])))
    return {k: (sum(flags), len(flags)) for k, flags in known.items()}


def _item_shapes(ctx: PageContext) -> dict[int, Shape]:
    """Each list item's shape, doubtful items (unknown single names) settled by their list."""
    by_list: dict[int | None, list[int]] = {}
    for i, cb in enumerate(ctx.blocks):
        if cb.block.kind == "item":
            by_list.setdefault(cb.block.list_id, []).append(i)
    out: dict[int, Shape] = {}
    for indexes in by_list.values():
        texts = [ctx.blocks[i].block.text for i in indexes]
        shapes = [shape(t) for t in texts]
        # a single unknown word ("Ginger") may be a product as well as an effect
        doubtful = [s == "term" and len(bare(t).split()) == 1 and not effect_like(trim_term(t))
                    for s, t in zip(shapes, texts, strict=True)]
        out.update(zip(indexes, settle(shapes, doubtful), strict=True))
    return out


_GROUP_HEAD = re.compile(r"\b(?:changes|problems|issues|effects|reactions|symptoms|complaints)$", re.I)


def _lists_under(blocks: list[Classified], index: int) -> bool:
    """Whether the section a heading opens starts with a list or a list-like line."""
    heading = blocks[index].block
    for cb in blocks[index + 1 :]:
        block = cb.block
        if block.kind == "heading":
            if block.level <= heading.level:
                return False
            continue
        return block.kind == "item" or item_is_term_list(block.text)
    return False


_RISK_KINDS = frozenset({"warnings", "safety"})
_HARM_CUE = re.compile(
    r"\b(?:occur\w*|report\w*|develop\w*|risk|cause\w*|associated|experienc\w*|signs?|side effects?|"
    r"symptoms?|damage|incidence|cases?|fatal|toxicit\w*|induced|harm|adverse|reactions?|"
    r"events?|seen in|observed)\b", re.I)


# "in patients using certain drugs that are metabolized by CYP450": another drug's effect
_OTHER_DRUGS = re.compile(
    r"\b(?:using|taking|receiving) (?:certain|other|some) (?:drugs|medicines|medications)\b", re.I)
_WHO = re.compile(r"\b(?:if you have|history of|patients with|people with|those with|anyone with)\b", re.I)


def _names_a_risk(label: str, text: str) -> bool:
    """Whether a warning's label names an effect that its text reports as happening: not
    "Kidney disease: tell your doctor if you have it" (who should take care)."""
    term = trim_term(label)
    if not (valid_term(term) and effect_like(term) and shape(label) == "term"):
        return False
    rest = text[len(label):] if text.startswith(label) else text
    if _WHO.search(rest[:80]) or _INTERACTION.search(rest) or _OTHER_DRUGS.search(rest):
        return False  # "Kidney disease: tell your doctor if you have it"
    return known_effect(term) or bool(_HARM_CUE.search(rest))


def _heads_a_risk(blocks: list[Classified], index: int) -> bool:
    """A sub-heading of a warnings section that names an effect which the text under it
    reports ("Bradycardia" over "Symptomatic bradycardia can occur ...")."""
    cb = blocks[index]
    block = cb.block
    if cb.kind not in _RISK_KINDS or block.source in ("label", "th", "caption", "row-header"):
        return False
    text = bare(block.text)
    own = classify_heading(text)
    if (own.kind is not None and not own.weak) or text.endswith("?") or drug_lexicon().find(text):
        return False
    terms = list_terms(text)
    if not terms or len(text.split()) > _MAX_HEADING_TERM_WORDS or not all(
            valid_term(t) and effect_like(t) for t in terms):
        return False
    following = next((b.block for b in blocks[index + 1:] if b.block.kind != "heading"), None)
    if following is None or not _HARM_CUE.search(following.text[:300]):
        return False
    # "Hepatic impairment" over "... in patients with severe hepatic impairment": who, not what
    return not _people_with(terms[0].split()[-1]).search(following.text)


def _names_a_drug(ctx: PageContext, text: str) -> bool:
    """An item that starts with a drug or a class names what interacts, not an effect
    ("Thiazide/loop diuretics — raise the risk")."""
    return bool(ctx.mentions(text) or drug_lexicon().find_classes(text))


def _names_an_effect(cb: Classified) -> bool:
    """A sub-heading of a side-effect section that names an effect ("Hair loss", "Stomach
    pain and diarrhea"), not a topic ("Managing nausea"), a category ("Rare") or a question."""
    block = cb.block
    if cb.kind != "side_effects" or block.source in ("label", "th", "caption", "row-header"):
        return False
    text = bare(block.text)
    own = classify_heading(text)
    if (own.kind is not None and not own.weak) or own.category is not None or text.endswith("?"):
        return False
    terms = list_terms(text)
    return (len(text.split()) <= _MAX_HEADING_TERM_WORDS and shape(text) == "term" and bool(terms)
            and all(valid_term(t) and effect_like(t) for t in terms))


def extract_side_effects(ctx: PageContext) -> list[SideEffect]:
    col = _Collector(ctx, [], set())
    shares = _list_shares(ctx)
    plausible_lists = {k for k, (hits, n) in shares.items() if 2 * hits >= n}
    # a list under no section heading that is nearly all known effects ("What to expect:
    # drowsiness, dizziness, nausea") is a side-effect list by its content alone
    effect_lists = {k for k, (hits, n) in shares.items()
                    if k is not None and n >= _MIN_CONTENT_LIST and 4 * hits >= 3 * n}
    shapes = _item_shapes(ctx)
    described: str | None = None  # the heading of the effect being described, if any
    for index, cb in enumerate(ctx.blocks):
        block = cb.block
        if (block.kind == "table" or cb.kind in ("author", "references", "comparison_table")
                or is_footnote(block.text)):
            continue
        se_section = cb.kind == "side_effects"
        # a section of another kind whose heading also names harms ("Dosage modifications for
        # hematologic toxicities") has its known effects read from its prose too
        in_section = se_section or (cb.kind not in ("title", "comparison", "benefits") and bool(
            _HARM_HEADING.search(cb.heading or "")) and len((cb.heading or "").split()) <= _SHORT_HEADING)
        unsorted = cb.kind in (None, "title", "overview", "table")
        cue_only = unsorted and (cb.category in ("serious", "withdrawal", "overdose")
                                 or block.list_id in effect_lists)
        # a warnings list that names risks ("Both drugs carry class warnings for:") is a list
        # of effects as well as of warnings
        se_section = se_section or (cb.kind in _RISK_KINDS and block.kind == "item"
                                    and introduces_effects(cb.heading or ""))
        category = cb.category or ("serious" if cb.kind == "warnings"
                                   else "common" if block.source == "tr" and in_section
                                   else "unspecified")  # an incidence table lists common ones
        if block.kind == "heading":
            described = None
            if (_names_an_effect(cb) and not (_GROUP_HEAD.search(block.text.rstrip(" .:"))
                                             and _lists_under(ctx.blocks, index))) or (
                    _heads_a_risk(ctx.blocks, index)):
                heading_category = cb.opens[1] or category
                for term in list_terms(bare(block.text)):
                    drug = ctx.effect_drug(block.text, len(block.text), cb)
                    if col.add(term, heading_category, block.text, drug, cb):
                        described = block.text
            continue
        if described is not None and cb.heading == described and (
                block.kind == "paragraph" or cb.kind in _RISK_KINDS):
            # the text under an effect's heading describes it ("Due to dry nasal passages");
            # under a warning's, it may name related findings ("elevations of ALT occurred")
            for sentence in split_sentences(block.text):
                _prose(sentence, cb, col, False, harm_topic=cb.kind in _RISK_KINDS)
            continue
        if cb.kind in _RISK_KINDS and block.kind in ("item", "paragraph") and block.label and (
                block.source != "td" and _names_a_risk(block.label, block.text)):
            # "Hepatotoxicity: ... occurred in 5% of patients" under Warnings and precautions,
            # "Pancreatitis: acute pancreatitis has been reported" in a list of safety flags
            reading = read_item(block.text, block.label, _categories().find)
            _take(reading, cb, col, reading.cue or category, scan=False)
            continue
        as_item = block.kind == "item" or (
            se_section and block.kind == "paragraph" and block.source != "td"
            and (block.label or item_is_term_list(block.text)))
        if as_item and (se_section or cue_only):
            if cue_only and block.list_id not in plausible_lists:
                pass  # a cue such as "call your doctor" alone: only lists of known effects
            elif shapes.get(index, "term") in ("term", "prose") and not _names_a_drug(
                    ctx, block.label or " ".join(block.text.split()[:3])):
                # an item naming a drug ("Thiazide diuretics — raise the risk") is about it
                reading = read_item(block.text, block.label, _categories().find)
                cue = reading.cue or _categories().find(block.extra.get("frequency", ""))
                _take(reading, cb, col, cue or category, scan=True)
                continue
        if block.kind in ("paragraph", "item"):
            for sentence in split_sentences(block.text):
                _prose(sentence, cb, col, in_section)
    return _without_unplaced_repeats(col.records)


_GENERIC = frozenset({"withdrawal symptoms", "withdrawal symptom", "discontinuation symptoms",
                      "discontinuation syndrome", "withdrawal"})


def _without_unplaced_repeats(records: list[SideEffect]) -> list[SideEffect]:
    """One fact, one record: an effect the page also places in a category ("common" in a
    table, "serious" under a heading) needs no second, uncategorised record from a mention."""
    # a sign of overdose or of withdrawal is another fact than the effect of ordinary use
    placed = {(r.drug, r.term_canonical) for r in records
              if r.category in ("common", "serious", "rare")}
    # "can cause withdrawal symptoms" says no more when the page names them
    named = {r.drug for r in records if r.category == "withdrawal" and r.term_canonical not in _GENERIC}
    return [r for r in records
            if (r.category != "unspecified" or (r.drug, r.term_canonical) not in placed)
            and not (r.term_canonical in _GENERIC and r.drug in named)]


_TREATS_WITHDRAWAL = re.compile(r"\b(?:withdrawal|dependence|addiction|use disorder|cessation)\b", re.I)


def without_treated_withdrawal(effects: list[SideEffect], conditions: list[Condition],
                               ctx: PageContext) -> list[SideEffect]:
    """On a page whose drug treats withdrawal or dependence (buprenorphine for opioid
    dependence, varenicline for smoking cessation), the withdrawal it describes ("Withdrawal
    begins 4 to 72 hours after the last opioid use: chills, yawning ...") is the condition
    treated, not an effect of the drug: a withdrawal record is kept only when its sentence
    names a drug ("Stopping buprenorphine suddenly can cause ...")."""
    if not any(_TREATS_WITHDRAWAL.search(c.name_normalized) for c in conditions):
        return effects
    return [e for e in effects
            if e.category != SideEffectCategory.WITHDRAWAL or ctx.mentions(e.text)]

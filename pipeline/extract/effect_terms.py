"""One side-effect list item, heading or list phrase to the effect terms it names.

A reader of "Kidney problems: acute kidney injury and worsening of kidney disease have been
reported" takes the two effects after the label; of "Pancreatitis (inflammation of the
pancreas)" the effect before the gloss; of "an allergic reaction – this can cause a rash and
swelling" the head and the effects of its tail; of "have abdominal (tummy) pain" abdominal
pain. :func:`read_item` makes those readings from the item's shape: what it returns as terms
needs no lexicon entry, and what it hands back as prose is read by the prose reader, which
finds effects there by their cues.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pipeline.extract.context import cues
from pipeline.extract.items import bare, has_verb, shape
from pipeline.normalize.terms import (
    clean_term,
    is_known_side_effect,
    normalize_side_effect,
    split_terms,
)
from pipeline.text import split_sentences

MAX_WORDS = 7
"""The longest effect name: longer phrases are descriptions, not terms."""

# a grade and a generic noun name no effect: "lactic acidosis, a serious condition"
_GENERIC_HARM = re.compile(
    r"(?:(?:a|an|the|this|other|some)\s+)?(?:(?:serious|severe|rare|potentially|potential|possible|"
    r"dangerous|life-threatening|fatal|medical|health|harmful|unwanted|unpleasant|adverse|"
    r"significant|major|minor)\s+)+(?:conditions?|problems?|issues?|complications?|events?|"
    r"effects?|reactions?|risks?|consequences?|things?)", re.I)
_CATEGORY_WORDS = frozenset(
    {"common", "rare", "serious", "severe", "mild", "less common", "very rare", "uncommon",
     "frequent", "very common", "unknown", "none", "n/a", "yes", "no", "others", "other",
     "overdose", "overdosage", "withdrawal", "toxicity", "death", "side effects", "side effect",
     "adverse effects", "adverse reactions", "symptoms", "effects", "reactions"}
)
# symptom nouns that name an effect of their own ("may lead to withdrawal symptoms")
_NAMED_SYMPTOMS = frozenset({"withdrawal symptoms", "discontinuation symptoms", "withdrawal symptom",
                             "discontinuation syndrome", "allergic reactions", "allergic reaction"})
_NOT_TERM = re.compile(
    r"^(?:tell|call|stop|take|contact|seek|if|do|don't|ask|talk|speak|get|go|keep|avoid|use|none|"
    r"see|check|read|make|you|it|this|these|they|we|there|most|some|many|other|all|"
    r"any|each|both|such|generally|usually|often|also|may|can|should|will|would|could|"
    r"more|less|including|include|like|what|when|where|which|who|why|how|not|no|"
    r"because|since|although|though|however|unless|until|while|whether|than|then|so|and|or|but|"
    # a circumstance: "(especially at the beginning of treatment)", "during the first week"
    r"at|during|after|before|especially|particularly|mainly|mostly|within|for)\b",
    re.I,
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|may|can|should|will|would|could|might|must|has|had|"
    r"do|does|did|take|taking|tell|call|go away|goes away)\b",
    re.I,
)
# how sure or how often the page says it is, not what the effect is
_HEDGE = re.compile(r"^(?:clinically (?:significant|relevant|important)|potentially|possibly|rare|"
                    r"uncommon|infrequent|frequent|common)\s+", re.I)
_RISK_TAIL = re.compile(r"\s+risks?$", re.I)  # "bleeding risk" is a risk of bleeding
_LEADING_CLAUSE = re.compile(
    r"^(?:when|while|if|after|during|especially|which|that|even|usually|due to|because|as a result|"
    r"in trials|in studies|compared)\b", re.I)
_TRAILING_CLAUSE = re.compile(
    r"\s+(?:when|while|if|after|during|especially|which|that|on|at the start|in the first|"
    r"due to|because of|caused by|at high doses|in (?:some|rare) cases|"
    r"in (?:men|women|children|adults|the elderly|elderly patients|older adults|some people|"
    r"some patients|people|patients|those|type [12] diabetics|diabetics)|"
    r"in [\w-]+(?:\s[\w-]+)? (?:patients|people|clients|users|individuals|adults|children|women|men)|"
    r"with (?:long[- ]term|prolonged|chronic|high[- ]dose|regular|continued) (?:use|treatment|therapy)|"
    r"with (?:\w+\s+){0,2}(?:use|usage|doses?|dosing|leaves|intake|food|alcohol|therapy|treatment))"
    r"\b.*$",
    re.I,
)
# "have abdominal pain", "feeling sick": the effect without the verb that reports it
_REPORTING_VERB = re.compile(
    r"^(?:you\s+(?:may\s+|might\s+|can\s+)?)?(?:have|has|having|get|gets|getting|experience|"
    r"experiencing|develop|developing|notice|noticing|suffer(?:ing)?\s+from)\s+(?:(?:a|an|some)\s+)?",
    re.I,
)
_SUBJECT = re.compile(r"^(?:your|you)\s+", re.I)
# a laboratory threshold after the finding: "elevations of AST >5x the upper limit of normal"
_THRESHOLD = re.compile(r"\s*(?:[<>≥≤]|more than|greater than|above)\s*\d.*$", re.I)
# "a risk of", and "signs of" where a list names the effect by its signs ("signs of kidney
# problems (such as change in the amount of urine)" is kidney problems)
_RISK_OF = re.compile(r"^(?:(?:a|an|the)\s+)?"
                      r"(?:(?:possible|potential|increased|higher|small|rare|slight)\s+)?"
                      r"(?:risks?\s+(?:of|for)|signs?\s+of|symptoms?\s+of)\s+", re.I)
_FEELING = re.compile(r"^(?:feeling|feel|being|becoming|getting)\s+(?P<adj>[^\W\d_]+)$", re.I)
_INNER_GLOSS = re.compile(r"\s*\([^()]*\)\s*")
_COLLECTIVE = re.compile(
    r"\b(?:issues|effects|side effects|symptoms|changes|problems|complaints|disturbances|disorders|"
    r"concerns|reactions|events)$", re.I)
"""Heads of a phrase that names a group of effects ("Kidney problems", "GI side effects")."""
_GROUP_ONLY = re.compile(
    r"\b(?:issues|effects|side effects|symptoms|complaints|disturbances|concerns|system|systems|"
    r"system disorders)$", re.I)
"""Heads that name only a group: "Digestive issues (nausea, constipation)" names the effects in
its brackets, while "Allergic reactions (hives, swelling)" names itself too; an organ system
("Cardiovascular system:") is a group label."""
_PROBLEMS = re.compile(r"\bproblems$", re.I)

_TEXT_LABEL = re.compile(r"^([^:]{2,60}):\s+(\S.*)$")
_GROUP_PARENS = re.compile(r"^([^()]{2,60}?)\s*\(([^()]+)\)\s*\.?$")
_INSTANCES = re.compile(
    r"^(?:rare|occasional|isolated|some)?\s*(?:instances|cases|reports|episodes) of\s+", re.I)
_DASH_HEAD = re.compile(r"^([^–—:]{3,50}?)\s*(?:\s[–—-]\s|:\s)\s*(\S.*)$")
_APPOSITIVE = re.compile(r"^([^,(]{3,40}),\s+((?:a|an|the)\s+\w.*)$", re.I)
_COMMA_HEAD = re.compile(
    r"^([^,]{3,50}),\s+((?:usually|often|especially|mainly|typically|particularly|caused|which|"
    r"even|sometimes|possibly|seen|mostly|most|in|at|on|for|with|during|after|when|if)\b.*)$",
    re.I,
)
_PARENS = re.compile(r"\s*\([^)]*\)")
# what a warning's label adds to the effect it names: "Thyroid C-cell tumor warning (Black box)"
_LABEL_NOISE = re.compile(r"\s*(?:\((?:black box|boxed warning|boxed)\)|\b(?:warning|alert|risk)s?\b)\s*$",
                          re.I)

CategoryOf = Callable[[str], "str | None"]
"""Finds the side-effect category a phrase names ("Rare:" -> rare)."""


_EXAMPLES_OF = re.compile(r"^[^,;:]*?\b(?:such as|including|e\.g\.)\s+(?=\S)", re.I)
"""A group named before its example: "serious events such as clinically significant
arrhythmias" names the arrhythmias."""


def trim_term(term: str) -> str:
    """Keep the effect, drop the circumstance: "unsteadiness when walking" -> "unsteadiness"."""
    term = _HEDGE.sub("", clean_term(_EXAMPLES_OF.sub("", term)))
    if _LEADING_CLAUSE.match(term):
        return ""  # "when standing up" is the circumstance of the previous term
    term = _RISK_TAIL.sub("", _TRAILING_CLAUSE.sub("", _THRESHOLD.sub("", term))).strip()
    term = _REPORTING_VERB.sub("", _RISK_OF.sub("", term))
    if len(term.split()) > 2:
        term = _SUBJECT.sub("", term)  # "your skin turns yellow"
    starts = _STARTS.match(term.strip())
    if starts and starts.group("part").split()[-1].lower() in _head_words().body:
        # "your lips start swelling" is swelling of the lips
        return f"{starts.group('ing')} of the {starts.group('part')}"
    return term.strip()


_STARTS = re.compile(r"^(?P<part>[^\W\d_]+(?:\s[^\W\d_]+)??)\s+(?:suddenly\s+)?(?:start|starts|begin|begins)"
                     r"\s+(?P<ing>[^\W\d_]+ing)$", re.I)


_ELEVATION_OF = re.compile(r"^(elevations?|increases?)\s+(?:of|in)\s+(.+)$", re.I)
_RETAINING = re.compile(r"^retaining\s+(?:(?:extra|excess|more)\s+)?(\w+)$", re.I)
_COMPARATIVE = {"faster": "fast", "slower": "slow", "higher": "high", "lower": "low",
                "stronger": "strong", "weaker": "weak"}


def nominalize(term: str) -> str:
    """The effect as a noun when the page wrote a state or an act: "feeling dizzy" ->
    "dizziness" (when the lexicon knows that noun), "retaining extra fluid" -> "fluid
    retention", "a faster heart rate" -> "fast heart rate"; else the term as it is."""
    retaining = _RETAINING.match(term)
    if retaining:
        return f"{retaining.group(1)} retention"
    raised = _ELEVATION_OF.match(term)
    if raised:
        return f"{'elevated' if raised.group(1).startswith('elevation') else 'increased'} {raised.group(2)}"
    words = term.split()
    if len(words) >= 2 and words[0] in _COMPARATIVE:
        term = " ".join([_COMPARATIVE[words[0]], *words[1:]])
    m = _FEELING.match(term)
    if m:
        adj = m.group("adj").lower()
        for noun in (adj[:-1] + "iness" if adj.endswith("y") else "", adj + "ness"):
            if noun and is_known_side_effect(noun):
                return noun
    return term


def term_fields(term: str) -> tuple[str, str]:
    """(term_normalized, term_canonical) of a cleaned term: a state as a noun ("feeling
    dizzy" -> "dizziness"), a grade dropped from a known effect ("severe birth defects")."""
    normalized = nominalize(term.lower())
    graded = _SEVERITY.sub("", normalized)
    if graded != normalized and is_known_side_effect(graded) and not is_known_side_effect(normalized):
        normalized = graded
    return normalized, normalize_side_effect(normalized).lower() or normalized


_SEVERITY = re.compile(r"^(?:severe|serious|mild|moderate|significant|marked|sudden|possible|"
                       r"symptomatic|clinically significant)\s+", re.I)


def known_effect(term: str) -> bool:
    """A lexicon effect, also when graded: "severe birth defects" is birth defects."""
    return is_known_side_effect(term) or is_known_side_effect(_SEVERITY.sub("", term))


# a state or a reading, not an effect's name: "toxic", "sub-therapeutic", "below 0.8", "ng/mL"
_PREDICATE = re.compile(
    r"^(?:[\w-]*(?:ic|al|ous|ive|able|ible|ent|ant|ary)|(?:below|above|under|over|less than|more than|"
    r"up to|at least)\b.*|\S*/\S*)$", re.I)


_LETTER = re.compile(r"[^\W\d_]")


def valid_term(term: str) -> bool:
    """A short noun phrase naming an effect, not a clause, a category word or a fragment."""
    if not term or len(term) < 3 or not _LETTER.search(term):
        return False
    if _PREDICATE.match(term) and not is_known_side_effect(term):
        return False
    words = term.split()
    if len(words) > MAX_WORDS or term.lower() in _CATEGORY_WORDS or _GENERIC_HARM.fullmatch(term):
        return False
    if _NOT_TERM.match(term) or (_VERBISH.search(term) and not is_known_side_effect(term)):
        return False
    return not cues().se_noun.fullmatch(term) or term.lower() in _NAMED_SYMPTOMS


_EFFECT_SUFFIX = re.compile(
    r"(?:ness|ity|ities|tion|tions|sion|sions|ia|ias|itis|osis|oses|emia|aemia|algia|ing|ings|ache|"
    r"aches|pathy|ism|rrhea|rrhoea|oma|omas|ence|ency|ance|ment|ments)$")


@dataclass(frozen=True, slots=True)
class _HeadWords:
    symptoms: frozenset[str]
    body: frozenset[str]
    document: frozenset[str]
    measures: frozenset[str]


@cache
def _head_words() -> _HeadWords:
    data = json.loads(resources.files("pipeline.data").joinpath("effect_words.json").read_text())
    return _HeadWords(frozenset(data["symptom_heads"]) - frozenset(data["measures"]),
                      frozenset(data["body"]), frozenset(data["document"]),
                      frozenset(data["measures"]))


_DETERMINERS = frozenset({"a", "an", "the", "your", "my", "his", "her", "their", "our", "its"})


def effect_like(term: str) -> bool:
    """Whether a noun phrase can name an effect by its head, known or not: "facial fat loss",
    "morning grogginess" and "dry skin" can; "nervous system", "eyes" and "dose dependent"
    cannot."""
    if known_effect(term) or known_effect(nominalize(term.lower())):
        return True
    words = [w.strip("()[],.;:'\"").lower() for w in term.split()]
    words = [w for w in words if w and w not in _DETERMINERS]  # "your skin" is a body part
    if not words:
        return False
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]  # "loss of appetite"
    lex = _head_words()
    if head in lex.document or head.endswith("ly") or all(w in lex.document for w in words):
        return False
    if head in lex.measures:
        return len(words) >= 3  # "low blood pressure", "high potassium levels"; not "high levels"
    if any(known_effect(" ".join(words[i:])) for i in range(1, len(words))):
        return True  # "unusual fatigue" is a kind of fatigue
    if head in lex.symptoms or _EFFECT_SUFFIX.search(head):
        return True
    return len(words) >= 2 and head in lex.body


def document_words(term: str) -> bool:
    """A phrase of the page's apparatus ("Safety information", "Indications and usage")."""
    words = [w.strip("()[],.;:'\"").lower() for w in term.split()]
    return any(words) and all(w in _head_words().document or w in ("and", "or", "of", "the", "for")
                              for w in words if w)


def plausible_list(terms: list[str]) -> bool:
    """A list read from prose names effects: its first term and at least half of the rest
    are known ones."""
    valid = [t for t in terms if valid_term(t)]
    return (bool(valid) and known_effect(valid[0])
            and 2 * sum(1 for t in valid if known_effect(t)) >= len(valid))


def phrase_list(terms: list[str]) -> bool:
    """A list read where harms are the topic names effects when its parts are all short noun
    phrases headed like effects: no lexicon entry is needed there."""
    return bool(terms) and all(valid_term(t) and effect_like(t) for t in terms)


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


def list_terms(text: str) -> list[str]:
    """The trimmed terms of a coordinated list phrase ("risk of suicidal thoughts and
    behaviors" lists the thoughts and the behaviors, not a risk of each)."""
    text = _RISK_OF.sub("", text.strip())
    return [t for t in (trim_term(p) for p in share_words(split_terms(text))) if t]


@dataclass(slots=True)
class ItemReading:
    """What a list item names: its terms, a category its own label gives, and parts of it to
    read as prose (a tail such as "this can cause a rash and swelling")."""

    terms: list[str] = field(default_factory=list)
    cue: str | None = None
    prose: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    """A description after the name ("Tremor – a slight shaking"): only its cued lists count
    ("..., which can present as muscle cramps and seizures")."""
    fallback: list[str] = field(default_factory=list)
    """Terms to take only when the prose names none (a group label such as "Kidney problems")."""


def _effect_phrase(text: str) -> bool:
    """A short phrase that can be one effect's name: term-shaped, not a category word, not a
    list of several."""
    term = trim_term(text)
    return (shape(text) == "term" and valid_term(term) and not _GROUP_ONLY.search(term)
            and len(term.split()) <= MAX_WORDS and len(split_terms(text)) == 1)


def _terms_of(text: str) -> list[str]:
    """The terms of a term-shaped phrase ("have abdominal (tummy) pain" -> abdominal pain)."""
    if shape(text) != "term":
        return []
    text = _GLOSSED.sub(_prefer_gloss, text)
    text = _INNER_GLOSS.sub(" ", text).strip() if not text.rstrip(". ").endswith(")") else text
    terms = list_terms(text)
    # every part a name: "Rapid weight loss increases the risk of gallstones and X" is a
    # sentence, not a list
    if not all(valid_term(t) and not document_words(t) for t in terms):
        return []
    return terms


# a single word glossed in brackets, standing alone as a part of a list
_GLOSSED = re.compile(r"(?:(?<=^)|(?<=,\s)|(?<=\band\s)|(?<=\bor\s))([^\W\d_][\w-]*)\s*\(([^()]{3,40})\)")
_MEDICAL = re.compile(r"(?:emia|aemia|itis|osis|edema|oedema|algia|pathy|ence|ia)$", re.I)


def _prefer_gloss(m: re.Match[str]) -> str:
    """ "swelling (angioedema)": where a lay word is glossed by the medical term, the term."""
    word, gloss = m.group(1), m.group(2).strip()
    if (len(gloss.split()) == 1 and known_effect(gloss) and _MEDICAL.search(gloss)
            and not _MEDICAL.search(word)):
        return gloss
    return m.group(0)


@functools.lru_cache(maxsize=4096)
def _words_before(words: tuple[str, ...]) -> re.Pattern[str]:
    """One or two words, then ``words`` (any spacing): compiled once per label."""
    name = r"\s+".join(map(re.escape, words))
    return re.compile(rf"((?:[\w-]+\s+){{1,2}}){name}\b", re.I)


def _specific(label: str, rest: str) -> str:
    """The label's effect, or the body's more specific name of it: "Pancreatitis: acute
    pancreatitis has been reported" names acute pancreatitis."""
    words = trim_term(label).lower().split()
    if not words:
        return label
    for m in _words_before(tuple(words)).finditer(rest[:160]):
        before = m.group(1).split()
        for n in (2, 1):
            if len(before) >= n:
                candidate = " ".join([*before[-n:], *words])
                if is_known_side_effect(candidate) and not _SEVERITY.match(candidate):
                    return candidate
    return label


# a list item's closing punctuation, which continues the sentence that introduced the list:
# "little or no urination;", "cough; or"
# and its footnote marks: "risk of suicidal thoughts and behaviors*"
_ITEM_END = re.compile(r"(?:\s*[;,]\s*(?:or|and)?|[*\u2020\u2021\u00a7\u00b6]+)\s*$", re.I)
# a dash typed as two hyphens or set without spaces: "liver problems--nausea, dark urine",
# "Low blood pressure\u2014dizziness, blurry vision" (an en dash joins names: Stevens\u2013Johnson)
_DOUBLE_HYPHEN = re.compile(r"(?<=[^\W\d_])\s*(?:--|\u2014)\s*(?=[^\W\d_])")
_DASH_AFTER = re.compile(r"\s*[–—-]\s")


def read_item(text: str, label: str | None, category_of: CategoryOf) -> ItemReading:
    """Read one item of a list of effects (see the module docstring)."""
    text = _DOUBLE_HYPHEN.sub(" — ", _ITEM_END.sub("", bare(text)))
    if label is None:
        m = _TEXT_LABEL.match(text)
        if m and len(m.group(1).split()) <= 6:
            label = bare(m.group(1))
    if label:
        if text.startswith(label):
            rest = text[len(label):].strip(" .:-–—")
        else:  # the label stood apart ("<b>Side effects:</b> ..." in a label heading)
            rest = text.split(":", 1)[1].strip() if text.startswith(f"{label}:") else text
        lead = _INSTANCES.match(rest)  # "Rare instances of X, Y or Z"
        described = text.startswith(label) and bool(_DASH_AFTER.match(text, len(label)))
        head = _DASH_HEAD.match(label)
        if head and _GROUP_ONLY.search(trim_term(head.group(1))):
            label = head.group(2).strip()  # "GI effects — nausea, vomiting: ..."
        label = _LABEL_NOISE.sub("", _LABEL_NOISE.sub("", label)).strip() or label
        sentences = split_sentences(rest[lead.end():] if lead else rest) if rest else []
        listed = _terms_of(sentences[0]) if sentences else []
        effect_label = _effect_phrase(label)
        if effect_label and described:
            # "Injection site reactions — mild redness or bruising": a name and its description
            return ItemReading([_specific(label, rest)], None, tail=[rest])
        if listed and (len(listed) > 1 or not effect_label or all(effect_like(t) for t in listed)):
            # "GI disturbance: diarrhea or constipation" names what follows the label
            cue = category_of(label) or (category_of(lead.group(0)) if lead else None)
            return ItemReading(listed, cue, sentences[1:])
        if effect_label and _COLLECTIVE.search(trim_term(label)) and rest:
            # "Kidney problems: acute kidney injury ... has been reported": the text names them
            return ItemReading([], None, [rest], fallback=[label])
        if effect_label:
            return ItemReading([_specific(label, rest)], None, [rest] if rest else [])
        named = _terms_of(label)
        if len(named) > 1:  # "Nausea; vomiting; diarrhea: 11; 5; 3", "GI effects — nausea, ...:"
            return ItemReading(named, category_of(sentences[0]) if sentences else None, [])
        if not rest:
            return ItemReading([label]) if valid_term(trim_term(label)) else ItemReading()
        return ItemReading([], category_of(label), [rest])
    group = _GROUP_PARENS.match(text)
    if group:
        outer, inner = group.group(1).strip(), group.group(2)
        inner_terms = _terms_of(inner)
        outer_name = trim_term(outer)
        if len(inner_terms) >= 2:
            # "Digestive issues (nausea, constipation)" names the brackets; "Allergic reactions
            # (hives, swelling)" names both; "Jaundice (yellow skin or eyes)" describes one
            if _GROUP_ONLY.search(outer_name) or _PROBLEMS.search(outer_name):
                return ItemReading(inner_terms)
            if known_effect(outer_name) and not _COLLECTIVE.search(outer_name):
                return ItemReading(_terms_of(outer))
            return ItemReading(_terms_of(outer) + inner_terms)
        outer_terms = _terms_of(outer)
        if len(inner_terms) == 1 and known_effect(inner_terms[0]) and len(outer_terms) <= 1 and (
                not known_effect(outer_name)):
            # "Feeling sick (nausea)", "not being able to sleep (insomnia)": the effect's name
            return ItemReading(inner_terms)
        if len(inner_terms) == 1 and len(outer_terms) > 1 and effect_like(inner_terms[0]):
            return ItemReading(outer_terms + inner_terms)  # "Muscle pain or weakness (myopathy)"
        if _effect_phrase(outer):
            return ItemReading(_terms_of(outer))  # "Pancreatitis (inflammation of the pancreas)"
    head = _DASH_HEAD.match(text) or _APPOSITIVE.match(text) or _COMMA_HEAD.match(text)
    if head and len(head.group(1).split()) <= 6 and _effect_phrase(head.group(1)):
        signs = list_terms(_PARENS.sub("", head.group(2))) if head.re is _DASH_HEAD else []
        if len(signs) >= 2 and phrase_list(signs):
            # "High blood potassium — nausea, weakness, chest pain": the effect and its signs
            return ItemReading(_terms_of(head.group(1)) + signs)
        return ItemReading(_terms_of(head.group(1)), None, tail=[head.group(2)])
    terms = _terms_of(text)
    if terms:
        return ItemReading(terms)
    return ItemReading([], None, [text])


_LINE_WORDS = 8


def item_is_term_list(text: str) -> bool:
    """Whether a line of text reads as a list of effect names rather than a sentence."""
    words = _PARENS.sub("", bare(text)).split()
    return (0 < len(words) <= _LINE_WORDS and shape(text) == "term" and not has_verb(text)
            and not (text.rstrip().endswith(".") and len(words) > 4))



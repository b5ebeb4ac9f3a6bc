"""Side-effect and condition terms: cleaning, canonical forms and prose scanning.

Pages write one adverse effect many ways: ``"Diarrhoea."``, ``"* diarrhea (12%)"``,
``"**Diarrhoea**†"``. Records need the page's wording (``term``) *and* a canonical form
(``term_normalized``) so that the same effect groups across pages. This module keeps both
apart: :func:`clean_term` only removes list and typographic noise, and the ``normalize_*``
functions then map *lexical* variants (spelling, plural, hyphenation, acronyms) onto one
canonical row of a data lexicon. Near-synonyms ("somnolence" vs "drowsiness") are separate
rows on purpose, because evaluation compares the term as the page wrote it.

The lexicons are the tab-separated files ``pipeline/data/side_effects.tsv`` and
``pipeline/data/conditions.tsv``; they are read once per process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pipeline.memo import per_text

__all__ = [
    "TermMention",
    "clean_term",
    "find_conditions",
    "find_side_effects",
    "is_known_condition",
    "is_known_side_effect",
    "normalize_condition",
    "normalize_side_effect",
    "side_effect_is_serious",
    "split_terms",
]


@dataclass(frozen=True, slots=True)
class TermMention:
    """A lexicon term found in running text.

    ``text`` is exactly ``source[start:end]`` so a record can quote its evidence in the page's
    own spelling, while ``canonical`` is what records are grouped and compared by.
    """

    canonical: str
    text: str
    start: int
    end: int


# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

# Typographic variants that NFKC leaves alone but that never change a term's meaning.
_CHAR_MAP = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    }
)

# Superscript digits are footnote markers on these pages; NFKC would turn them into plain
# digits that can no longer be told apart from "type 2", so they go before normalisation.
_SUPERSCRIPT_TAIL = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079\u207a-\u207e]+$")

_BULLET_HEAD = re.compile(
    r"^(?:[-*+\u2022\u00b7\u25aa\u25ab\u25cf\u25cb\u25e6\u2023\u2219\u27a2>]+\s*"
    r"|\(?\d{1,3}[.)]\s+"  # "1. ", "2) ", "(3) "
    r"|\([a-z]\)\s+|[a-z]\)\s+"  # "(a) ", "b) "; not "h. pylori"
    r"|\((?:i{1,3}|iv|vi{0,3}|ix|x)\)\s+)"
)
_FOOTNOTE_CHARS = "*\u2020\u2021\u00a7\u00b6#"
_BRACKET_NOTE = re.compile(r"\s*\[[^\[\]]{0,8}\]$")
_PERCENT_TAIL = re.compile(r"\s*[-:]?\s*[<>\u2264\u2265~]?\s*\d+(?:[.,]\d+)?\s*%$")
_ARTICLE_HEAD = re.compile(r"^(?:a|an|the|some|any)\s+(?=\S)")
# Hedges only soften a term; "mild to moderate pain" is a name, hence the look-ahead.
_HEDGE_HEAD = re.compile(r"^(?:mild|slight|occasional|possible)\s+(?!(?:to|or|and)\b)(?=\S)")
_EDGE_LEAD = "-*+.,;:!?'\"`/\\|~_=>"
_EDGE_TRAIL = "-+.,;:!?'\"`/\\|~_=<"
_WS = re.compile(r"\s+")
_OPENERS = {")": "(", "]": "["}


def _strip_trailing_group(text: str) -> str:
    """Drop one trailing ``(...)`` or ``[...]`` group when something is left in front of it.

    Trailing groups on list items are incidence figures, glosses or references ("(10%)",
    "(low potassium)"), never part of the term itself.
    """
    if not text or text[-1] not in _OPENERS:
        return text
    closer = text[-1]
    opener = _OPENERS[closer]
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == closer:
            depth += 1
        elif char == opener:
            depth -= 1
            if depth == 0:
                head = text[:index].rstrip()
                return head if head else text
    return text


def _strip_leading_group(text: str) -> str:
    """Drop a leading ``(...)`` group such as "(rare)" when a term follows it."""
    if not text.startswith(("(", "[")):
        return text
    closer = ")" if text[0] == "(" else "]"
    end = text.find(closer)
    if end == -1:
        return text
    tail = text[end + 1 :].lstrip()
    return tail if tail else text


def _unwrap(text: str) -> str:
    """Remove brackets wrapping the whole term and lone unbalanced ones at the edges."""
    for opener, closer in (("(", ")"), ("[", "]")):
        if text.startswith(opener) and text.endswith(closer) and len(text) >= 2:
            inner = text[1:-1]
            if inner.count(opener) == inner.count(closer):
                text = inner.strip()
        if text.endswith(closer) and text.count(closer) > text.count(opener):
            text = text[:-1].rstrip()
        if text.startswith(opener) and text.count(opener) > text.count(closer):
            text = text[1:].lstrip()
    return text


def _clean_pass(text: str, hedges: bool) -> str:
    text = _SUPERSCRIPT_TAIL.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP).lower()
    text = text.replace("**", "").replace("__", "")
    text = _WS.sub(" ", text).strip()
    text = _BULLET_HEAD.sub("", text)
    text = text.rstrip(_FOOTNOTE_CHARS + " ")
    text = _BRACKET_NOTE.sub("", text)
    if text.endswith("%"):
        text = _PERCENT_TAIL.sub("", text)
    text = _strip_trailing_group(text)
    text = _strip_leading_group(text)
    text = _unwrap(text)
    text = text.lstrip(_EDGE_LEAD + " ").rstrip(_EDGE_TRAIL + " ")
    text = _ARTICLE_HEAD.sub("", text)
    if hedges:
        text = _HEDGE_HEAD.sub("", text)
    return _WS.sub(" ", text).strip()


@functools.lru_cache(maxsize=8192)
def _clean(text: str, hedges: bool) -> str:
    # Each step can expose noise for another ("(10%)." -> "(10%)" -> ""), so repeat until
    # nothing changes; that fixpoint is what makes normalisation idempotent.
    for _ in range(12):
        cleaned = _clean_pass(text, hedges)
        if cleaned == text:
            break
        text = cleaned
    return text


def clean_term(text: str) -> str:
    """Reduce a term as written on a page to a bare lower-case phrase.

    Removes list bullets and numbering, markdown emphasis, surrounding punctuation and
    quotes, footnote markers (``*``, ``†``, ``[1]``, superscripts), trailing incidence figures
    and parentheticals ("(10%)"), leading articles ("the", "some") and hedges ("mild"). It
    keeps words that carry meaning ("feeling of", "severe"). ``'Drowsiness.'`` gives
    ``'drowsiness'``.

    >>> clean_term("**Diarrhoea** (12%)†")
    'diarrhoea'
    """
    return _clean(text, hedges=True)


def _fold(text: str) -> str:
    """Lookup key for a surface string: whitespace, dashes and quotes unified, lower case."""
    return _WS.sub(" ", text.translate(_CHAR_MAP)).strip().lower()


def _fold_keep_case(text: str) -> str:
    return _WS.sub(" ", text.translate(_CHAR_MAP)).strip()


# --------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiou")


def _number_variants(key: str) -> tuple[str, ...]:
    """Other grammatical number of ``key`` ("headaches" <-> "headache").

    Plural/singular is a lexical variant under our synonym policy, so a lookup may fall back
    on it rather than every row spelling both forms. Short words are left alone: "gas" is not
    the plural of "ga".
    """
    last = key.rsplit(" ", 1)[-1]
    if len(last) < 4 or not last.isalpha() or not last.isascii():
        return ()
    if key.endswith("ies"):
        return (key[:-3] + "y",)
    if key.endswith(("ses", "xes", "zes", "ches", "shes")):
        return (key[:-2],)
    if key.endswith("s") and not key.endswith(("ss", "us", "is")):
        return (key[:-1],)
    if key.endswith("y") and key[-2] not in _VOWELS:
        return (key[:-1] + "ies",)
    if key.endswith(("s", "x", "z", "ch", "sh")):
        return (key + "es",)
    return (key + "s",)


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    terminal: bool = False


# How one character of a lexicon key may be written in prose.
_SCAN_UNITS = {
    " ": r"\s+",
    "-": "[-\u2010\u2011\u2012\u2013\u2212]",
    "'": "['\u2018\u2019\u02bc]",
}
_NO_MATCH = re.compile(r"(?!)")


def _trie_pattern(node: _Node) -> str:
    branches = [_SCAN_UNITS.get(char) or re.escape(char) for char in node.children]
    alternatives = [
        unit + _trie_pattern(child)
        for unit, child in zip(branches, node.children.values(), strict=True)
    ]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    # Greedy optional tail: the engine tries the longer key first and backs off to this
    # node's own key only when the longer one fails, which gives longest-match for free.
    return f"(?:{body})?" if node.terminal else body


def _compile_scanner(keys: Iterable[str]) -> re.Pattern[str]:
    """One regex over all keys, built from a character trie.

    A plain alternation of a thousand names makes the engine try every name at every word
    start; the trie shares prefixes so each position costs a few character tests.
    """
    root = _Node()
    for key in keys:
        node = root
        for char in key:
            node = node.children.setdefault(char, _Node())
        node.terminal = True
    if not root.children:
        return _NO_MATCH
    edge = r"[\w\-\u2010\u2011]"
    # Hyphens count as word characters at the edges so "anti-nausea" is not "nausea".
    return re.compile(f"(?<!{edge})(?:{_trie_pattern(root)})(?!{edge})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """A loaded lexicon: variant lookup, seriousness flags and the prose scanner."""

    name: str
    variants: Mapping[str, str]
    exact_case: Mapping[str, str]
    serious: frozenset[str]
    scanner: re.Pattern[str]

    def resolve(self, key: str) -> str | None:
        """Canonical form of an already cleaned key, or None when the key is unknown."""
        if not key:
            return None
        found = self.variants.get(key)
        if found is not None:
            return found
        for other in _number_variants(key):
            if other not in self.exact_case:
                found = self.variants.get(other)
                if found is not None:
                    return found
        return None

    def normalize(self, text: str) -> str:
        # Look the lightly cleaned form up first so names that start like a hedge ("mild
        # cognitive impairment") survive; only then strip hedges.
        light = _clean(text, hedges=False)
        found = self.resolve(light)
        if found is not None:
            return found
        full = _clean(light, hedges=True)
        found = self.resolve(full)
        return found if found is not None else full

    def known(self, text: str) -> bool:
        light = _clean(text, hedges=False)
        return self.resolve(light) is not None or self.resolve(_clean(light, True)) is not None

    def find(self, text: str) -> list[TermMention]:
        mentions: list[TermMention] = []
        position = 0
        while (match := self.scanner.search(text, position)) is not None:
            start, end = match.span()
            surface = match.group()
            key = _fold(surface)
            exact = self.exact_case.get(key)
            canonical = self.resolve(key)
            if canonical is None or (exact is not None and _fold_keep_case(surface) != exact):
                # An acronym in the wrong case ("ms" is not MS): move on one character.
                position = start + 1
                continue
            mentions.append(TermMention(canonical, surface, start, end))
            position = end
        return mentions


def _data_text(filename: str) -> str:
    """Text of a file in ``pipeline/data``, read through the package's resources."""
    try:
        return resources.files("pipeline").joinpath("data").joinpath(filename).read_text("utf-8")
    except NotADirectoryError:
        # An editable install made before ``pipeline/__init__.py`` existed presents the package
        # as a namespace whose path includes a finder hook, and the namespace resource reader
        # rejects that entry. The data directory is still a sibling of this subpackage.
        return (Path(__file__).resolve().parent.parent / "data" / filename).read_text("utf-8")


def _read_rows(filename: str) -> list[dict[str, str]]:
    """Rows of a tab-separated lexicon; ``#`` lines are comments, the first other line is
    the header."""
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    for number, line in enumerate(_data_text(filename).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if header is None:
            header = cells
            continue
        if len(cells) > len(header):
            raise ValueError(f"{filename}:{number}: {len(cells)} cells, header has {len(header)}")
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _build_lexicon(filename: str, name_column: str, serious_column: str | None) -> _Lexicon:
    variants: dict[str, str] = {}
    exact_case: dict[str, str] = {}
    serious: set[str] = set()
    for row in _read_rows(filename):
        canonical = row[name_column]
        if not canonical or canonical != _fold(canonical):
            raise ValueError(f"{filename}: canonical {canonical!r} is not folded lower case")
        spellings = [canonical] + [s for s in row.get("synonyms", "").split("|") if s.strip()]
        for spelling in spellings:
            key = _fold(spelling)
            previous = variants.setdefault(key, canonical)
            if previous != canonical:
                raise ValueError(f"{filename}: {spelling!r} maps to {previous!r} and {canonical!r}")
            if spelling != key:
                exact_case[key] = _fold_keep_case(spelling)
        if serious_column is not None and row.get(serious_column, "") == "1":
            serious.add(canonical)
    lexicon = _Lexicon(filename, variants, exact_case, frozenset(serious), _NO_MATCH)
    scan_keys = set(variants)
    for key in variants:
        if key not in exact_case:
            scan_keys.update(v for v in _number_variants(key) if lexicon.resolve(v) is not None)
    return _Lexicon(filename, variants, exact_case, frozenset(serious), _compile_scanner(scan_keys))


@cache
def _side_effects() -> _Lexicon:
    return _build_lexicon("side_effects.tsv", "term", "serious")


@cache
def _conditions() -> _Lexicon:
    return _build_lexicon("conditions.tsv", "name", None)


# --------------------------------------------------------------------------------------------
# Public lookups
# --------------------------------------------------------------------------------------------


def normalize_side_effect(term: str) -> str:
    """Canonical side-effect term: :func:`clean_term` plus the lexicon's variant map.

    Unknown terms come back cleaned rather than dropped, because a page may name an effect
    the lexicon lacks and the record is still worth keeping.

    >>> normalize_side_effect("Diarrhoea.")
    'diarrhea'
    """
    return _side_effects().normalize(term)


@per_text(maxsize=16384)
def is_known_side_effect(term: str) -> bool:
    """Whether ``term`` (any spelling variant) is a row of the side-effect lexicon (asked of
    the same candidate terms by many rules, so remembered)."""
    return _side_effects().known(term)


def side_effect_is_serious(term: str) -> bool:
    """Whether the effect is serious by nature (anaphylaxis, seizures, ...); False if unknown.

    This is a property of the effect, not of how a page frames it, so it backs up the
    page's own "serious" headings rather than replacing them.
    """
    return normalize_side_effect(term) in _side_effects().serious


def find_side_effects(text: str) -> list[TermMention]:
    """Side-effect terms in prose, left to right, longest match first, never overlapping.

    Matches respect word boundaries (Unicode-aware; a hyphen joins words, so "anti-nausea"
    is no mention of nausea). Negation and attribution are the caller's business.
    """
    return _side_effects().find(text)


def normalize_condition(name: str) -> str:
    """Canonical condition name ("cerebral paralysis" -> "cerebral palsy"; GERD spelled out)."""
    return _conditions().normalize(name)


@per_text(maxsize=16384)
def is_known_condition(name: str) -> bool:
    """Whether ``name`` (any spelling variant) is a row of the condition lexicon (remembered,
    as :func:`is_known_side_effect`)."""
    return _conditions().known(name)


def find_conditions(text: str) -> list[TermMention]:
    """Condition names in prose; same matching rules as :func:`find_side_effects`."""
    return _conditions().find(text)


def _known_term(text: str) -> bool:
    return is_known_side_effect(text) or is_known_condition(text)


# --------------------------------------------------------------------------------------------
# Splitting coordinated lists
# --------------------------------------------------------------------------------------------

_Kind = Literal["start", "strong", "comma", "conj"]

_SEPARATOR = re.compile(
    r"(?P<strong>\s*[;\n\r\u2022\u00b7\u25aa\u25cf\u25e6\u2023]\s*)"
    r"|(?P<comma>\s*(?:(?<!\d),|,(?!\d))(?:\s*(?:and\s*/\s*or|and|or|&)(?=\s))?\s*)"
    r"|(?P<conj>\s+(?:and\s*/\s*or|and|or|as\s+well\s+as|&)\s+)",
    re.IGNORECASE,
)
_INTRO_HEAD = re.compile(
    r"^(?:such\s+as|including|like|e\.\s?g\.?|eg|for\s+example|for\s+instance|i\.\s?e\.?"
    r"|especially|particularly|notably)(?:\s*[,:])?\s+",
    re.IGNORECASE,
)
_BARE_CONJ = re.compile(r"and\s*/\s*or|and|or|&", re.IGNORECASE)
_CONJ_HEAD = re.compile(r"^(?:and\s*/\s*or|and|or|&)\s+", re.IGNORECASE)
_ETC_TAIL = re.compile(
    r"(?:^|[\s,;])(?:etc\.?|and\s+so\s+on|and\s+others|among\s+others|and\s+more|or\s+others"
    r"|\u2026|\.\.\.)[\s.;:]*$",
    re.IGNORECASE,
)
_SEGMENT_EDGE = " \t\r\n.,;:!?\u2022\u00b7-"
_PREPOSITION = re.compile(r"\b(?:of|in|on|around|at|to|from|under|behind|near)\s+\S", re.IGNORECASE)
# Endings of symptom and disease nouns; a list part with one of these is a term in its own
# right even after an "of" phrase, not another body part of that phrase.
_TERM_SUFFIX = re.compile(
    r"(?:ness|ity|tion|sion|ia|itis|osis|emia|aemia|algia|ing|ache|pathy|ism|rrhea|rrhoea)$"
)
# Modifiers that coordinate before one head noun ("upper or lower abdominal pain").
_MODIFIERS = frozenset(
    {
        "upper", "lower", "left", "right", "mild", "moderate", "severe", "serious", "acute",
        "chronic", "double", "high", "low", "short-term", "long-term", "frequent", "sudden",
        "new", "unusual", "increased", "decreased", "reduced", "red", "dry", "hot", "cold",
        "swollen", "sore", "stiff", "weak", "pale", "dark", "numb", "tender", "fast", "slow",
        "rapid", "black", "heavy", "light",
    }
)  # fmt: skip
_ADJECTIVE_SUFFIX = re.compile(r"[^\W\d_]{2,}(?:y|ed|al|ic|ous|ive|ful|less|ing|ish|ent|ar)")


@dataclass(frozen=True, slots=True)
class _Part:
    start: int
    end: int
    before: _Kind


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span past edge punctuation, leading "and"/"such as" and a trailing "etc."."""
    while True:
        before = (start, end)
        while start < end and text[start] in _SEGMENT_EDGE:
            start += 1
        while end > start and text[end - 1] in _SEGMENT_EDGE:
            end -= 1
        piece = text[start:end]
        for head in (_INTRO_HEAD, _CONJ_HEAD):
            match = head.match(piece)
            if match and match.end() < len(piece):
                start += match.end()
                piece = text[start:end]
        tail = _ETC_TAIL.search(piece)
        if tail:
            end = start + tail.start()
        if _BARE_CONJ.fullmatch(text[start:end]):
            end = start
        if (start, end) == before:
            return start, end


def _top_level_parts(text: str) -> list[_Part]:
    """Cut at separators outside brackets and trim each part; empty parts disappear but the
    strongest separator around them is kept."""
    depth_at: list[int] = []
    depth = 0
    for char in text:
        depth_at.append(depth)
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth > 0:
            depth -= 1
    strength = {"start": 3, "strong": 2, "comma": 1, "conj": 0}
    parts: list[_Part] = []
    pending: _Kind = "conj"  # strongest separator since the last kept part

    def keep(start: int, end: int) -> None:
        nonlocal pending
        start, end = _trim_span(text, start, end)
        if start < end:
            parts.append(_Part(start, end, pending if parts else "start"))
            pending = "conj"

    # A list introduced by "e.g.," must not be cut at the comma of the introduction itself.
    lead = _INTRO_HEAD.match(text.lstrip())
    cursor = len(text) - len(text.lstrip()) + lead.end() if lead else 0
    # A trailing "etc." / "and so on" ends the list; cut it before separators are looked for so
    # the "and" inside "and so on" is not read as a conjunction.
    etc = _ETC_TAIL.search(text)
    limit = etc.start() if etc else len(text)
    for match in _SEPARATOR.finditer(text, 0, limit):
        if depth_at[match.start()] != 0 or match.start() < cursor:
            continue
        keep(cursor, match.start())
        found: _Kind = (
            "strong"
            if match.lastgroup == "strong"
            else ("comma" if match.lastgroup == "comma" else "conj")
        )
        if strength[found] > strength[pending]:
            pending = found
        cursor = match.end()
    keep(cursor, limit)
    return parts


def _words(piece: str) -> list[str]:
    return piece.split()


def _adjective_like(word: str) -> bool:
    word = word.lower()
    return word in _MODIFIERS or _ADJECTIVE_SUFFIX.fullmatch(word) is not None


def _join_compounds(text: str, parts: list[_Part]) -> list[_Part]:
    """Re-join parts whose combined text is itself a lexicon entry ("numbness and tingling")."""
    joined: list[_Part] = []
    index = 0
    while index < len(parts):
        best = index
        for later in range(index + 1, min(len(parts), index + 4)):
            if parts[later].before == "strong":
                break
            if _known_term(text[parts[index].start : parts[later].end]):
                best = later
        joined.append(_Part(parts[index].start, parts[best].end, parts[index].before))
        index = best + 1
    return joined


def _is_continuation(piece: str) -> bool:
    """Whether a list part reads as one more object of a preceding "swelling of ..." phrase."""
    words = _words(piece)
    if not words or len(words) > 3 or _PREPOSITION.search(piece):
        return False
    if _TERM_SUFFIX.search(words[-1].lower()):
        return False
    return not _known_term(piece)


_HEAD_OF = re.compile(
    r"^(?P<head>.*?\b(?:of|in|on|around|at|to|from|under|behind|near)\s+(?:(?:the|your|his|her|their|a|an)\s+)?)\S",
    re.IGNORECASE,
)


def _join_prepositional(text: str, parts: list[_Part]) -> list[tuple[_Part, str]]:
    """Share an "of"/"in" head across the list that follows it: "swelling of the face, lips
    or tongue" names "swelling of the face", "swelling of the lips" and "swelling of the
    tongue". Returns each part with the head it takes ("" for none)."""
    out: list[tuple[_Part, str]] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        out.append((part, ""))
        index += 1
        head = _HEAD_OF.match(_WS.sub(" ", text[part.start : part.end]))
        if head is None:
            continue
        while (
            index < len(parts)
            and parts[index].before != "strong"
            and _is_continuation(text[parts[index].start : parts[index].end])
        ):
            out.append((parts[index], head.group("head")))
            index += 1
    return out


_PEOPLE = frozenset({"men", "women", "children", "people", "adults", "patients", "kids", "teens",
                     "infants", "babies", "elderly", "users", "seniors", "everyone", "others"})


def _standalone(piece: str) -> bool:
    """A single word that names an effect or a group of people on its own ("nausea",
    "bruising", "men"): no modifier of the next part."""
    return (_known_term(piece) or _TERM_SUFFIX.search(piece.lower()) is not None
            or piece.lower() in _PEOPLE)


def _bare(piece: str, run: bool) -> bool:
    """A list part that only names another object for the first part's modifier ("dry skin
    and lips", "elevated cholesterol, triglycerides or liver enzymes")."""
    words = _words(piece)
    if not words or len(words) > (2 if run else 1) or not all(w.isalpha() for w in words):
        return False
    if words[0].lower() in _MODIFIERS or _known_term(piece) or _PREPOSITION.search(piece):
        return False
    return not (run and _TERM_SUFFIX.search(words[-1].lower()))


def _distribute(pieces: list[str], parts: list[_Part]) -> list[str]:
    """Share a head noun across coordinated modifiers and vice versa.

    "dry or itchy skin" and "joint and muscle aches" name two effects each ("dry skin",
    "itchy skin"; "joint aches", "muscle aches"); so do "difficulty breathing or swallowing"
    and "dry skin and lips". Parts that are lexicon terms on their own are never rewritten,
    unless a plain modifier comes first: in "rapid, pounding, or irregular heartbeat" and
    "difficult, burning, or painful urination" every word before the head modifies it.
    """
    out: list[str] = []
    index = 0
    while index < len(parts):
        run_end = index
        modifier_seen = False  # after "rapid", "pounding" is a modifier too
        while (
            run_end < len(parts)
            and (run_end == index or parts[run_end].before in ("comma", "conj"))
            and len(_words(pieces[run_end])) == 1
            and pieces[run_end].isalpha()
            and (modifier_seen or not _standalone(pieces[run_end]))
        ):
            modifier_seen = True
            run_end += 1
        if (
            run_end > index
            and run_end < len(parts)
            and parts[run_end].before in ("comma", "conj")
            and len(_words(pieces[run_end])) >= 2
            and not _PREPOSITION.search(pieces[run_end])
        ):
            head_words = _words(pieces[run_end])
            head = " ".join(head_words[1:])
            out.extend(f"{modifier} {head}" for modifier in pieces[index:run_end]
                       if modifier.lower() != head.lower())
            out.append(pieces[run_end])
            index = run_end + 1
            continue
        piece = pieces[index]
        out.append(piece)
        following = index + 1
        words = _words(piece)
        if len(words) >= 2 and not _PREPOSITION.search(piece):
            lead = words[:-1]
            while (following < len(parts) and parts[following].before in ("comma", "conj")
                   and _bare(pieces[following], run=following > index + 1
                             or parts[following].before == "comma")):
                out.append(" ".join([*lead, pieces[following]]))
                following += 1
            if following > index + 1:
                index = following
                continue
        index += 1
    return out


_SLASH = re.compile(r"(?<=[^\W\d_]|\))\s*/\s*(?=[^\W\d_])")


def _split_slash(piece: str) -> list[str]:
    """ "Runny nose/sore throat", "depression/suicidal thoughts" name two effects, and so
    do "difficulty swallowing/breathing" and "AST/ALT elevation" with their shared word."""
    if not _SLASH.search(piece) or _BARE_CONJ.fullmatch(piece):
        return [piece]
    sides = [s.strip() for s in _SLASH.split(piece)]
    if any(len(s) < 3 for s in sides):
        return [piece]  # "mg/kg", "h/o"
    if len(sides) != 2:
        return [s for s in sides if s] if all(len(_words(s)) <= 3 for s in sides) else [piece]
    left, right = _words(sides[0]), _words(sides[1])
    if len(left) >= 2 and len(right) == 1 and not _known_term(right[0]):
        return [sides[0], " ".join([*left[:-1], right[0]])]
    if len(left) == 1 and len(right) >= 2 and not _standalone(left[0]) and not _known_term(sides[1]):
        return [" ".join([left[0], *right[1:]]), sides[1]]
    if (len(left) >= 2 and len(right) >= 2 and not _known_term(sides[0])
            and _known_term(f"{left[-1]} {right[-1]}")):
        return [" ".join([*left, right[-1]]), sides[1]]  # "severe stomach/abdominal pain"
    return sides


def split_terms(text: str) -> list[str]:
    """Split a coordinated list into its terms, each as written (stripped, not lower-cased).

    ``'nausea, vomiting and diarrhoea'`` gives ``['nausea', 'vomiting', 'diarrhoea']``; so do
    "A, B, or C" and "A; B; C". "A/B" stays one term, commas inside brackets do not split,
    a leading "such as" / "including" / "e.g." and a trailing "etc." go. A part that carries
    an "of"/"in" phrase keeps the list that follows it when those items are not terms on
    their own, so "swelling of eyes, lips, or tongue" stays one term, and lexicon entries
    that contain "and" ("numbness and tingling") are not cut.

    >>> split_terms("such as nausea, vomiting, or diarrhoea etc.")
    ['nausea', 'vomiting', 'diarrhoea']
    """
    return list(_split_terms(text))


@per_text(maxsize=8192)  # several rules split the same item or sentence
def _split_terms(text: str) -> tuple[str, ...]:
    text = _ONE_AMOUNT.sub(lambda m: m.group(0).replace(" ", _KEEP), text)
    parts = _top_level_parts(text)
    if not parts:
        return ()
    parts = _join_compounds(text, parts)
    headed = _join_prepositional(text, parts)
    pieces = [head + _WS.sub(" ", text[p.start : p.end]) for p, head in headed]
    terms = (t.strip().replace(_KEEP, " ") for term in _distribute(pieces, [p for p, _ in headed])
             for t in _split_slash(term))
    return tuple(term for term in terms if term)


# "little or no urination" is one amount of one thing, not "little urination" and "no urination"
_ONE_AMOUNT = re.compile(r"\b(?:little or no|few or no|more or less)\b", re.I)
_KEEP = "\u2060"
"""Joins the words of such a phrase while the list is split (a word joiner: no space, so no
split and no rewrite of it)."""

"""Drug names and drug classes: find them in text and reduce them to one canonical generic.

Every extractor has to know which drug a sentence is about, and pages name the same drug in many
ways: a brand ("Viagra"), an international name ("paracetamol"), a salt ("sildenafil citrate"),
a foreign spelling ("omeprazol", "Morphin"), or a combination ("Sacubitril-Valsartan"). Records
from different pages only join if all of these become the same string, so this module answers
with the lower-case US generic name from the hand-compiled lexicon in ``pipeline/data``.

Matching works on a *folded* copy of the text (lower case, accents stripped, Unicode dashes and
quotes made ASCII) that has exactly the length of the original, so every offset found in the
folded copy is also an offset into the original and ``mention.text == text[start:end]`` holds
without any bookkeeping. All names, drug and class alike, are compiled into one regular
expression shaped as a character trie: the scan runs in C, costs about one step per character,
and at any position prefers the longest name, because a trie node tries its longer
continuations before accepting the name that ends there.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from pipeline.memo import per_text

__all__ = ["ClassMention", "DrugLexicon", "DrugMention", "lexicon"]


@dataclass(frozen=True, slots=True)
class DrugMention:
    """One drug named in a text, with the canonical generic it denotes.

    ``text`` is the slice of the input as written, so callers can quote or highlight it; a
    combination joined in the text ("amlodipine and benazepril") is one mention of the
    combination, never a brand.
    """

    generic: str
    text: str
    start: int
    end: int
    is_brand: bool


@dataclass(frozen=True, slots=True)
class ClassMention:
    """One drug class named in a text ("beta-blockers", "AINEs"), with its canonical class."""

    drug_class: str
    text: str
    start: int
    end: int


# --- folding ------------------------------------------------------------------------------------


def _fold_tables() -> tuple[dict[int, str], dict[int, str]]:
    """Build one-character-for-one-character replacement tables (lower-case and case-keeping).

    A replacement must never change the length of the text, or offsets found in the folded
    copy would stop pointing into the original; so only characters that decompose into a
    single base letter plus combining marks are folded ("é" -> "e"), and ligatures such as
    "œ" or "ß" are left alone (the lexicon lists the forms that contain them).
    """
    keep_case: dict[int, str] = {}
    latin = itertools.chain(range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for code in latin:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char:
            keep_case[code] = base
    for char, base in {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}.items():
        keep_case[ord(char)] = base
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d":
        keep_case[ord(dash)] = "-"
    for quote in "\u2018\u2019\u02bc\u2032":
        keep_case[ord(quote)] = "'"
    lower = {code: base.lower() for code, base in keep_case.items()}
    return lower, keep_case


_FOLD_LOWER, _FOLD_KEEP_CASE = _fold_tables()
# Only runs of foldable characters go through ``str.translate``; scanning for them is much
# cheaper than translating a whole page of Greek or Cyrillic text that has nothing to fold.
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD_LOWER)) + "]+")
_SEPARATORS = re.compile(r"[\s\-]+")


def _fold(text: str) -> str:
    """Lower-case and de-accent ``text`` without changing its length.

    ``str.lower`` lengthens a few characters (Turkish dotted capital I becomes two code
    points); those rare texts are lowered one character at a time, keeping any character
    whose lower case form is longer than itself.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(low if len(low := c.lower()) == 1 else c for c in text)
    if lowered.isascii():
        return lowered
    return _FOLDABLE.sub(_fold_run, lowered)


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD_LOWER)


def _key(name: str) -> str:
    """The lookup key of a name: folded, with runs of spaces and hyphens made one space.

    Pages write "beta-blocker", "beta blocker" and "beta - blocker" interchangeably, and
    "Toprol-XL" as "Toprol XL", so the lexicon treats every space/hyphen run alike.
    """
    return _SEPARATORS.sub(" ", _fold(name)).strip()


def _case_key(name: str) -> str:
    """Like :func:`_key` but keeping letter case, for names matched case-sensitively."""
    return _SEPARATORS.sub(" ", name.translate(_FOLD_KEEP_CASE)).strip()


# --- the name trie ------------------------------------------------------------------------------


class _Node:
    """A trie node: outgoing characters and whether a name ends here."""

    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


# A name ending in a letter may be followed by a digit ("Cialis20mg", "Kamagra100") but not by
# another letter; a name ending in a digit may be followed by neither ("vitamin b1" must not
# match inside "vitamin b12").
_END_AFTER_LETTER = r"(?![^\W\d])"
_END_AFTER_DIGIT = r"(?!\w)"
# Inside a name, one space stands for any run of whitespace or hyphens (see ``_key``).
_GAP = r"[\s\-]++"  # possessive: the next trie character is never a space, so never give back


def _emit(node: _Node, last: str) -> str:
    """Render a trie node as a regex; the name ending here is the *last* alternative.

    Alternatives are tried in order and backtracking falls through to the next one, so
    putting the terminal last makes the longest name that also passes its end check win.
    """
    branches = [
        (_GAP if char == " " else re.escape(char)) + _emit(child, char)
        for char, child in sorted(node.children.items())
    ]
    if node.terminal:
        branches.append(_END_AFTER_DIGIT if last.isdigit() else _END_AFTER_LETTER)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _compile_names(keys: Iterable[str]) -> re.Pattern[str]:
    """Compile lookup keys into one trie-shaped regex that matches whole words only."""
    root = _Node()
    for key in keys:
        node = root
        for char in key:
            node = node.children.setdefault(char, _Node())
        node.terminal = True
    return re.compile(r"(?<!\w)" + _emit(root, ""))


# --- lexicon ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one lookup key means: a generic (for drug names) or a class (for class phrases).

    ``exact`` is set for names the data marks with a leading "=": words such as "Soma" or
    "Plan B" that are brands only when written with their capitals.
    """

    target: str
    is_brand: bool = False
    exact: str | None = None

    def accepts(self, surface: str) -> bool:
        return self.exact is None or _case_key(surface) == self.exact


_DRUG_COLUMNS = ("generic", "class", "brands", "aliases")
_CLASS_COLUMNS = ("class", "synonyms")
_MAX_COMPONENTS = 4  # the longest combination listed has three components

# What may stand between two drug names that together form a listed combination. Symbols join
# any two names; words ("and", "with" and their Spanish, Italian, Portuguese, French, German and
# Danish equivalents) join only generic names, because "Tylenol and Advil" usually means two
# products taken side by side rather than one combination product.
_SYMBOL_JOIN = re.compile(r"\s*[/+&-]\s*")
_LONGEST_JOIN = 12  # longer gaps cannot be a join; skip the regex for them
_WORD_JOIN = re.compile(r"\s+(?:and|with|plus|y|con|e|et|avec|und|mit|og|med)\s+", re.IGNORECASE)

_MARKS = re.compile(r"[®™©℠]|\((?:r|tm)\)", re.IGNORECASE)
_EDGE_PUNCTUATION = " \t\r\n\u00a0.,;:!?\"'*•·«»“”‘’"
_WRAPPED = re.compile(r"\(\s*([^()]*?)\s*\)|\[\s*([^\[\]]*?)\s*\]")
_STRENGTH = (
    r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|μg|g|ml|iu|units?|%|meq|mmol)?"
    r"(?:\s*/\s*(?:\d+(?:[.,]\d+)?\s*)?(?:mg|mcg|µg|μg|g|ml|h|hr|hours?|dose|actuation|spray))?"
)
_RELEASE = (
    r"er|xr|xl|sr|cr|la|dr|odt|ir|cd|xt|ec|mr|hfa|retard"
    r"|(?:extended|delayed|immediate|controlled|modified|sustained)[\s-]release"
    r"|(?:extra|maximum|regular)[\s-]strength"
)
_FORM = (
    r"tablets?|tabs?|capsules?|caps?|caplets?|softgels?|pills?|oral|solution|suspension|syrup"
    r"|elixir|liquid|drops|injection|injectable|infusion|cream|gel|ointment|lotion|foam"
    r"|patch(?:es)?|spray|nasal|inhaler|inhalation|powder|granules|suppositor(?:y|ies)"
    r"|chewable|film[\s-]coated|lozenges?|gum|pen|auto[\s-]?injector|vial|topical"
    r"|ophthalmic|otic|generic"
)
# One removable trailing token: a strength, a release/strength label or a dosage form.
# ``canonical`` peels these off one at a time, retrying the lookup each time. A parenthesised
# remark is not peeled off, because it may name another drug ("Tylenol (codeine)"); the final
# scan of the whole name decides those.
_TRAILING_NOISE = re.compile(
    rf"(?:^|[\s,;:/+-]+)(?:{_STRENGTH}|{_RELEASE}|{_FORM})\s*$", re.IGNORECASE
)
_SALTS = (
    "hydrochloride|dihydrochloride|hcl|hydrobromide|sodium|potassium|calcium|magnesium"
    "|citrate|succinate|tartrate|bitartrate|maleate|mesylate|mesilate|dimesylate|besylate"
    "|besilate|fumarate|sulfate|sulphate|phosphate|acetate|bromide|chloride|hyclate"
    "|monohydrate|dihydrate|trihydrate|dipropionate|propionate|furoate|valerate|acetonide"
    "|xinafoate|medoxomil|cilexetil|erbumine|axetil|pamoate|oxalate|tromethamine|trometamol"
    "|lauroxil|palmitate|decanoate|enanthate|cypionate|undecanoate|disodium|mofetil|hippurate"
    "|gluconate|lactate|carbonate|oxide"
)
_TRAILING_SALT = re.compile(rf"\s+(?:{_SALTS})$", re.IGNORECASE)


def _table(text: str, columns: tuple[str, ...], source: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` for each data row of a tab-separated lexicon file.

    Lines starting with "#" state where the data comes from and are skipped; the header must
    name the expected columns so a reordered file fails loudly instead of mapping brands to
    classes.
    """
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if not header_seen:
            if tuple(cells) != columns:
                raise ValueError(f"{source}:{lineno}: expected header {columns}, got {cells}")
            header_seen = True
            continue
        if len(cells) > len(columns):
            raise ValueError(f"{source}:{lineno}: {len(cells)} columns, expected {len(columns)}")
        yield lineno, cells + [""] * (len(columns) - len(cells))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


class DrugLexicon:
    """Drug and drug-class names from the two lexicon tables, compiled for fast matching.

    Build it through :func:`lexicon`, which loads the packaged data once; the constructor
    takes the file contents so tests can build small lexicons of their own. Inconsistent data
    (one name given to two generics, a duplicated generic, a missing class) raises
    ``ValueError`` at load time, because a silently wrong mapping would corrupt every record
    downstream.
    """

    def __init__(self, drugs_tsv: str, classes_tsv: str) -> None:
        self._drug_names: dict[str, _Reading] = {}
        self._class_names: dict[str, _Reading] = {}
        self._class_of: dict[str, str] = {}
        self._combinations: dict[frozenset[str], str] = {}
        self._plurals: set[str] = set()
        for lineno, (generic, drug_class, brands, aliases) in _table(
            drugs_tsv, _DRUG_COLUMNS, "drugs.tsv"
        ):
            generic, drug_class = generic.lower(), drug_class.lower()
            where = f"drugs.tsv:{lineno}"
            if not generic or not drug_class:
                raise ValueError(f"{where}: a row needs a generic and a class")
            if generic in self._class_of:
                raise ValueError(f"{where}: {generic!r} has two rows")
            self._class_of[generic] = drug_class
            # A generic's own name outranks an alias, and an alias outranks a brand, when the
            # data lists the same spelling twice (so "Adrenalin" is not reported as a brand).
            self._add_drug(generic, generic, is_brand=False, where=where)
            for alias in _split(aliases):
                self._add_drug(alias, generic, is_brand=False, where=where)
            for brand in _split(brands):
                self._add_drug(brand, generic, is_brand=True, where=where)
            if "/" in generic:
                self._combinations[frozenset(generic.split("/"))] = generic
        for lineno, (drug_class, synonyms) in _table(
            classes_tsv, _CLASS_COLUMNS, "drug_classes.tsv"
        ):
            drug_class = drug_class.lower()
            where = f"drug_classes.tsv:{lineno}"
            for name in [drug_class, *_split(synonyms)]:
                self._add_class(name, drug_class, where)
        self._pattern = _compile_names(self._drug_names.keys() | self._class_names.keys())
        # the same texts (headings, blocks, sentences) are asked about by many stages
        self._hits = per_text(maxsize=8192)(self._scan)

    # --- building ---

    def _add_drug(self, name: str, generic: str, *, is_brand: bool, where: str) -> None:
        exact = None
        if name.startswith("="):
            name = name[1:]
            exact = _case_key(name)
        key = _key(name)
        if not key:
            return
        new = _Reading(generic, is_brand, exact)
        old = self._drug_names.get(key)
        if old is None:
            self._drug_names[key] = new
            return
        if old.target != generic:
            raise ValueError(f"{where}: {name!r} names both {old.target!r} and {generic!r}")
        self._drug_names[key] = replace(
            old,
            is_brand=old.is_brand and is_brand,
            exact=old.exact if exact is not None else None,
        )

    def _add_class(self, name: str, drug_class: str, where: str) -> None:
        exact = None
        if name.startswith("="):
            name = name[1:]
            exact = _case_key(name)
        key = _key(name)
        if not key:
            return
        old = self._class_names.get(key)
        if old is not None and key in self._plurals:
            # An explicit synonym wins over a plural made up for another name.
            self._plurals.discard(key)
            old = None
        if old is not None and old.target != drug_class:
            raise ValueError(f"{where}: {name!r} names both {old.target!r} and {drug_class!r}")
        if old is None or exact is None:
            self._class_names[key] = _Reading(drug_class, exact=exact)
        # Plurals in "s" come for free ("statin" -> "statins", "SSRI" -> "SSRIs").
        plural = key + "s"
        if not key.endswith("s") and plural not in self._class_names:
            plural_exact = None if exact is None else exact + "s"
            self._class_names[plural] = _Reading(drug_class, exact=plural_exact)
            self._plurals.add(plural)

    # --- matching ---

    def _scan(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """All non-overlapping names in ``text``, leftmost first, as ``(start, end, key)``.

        Drug names and class phrases are matched together so that each shadows the other:
        "calcium channel blockers" is a class, not the supplement "calcium", and
        "insulin glargine" is a drug, not the class "insulin". A name marked case-sensitive
        whose capitals do not match is skipped and the scan resumes one character later.
        """
        folded = _fold(text)
        search = self._pattern.search
        hits: list[tuple[int, int, str]] = []
        pos = 0
        while (match := search(folded, pos)) is not None:
            start, end = match.span()
            found = match.group()
            key = found if found.isalpha() else _SEPARATORS.sub(" ", found)
            surface = text[start:end]
            drug = self._drug_names.get(key)
            cls = self._class_names.get(key)
            if (drug is not None and drug.accepts(surface)) or (
                cls is not None and cls.accepts(surface)
            ):
                hits.append((start, end, key))
                pos = end
            else:
                pos = start + 1
        return tuple(hits)

    def find(self, text: str) -> list[DrugMention]:
        """Every drug named in ``text``, left to right, never overlapping, longest name first.

        Two or more adjacent names that together make a listed combination
        ("sacubitril/valsartan", "Sacubitril-Valsartan", "amlodipine and benazepril") are
        reported once, as the combination.
        """
        mentions: list[DrugMention] = []
        for start, end, key in self._hits(text):
            reading = self._drug_names.get(key)
            surface = text[start:end]
            if reading is not None and reading.accepts(surface):
                mentions.append(DrugMention(reading.target, surface, start, end, reading.is_brand))
        return self._join_combinations(text, mentions)

    def _joined(self, text: str, left: DrugMention, right: DrugMention) -> bool:
        if right.start - left.end > _LONGEST_JOIN:
            return False
        gap = text[left.end : right.start]
        if _SYMBOL_JOIN.fullmatch(gap):
            return True
        return bool(_WORD_JOIN.fullmatch(gap)) and not (left.is_brand or right.is_brand)

    def _join_combinations(self, text: str, mentions: list[DrugMention]) -> list[DrugMention]:
        """Merge runs of joined mentions whose components form a listed combination.

        Components, not generics, are compared, so a listed pair matched as one name extends
        to a listed triple: "amlodipine/valsartan" + "hydrochlorothiazide".
        """
        joined: list[DrugMention] = []
        i = 0
        while i < len(mentions):
            parts = mentions[i].generic.split("/")
            best: tuple[int, str] | None = None
            j = i
            while j + 1 < len(mentions) and j - i + 1 < _MAX_COMPONENTS:
                if not self._joined(text, mentions[j], mentions[j + 1]):
                    break
                j += 1
                parts.extend(mentions[j].generic.split("/"))
                combination = self._combinations.get(frozenset(parts))
                if combination is not None and len(set(parts)) == len(parts):
                    best = (j, combination)
            if best is None:
                joined.append(mentions[i])
                i += 1
                continue
            last, combination = best
            start, end = mentions[i].start, mentions[last].end
            joined.append(DrugMention(combination, text[start:end], start, end, False))
            i = last + 1
        return joined

    def find_classes(self, text: str) -> list[ClassMention]:
        """Every drug class named in ``text``, left to right, never overlapping."""
        mentions: list[ClassMention] = []
        for start, end, key in self._hits(text):
            reading = self._class_names.get(key)
            surface = text[start:end]
            if reading is not None and reading.accepts(surface):
                mentions.append(ClassMention(reading.target, surface, start, end))
        return mentions

    # --- single names ---

    def _lookup(self, name: str) -> str | None:
        reading = self._drug_names.get(_key(name))
        if reading is not None and reading.accepts(name):
            return reading.target
        return None

    def canonical(self, name: str) -> str | None:
        """The canonical generic for one drug name, or None if the name is not a known drug.

        Names come from page fields (JSON-LD ``name``, table cells, headings) and carry
        decoration, so ®/™ marks, surrounding punctuation, a trailing strength or dosage form
        ("Cialis 20mg", "Lipitor tablets") and a trailing salt ("Sertraline HCl") are removed
        step by step until the lexicon knows the name. As a last resort the name is scanned
        like running text and accepted if everything it mentions is one drug
        ("Super Kamagra", "Lipitor (atorvastatin)").
        """
        candidate = _MARKS.sub("", name).strip(_EDGE_PUNCTUATION)
        while (wrapped := _WRAPPED.fullmatch(candidate)) is not None:
            candidate = (wrapped.group(1) or wrapped.group(2) or "").strip(_EDGE_PUNCTUATION)
        if not candidate:
            return None
        original = candidate
        while candidate:
            generic = self._lookup(candidate)
            if generic is not None:
                return generic
            shorter = _TRAILING_NOISE.sub("", candidate).strip(_EDGE_PUNCTUATION)
            if shorter == candidate:
                shorter = _TRAILING_SALT.sub("", candidate).strip(_EDGE_PUNCTUATION)
            if shorter == candidate:
                break
            candidate = shorter
        generics = {mention.generic for mention in self.find(original)}
        return generics.pop() if len(generics) == 1 else None

    def names(self) -> dict[str, str]:
        """Every generic name, alias and brand (lower case) with the generic it stands for."""
        return {key: reading.target for key, reading in self._drug_names.items()}

    def drug_class(self, generic: str) -> str | None:
        """The pharmacological class of a generic; any other known name is resolved first."""
        found = self._class_of.get(generic.strip().lower())
        if found is not None:
            return found
        resolved = self.canonical(generic)
        return None if resolved is None else self._class_of.get(resolved)

    def is_drug(self, name: str) -> bool:
        """Whether ``name`` denotes a drug the lexicon knows (see :meth:`canonical`)."""
        return self.canonical(name) is not None


@cache
def lexicon() -> DrugLexicon:
    """The lexicon built from the packaged data files, loaded and compiled once per process."""
    data = files("pipeline") / "data"
    return DrugLexicon(
        (data / "drugs.tsv").read_text(encoding="utf-8"),
        (data / "drug_classes.tsv").read_text(encoding="utf-8"),
    )

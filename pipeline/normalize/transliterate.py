"""Drug names written in other scripts, matched by their consonant skeleton.

Arabic, Japanese katakana, Cyrillic and Greek pages spell international drug names by sound
("سيفيلامير", "ラモトリギン", "ибупрофен"). Rather than listing every spelling in every script,
the name is transliterated to Latin letters and reduced to a skeleton of consonant classes
(vowels dropped, p/b, f/v, l/r, s/z, c/k/q merged, doubles collapsed), which survives the
sound changes of transliteration; the skeleton is then looked up among the skeletons of the
drug lexicon's names. Only skeletons of four or more consonants that belong to one drug are
used, so short or ambiguous names never match.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.normalize.drugs import lexicon

_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "g", "ح": "h",
    "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
    "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "o", "ي": "i", "ى": "a", "ة": "a", "ء": "", "ئ": "i", "ؤ": "o",
    "پ": "p", "ڤ": "v", "گ": "g", "چ": "ch",
}  # fmt: skip
_KATAKANA_ROWS = {
    "": "アイウエオ", "k": "カキクケコ", "g": "ガギグゲゴ", "s": "サシスセソ", "z": "ザジズゼゾ",
    "t": "タチツテト", "d": "ダヂヅデド", "n": "ナニヌネノ", "h": "ハヒフヘホ", "b": "バビブベボ",
    "p": "パピプペポ", "m": "マミムメモ", "y": "ヤ_ユ_ヨ", "r": "ラリルレロ", "w": "ワ___ヲ",
}  # fmt: skip
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщыэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
                      "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sh", "y", "e", "yu", "ya"],
                     strict=True))
_GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψω",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p",
                   "r", "s", "t", "i", "f", "ch", "ps", "o"], strict=True))
_FOREIGN_WORD = re.compile(r"[\u0600-\u06ff\u30a0-\u30ff\u0400-\u04ff\u0370-\u03ff]+")
_MIN_CONSONANTS = 4


def _katakana() -> dict[str, str]:
    table: dict[str, str] = {"ン": "n", "ー": "", "ッ": "", "ヴ": "v", "ャ": "ya", "ュ": "yu", "ョ": "yo",
                             "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
    for consonant, row in _KATAKANA_ROWS.items():
        for vowel, char in zip("aiueo", row, strict=True):
            if char != "_":
                table[char] = consonant + vowel
    table.update({"シ": "shi", "チ": "chi", "ツ": "tsu", "フ": "fu", "ジ": "ji"})
    return table


_TABLE = {**_ARABIC, **_katakana(), **_CYRILLIC, **_GREEK}


def to_latin(text: str) -> str:
    return "".join(_TABLE.get(ch, ch) for ch in text.lower())


_CLASSES = (("ph", "f"), ("th", "t"), ("ch", "k"), ("sh", "s"), ("kh", "k"), ("gh", "g"),
            ("ts", "s"), ("x", "ks"), ("p", "b"), ("v", "f"), ("l", "r"), ("z", "s"), ("c", "k"),
            ("q", "k"), ("j", "g"), ("d", "t"))


_NOT_LATIN = re.compile(r"[^a-z]")
_VOWEL_LIKE = re.compile(r"[aeiouyhw]")
_REPEAT = re.compile(r"(.)\1+")


def skeleton(latin: str) -> str:
    """Consonant classes of a Latin-letter name: "sevelamer" -> "sfrmr"."""
    s = _NOT_LATIN.sub("", latin.lower())
    for a, b in _CLASSES:
        s = s.replace(a, b)
    s = _VOWEL_LIKE.sub("", s)
    return _REPEAT.sub(r"\1", s)


@cache
def _index() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for name, generic in lexicon().names().items():
        if "/" in generic or " " in name:
            continue
        seen.setdefault(skeleton(name), set()).add(generic)
    return {sk: next(iter(g)) for sk, g in seen.items() if len(g) == 1 and len(sk) >= _MIN_CONSONANTS}


def find_transliterated(text: str) -> list[str]:
    """Generic names of drugs written in a non-Latin script in ``text``, in order."""
    found: list[str] = []
    for word in _FOREIGN_WORD.findall(text):
        generic = _index().get(skeleton(to_latin(word)))
        if generic and generic not in found:
            found.append(generic)
    return found

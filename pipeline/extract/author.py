"""The article's author and the author's title (credentials or role), never a commenter's name
and never a sentence of biography.

Where pages say who wrote them, from the most to the least explicit:

* JSON-LD: the article's ``author``, followed through ``@id`` references, with its
  ``honorificSuffix``, ``hasCredential`` and ``jobTitle`` as the title ("PharmD, Clinical
  pharmacist");
* the page: an element marked up as the author's name (class ``author-name``, ``rel=author``, a
  schema.org Person's name), an "About the author" label followed by the name, an author box,
  a "By Jane Roe, RN" byline, a name beside a user icon;
* the ``author`` meta tag, unless it names a placeholder or credits the site's theme.

An author the JSON-LD gives only as an organisation ("Acme") yields to a person or team the
page itself names; the page's credentials complete a name found elsewhere when both name the
same person. A title read from a biography keeps only the role it states ("As a clinical
pharmacist, she ..." gives "clinical pharmacist"), or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lxml import html

from pipeline.extract.jsonld import Graph, types
from pipeline.phrases import phrase_pattern
from pipeline.segment import clean

_COMMENT_AREA = re.compile(r"comment|respond|reply|review|disqus", re.I)
_NAVIGATION = re.compile(r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|menus|header-menu|topbar)(?:$|[-_\s])",
                         re.I)
_BYLINE = re.compile(r"^\s*(?:by|written by|author:|von|por)\s+", re.I)
_PLACEHOLDER = re.compile(
    r"^(?:unknown|admin|administrator|author|project name|editor|user|guest|webmaster|"
    r"your name|name|anonymous|staff|null|none|undefined)\b",
    re.I,
)
_NAME_CLASS = re.compile(r"(?:author|byline|editor|writer|reviewer)[-_]*name", re.I)
_ROLE_CLASSES = (re.compile(r"role|job|credential|position|(?:author|editor)[-_]*title", re.I),
                 re.compile(r"bio|description", re.I))
_AUTHOR_BOX = re.compile(r"author", re.I)
_BOX_NAME = re.compile(r"(?:^|[-_\s])(?:name|title|heading)(?:$|[-_\s])", re.I)
_BOX_BIO = re.compile(
    r"(?:^|[-_\s])(?:bio|job|role|position|credentials?|description|desc|about)(?:$|[-_\s])", re.I
)
_AFTER_NAME = re.compile(r"^\s*,\s*(?P<title>[^·|•\n]{2,90}?)\s*(?:[·|•]|\s[-–—]\s|$)")
_USER_ICON = re.compile(r"(?:^|[-_\s])(?:user|author|person|profile|avatar|writer)(?:$|[-_\s])", re.I)
_ABOUT_HINT = re.compile(r"author|writer", re.I)
_ABOUT_LABEL = re.compile(
    r"^(?:about the (?:author|writer)s?|about (?:this|our) (?:author|writer)|author bio(?:graphy)?|"
    r"meet the (?:author|writer)|written by)\s*:?$", re.I)
_NAME_WORD = r"(?:[A-ZÀ-Þ][\w.'’-]*|(?:de|van|von|der|den|da|del|la|le|bin|al|el|and|&)(?=\s+[A-ZÀ-Þ]))"
_BYLINE_LINE = re.compile(
    rf"^(?i:by|written by|author:?|von|por)\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,6}})"
    r"(?:\s*,\s*(?P<title>[^·|•–—]{2,60}?))?\s*(?:[·|•–—]\s*.*)?$"
)
"""A byline: the name's words start with capitals ("By mouth" and "By week 4" are no names)."""
_MAX_NAME = 80


@dataclass(frozen=True, slots=True)
class Lexicon:
    credential: re.Pattern[str]
    """A text made only of post-nominal letters ("MD", "PharmD, BCPS")."""
    role: re.Pattern[str]
    bio_verb: re.Pattern[str]
    not_name: re.Pattern[str]
    theme_credit: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    data = json.loads(resources.files("pipeline.data").joinpath("authors.json").read_text())
    letters = "|".join(re.escape(c) for c in sorted(data["credentials"], key=len, reverse=True))
    nouns = "|".join(re.escape(n) for n in sorted(data["role_nouns"], key=len, reverse=True))
    return Lexicon(
        credential=re.compile(rf"^(?:(?:{letters})(?:\s*[,/&]\s*|\s+|$))+$"),
        role=re.compile(
            rf"\b(?:as|is|was|works as|working as)\s+(?:an?|the|our)\s+(?P<role>(?:[\w-]+\s+){{0,4}}?"
            rf"(?:{nouns}))\b",
            re.I,
        ),
        bio_verb=phrase_pattern(data["bio_verbs"]),
        not_name=re.compile(r"^(?:" + "|".join(re.escape(n) for n in data["not_names"]) + r")$", re.I),
        theme_credit=re.compile("|".join(re.escape(t) for t in data["theme_credits"]), re.I),
    )


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    title: str | None = None
    is_organization: bool = False


def credential(text: str | None) -> str | None:
    """A title as a reader would write it after a name, or None for a biography sentence.

    >>> credential("PharmD, BCPS"), credential("Clinical pharmacist")
    ('PharmD, BCPS', 'Clinical pharmacist')
    >>> credential("As a professional healthcare writer, she creates accurate content.")
    'professional healthcare writer'
    >>> credential("Jane writes about medicines and lives in Leeds.") is None
    True
    """
    text = clean(text or "").strip(" ,;:-–—")
    if not text:
        return None
    lex = lexicon()
    if lex.credential.match(text):
        return text
    sentence = text.endswith(".") and not lex.credential.match(text.split()[-1])
    if len(text) <= 60 and not sentence and not lex.bio_verb.search(text):
        return text
    found = lex.role.search(text)
    return found.group("role").strip() if found else None


_POST_NOMINAL = re.compile(r"^(?:[A-Z][A-Za-z.]{0,6}\.?(?:\s*,\s*|\s+|$))+$")
"""Short capitalised words after a name's comma ("MD, FACP", "Senior Editor")."""


def _split_credentials(name: str) -> tuple[str, str | None]:
    """ "Nicole Trelour, ND" -> ("Nicole Trelour", "ND"); a name without credentials as it is."""
    head, sep, tail = name.partition(",")
    tail = tail.strip()
    if sep and head.strip() and (lexicon().credential.match(tail) or _POST_NOMINAL.match(tail)):
        return head.strip(), tail
    return name, None


def _usable(name: str | None) -> bool:
    return bool(name) and not _PLACEHOLDER.search(name or "") and len(name or "") <= _MAX_NAME


def _outside(el: html.HtmlElement, area: re.Pattern[str]) -> bool:
    """Whether no ancestor's id or class names ``area`` (comments, menus)."""
    for a in el.iterancestors():
        if isinstance(a.tag, str) and ((a.tag == "nav" and area is _NAVIGATION)
                                       or area.search(f"{a.get('id') or ''} {a.get('class') or ''}")):
            return False
    return True


_NOT_SCANNED = frozenset({"html", "head", "script", "style", "template", "path", "g", "use", "circle",
                          "rect", "line", "polygon", "defs", "symbol", "noscript"})


def _elements(root: html.HtmlElement) -> list[html.HtmlElement]:
    """The page's elements once, in document order, for every source to scan (lxml makes a
    Python object per element visited: one walk is cheaper than five)."""
    return [el for el in root.iter() if isinstance(el.tag, str)
            and el.tag not in _NOT_SCANNED]


# --- JSON-LD --------------------------------------------------------------------------------


def _text_of(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [t for t in (_text_of(v) for v in value) if t]
        return ", ".join(dict.fromkeys(parts)) or None
    if isinstance(value, dict):
        value = value.get("name") or value.get("credentialCategory") or value.get("@value")
    return clean(value) if isinstance(value, str) and clean(value) else None


def from_jsonld(graph: Graph, article: dict[str, Any]) -> Author | None:
    """The article's author in JSON-LD, with the credentials the Person node states."""
    node = graph.resolve(article.get("author"))
    if isinstance(node, str):
        name = graph.name(node)
        return Author(name) if name and _usable(name) else None
    if not isinstance(node, dict):
        return None
    name = graph.name(node)
    if not name or not _usable(name):
        return None
    parts = [_text_of(node.get(k)) for k in ("honorificSuffix", "hasCredential", "jobTitle")]
    title = ", ".join(dict.fromkeys(p for p in parts if p)) or credential(_text_of(node.get("description")))
    return Author(name, title, is_organization=bool(types(node) & {"organization", "corporation",
                                                                    "medicalorganization"}))


# --- the page -------------------------------------------------------------------------------


def _person_name(el: html.HtmlElement) -> bool:
    label = f"{el.get('class') or ''} {el.get('id') or ''}"
    if _NAME_CLASS.search(label) or (el.get("rel") or "").lower() == "author":
        return True
    prop = f"{el.get('itemprop') or ''} {el.get('property') or ''}".lower()
    if "name" in prop.split() or "schema:name" in prop.split():
        return any("person" in f"{a.get('typeof') or ''} {a.get('itemtype') or ''}".lower()
                   for a in (el, *el.iterancestors()))
    return False


def _marked_up(elements: list[html.HtmlElement]) -> Author | None:
    """A name element (class "author-name", rel=author, a schema.org Person's name) and beside
    it a role element or the credentials after a comma."""
    for el in elements:
        if not _person_name(el) or not _outside(el, _COMMENT_AREA):
            continue
        name = _BYLINE.sub("", clean(el.text_content()))
        if not name or len(name) > _MAX_NAME:
            continue
        parent = el.getparent()
        title = None
        if parent is not None:
            for role in _ROLE_CLASSES:  # a stated role before a free-text biography
                title = next((credential(s.text_content()) for s in parent.iterdescendants()
                              if s is not el and isinstance(s.tag, str)
                              and role.search(s.get("class") or "") and clean(s.text_content())),
                             None)
                if title:
                    break
            if title is None:
                m = _AFTER_NAME.match(clean(el.tail or ""))
                if m:
                    title = credential(m.group("title"))
        return _with_credentials(name, title)
    return None


def _about_the_author(elements: list[html.HtmlElement]) -> Author | None:
    """An "About the author" label, then a paragraph that opens with the name in bold and a
    biography from which the role is read."""
    for el in elements:
        if el.tag in ("body", "div", "section", "article") or not _ABOUT_HINT.search(el.text or ""):
            continue
        if not _ABOUT_LABEL.match(clean(el.text_content())):
            continue
        block = el
        while block.getparent() is not None and clean(block.getparent().text_content()) == clean(
                el.text_content()):
            block = block.getparent()
        following = [s for s in block.itersiblings() if isinstance(s.tag, str)][:4]
        if not following:
            continue
        first = following[0]
        bold = next((b for b in first.iter("strong", "b", "a") if clean(b.text_content())), None)
        if bold is None or not clean(first.text_content()).startswith(clean(bold.text_content())):
            continue
        name, title = _split_credentials(clean(bold.text_content()))
        if not _usable(name) or len(name.split()) > 6:
            continue
        for sibling in following:
            title = title or credential_in_bio(clean(sibling.text_content()))
        return Author(name, title)
    return None


def credential_in_bio(text: str) -> str | None:
    """The role a biography states ("As a registered nurse, ..."), never the sentence."""
    found = lexicon().role.search(text)
    return found.group("role").strip() if found else None


def _box(elements: list[html.HtmlElement]) -> Author | None:
    """An element whose class names the author, holding a name element and a role or bio."""
    for el in elements:
        if el.tag in ("body", "meta", "a", "img"):
            continue
        label = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _AUTHOR_BOX.search(label) or not _outside(el, _COMMENT_AREA):
            continue
        name = title = None
        for child in el.iterdescendants():
            if not isinstance(child.tag, str):
                continue
            clabel = f"{child.get('class') or ''} {child.get('itemprop') or ''}"
            text = clean(child.text_content())
            if not text:
                continue
            if name is None and (_BOX_NAME.search(clabel) or child.get("itemprop") == "name"):
                if "title" in clabel.lower() and "author of" in text.lower():
                    continue  # the box's own caption ("Author of the article")
                if len(text) <= _MAX_NAME:
                    name = _BYLINE.sub("", text)
            elif title is None and (_BOX_BIO.search(clabel) or child.get("itemprop") == "jobTitle"):
                title = credential(text)
        if name:
            return _with_credentials(name, title)
    return None


def _byline(elements: list[html.HtmlElement]) -> Author | None:
    """A short line "By Jane Roe, RN · March 3, 2021" (a name in capitals after "By")."""
    for el in elements:
        if el.tag in ("body", "article", "main", "section") or not _BYLINE.match(el.text or ""):
            continue  # the line's own text starts "By ..." (a cheap test before its whole text)
        text = clean(el.text_content())
        if not text or len(text) > 120 or not _BYLINE.match(text):
            continue
        m = _BYLINE_LINE.match(text)
        if m is None or not _outside(el, _COMMENT_AREA):
            continue
        name = m.group("name").strip()
        if _usable(name):
            return Author(name, credential(m.group("title")))
    return None


def _beside_user_icon(elements: list[html.HtmlElement]) -> Author | None:
    """A name written right after a user icon (``<i class="icon-user"></i><span>Name</span>``),
    outside menus and navigation, where account links carry the same icon."""
    for el in elements:
        if not _USER_ICON.search(el.get("class") or "") or clean(el.text_content()):
            continue
        if not _outside(el, _NAVIGATION) or not _outside(el, _COMMENT_AREA):
            continue
        text = clean(el.tail or "")
        if not text:
            sibling = el.getnext()
            text = clean(sibling.text_content()) if sibling is not None else ""
        if (text and len(text) <= 60 and len(text.split()) <= 6 and not _DIGIT.search(text)
                and not lexicon().not_name.match(text) and _usable(text)):
            return Author(*_split_credentials(text))
    return None


def _with_credentials(name: str, title: str | None) -> Author:
    if title:
        return Author(name, title)
    return Author(*_split_credentials(name))


_PAGE_SOURCES: tuple[Callable[[list[html.HtmlElement]], Author | None], ...] = (
    _marked_up, _about_the_author, _box, _byline, _beside_user_icon)


def from_page(root: html.HtmlElement) -> Author | None:
    """The author the page's own markup and text name, most explicit source first."""
    elements = _elements(root)
    for source in _PAGE_SOURCES:
        found = source(elements)
        if found is not None and _usable(found.name):
            return found
    return None


def from_meta(content: str | None) -> Author | None:
    if not content or not _usable(content) or lexicon().theme_credit.search(content):
        return None
    return Author(*_split_credentials(_BYLINE.sub("", content)))


_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def _same_person(a: str, b: str) -> bool:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return bool(wa and wb) and (wa <= wb or wb <= wa or len(wa & wb) / len(wa | wb) >= 0.6)


def find_author(root: html.HtmlElement, graph: Graph, article: dict[str, Any],
                meta_author: str | None) -> Author | None:
    """The article's author: a JSON-LD person, else the page's own byline, else the JSON-LD
    organisation, else the meta tag; its title from whichever source states credentials."""
    ld = from_jsonld(graph, article)
    if ld is not None and not ld.is_organization and ld.title:
        return ld  # a person with credentials: nothing on the page can say more
    page = from_page(root)
    meta = from_meta(meta_author)
    person = ld if ld is not None and not ld.is_organization else None
    chosen = person or page or ld or meta
    if chosen is None:
        return None
    if chosen.title is None:
        for other in (ld, page, meta):
            if other is not None and other.title and _same_person(other.name, chosen.name):
                return Author(chosen.name, other.title)
    return chosen

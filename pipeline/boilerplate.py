"""Stage 3: remove everything that is not the article: navigation, sidebars, footers, comment
forms, cookie banners, "recent posts", related-article boxes, scripts.

Runs after metadata extraction (which still needs the author box and the head) and mutates
the tree in place, so the page is parsed once. Three mechanisms, from cheap to careful:

1. tags that never hold article text (script, nav, aside, form, ...);
2. elements whose class, id or ARIA role names a boilerplate region, with the words kept as
   data in ``data/boilerplate.json``; an element that holds most of the page's text is never
   removed this way, because wrappers such as ``content-sidebar-wrap`` exist;
3. link-dense blocks (menus with hundreds of links that carry no class at all).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from lxml import html

from pipeline.classify import classify_heading
from pipeline.panels import label_panels

_NEVER_CONTENT = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
        "form", "button", "input", "select", "textarea", "label", "nav", "aside", "footer",
        "img", "picture", "video", "audio", "source", "map", "dialog", "figcaption", "link",
        "meta", "head",
    }
)  # fmt: skip
_KEEP = frozenset({"html", "body", "main", "article"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BLOCKS_FOR_LINK_DENSITY = frozenset({"ul", "ol", "div", "section", "p", "dl", "span"})


@dataclass(frozen=True, slots=True)
class Removed:
    """One removed region, kept for ``inspect``: what it was and why it went."""

    tag: str
    label: str
    reason: str
    text: str


@dataclass(slots=True)
class Content:
    root: html.HtmlElement
    removed: list[Removed] = field(default_factory=list)


@cache
def _patterns() -> tuple[re.Pattern[str], frozenset[str]]:
    data = json.loads(resources.files("pipeline.data").joinpath("boilerplate.json").read_text())
    words = sorted(data["class_words"], key=len, reverse=True)
    token = re.compile(r"(?:^|[-_])(?:" + "|".join(map(re.escape, words)) + r")(?:$|[-_\d])", re.I)
    return token, frozenset(data["roles"])


def _label(el: html.HtmlElement) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}".strip()


def _is_boilerplate_region(el: html.HtmlElement) -> bool:
    token_re, roles = _patterns()
    if (el.get("role") or "").lower() in roles:
        return True
    tokens = _label(el).split()
    return any(token_re.search(tok) for tok in tokens)


def _text_lengths(root: html.HtmlElement) -> dict[html.HtmlElement, int]:
    """Length of the visible text under every element, computed bottom-up in one pass."""
    lengths: dict[html.HtmlElement, int] = {}
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        n = len((el.text or "").strip())
        for child in el:
            n += lengths.get(child, 0) + len((child.tail or "").strip())
        lengths[el] = n
    return lengths


def _drop(el: html.HtmlElement, reason: str, removed: list[Removed]) -> None:
    parent = el.getparent()
    if parent is None:
        return
    text = " ".join(" ".join(el.itertext()).split())[:120] if reason != "tag" else ""
    if text or reason != "tag":
        removed.append(Removed(el.tag, _label(el), reason, text))
    el.drop_tree()  # keeps the tail text, which belongs to the parent


def _link_density(el: html.HtmlElement) -> tuple[int, float]:
    links = el.findall(".//a")
    if not links:
        return 0, 0.0
    total = len(" ".join(el.text_content().split()))
    if not total:
        return len(links), 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in links)
    return len(links), linked / total


def strip_boilerplate(root: html.HtmlElement, headline: str | None = None) -> Content:
    """Remove boilerplate in place and return the element that holds the article.

    An element holding the page's headline (an ``h1`` reading as ``headline``) is the article
    whatever its class says ("hero", "signup").
    """
    removed: list[Removed] = []
    label_panels(root)
    wanted = " ".join((headline or "").lower().split())
    protected: set[html.HtmlElement] = set()
    if wanted:
        for h1 in root.iter("h1"):
            if " ".join(h1.text_content().lower().split()) == wanted:
                protected.update(h1.iterancestors())
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        if el.tag in _NEVER_CONTENT and el.getparent() is not None:
            _drop(el, "tag", removed)
        elif el.tag not in _KEEP and (
            el.get("hidden") is not None
            or (_HIDDEN_STYLE.search(el.get("style") or "") and len(el.text_content()) < 200)
        ):
            _drop(el, "hidden", removed)  # short hidden text is UI; long hidden text may be a tab

    for el in list(root.iter("header")):
        if el.find(".//h1") is None and el.getparent() is not None and el not in protected:
            _drop(el, "page header", removed)

    lengths = _text_lengths(root)
    body_len = max(lengths.get(root, 0), 1)
    for el in list(root.iter()):
        if el.tag in _KEEP or el.getparent() is None or not _attached(el, root):
            continue
        if el in protected:
            continue
        if _is_boilerplate_region(el) and lengths.get(el, 0) < 0.5 * body_len:
            _drop(el, "boilerplate class/role", removed)

    for el in list(root.iter(*_BLOCKS_FOR_LINK_DENSITY)):
        if el.getparent() is None or not _attached(el, root) or el.find(".//table") is not None:
            continue
        n_links, density = _link_density(el)
        if n_links >= 3 and density > 0.7 and not _listed_content(el):
            _drop(el, "link-dense block", removed)
        elif n_links == 1 and density > 0.9 and el.tag == "p" and len(el.text_content()) < 80:
            _drop(el, "lone link line", removed)

    return Content(root=_main_element(root), removed=removed)


_CONTENT_KINDS = frozenset({"side_effects", "warnings", "dosage", "uses", "benefits", "safety"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LOOK_BACK = 3


def _heading_before(el: html.HtmlElement) -> str | None:
    """The text of the heading a list sits under: the nearest heading before it, among its
    own or its parents' preceding siblings."""
    node: html.HtmlElement | None = el
    for _ in range(_LOOK_BACK):
        if node is None:
            return None
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in _HEADINGS or sibling.tag in ("strong", "b", "dt"):
                return " ".join(sibling.text_content().split())
            inner = [h for h in sibling.iter(*_HEADINGS)]
            if inner:
                return " ".join(inner[-1].text_content().split())
            if " ".join(sibling.text_content().split()):
                break  # text between: this list has no heading right before it
        node = node.getparent()
    return None


def _listed_content(el: html.HtmlElement) -> bool:
    """A list under a heading that names a section of the article ("Side effects", "Drug
    interactions") is content, even when every item is a link to a page about it."""
    if el.tag not in ("ul", "ol") and el.find("ul") is None and el.find("ol") is None:
        return False
    heading = _heading_before(el)
    return heading is not None and classify_heading(heading).kind in _CONTENT_KINDS


def _attached(el: html.HtmlElement, root: html.HtmlElement) -> bool:
    for anc in el.iterancestors():
        if anc is root:
            return True
    return el is root


_MAIN_SHARE = 0.8
"""The share of the page's text a marked main element must hold to be the article."""


def _main_element(root: html.HtmlElement) -> html.HtmlElement:
    """The article element when the page marks one that holds nearly all of the text, else
    body: an ``<article>`` that leaves a fifth of the page outside it is one part of the page
    (a FAQ block beside the introduction, the benefits and the dosing schedule), and what
    stands outside it after boilerplate removal is content too."""
    body = root.find("body")
    base = body if body is not None else root
    total = len(" ".join(base.text_content().split())) or 1
    for xpath in ('.//*[@role="main"]', ".//main", ".//article"):
        found = base.xpath(xpath)
        if len(found) == 1 and len(" ".join(found[0].text_content().split())) >= _MAIN_SHARE * total:
            return found[0]
    return base

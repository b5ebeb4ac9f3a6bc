"""Stage 3a: interactive structure made explicit before boilerplate removal drops controls.

Many pages name their sections only in controls: a tab strip (``role=tab``,
``aria-controls``, ``data-target``, ``href="#panel"``), an accordion button, a ``<select>``
whose options show panels, or nothing but a panel id ("side-effects-content"). Buttons,
selects and tab strips are not article text and are removed with the rest of the page's
chrome, so before that happens each panel gets its label as a real heading, and a label
button inside a heading is unwrapped into the heading's text. A heading inserted here is a
level above any heading inside its panel, and the panel is marked (:data:`PANEL_LEVEL`) so
that segmentation closes the section where the panel ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html

from pipeline.classify import classify_heading
from pipeline.segment import PANEL_LEVEL

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MAX_LABEL_CHARS = 80
_MAX_ID_WORDS = 5
_TAB_CONTEXT = re.compile(r"(?:^|[-_\s])(?:tabs?|pills?|accordion|collapse)(?:$|[-_\s])|tablist|nav-tabs",
                          re.I)
_TOGGLES = frozenset({"tab", "pill", "collapse"})
_TARGET_ATTRS = ("aria-controls", "data-target", "data-bs-target", "data-tab-target", "data-tab",
                 "data-panel", "data-content")
_CONTROLS = frozenset({"a", "button", "li", "div", "span", "label", "summary"})
# words of an id that say it is a panel, not what the panel is about
_ID_NOISE = re.compile(
    r"^(?:content|contents|panel|pane|tab|tabs|section|sect|wrapper|wrap|container|body|block|box|"
    r"collapse|accordion|item|inner|outer|area|text|copy|js|id|div)$",
    re.I,
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _names_section(label: str) -> bool:
    hc = classify_heading(label)
    return hc.kind is not None and hc.kind not in ("title", "table")


def _target_id(el: html.HtmlElement, ids: dict[str, html.HtmlElement]) -> str | None:
    """The id of the panel a control shows, if it names one that exists."""
    for attr in _TARGET_ATTRS:
        value = (el.get(attr) or "").strip()
        for token in value.split():
            token = token.lstrip("#")
            if token in ids:
                return token
    href = el.get("href") or ""
    if href.startswith("#") and href[1:] in ids:
        toggle = (el.get("data-toggle") or el.get("data-bs-toggle") or "").lower()
        if (el.get("role") == "tab" or toggle in _TOGGLES
                or any(_TAB_CONTEXT.search(f"{x.get('class') or ''} {x.get('role') or ''}")
                       for x in (el, *el.iterancestors()))):
            return href[1:]
    return None


def _labelled_panels(root: html.HtmlElement) -> Iterator[tuple[html.HtmlElement, str]]:
    """(panel, label) for every panel that a control, an option or its own id names."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    seen: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "option":
            value = (el.get("value") or "").lstrip("#")
            target = value if value in ids else None
        elif el.tag in _CONTROLS:
            target = _target_id(el, ids)
        else:
            target = None
        if target is None or target in seen:
            continue
        label = _words(el.text_content())
        if label and len(label) <= _MAX_LABEL_CHARS:
            seen.add(target)
            yield ids[target], label
    for panel_id, panel in ids.items():
        if panel_id in seen:
            continue
        by = panel.get("aria-labelledby")
        if by and by in ids:
            label = _words(ids[by].text_content())
            if label and len(label) <= _MAX_LABEL_CHARS:
                seen.add(panel_id)
                yield panel, label
                continue
        if panel.tag in ("div", "section", "article") and _has_text(panel):
            label = _id_label(panel_id)
            if label and _names_section(label):
                yield panel, label


_ID_SEPARATOR = re.compile(r"[-_\s.:]+")


def _id_label(panel_id: str) -> str:
    """ "side-effects-content" -> "side effects"; "tabDosage" -> "dosage"."""
    words = [w for w in _ID_SEPARATOR.split(_CAMEL.sub(" ", panel_id)) if w]
    words = [w.lower() for w in words if not _ID_NOISE.match(w) and not w.isdigit()]
    return " ".join(words) if 0 < len(words) <= _MAX_ID_WORDS else ""


def _has_text(el: html.HtmlElement) -> bool:
    return bool(_words(el.text_content()))


def _first_content(panel: html.HtmlElement) -> html.HtmlElement | None:
    for child in panel.iter():
        if child is not panel and isinstance(child.tag, str) and _words(child.text_content()):
            return child
    return None


def _preceding_heading_level(el: html.HtmlElement) -> int | None:
    for node in el.itersiblings(preceding=True):
        level = _deepest_heading(node, last=True)
        if level is not None:
            return level
    parent = el.getparent()
    if parent is None:
        return None
    if isinstance(parent.tag, str) and parent.tag in _HEADINGS:
        return _HEADINGS[parent.tag]
    return _preceding_heading_level(parent)


def _deepest_heading(node: html.HtmlElement, last: bool) -> int | None:
    if not isinstance(node.tag, str):
        return None
    if node.tag in _HEADINGS:
        return _HEADINGS[node.tag]
    found = [_HEADINGS[h.tag] for h in node.iter(*_HEADINGS)]
    if not found:
        return None
    return found[-1] if last else min(found)


def _label_level(panel: html.HtmlElement) -> int:
    """One level below the section the panel sits in, and above any heading inside it."""
    outer = _preceding_heading_level(panel)
    inner = _deepest_heading(panel, last=False)
    level = (outer + 1) if outer is not None else 3
    if inner is not None:
        level = min(level, inner - 1)
    return max(2, min(level, 6))


def _insert_heading(panel: html.HtmlElement, label: str) -> None:
    level = _label_level(panel)
    heading = html.Element(f"h{level}")
    heading.text = label
    heading.tail, panel.text = panel.text, None
    panel.insert(0, heading)
    panel.set(PANEL_LEVEL, str(level))


def _unwrap_heading_controls(root: html.HtmlElement) -> None:
    """A button or link that is a heading's label ("<h3><button>Side effects</button></h3>")
    is the heading's text, not a control to drop."""
    for heading in list(root.iter(*_HEADINGS)):
        for control in list(heading.iter("button", "summary")):
            if control is not heading:
                control.drop_tag()


def _accordion_buttons(root: html.HtmlElement) -> None:
    """An accordion button with no panel id ("<button class=accordion>Side effects</button>
    <div class=panel>...") becomes a heading when its label names a section."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for button in list(root.iter("button")):
        if button.getparent() is None or _target_id(button, ids) is not None:
            continue
        label = _words(button.text_content())
        if not label or len(label) > _MAX_LABEL_CHARS or not _names_section(label):
            continue
        heading = html.Element(f"h{max(2, min((_preceding_heading_level(button) or 2) + 1, 6))}")
        heading.text = label
        heading.tail = button.tail
        button.getparent().replace(button, heading)


def label_panels(root: html.HtmlElement) -> None:
    """Give every labelled panel its label as a heading, in place."""
    _unwrap_heading_controls(root)
    for panel, label in list(_labelled_panels(root)):
        first = _first_content(panel)
        if first is None:
            continue
        if first.tag in _HEADINGS and _words(first.text_content()):
            continue  # the panel names itself
        _insert_heading(panel, label)
    _accordion_buttons(root)

"""Stage 4: the article element to a flat sequence of blocks (headings, paragraphs, list
items, tables), in reading order.

Real pages mark sections in many ways besides ``<h2>``: a ``<p>`` whose text is all bold, a
bare ``<strong>`` before a list, a bold lead-in label ("Side effects: ..."), a ``<dt>``, a
literal markdown ``**label**``. All become :class:`Block` headings here, with a level that
nests them under the real headings around them; which section a heading names is decided
later by :mod:`pipeline.classify`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from lxml import html

BlockKind = Literal["heading", "paragraph", "item", "table", "boundary"]
"""A boundary closes the headings at or below its level (the end of an unrolled table)."""

PANEL_LEVEL = "data-medextract-panel"
"""Attribute that :mod:`pipeline.panels` sets on a panel it gave a heading: that heading's
level, whose section closes where the panel ends."""

PSEUDO_LEVEL = 7
"""Level of a bold line standing alone: below every real heading, above labels."""
LABEL_LEVEL = 8
"""Level of a lead-in label ("Dosage: ...") and of a ``<dt>``."""

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = frozenset({"ul", "ol"})
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "blockquote", "center", "figure",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "pre", "address", "details", "summary",
        "hr", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "body", "html", "form",
        "fieldset", "nav", "aside", "footer", *_HEADINGS,
    }
)  # fmt: skip
_BOLD = frozenset({"strong", "b"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*")
_WS = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"\[\d+(?:[,–-]\d+)*\]")
_LABEL_SEP = re.compile(r"^\s*[:\-–—]\s*")
_SENTENCE_END = re.compile(r"(?<!\.)[.!]$")
_BULLET = re.compile(r"^[•·▪◦‣●○■□►▸✓✔☑➤➢→-]\s")
_MAX_HEADING_CHARS = 160


@dataclass(slots=True)
class Cell:
    text: str
    items: list[str]
    is_header: bool


@dataclass(slots=True)
class Table:
    """A table with row and column spans expanded, so every row has one cell per column."""

    rows: list[list[Cell]]
    header_rows: int
    caption: str | None = None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0
    source: str = ""
    label: str | None = None
    context: str | None = None
    table: Table | None = None
    list_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def clean(text: str) -> str:
    """Collapse whitespace and drop footnote markers and literal markdown emphasis."""
    text = _FOOTNOTE.sub("", text.replace("\xa0", " ").replace("**", ""))
    return _WS.sub(" ", text).strip()


_FOOTNOTE_SUP = re.compile(r"[\s\d,*†‡§¶–-]*")
_EXPONENT_BASE = re.compile(r"(?:\bm|/m|cm|mm|km|\d)$")


def _is_footnote(sup: html.HtmlElement, before: list[Frag] | list[str]) -> bool:
    """``<sup>1,2</sup>`` after a word is a footnote marker; ``m<sup>2</sup>`` is an exponent."""
    text = sup.text_content() or ""
    if not _FOOTNOTE_SUP.fullmatch(text):
        return False
    last = before[-1] if before else ""
    prev = last[0] if isinstance(last, tuple) else last
    return not (text.strip() in ("2", "3") and _EXPONENT_BASE.search(prev))


def element_text(el: html.HtmlElement) -> str:
    """Visible text of an element without footnote markers (``<sup>1,2</sup>``)."""
    parts: list[str] = []

    def visit(node: html.HtmlElement) -> None:
        if node.tag == "sup" and _is_footnote(node, parts):
            pass
        elif node.tag == "br":
            parts.append(" ")  # "Dosage<br>of X" is "Dosage of X", not "Dosageof X"
        else:
            if node is not el and node.tag in _BLOCK:
                parts.append(" ")
            if node.text:
                parts.append(node.text)
            for child in node:
                if isinstance(child.tag, str):
                    visit(child)
                if child.tail:
                    parts.append(child.tail)
            if node is not el and node.tag in _BLOCK:
                parts.append(" ")

    visit(el)
    return clean("".join(parts))


def _is_bold(el: html.HtmlElement) -> bool:
    return el.tag in _BOLD or bool(_BOLD_STYLE.search(el.get("style") or ""))


# A run of inline content: (text, bold) fragments; "\n" fragments mark <br>.
Frag = tuple[str, bool]
_NESTED = "\x00"  # where a nested list sat inside a list item


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._list_ids = 0

    # --- inline runs -------------------------------------------------------------------
    def _inline(self, el: html.HtmlElement, bold: bool, out: list[Frag]) -> None:
        bold = bold or _is_bold(el)
        if el.tag == "br":
            out.append(("\n", False))
        elif el.tag == "sup" and _is_footnote(el, out):
            pass
        else:
            if el.text:
                out.append((el.text, bold))
            for child in el:
                if not isinstance(child.tag, str):
                    pass
                else:
                    self._inline(child, bold, out)
                if child.tail:
                    out.append((child.tail, bold and child.tag != "br" and _is_bold(el)))
        return

    def _flush(self, run: list[Frag], context: str | None) -> None:
        if not run:
            return
        lines: list[list[Frag]] = []
        line: list[Frag] = []
        for frag in [*run, ("\n", False)]:
            if frag[0] == "\n":
                if clean("".join(t for t, _ in line)):
                    lines.append(_markdown_to_bold(line))
                line = []
            else:
                line.append(frag)
        run.clear()
        plain = [ln for ln in lines if _line_shape(ln) == "line"]
        # lines broken with <br> ("Nausea<br>Headache<br>Dizziness") are a list's items, and
        # so is a line that starts with a bullet ("• Nausea")
        as_items = len(plain) >= 2 and 2 * sum(_short(ln) for ln in plain) > len(plain)
        list_id: int | None = None
        for ln in lines:
            bulleted = _BULLET.match(clean("".join(t for t, _ in ln))) is not None
            if (as_items or bulleted) and _line_shape(ln) == "line":
                if list_id is None:
                    self._list_ids += 1
                    list_id = self._list_ids
                self.blocks.append(Block("item", clean("".join(t for t, _ in ln)), context=context,
                                         list_id=list_id, source="br"))
            else:
                list_id = None
                self._emit_line(ln, context)

    def _emit_line(self, frags: list[Frag], context: str | None) -> None:
        text = clean("".join(t for t, _ in frags))
        if not text:
            return
        shape = _line_shape(frags)
        if shape == "bold":
            self.blocks.append(Block("heading", text.rstrip(":").strip(), PSEUDO_LEVEL, "bold"))
            return
        if shape == "label":
            label, rest = _lead_label(frags)
            assert label is not None
            self.blocks.append(Block("heading", label, LABEL_LEVEL, "label"))
            self.blocks.append(Block("paragraph", rest, label=label, context=context))
            return
        self.blocks.append(Block("paragraph", text, context=context))

    # --- block structure ---------------------------------------------------------------
    def walk(self, el: html.HtmlElement, context: str | None = None) -> None:
        run: list[Frag] = []
        if el.text:
            run.append((el.text, _is_bold(el)))
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    run.append((child.tail, False))
                continue
            if child.tag in _BLOCK or _has_block(child):
                self._flush(run, context)
                self._block(child, context)
            else:
                self._inline(child, _is_bold(el), run)
            if child.tail:
                run.append((child.tail, _is_bold(el)))
        self._flush(run, context)

    def _block(self, el: html.HtmlElement, context: str | None) -> None:
        self._block_content(el, context)
        panel = el.get(PANEL_LEVEL)
        if panel and panel.isdigit():
            self.blocks.append(Block("boundary", "", int(panel)))  # the panel's section ends
        elif el.tag == "details" and el.find("summary") is not None:
            self.blocks.append(Block("boundary", "", PSEUDO_LEVEL))

    def _block_content(self, el: html.HtmlElement, context: str | None) -> None:
        tag = el.tag
        if tag in _HEADINGS:
            text = element_text(el)
            if text:
                self.blocks.append(Block("heading", text, _HEADINGS[tag], tag))
        elif tag == "summary":
            text = element_text(el)
            if text:  # the visible label of a collapsed <details> section
                self.blocks.append(Block("heading", text.rstrip(":"), PSEUDO_LEVEL, "summary"))
        elif tag in _LISTS:
            self._list(el, context)
        elif tag == "dl":
            self._dl(el, context)
        elif tag == "table":
            self._table(el, context)
        elif tag == "hr":
            return
        else:
            self.walk(el, context)

    def _list(self, el: html.HtmlElement, context: str | None) -> None:
        self._list_ids += 1
        list_id = self._list_ids
        for li in el:
            if not isinstance(li.tag, str):
                continue
            if li.tag in _LISTS:  # a list nested directly in a list, as some editors write it
                self._list(li, context)
                continue
            if li.tag != "li" or li.find(".//table") is not None or _block_heading(li):
                self.walk(li, context)
                continue
            frags: list[Frag] = []
            nested: list[html.HtmlElement] = []
            self._item(li, False, frags, nested)
            if nested and self._question_item(frags, nested, context):
                continue
            frags = [f for f in frags if f[0] != _NESTED]
            frags = _markdown_to_bold(frags)
            text = clean("".join(t for t, _ in frags if t != "\n"))
            label, _ = _lead_label([f for f in frags if f[0] != "\n"])
            if text:
                self.blocks.append(
                    Block("item", text, label=label, context=context, list_id=list_id,
                          source=el.tag)
                )
            for sub in nested:
                self._list(sub, text.rstrip(":") if text else context)

    def _question_item(self, frags: list[Frag], nested: list[html.HtmlElement],
                       context: str | None) -> bool:
        """An item that asks or announces ("Most NSAIDs increase the risk of:") and holds a
        list is a heading for that list; what follows the list (an answer) is its paragraph."""
        cut = next(i for i, f in enumerate(frags) if f[0] == _NESTED)
        head = clean("".join(t for t, _ in frags[:cut]))
        if not head.endswith((":", "?")) or len(head) > 200:
            return False
        self.blocks.append(Block("heading", head.rstrip(":"), LABEL_LEVEL, "li"))
        for sub in nested:
            self._list(sub, context)
        tail = clean("".join(t for t, _ in frags[cut:] if t != _NESTED))
        if tail:
            self.blocks.append(Block("paragraph", tail, context=context))
        self.blocks.append(Block("boundary", "", LABEL_LEVEL))
        return True

    def _item(self, el: html.HtmlElement, bold: bool, frags: list[Frag],
              nested: list[html.HtmlElement]) -> None:
        """A list item's own text; lists nested anywhere inside it are items of their own."""
        bold = bold or _is_bold(el)
        if el.text:
            frags.append((el.text, bold))
        for child in el:
            if isinstance(child.tag, str):
                if child.tag in _LISTS:
                    nested.append(child)
                    frags.append((_NESTED, False))
                elif child.tag == "br":
                    frags.append((" ", False))
                elif child.tag == "sup" and _is_footnote(child, frags):
                    pass
                else:
                    if child.tag in _BLOCK:
                        frags.append((" ", False))
                    self._item(child, bold, frags, nested)
            if child.tail:
                frags.append((child.tail, bold))

    def _dl(self, el: html.HtmlElement, context: str | None) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "dt":
                text = clean(child.text_content())
                if text:
                    self.blocks.append(Block("heading", text.rstrip(":"), LABEL_LEVEL, "dt"))
            elif child.tag == "dd":
                self.walk(child, context)
            else:
                self._block(child, context)

    def _table(self, el: html.HtmlElement, context: str | None) -> None:
        if _is_layout_table(el):
            for cell in el.iter("td", "th"):
                if _owner(cell) is el:
                    self.walk(cell, context)
            return
        table = parse_table(el)
        if table.rows:
            text = " | ".join(c.text for row in table.rows for c in row if c.text)
            self.blocks.append(Block("table", text, table=table, context=context))


_SENTENCE_WORDS = 7
"""A bold line of more words than this that ends like a sentence is an emphasised sentence,
not a heading ("Administer it until disease progression or unacceptable toxicity.")."""
_SHORT_LINE_WORDS = 12


def _line_shape(frags: list[Frag]) -> Literal["bold", "label", "lead-in", "line"]:
    """How a line of inline content reads: a bold heading, a label with its text, a line
    introducing what follows (ends with a colon), or a plain line."""
    text = clean("".join(t for t, _ in frags))
    bold_text = clean("".join(t for t, b in frags if b))
    if bold_text and bold_text == text and len(text) <= _MAX_HEADING_CHARS and not (
            _SENTENCE_END.search(text) and len(text.split()) > _SENTENCE_WORDS):
        return "bold"
    label, rest = _lead_label(frags)
    if label and rest:
        return "label"
    return "lead-in" if text.endswith(":") else "line"


def _short(frags: list[Frag]) -> bool:
    return len(clean("".join(t for t, _ in frags)).split()) <= _SHORT_LINE_WORDS


def _markdown_to_bold(frags: list[Frag]) -> list[Frag]:
    """Literal ``**text**`` written into HTML (a CMS that did not render markdown) is bold."""
    if not any("**" in t for t, _ in frags):
        return frags
    out: list[Frag] = []
    for text, bold in frags:
        pos = 0
        for m in _MARKDOWN_BOLD.finditer(text):
            if m.start() > pos:
                out.append((text[pos : m.start()], bold))
            out.append((m.group(1), True))
            pos = m.end()
        if pos < len(text):
            out.append((text[pos:], bold))
    return out


def _lead_label(frags: list[Frag]) -> tuple[str | None, str]:
    """Split "**Label:** rest" into its label and the rest; a label ends with a colon/dash."""
    lead: list[str] = []
    i = 0
    while i < len(frags) and (frags[i][1] or not frags[i][0].strip()):
        lead.append(frags[i][0])
        i += 1
    label = clean("".join(lead))
    rest = "".join(t for t, _ in frags[i:])
    if not label or len(label) > 80:
        return None, clean(rest)
    if label.endswith(":") or label.endswith((" -", " –")):
        return label.rstrip(":-– ").strip(), clean(rest)
    if label.endswith((".", "!", "?")) and clean(rest) and len(label.split()) <= _SHORT_LINE_WORDS:
        return label, clean(rest)  # "**Non-habit forming.** Unlike other sleep aids, ..."
    sep = _LABEL_SEP.match(rest)
    if sep and rest[: sep.end()].strip():
        return label, clean(rest[sep.end() :])
    return None, clean(label + " " + rest)


def _has_block(el: html.HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCK for d in el.iterdescendants())


def _has_heading(el: html.HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _HEADINGS for d in el.iterdescendants())


def _block_heading(li: html.HtmlElement) -> bool:
    """A heading followed by more content inside a list item opens a section of its own; a
    heading that is the item's only text is just how the item was styled."""
    for h in li.iterdescendants(*_HEADINGS):
        following = "".join(t for n in h.itersiblings() for t in n.itertext()).strip()
        if following or (h.tail or "").strip():
            return True
    return False


def _is_layout_table(el: html.HtmlElement) -> bool:
    """Tables used for page layout hold headings, other tables or long prose, not data."""
    if el.find(".//table") is not None or _has_heading(el):
        return True
    return any(len(c.text_content()) > 1500 for c in el.iter("td", "th"))


def _cell(el: html.HtmlElement, header: bool) -> Cell:
    items = [clean(li.text_content()) for li in el.iter("li")]
    items = [i for i in items if i]
    if not items:
        parts: list[str] = []
        for child in el.iter("p", "div"):
            if child.find(".//p") is None and child.find(".//div") is None:
                parts.append(clean(child.text_content()))
        parts = [p for p in parts if p]
        if len(parts) > 1:
            items = parts
    text = clean(" ".join(el.itertext()) if items else el.text_content())
    if items:
        text = "; ".join(items) if not el.text or not clean(el.text) else text
    bold = "".join(clean(b.text_content()) for b in el.iter("strong", "b"))
    is_header = header or el.tag == "th" or (bool(text) and bold.replace(" ", "") == text.replace(" ", ""))
    return Cell(text=text, items=items, is_header=is_header)


def parse_table(el: html.HtmlElement) -> Table:
    """Expand rowspan/colspan into a rectangular grid and find the header rows."""
    raw_rows: list[tuple[html.HtmlElement, bool]] = []
    stray: list[html.HtmlElement] = []
    for node in el.iter():
        if node is el or not isinstance(node.tag, str):
            continue
        if node.tag == "tr" and _owner(node) is el:
            raw_rows.append((node, node.getparent() is not None and node.getparent().tag == "thead"))
        elif (node.tag in ("td", "th") and node.getparent() is not None
              and node.getparent().tag != "tr" and _owner(node) is el):
            stray.append(node)  # a cell outside any row, as broken markup writes it
    grid: list[list[Cell | None]] = []
    pending: dict[int, tuple[int, Cell]] = {}  # column -> (rows left, cell) from rowspans
    header_rows = 0
    units = [(tr, in_head, [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")])
             for tr, in_head in raw_rows]
    if stray:
        units.append((el, False, stray))
    for _tr, in_head, cells in units:
        row: list[Cell | None] = []
        col = 0
        queue = list(cells)
        while queue or col in pending:
            if col in pending:
                left, cell = pending[col]
                row.append(cell)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, cell)
                col += 1
                continue
            td = queue.pop(0)
            cell = _cell(td, in_head)
            span = _span(td.get("colspan"))
            down = _span(td.get("rowspan"))
            for _ in range(span):
                row.append(cell)
                if down > 1:
                    pending[col] = (down - 1, cell)
                col += 1
        if any(c is not None and (c.text or c.items) for c in row):
            grid.append(row)
            if in_head:
                header_rows += 1
    width = max((len(r) for r in grid), default=0)
    rows = [[c if c is not None else Cell("", [], False) for c in r] for r in grid]
    for r in rows:
        r.extend(Cell("", [], False) for _ in range(width - len(r)))
    if header_rows == 0 and rows and len(rows) > 1 and all(c.is_header or not c.text for c in rows[0]):
        header_rows = 1
    caption = el.find("caption")
    return Table(rows=rows, header_rows=header_rows,
                 caption=clean(caption.text_content()) if caption is not None else None)


def _owner(node: html.HtmlElement) -> html.HtmlElement | None:
    for anc in node.iterancestors("table"):
        return anc
    return None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def segment(root: html.HtmlElement) -> list[Block]:
    """The article element's content as blocks in reading order."""
    walker = _Walker()
    walker.walk(root)
    return walker.blocks

"""Article metadata: title, canonical URL, description, site, declared language, dates, author.

Read from the whole page before boilerplate removal, because the head, JSON-LD and the author
box all sit outside the article text. Sources are tried from the most to the least explicit
(JSON-LD and meta tags before visible text), the way extruct's uniform layer orders them.
JSON-LD references are followed through the page's graph (:mod:`pipeline.extract.jsonld`), so
a site or an author given as ``{"@id": ...}`` is read by its name; the author is
:mod:`pipeline.extract.author`'s job, the language the text's (:mod:`pipeline.extract.language`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser
from lxml import html

from pipeline.extract.author import find_author
from pipeline.extract.jsonld import Graph, types
from pipeline.segment import Block, clean, element_text

_ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "medicalwebpage", "webpage", "medicalscholarlyarticle",
        "scholarlyarticle", "report", "techarticle", "healthtopiccontent", "medicalentity", "drug",
        "product", "itempage", "faqpage", "collectionpage", "aboutpage", "socialmediaposting",
    }
)  # fmt: skip
_TYPE_RANK = ("article", "newsarticle", "blogposting", "medicalscholarlyarticle", "scholarlyarticle",
              "medicalwebpage", "report", "techarticle", "webpage", "itempage", "drug", "product")
_TITLE_SEPARATORS = re.compile(r"(\s+(?:\||–|—|-|::|·|•|»)\s+|\s+(?:·|•|\|)$)")
_BRANDING = re.compile(r"logo|brand|site-title|site-name|navbar|masthead", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_VISIBLE_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH},?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})\b",
    re.I,
)
_DATE_HOLDER = re.compile(r"date|posted|published|byline|author|entry-meta|post-meta|time", re.I)
_PUBLISHED_LABEL = re.compile(
    r"^(?:(?:first )?published(?: on)?|publish(?:ed)? date|date (?:of )?publication|date published|"
    r"posted(?: on)?|publication date)\s*:?\s*", re.I)
_MODIFIED_LABEL = re.compile(
    r"^(?:(?:last )?updated(?: on)?|update date|last modified|modified(?: on)?|date modified|"
    r"last reviewed(?: on)?|revised(?: on)?)\s*:?\s*", re.I)
_LEADING_SYMBOLS = re.compile(r"^[^\w\"“'(¿¡]+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.;,:]$")
_HEADLINE_MAX_WORDS = 14
_SITE_MAX_WORDS = 8
_FALLBACK_TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    url: str | None
    description: str | None
    site_name: str | None
    language: str | None
    """As declared (``<html lang>``, og:locale, JSON-LD, Content-Language); the text decides
    in :func:`pipeline.extract.language.resolve_language`."""
    published: dt.date | None
    modified: dt.date | None
    author_name: str | None
    author_title: str | None
    jsonld_names: tuple[str, ...]
    """Names of JSON-LD Drug / Product / about entities: evidence for the primary drug."""
    h1: str | None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return clean(value) or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("url") or value.get("@id"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _meta(root: html.HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if key and content and key not in out:
            out[key] = clean(content)
        equiv = (m.get("http-equiv") or "").lower()
        if equiv == "content-language" and content:
            out.setdefault("content-language", content.strip())
    return out


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DAY_FIRST = re.compile(r"^\d{1,2}[./]")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def parse_date(value: str | None) -> dt.date | None:
    """An ISO or human date to a date; None when it is not a plausible publication date."""
    if not value:
        return None
    value = value.strip()
    try:
        if _ISO_DATE.match(value):
            parsed = dateparser.isoparse(value[:10])
        else:
            parsed = dateparser.parse(value, fuzzy=True, dayfirst=bool(_DAY_FIRST.match(value)))
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1990 <= parsed.year <= dt.date.today().year + 1:
        return None
    years = {int(y) for y in _YEAR.findall(value)}
    if years and parsed.year not in years:
        return None  # "01 Jan 0001" (an unset date) is not 2001
    return parsed.date()


# --- title ----------------------------------------------------------------------------------


_NOT_ALNUM = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_FIRST_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text).lower())


def _names_site(segment: str, site: str | None, host: str | None) -> bool:
    """Whether a title segment is the site's name: the name the page states, or its domain
    written as words ("Opti Pharmacy" on optipharmacy.com)."""
    seg = _squash(segment)
    if not seg:
        return False
    if site and (seg == _squash(site) or (len(seg) >= 4 and (seg in _squash(site) or _squash(site) in seg))):
        return True
    return bool(host) and len(seg) >= 4 and seg in _squash(host or "")


def strip_site(title: str, site: str | None, host: str | None = None) -> str:
    """A <title> without the site's name.

    A segment that is the site's name (stated, or the URL's domain as words) goes, at either
    end; with no site name known only the trailing "| Site" or " - Site" segment goes (when it
    reads like a name: a few words starting with a capital), so that a headline with dashes of
    its own keeps them.
    """
    pieces = _TITLE_SEPARATORS.split(title)  # text, separator, text, ...
    if len(pieces) == 1:
        return title
    texts = pieces[0::2]
    if _names_site(texts[0], site, host) and not _names_site(texts[-1], site, host):
        return "".join(pieces[2:]).strip() or title
    if _names_site(texts[-1], site, host) or _brand_like(texts[-1]):
        return "".join(pieces[:-2]).strip() or title
    return title


def _brand_like(segment: str) -> bool:
    """A trailing segment that may be a site's name: empty (a dangling separator), or a few
    words that start with a capital or a digit ("Nurse Rob, RN", "GI Pharmacology"), not a
    lower-case phrase that continues the headline."""
    segment = segment.strip()
    return not segment or (len(segment.split()) <= _SITE_MAX_WORDS and (segment[0].isupper()
                                                                       or segment[0].isdigit()))


def _similar(a: str, b: str) -> bool:
    return _overlap(a, b) >= 0.6


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def clean_headline(text: str) -> str:
    """A headline without the pictograms pages put before or after it ("🌿 Herbs", "Digoxin 💛")."""
    text = _LEADING_SYMBOLS.sub("", text)
    while text and ((text[-1] not in "®©™" and unicodedata.category(text[-1]) in ("So", "Mn", "Cf"))
                    or text[-1].isspace()):
        text = text[:-1]
    return text


def _choose_title(h1s: list[str], candidates: list[str], title_tag: str, site: str | None,
                  host: str | None) -> str | None:
    for h1 in h1s:
        if any(_similar(h1, c) or h1.lower() in c.lower() for c in candidates):
            return h1
    if len(h1s) == 1:
        return h1s[0]  # the page's one headline, even when the <title> is only a site name
    if h1s and candidates:
        # several headlines: the one that shares most words with the <title> or og:title
        best = max(h1s, key=lambda h: max(_overlap(h, c) for c in candidates))
        if max(_overlap(best, c) for c in candidates) >= 0.3:
            return best
    if title_tag and not (site and title_tag.strip().lower() == site.strip().lower()):
        return strip_site(title_tag, site, host)
    if h1s:
        return h1s[0]
    if candidates:
        return strip_site(candidates[0], site, host)
    return None


def _headline_like(block: Block) -> bool:
    """A short line set as a headline: a heading of the top levels, or a short line of
    capitalised words (a styled paragraph where a page has no <h1>)."""
    text = block.text.strip()
    words = text.split()
    if not words or len(words) > _HEADLINE_MAX_WORDS or _SENTENCE_END.search(text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    if block.kind == "heading":
        return block.level <= 3
    if block.kind != "paragraph" or not text[0].isupper():
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def headline_of(blocks: Sequence[Block]) -> str:
    """The title of a page that has neither <title> nor <h1>: its first short headline-like
    line, else the start of its first sentence; never the file name."""
    for block in blocks[:60]:
        if _headline_like(block):
            return clean_headline(block.text)
    text = next((b.text for b in blocks if b.text.strip()), "")
    first = _FIRST_SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(first) > _FALLBACK_TITLE_CHARS:
        first = first[:_FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return first or "untitled page"


# --- the page's metadata --------------------------------------------------------------------


def _site_name(meta: dict[str, str], graph: Graph, ld: dict[str, Any]) -> str | None:
    """og:site_name, else the JSON-LD WebSite the page is part of, its publisher or the first
    Organization: by name, following references, never an id or a URL."""
    website = graph.resolve(ld.get("isPartOf"))
    if not (isinstance(website, dict) and "website" in types(website)):
        website = graph.first("website")
    for value in (meta.get("og:site_name"), website, ld.get("publisher"),
                  graph.first("organization", "medicalorganization", "corporation")):
        name = graph.name(value)
        if name:
            return name
    return None


def extract_metadata(root: html.HtmlElement) -> Metadata:
    meta = _meta(root)
    graph = Graph.of(root)
    articles = [n for n in graph.nodes if types(n) & _ARTICLE_TYPES]
    articles.sort(key=lambda n: min((_TYPE_RANK.index(t) for t in types(n) if t in _TYPE_RANK),
                                    default=len(_TYPE_RANK)))
    ld: dict[str, Any] = articles[0] if articles else {}

    site = _site_name(meta, graph, ld)
    canonical = next((ln.get("href") for ln in root.iter("link")
                      if "canonical" in (ln.get("rel") or "").lower().split() and ln.get("href")), None)
    url = canonical or meta.get("og:url") or _text(ld.get("url")) or _text(ld.get("mainEntityOfPage"))
    host = urlsplit(url).hostname if url and "//" in url else None

    head_title = root.find(".//title")
    title_tag = clean(head_title.text_content()) if head_title is not None else ""
    h1s = [clean_headline(element_text(h)) for h in root.iter("h1") if not any(
        _BRANDING.search(f"{a.get('class') or ''} {a.get('id') or ''}")
        for a in (h, *h.iterancestors()))]
    h1s = [h for h in h1s if h]
    candidates = [c for c in (meta.get("og:title"), _text(ld.get("headline")), _text(ld.get("name")),
                              title_tag) if c]
    title = _choose_title(h1s, candidates, title_tag, site, host)

    description = (meta.get("description") or meta.get("og:description")
                   or _text(ld.get("description")) or meta.get("twitter:description"))
    html_el = root if root.tag == "html" else root.find(".//html")
    language = (html_el.get("lang") if html_el is not None else None) or meta.get("og:locale") \
        or _text(ld.get("inLanguage")) or meta.get("content-language")
    if language:
        language = language.replace("_", "-").strip() or None

    labelled = cache(lambda: _labelled_dates(root))  # walked only when no tag states a date
    published = parse_date(meta.get("article:published_time") or _text(ld.get("datePublished"))
                           or meta.get("datepublished") or meta.get("date")
                           or meta.get("dc.date") or meta.get("citation_publication_date")
                           or _time(root, "published") or meta.get("dcterms.created")
                           or labelled()[0] or _visible_date(root))
    modified = parse_date(meta.get("article:modified_time") or _text(ld.get("dateModified"))
                          or meta.get("og:updated_time") or meta.get("datemodified")
                          or meta.get("last-modified") or _time(root, "updated")
                          or labelled()[1])

    author = find_author(root, graph, ld, meta.get("author"))
    names = tuple(n for n in (_text(x.get("name")) for x in graph.nodes
                              if types(x) & {"drug", "product", "medicalentity"}) if n)
    return Metadata(
        title=title, url=url, description=description, site_name=site, language=language,
        published=published, modified=modified,
        author_name=author.name if author else None,
        author_title=author.title if author else None, jsonld_names=names,
        h1=h1s[0] if h1s else None,
    )


def _visible_date(root: html.HtmlElement) -> str | None:
    """A date written in a byline or date element ("By X - August 16, 2017")."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "script", "style"):
            continue
        if not _DATE_HOLDER.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            continue
        m = _VISIBLE_DATE.search(el.text_content()[:300])
        if m:
            return m.group(0)
    return None


def _labelled_dates(root: html.HtmlElement) -> tuple[str | None, str | None]:
    """The first publication and update dates written after their labels in a short line
    ("Publish date October, 16 2024", "Last updated: 3 March 2023"), wherever they stand."""
    found: dict[re.Pattern[str], str] = {}
    for el in root.iter("p", "span", "div", "li", "small", "time", "dd", "td"):
        own = (el.text or "").lstrip()
        for label in (_PUBLISHED_LABEL, _MODIFIED_LABEL):
            if label in found or not label.match(own):
                continue  # the label is the line's own first text: a cheap test first
            text = clean(el.text_content())
            m = label.match(text) if len(text) <= 60 else None
            date = _VISIBLE_DATE.match(text[m.end():]) if m else None
            if date:
                found[label] = date.group(0)
        if len(found) == 2:
            break
    return found.get(_PUBLISHED_LABEL), found.get(_MODIFIED_LABEL)


def _time(root: html.HtmlElement, kind: str) -> str | None:
    for t in root.iter("time"):
        cls = f"{t.get('class') or ''} {t.get('itemprop') or ''}".lower()
        if kind in cls or (kind == "published" and "datepublished" in cls):
            return t.get("datetime") or clean(t.text_content())
    return None

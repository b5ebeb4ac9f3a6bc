"""Article metadata: title, canonical URL, description, site, language, dates, author.

Read from the whole page before boilerplate removal, because the head, JSON-LD and the author
box all sit outside the article text. Sources are tried from the most to the least explicit
(JSON-LD and meta tags before visible text), the way extruct's uniform layer orders them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dateutil import parser as dateparser
from lxml import html

from pipeline.segment import clean, element_text

_ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "medicalwebpage", "webpage", "medicalscholarlyarticle",
        "scholarlyarticle", "report", "techarticle", "healthtopiccontent", "medicalentity", "drug",
        "product", "itempage", "faqpage", "collectionpage", "aboutpage", "socialmediaposting",
    }
)  # fmt: skip
_TYPE_RANK = ("article", "newsarticle", "blogposting", "medicalscholarlyarticle", "scholarlyarticle",
              "medicalwebpage", "report", "techarticle", "webpage", "itempage", "drug", "product")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|-|::|·|•|»)\s+")
_BRANDING = re.compile(r"logo|brand|site-title|site-name|navbar|masthead", re.I)
_AUTHOR_BOX = re.compile(r"author", re.I)
_AUTHOR_NAME = re.compile(r"(?:^|[-_\s])(?:name|title|heading)(?:$|[-_\s])", re.I)
_AUTHOR_BIO = re.compile(
    r"(?:^|[-_\s])(?:bio|job|role|position|credentials?|description|desc|about)(?:$|[-_\s])", re.I
)
_COMMENT_AREA = re.compile(r"comment|respond|reply|review|disqus", re.I)
_BYLINE = re.compile(r"^\s*(?:by|written by|author:|von|por)\s+", re.I)
_PLACEHOLDER_AUTHOR = re.compile(
    r"^(?:unknown|admin|administrator|author|project name|editor|user|guest|webmaster|"
    r"your name|name|anonymous|staff|null|none|undefined)\b",
    re.I,
)
_CREDENTIALS = re.compile(
    r"^(?P<name>[^,|]+?)\s*,\s*(?P<title>(?:[A-Z][A-Za-z.]{0,6}\.?(?:\s*,\s*|\s+|$))+.*)$"
)
_VISIBLE_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?"
    r"\s+\d{4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4})\b",
    re.I,
)
_DATE_HOLDER = re.compile(r"date|posted|published|byline|author|entry-meta|post-meta|time", re.I)
_LEADING_SYMBOLS = re.compile(r"^[^\w\"“'(¿¡]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    url: str | None
    description: str | None
    site_name: str | None
    language: str | None
    published: dt.date | None
    modified: dt.date | None
    author_name: str | None
    author_title: str | None
    jsonld_names: tuple[str, ...]
    """Names of JSON-LD Drug / Product / about entities: evidence for the primary drug."""
    h1: str | None


def _jsonld_nodes(root: html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas and control characters are common in hand-written JSON-LD
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        for key in ("mainEntity", "about", "itemReviewed"):
            if isinstance(data.get(key), dict | list):
                yield from _flatten(data[key])


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


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


def parse_date(value: str | None) -> dt.date | None:
    """An ISO or human date to a date; None when it is not a plausible publication date."""
    if not value:
        return None
    value = value.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", value):
            parsed = dateparser.isoparse(value[:10])
        else:
            parsed = dateparser.parse(value, fuzzy=True, dayfirst=bool(re.match(r"^\d{1,2}[./]", value)))
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1990 <= parsed.year <= dt.date.today().year + 1:
        return None
    return parsed.date()


def _strip_site(title: str, site: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    if site:
        kept = [p for p in parts if p.strip().lower() != site.strip().lower()]
        if kept and len(kept) < len(parts):
            return " – ".join(kept) if len(kept) > 1 else kept[0]
    return parts[0]


def _similar(a: str, b: str) -> bool:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6


def _outside_comments(el: html.HtmlElement) -> bool:
    return not any(_COMMENT_AREA.search(f"{a.get('id') or ''} {a.get('class') or ''}")
                   for a in el.iterancestors())


_NAME_CLASS = re.compile(r"(?:author|byline|editor|writer|reviewer)[-_]*name", re.I)
_ROLE_CLASSES = (re.compile(r"role|job|credential|position|(?:author|editor)[-_]*title", re.I),
                 re.compile(r"bio|description", re.I))
_AFTER_NAME = re.compile(r"^\s*,\s*(?P<title>[^·|•\n]{2,90}?)\s*(?:[·|•]|\s[-–—]\s|$)")


def _person_name(el: html.HtmlElement) -> bool:
    label = f"{el.get('class') or ''} {el.get('id') or ''}"
    if _NAME_CLASS.search(label) or (el.get("rel") or "").lower() == "author":
        return True
    prop = f"{el.get('itemprop') or ''} {el.get('property') or ''}".lower()
    if "name" in prop.split() or "schema:name" in prop.split():
        return any("person" in f"{a.get('typeof') or ''} {a.get('itemtype') or ''}".lower()
                   for a in (el, *el.iterancestors()))
    return False


def _author_markup(root: html.HtmlElement) -> tuple[str | None, str | None]:
    """An author marked up in the page: a name element (class "author-name", rel=author, a
    schema.org Person's name) and beside it a role element or the credentials after a comma."""
    for el in root.iter():
        if not isinstance(el.tag, str) or not _person_name(el) or not _outside_comments(el):
            continue
        name = _BYLINE.sub("", clean(el.text_content()))
        if not name or len(name) > 80:
            continue
        parent = el.getparent()
        title = None
        if parent is not None:
            for role in _ROLE_CLASSES:  # a stated role before a free-text biography
                title = next((clean(s.text_content()) for s in parent.iter() if s is not el
                              and isinstance(s.tag, str) and role.search(s.get("class") or "")
                              and clean(s.text_content())), None)
                if title:
                    break
            if title is None:
                m = _AFTER_NAME.match(clean(el.tail or ""))
                if m:
                    title = m.group("title").strip()
        return name, title
    return None, None


def _author_box(root: html.HtmlElement) -> tuple[str | None, str | None]:
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "meta", "a", "img"):
            continue
        label = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _AUTHOR_BOX.search(label) or not _outside_comments(el):
            continue
        name = title = None
        for child in el.iter():
            if child is el or not isinstance(child.tag, str):
                continue
            clabel = f"{child.get('class') or ''} {child.get('itemprop') or ''}"
            text = clean(child.text_content())
            if not text:
                continue
            if name is None and (_AUTHOR_NAME.search(clabel) or child.get("itemprop") == "name"):
                if "title" in clabel.lower() and "author of" in text.lower():
                    continue  # the box's own caption ("Author of the article")
                if len(text) <= 80:
                    name = _BYLINE.sub("", text)
            elif title is None and (_AUTHOR_BIO.search(clabel) or child.get("itemprop") == "jobTitle"):
                title = text
        if name:
            return name, title
    return None, None


def extract_metadata(root: html.HtmlElement) -> Metadata:
    meta = _meta(root)
    nodes = list(_jsonld_nodes(root))
    articles = [n for n in nodes if _types(n) & _ARTICLE_TYPES]
    articles.sort(key=lambda n: min((_TYPE_RANK.index(t) for t in _types(n) if t in _TYPE_RANK),
                                    default=len(_TYPE_RANK)))
    ld: dict[str, Any] = articles[0] if articles else {}
    org = next((n for n in nodes if _types(n) & {"organization", "website"}), {})

    site = meta.get("og:site_name") or _text(ld.get("publisher")) or _text(org.get("name"))
    head_title = root.find(".//title")
    title_tag = clean(head_title.text_content()) if head_title is not None else ""
    h1s = [_LEADING_SYMBOLS.sub("", element_text(h)) for h in root.iter("h1") if not any(
        _BRANDING.search(f"{a.get('class') or ''} {a.get('id') or ''}")
        for a in (h, *h.iterancestors()))]
    h1s = [h for h in h1s if h]
    candidates = [c for c in (meta.get("og:title"), _text(ld.get("headline")), _text(ld.get("name")),
                              title_tag) if c]
    title: str | None = None
    for h1 in h1s:
        if any(_similar(h1, c) or h1.lower() in c.lower() for c in candidates):
            title = h1
            break
    if title is None and len(h1s) == 1:
        title = h1s[0]  # the page's one headline, even when the <title> is only a site name
    if title is None:
        if title_tag and not (site and title_tag.strip().lower() == site.strip().lower()):
            title = _strip_site(title_tag, site)
        elif h1s:
            title = h1s[0]
        elif candidates:
            title = _strip_site(candidates[0], site)

    canonical = next((ln.get("href") for ln in root.iter("link")
                      if "canonical" in (ln.get("rel") or "").lower().split() and ln.get("href")), None)
    url = canonical or meta.get("og:url") or _text(ld.get("url")) or _text(ld.get("mainEntityOfPage"))

    description = (meta.get("description") or meta.get("og:description")
                   or _text(ld.get("description")) or meta.get("twitter:description"))
    html_el = root if root.tag == "html" else root.find(".//html")
    language = (html_el.get("lang") if html_el is not None else None) or meta.get("og:locale") \
        or _text(ld.get("inLanguage")) or meta.get("content-language")
    if language:
        language = language.replace("_", "-").strip() or None

    published = parse_date(meta.get("article:published_time") or _text(ld.get("datePublished"))
                           or meta.get("datepublished") or meta.get("date")
                           or meta.get("dc.date") or meta.get("citation_publication_date")
                           or _time(root, "published") or meta.get("dcterms.created")
                           or _visible_date(root))
    modified = parse_date(meta.get("article:modified_time") or _text(ld.get("dateModified"))
                          or meta.get("og:updated_time") or meta.get("datemodified")
                          or meta.get("last-modified") or _time(root, "updated"))

    box_name, box_title = _author_markup(root)
    if box_name is None:
        box_name, box_title = _author_box(root)
    if box_name and not box_title:
        split = _CREDENTIALS.match(box_name)  # "Nicole Trelour, ND"
        if split:
            box_name, box_title = split.group("name"), split.group("title")
    ld_author = ld.get("author")
    author_name = next((n for n in (_text(ld_author), meta.get("author"), box_name)
                        if n and not _PLACEHOLDER_AUTHOR.search(n)), None)
    author_title = None
    if isinstance(ld_author, dict):
        author_title = _text(ld_author.get("jobTitle")) or _text(ld_author.get("description"))
    elif isinstance(ld_author, list) and ld_author and isinstance(ld_author[0], dict):
        author_title = _text(ld_author[0].get("jobTitle"))
    if box_name and author_name and (_similar(box_name, author_name) or box_name in author_name):
        author_title = author_title or box_title

    names = tuple(n for n in (_text(x.get("name")) for x in nodes
                              if _types(x) & {"drug", "product", "medicalentity"}) if n)
    return Metadata(
        title=title, url=url, description=description, site_name=site, language=language,
        published=published, modified=modified,
        author_name=_BYLINE.sub("", author_name) if author_name else None,
        author_title=author_title, jsonld_names=names, h1=h1s[0] if h1s else None,
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


def _time(root: html.HtmlElement, kind: str) -> str | None:
    for t in root.iter("time"):
        cls = f"{t.get('class') or ''} {t.get('itemprop') or ''}".lower()
        if kind in cls or (kind == "published" and "datepublished" in cls):
            return t.get("datetime") or clean(t.text_content())
    return None

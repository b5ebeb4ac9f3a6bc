"""Article metadata that names things: the site by its name, the author with credentials, the
language of the text, the headline without the site, the dates a page states.

Table-driven like the other snippet tests: each row is a whole small document written for the
test in the shape real pages use (an SEO plugin's JSON-LD graph, a clinic's "About the author"
block, a theme's byline, a template's wrong ``lang``), and the fields a reader expects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pipeline.extract.author import credential
from pipeline.extract.language import resolve_language
from pipeline.extract.metadata import strip_site
from tests.snippets import Example, article


def doc(head: str, body: str, lang: str | None = "en") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return f"<html{attr}><head>{head}</head><body>{body}</body></html>"


_BODY = "<article><h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"


def ld(*nodes: str) -> str:
    return ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            + ", ".join(nodes) + "]}</script>")


# --------------------------------------------------------------------------------------------
# site_name: by name, through @id references, never an id or a URL
# --------------------------------------------------------------------------------------------

_SITE_NAMES = [
    Example(  # an SEO plugin's graph: the page is part of a WebSite named elsewhere in the graph
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "WebPage", "@id": "https://pillguide.example/baclofen/#webpage", '
            '"isPartOf": {"@id": "https://pillguide.example/#website"}, '
            '"publisher": {"@id": "https://pillguide.example/#organization"}}',
            '{"@type": "WebSite", "@id": "https://pillguide.example/#website", "name": "PillGuide"}',
            '{"@type": "Organization", "@id": "https://pillguide.example/#organization", '
            '"name": "PillGuide Media Ltd"}'), _BODY),
        {"site_name": "PillGuide"},
    ),
    Example(  # only the publisher, by reference, its node in another script
        doc("<title>Baclofen</title>"
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"MedicalWebPage", "headline": "Baclofen", "publisher": {"@id": '
            '"https://clinic.example/#organization"}}</script>'
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"MedicalOrganization", "@id": "https://clinic.example/#organization", '
            '"name": "Riverside Clinic"}</script>', _BODY),
        {"site_name": "Riverside Clinic"},
    ),
    Example(  # a reference to a node the page does not have: no name, not the id
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "Article", "headline": "Baclofen", '
            '"publisher": {"@id": "https://pillguide.example/#organization"}}'), _BODY),
        {"site_name": None},
    ),
    Example(  # a publisher given as a bare URL
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "BlogPosting", "headline": "Baclofen", "publisher": "https://meds.example.org"}'),
            _BODY),
        {"site_name": None},
    ),
    Example(  # og:site_name first
        doc('<title>Baclofen</title><meta property="og:site_name" content="Meds Weekly">' + ld(
            '{"@type": "WebSite", "@id": "https://x.example/#website", "name": "Another Name"}'), _BODY),
        {"site_name": "Meds Weekly"},
    ),
]

# --------------------------------------------------------------------------------------------
# author: a person's name and credentials, never a biography
# --------------------------------------------------------------------------------------------

_AUTHORS = [
    Example(  # the article's author by reference to a Person node with its credentials
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "Article", "headline": "Baclofen", "author": {"@id": '
            '"https://pillguide.example/#/schema/person/5f2"}}',
            '{"@type": "Person", "@id": "https://pillguide.example/#/schema/person/5f2", '
            '"name": "Dana Whitfield", "honorificSuffix": "PharmD", "jobTitle": "Clinical pharmacist", '
            '"description": "Dana has reviewed drug information for twelve years and lives in Ohio."}'),
            _BODY),
        {"author": "Dana Whitfield", "author_title": "PharmD, Clinical pharmacist"},
    ),
    Example(  # a Person whose only self-description is a biography: no title from it
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "BlogPosting", "headline": "Baclofen", "author": {"@type": "Person", '
            '"name": "Lena Brooks", "description": "Lena writes about medicines and loves hiking in '
            'the hills near her home."}}'), _BODY),
        {"author": "Lena Brooks", "author_title": None},
    ),
    Example(  # hasCredential as a list of credential nodes
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "Article", "headline": "Baclofen", "author": {"@type": "Person", "name": '
            '"Omar Haddad", "hasCredential": [{"@type": "EducationalOccupationalCredential", '
            '"name": "RPh"}]}}'), _BODY),
        {"author": "Omar Haddad", "author_title": "RPh"},
    ),
    Example(  # an author box: a name and a bio paragraph; the role is read out of the bio
        doc("<title>Baclofen</title>",
            _BODY + '<div class="author-box"><span class="author-name">Sam Ortiz</span>'
            '<p class="author-bio">Sam Ortiz is a registered nurse with ten years of experience in '
            "cardiology wards and writes for patients.</p></div>"),
        {"author": "Sam Ortiz", "author_title": "registered nurse"},
    ),
    Example(  # an author box whose bio states no role: no title
        doc("<title>Baclofen</title>",
            _BODY + '<div class="author-box"><span class="author-name">Priya Nair</span>'
            '<p class="author-description">Priya lives in Leeds with her two cats and enjoys '
            "long walks.</p></div>"),
        {"author": "Priya Nair", "author_title": None},
    ),
    Example(  # "About the author:" label, the name in bold, the role in the biography
        doc("<title>Baclofen</title>",
            _BODY + "<div><p><strong>About the author:</strong></p>"
            "<p><strong>Mira Kowalczyk</strong> holds a diploma in emergency medical care.</p>"
            "<p>As a professional medical writer, she creates clear content for clinics.</p></div>"),
        {"author": "Mira Kowalczyk", "author_title": "professional medical writer"},
    ),
    Example(  # a theme's hero byline, no markup that names it
        doc("<title>Baclofen</title>",
            '<article><div class="hero"><span class="hero__info">8 min read</span>'
            '<span class="hero__info">By Northside Health Medical Team</span></div>'
            "<h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"),
        {"author": "Northside Health Medical Team"},
    ),
    Example(  # a byline with credentials beats a meta tag's honorific spelling of the same name
        doc("<title>Baclofen</title><meta name='author' content='Dr. med. Jonas Weber'>",
            "<article><p><span>By Jonas Weber, MD</span></p>"
            "<h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"),
        {"author": "Jonas Weber", "author_title": "MD"},
    ),
    Example(  # JSON-LD names only the organisation; the page names its medical team by an icon
        doc("<title>Baclofen</title>" + ld(
            '{"@type": "Article", "headline": "Baclofen", "author": {"@type": "Organization", '
            '"name": "kiro."}}'),
            "<article><div class='article-meta'><div class='meta-item'><i class='ph ph-user-circle'>"
            "</i><span>kiro. medical team</span></div></div>"
            "<h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"),
        {"author": "kiro. medical team"},
    ),
    Example(  # a user icon in the menu labels an account link, not an author
        doc("<title>Baclofen</title>",
            "<div id='menu'><ul><li><a href='/sitemap.xml'><i class='fa fa-user'></i>Sitemap</a></li>"
            "</ul></div>" + _BODY),
        {"author": None},
    ),
    Example(  # a meta author that credits the site's template
        doc("<title>Baclofen</title><meta name='author' content='Rafiq Ahmed, Wptheme'>", _BODY),
        {"author": None},
    ),
]

# --------------------------------------------------------------------------------------------
# language: the declared lang unless the text contradicts it
# --------------------------------------------------------------------------------------------

_SPANISH = (
    "<article><h1>Carbamazepina</h1><p>La carbamazepina controla las crisis epilépticas y el trastorno "
    "bipolar. Se utiliza para tratar la neuralgia del trigémino y es un medicamento de primera línea. "
    "Los efectos secundarios más frecuentes son mareos, somnolencia, náuseas y visión borrosa. Tome "
    "el medicamento con las comidas y no lo suspenda de forma brusca sin consultar a su médico.</p>"
    "</article>"
)
_ARABIC = (
    "<article><h1>سيفيلامير</h1><p>يستخدم سيفيلامير للتحكم في مستويات الفسفور العالية لدى المرضى الذين "
    "يعانون من مشكلات في الكلى. يؤخذ عادة ثلاث مرات في اليوم مع الوجبات. من الآثار الجانبية الإسهال "
    "والإمساك والغثيان وآلام المعدة والغازات. قد يؤدي هذا الدواء الى انخفاض في الفيتامينات وحمض "
    "الفوليك لذلك راجع الطبيب بانتظام.</p></article>"
)
_ENGLISH = (
    "<article><h1>Baclofen: uses and side effects</h1><p>Baclofen is a muscle relaxer used to treat "
    "spasticity caused by multiple sclerosis or spinal cord injury. The usual starting dose is 5 mg "
    "three times a day, raised slowly. Common side effects include drowsiness, dizziness, weakness and "
    "nausea. Do not stop taking it suddenly, because withdrawal can cause seizures.</p></article>"
)
_GERMAN = (
    "<article><h1>Ibuprofen</h1><p>Ibuprofen ist ein Schmerzmittel, das gegen Kopfschmerzen, "
    "Zahnschmerzen und Fieber eingesetzt wird. Erwachsene nehmen in der Regel 200 bis 400 mg bis zu "
    "dreimal täglich ein. Häufige Nebenwirkungen sind Magenschmerzen, Übelkeit und Sodbrennen. Nehmen "
    "Sie die Tabletten am besten nach einer Mahlzeit mit einem Glas Wasser ein.</p></article>"
)

_LANGUAGES = [
    Example(doc("<title>Carbamazepina</title>", _SPANISH, lang="en"), {"language": "es"}),
    Example(doc("<title>Sevelamer</title>", _ARABIC, lang="en"), {"language": "ar"}),
    Example(doc("<title>Baclofen</title>", _ENGLISH, lang="en-GB"), {"language": "en-GB"}),
    Example(doc("<title>Ibuprofen</title>", _GERMAN, lang=None), {"language": "de"}),
    Example(doc("<title>Baclofen</title>", _ENGLISH, lang="US"), {"language": "en"}),
    Example(doc("<title>Ibuprofen</title>", _GERMAN, lang="de-AT"), {"language": "de-AT"}),
]

_RESOLVE = [  # (declared, text) -> language, without a page around it
    (("es", "Hola"), "es"),  # too short to contradict anything
    ((None, "Hola"), None),
    (("pt_BR", "O omeprazol reduz a produção de ácido no estômago e é usado para tratar refluxo, "
      "gastrite e úlceras. A dose habitual é de 20 mg uma vez ao dia, antes do pequeno-almoço, "
      "durante quatro a oito semanas, conforme a indicação do seu médico."), "pt-BR"),
]

# --------------------------------------------------------------------------------------------
# title: the headline without the site; a first headline-like line; never the file name
# --------------------------------------------------------------------------------------------

_TITLES = [
    Example(  # no site known: only the trailing "| Site" goes, the headline's own dashes stay
        doc("<title>Sertraline - dosage - what to expect | HealthNook</title>",
            "<article><p>Sertraline is an antidepressant.</p></article>"),
        {"title": "Sertraline - dosage - what to expect"},
    ),
    Example(
        doc("<title>Metformin – how it works - Med Pages</title>",
            "<article><p>Metformin lowers blood sugar.</p></article>"),
        {"title": "Metformin – how it works"},
    ),
    Example(  # the leading segment is the site: its domain written as words
        doc('<title>Care Point Pharmacy - Lexapro 10mg</title>'
            '<link rel="canonical" href="https://www.carepointpharmacy.example/lexapro-10mg">',
            "<article><p>Lexapro contains escitalopram.</p></article>"),
        {"title": "Lexapro 10mg"},
    ),
    Example(  # a trailing segment that continues the headline in lower case is no site
        doc("<title>Warfarin — what to avoid while taking it</title>",
            "<article><p>Warfarin thins the blood.</p></article>"),
        {"title": "Warfarin — what to avoid while taking it"},
    ),
    Example(  # neither <title> nor <h1>: the first short headline-like line
        doc("", "<div><p class='hero-title'>FLEXIBLE DOSING</p><p>Cholbam should be dosed by "
            "weight. The usual dose is 10 mg/kg a day.</p><h2>Capsules needed for each dose</h2>"
            "</div>", lang=None),
        {"title": "FLEXIBLE DOSING"},
    ),
    Example(  # neither <title> nor <h1> nor a headline: the first sentence, not the file name
        doc("", "<div><p>Baclofen relaxes muscles. It is taken three times a day.</p></div>"),
        {"title": "Baclofen relaxes muscles."},
    ),
    Example(  # pictograms around a headline are not part of it
        doc("<title>Digoxin · NG-208 · Nursing Notes</title>",
            "<article><h1>Digoxin <span class='drop'>💛</span></h1><p>Digoxin slows the heart.</p>"
            "</article>"),
        {"title": "Digoxin"},
    ),
    Example(  # two <h1>: the one that shares the <title>'s words
        doc("<title>ZELVARA® (zelvatinib) First-Line Safety Profile</title>",
            "<article><h1>ZELVARA® (zelvatinib) Has a Well-Established Safety Profile</h1>"
            "<p>Zelvatinib is a kinase inhibitor taken as one 100 mg tablet a day.</p>"
            "<h1>Consistent Results at Follow-Up</h1>"
            "<p>More data.</p></article>"),
        {"title": "ZELVARA® (zelvatinib) Has a Well-Established Safety Profile"},
    ),
]

_STRIP_SITE = [  # (title, site, host) -> headline
    (("Baclofen: uses | PillGuide", "PillGuide", None), "Baclofen: uses"),
    (("PillGuide - Baclofen: uses", "PillGuide", None), "Baclofen: uses"),
    (("Melatonin: Pros & Cons — The Sleep Shop", None, None), "Melatonin: Pros & Cons"),
    (("Minoxidil side effects are real ·", None, None), "Minoxidil side effects are real"),
    (("Baclofen", None, None), "Baclofen"),
]

# --------------------------------------------------------------------------------------------
# dates the page states
# --------------------------------------------------------------------------------------------

_DATES = [
    Example(  # labels with the date in bold, at the foot of the article
        doc("<title>Wegovy</title>",
            _BODY + "<div><p>Update date <strong>April, 25 2025</strong></p>"
            "<p>Publish date <strong>October, 16 2024</strong></p></div>"),
        {"published": "2024-10-16", "modified": "2025-04-25"},
    ),
    Example(
        doc("<title>Baclofen</title>", _BODY + "<p class='meta'>Published on 3 March 2022</p>"
            "<p>Last updated: 12 January 2024</p>"),
        {"published": "2022-03-03", "modified": "2024-01-12"},
    ),
    Example(  # a theme's unset date is no date
        doc("<title>Baclofen</title>",
            "<article><div class='post-meta'><time>01 Jan 0001, 00:00</time></div>"
            "<h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"),
        {"published": None},
    ),
]


def _field(art: dict[str, Any], name: str) -> Any:
    if name == "author":
        return art["author"]["name"] if art["author"] else None
    if name == "author_title":
        return art["author"]["title"] if art["author"] else None
    return art[name]


def _id(row: Example) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.expected.items())[:70]


@pytest.mark.parametrize("example", [*_SITE_NAMES, *_AUTHORS, *_LANGUAGES, *_TITLES, *_DATES], ids=_id)
def test_metadata(example: Example) -> None:
    art = article(example.html.encode())
    got = {name: _field(art, name) for name in example.expected}
    assert got == example.expected
    for name in ("published", "modified"):
        if art[name]:
            dt.date.fromisoformat(art[name])


@pytest.mark.parametrize(("given", "expected"), _RESOLVE)
def test_resolve_language(given: tuple[str | None, str], expected: str | None) -> None:
    assert resolve_language(*given) == expected


@pytest.mark.parametrize(("given", "expected"), _STRIP_SITE)
def test_strip_site(given: tuple[str, str | None, str | None], expected: str) -> None:
    assert strip_site(*given) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("PharmD, BCPS", "PharmD, BCPS"),
    ("Clinical pharmacist", "Clinical pharmacist"),
    ("As a board-certified dermatologist, he treats acne and rosacea.", "board-certified dermatologist"),
    ("Jane has written about medicines for fifteen years.", None),
    ("", None),
])
def test_credential(text: str, expected: str | None) -> None:
    assert credential(text) == expected

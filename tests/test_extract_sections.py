"""Warnings, benefits, conditions, citations and article metadata from whole pages.

Table-driven, after price-parser's tests: each row is a small page written for the test and
what a careful reader takes from it (SPEC.md, corpus/ANNOTATION.md); one parametrized test
per record kind walks its tables, and known gaps stay as strict xfail rows with the reason.

Statements (warnings, benefits) are matched the way a reader matches them: lower case,
punctuation ignored, and a record may carry the lead-in it hangs from ("Do not take it if:
you are pregnant" matches "you are pregnant"); but the number of records must be exactly the
number of statements expected, so routine advice that becomes a warning is a failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.snippets import Example, article, norm, page, row_id, rows, xfail


def assert_statements(got: list[str], expected: list[str]) -> None:
    """Each expected statement is read by its own record, and nothing else is read."""
    left = [norm(g) for g in got]
    assert len(left) == len(expected), got
    for wanted in expected:
        match = next((g for g in left if norm(wanted) in g), None)
        assert match is not None, (wanted, got)
        left.remove(match)


# --------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------

_WARNING_LISTS = [
    Example(
        "<h2>Warnings</h2><ul><li>Do not drink alcohol while taking baclofen.</li>"
        "<li>It may make you sleepy, so do not drive if affected.</li></ul>",
        ["Do not drink alcohol while taking baclofen", "It may make you sleepy, so do not drive if affected"],
    ),
    Example(
        "<h2>Who should not take it</h2><p>Do not take baclofen if:</p>"
        "<ul><li>you are allergic to baclofen</li><li>you have a stomach ulcer</li></ul>",
        ["you are allergic to baclofen", "you have a stomach ulcer"],
    ),
    Example(
        "<h2>Precautions</h2><ul><li>Tell your doctor if you have kidney problems.</li></ul>",
        ["Tell your doctor if you have kidney problems"],
    ),
    Example(
        "<h2>Important safety information</h2><p>Baclofen can cause serious withdrawal reactions if "
        "it is stopped suddenly.</p>",
        ["Baclofen can cause serious withdrawal reactions if it is stopped suddenly"],
    ),
    # a drug guide's "What should I avoid ...?" section and a leaflet's "Avoid while taking"
    Example(
        "<h2>What should I avoid while taking baclofen?</h2><p>Drinking alcohol can increase "
        "certain side effects of baclofen.</p>",
        ["Drinking alcohol can increase certain side effects of baclofen"],
    ),
    Example(
        "<h2>Foods to avoid while taking baclofen</h2><ul><li>Grapefruit juice can raise its "
        "levels.</li></ul>",
        ["Grapefruit juice can raise its levels"],
    ),
]

_WARNING_SENTENCES = [
    Example(
        "<h2>How to take it</h2><p>Take it with a glass of water. Do not stop taking baclofen "
        "suddenly, as this can cause seizures.</p>",
        ["Do not stop taking baclofen suddenly, as this can cause seizures"],
    ),
    Example(
        "<p>Baclofen is a muscle relaxant. Do not stop suddenly: reduce the dose over one to two "
        "weeks.</p>",
        ["Do not stop suddenly: reduce the dose over one to two weeks"],
    ),
    Example(
        "<p>Avoid alcohol while you are taking this medicine.</p>",
        ["Avoid alcohol while you are taking this medicine"],
    ),
    Example(
        "<p>Tell your doctor if you are pregnant or breastfeeding.</p>",
        ["Tell your doctor if you are pregnant or breastfeeding"],
    ),
    Example(
        "<p>Baclofen should not be used during pregnancy.</p>",
        ["Baclofen should not be used during pregnancy"],
    ),
]

_NOT_WARNINGS = [
    Example(
        "<h2>How to take it</h2><p>Swallow the tablet whole with a glass of water. You can take it "
        "with or without food.</p>",
        [],
    ),
    Example("<h2>Storage</h2><p>Store at room temperature in the original pack.</p>", []),
    Example("<p>Baclofen was first made in 1962 and is now widely prescribed.</p>", []),
    Example("<h2>How it works</h2><p>It acts on nerves in the spinal cord to relax muscles.</p>", []),
]

_WARNING_GAPS = [
    # a "Do not take X if you:" lead-in makes its items warnings wherever it stands
    Example(
        "<p>Baclofen relaxes muscles.</p><p>Do not take baclofen if you:</p>"
        "<ul><li>have epilepsy</li><li>are pregnant</li></ul>",
        ["have epilepsy", "are pregnant"],
    ),
    *xfail(
        '"talk to your doctor first if you are pregnant" is not read as a warning',
        Example(
            "<p>Talk to your doctor first if you are pregnant or breastfeeding.</p>",
            ["Talk to your doctor first if you are pregnant or breastfeeding"],
        ),
    ),
]

_WARNING_ROWS = rows(_WARNING_LISTS, _WARNING_SENTENCES, _NOT_WARNINGS, _WARNING_GAPS)


@pytest.mark.parametrize("example", _WARNING_ROWS, ids=row_id)
def test_warnings(example: Example) -> None:
    art = article(page(example.html, example.h1))
    assert_statements([w["text"] for w in art["warnings"]], example.expected)


# --------------------------------------------------------------------------------------------
# Benefits
# --------------------------------------------------------------------------------------------

_BENEFIT_LISTS = [
    Example(
        "<h2>Benefits</h2><ul><li>Relieves muscle stiffness</li><li>Improves mobility</li></ul>",
        ["Relieves muscle stiffness", "Improves mobility"],
    ),
    Example(
        "<h2>Benefits of baclofen</h2><ul><li>Eases painful spasms</li><li>Helps you sleep through the "
        "night</li><li>Can be taken by mouth</li></ul>",
        ["Eases painful spasms", "Helps you sleep through the night", "Can be taken by mouth"],
    ),
    Example(
        "<p><strong>Advantages</strong></p><ul><li>Works within an hour</li><li>Cheap generic "
        "versions</li></ul>",
        ["Works within an hour", "Cheap generic versions"],
    ),
]

_BENEFIT_SENTENCES = [
    Example(
        "<p>Baclofen helps to relax tight muscles.</p>",
        ["Baclofen helps to relax tight muscles"],
    ),
    Example(
        "<p>Baclofen is a muscle relaxant. It reduces the pain of muscle spasms.</p>",
        ["It reduces the pain of muscle spasms"],
    ),
    Example(
        "<p>Improves walking in many people with multiple sclerosis.</p>",
        ["Improves walking in many people with multiple sclerosis"],
    ),
]

_NOT_BENEFITS = [
    Example("<p>Baclofen is used to treat spasticity caused by multiple sclerosis.</p>", []),
    Example("<p>Baclofen is prescribed for muscle spasms.</p>", []),
    Example("<h2>Side effects</h2><ul><li>Drowsiness</li><li>Nausea</li></ul>", []),
]

_BENEFIT_GAPS = xfail(
    'a benefit sentence whose subject is not the drug ("Regular use improves ...") is missed',
    Example(
        "<p>Regular use improves walking in many people with multiple sclerosis.</p>",
        ["Regular use improves walking in many people with multiple sclerosis"],
    ),
)

# a list item's bold lead sentence is its benefit; the sub-headings of a section that names
# benefits are benefits; the drug (or its brand in brackets) as the subject of a benefit verb;
# a comparison in the drug's favour; a benefit stated before a dash
_BENEFIT_SHAPES = [
    Example(
        "<h2>The evidence: pros</h2><ul><li><b>Non-habit forming.</b> Unlike sleeping pills it "
        "causes no dependence.</li><li><b>Reduces sleep onset latency.</b> A 2013 analysis found "
        "people fell asleep sooner.</li></ul>",
        ["Non-habit forming.", "Reduces sleep onset latency."], "Melatonin gummies",
    ),
    Example(
        "<h2>Research-backed benefits</h2><h3>Blood sugar control</h3><p>HbA1c fell by 1.5%.</p>"
        "<h3>Cardiovascular protection</h3><p>Fewer heart attacks in trials.</p>",
        ["Blood sugar control", "Cardiovascular protection"], "Semaglutide injections",
    ),
    Example(
        "<h2>Why choose us</h2><h3>18+ years experience</h3><p>Our clinic is trusted.</p>",
        [], "Finasteride tablets",
    ),
    Example(
        "<ul><li>Tirzepatide (Mounjaro) produces 20% mean body weight loss at the highest dose.</li></ul>",
        ["Tirzepatide (Mounjaro) produces 20% mean body weight loss at the highest dose."],
        "Tirzepatide injections",
    ),
    Example(
        "<h2>Overall fewer grade 3-4 adverse reactions occurred with alectinib compared with "
        "placebo</h2><p>See the data.</p>",
        ["Overall fewer grade 3-4 adverse reactions occurred with alectinib compared with placebo"],
        "Alectinib capsules",
    ),
    Example(
        "<p>Rejuvenates your mind and body - Ashwagandha is an Indian herb used for centuries.</p>",
        ["Rejuvenates your mind and body"], "Ashwagandha capsules",
    ),
]

_BENEFIT_ROWS = rows(_BENEFIT_LISTS, _BENEFIT_SENTENCES, _BENEFIT_SHAPES, _NOT_BENEFITS, _BENEFIT_GAPS)


@pytest.mark.parametrize("example", _BENEFIT_ROWS, ids=row_id)
def test_benefits(example: Example) -> None:
    art = article(page(example.html, example.h1))
    assert_statements([b["text"] for b in art["benefits"]], example.expected)


# --------------------------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------------------------

_GABAPENTIN = "Gabapentin: a guide for patients"
_LORATADINE = "Loratadine (Claritin) tablets"

_CONDITIONS_IN_PROSE = [
    Example(
        "<p>Many men who suffer from erectile dysfunction try it first.</p>",
        {"erectile dysfunction"},
        "Sildenafil tablets",
    ),
    Example(
        "<p>It is one of the oldest medicines for high blood pressure.</p>",
        {"high blood pressure"},
        "Atenolol tablets",
    ),
    Example(
        "<p>Diabetes is a chronic condition in which blood sugar stays too high.</p>",
        {"diabetes"},
        "Metformin tablets",
    ),
    Example(
        "<p>Gabapentin is used to treat epilepsy and nerve pain.</p>",
        {"epilepsy", "nerve pain"},
        _GABAPENTIN,
    ),
    Example(
        "<p>Sertraline can help with conditions such as depression, panic disorder or obsessive "
        "compulsive disorder.</p>",
        {"depression", "panic disorder", "obsessive compulsive disorder"},
        "Sertraline tablets",
    ),
    Example(
        "<p>Metformin is prescribed for type 2 diabetes.</p>",
        {"type 2 diabetes"},
        "Metformin tablets",
    ),
    Example(
        "<p>Loratadine is used to treat hay fever. It does not work for colds.</p>",
        {"hay fever"},
        _LORATADINE,
    ),
    Example("<p>Loratadine does not work for colds or flu.</p>", set(), _LORATADINE),
    Example("<p>Baclofen is used to relieve muscle spasms.</p>", {"muscle spasms"}),
    Example(
        "<h2>Uses</h2><p>Doctors prescribe it for restless legs syndrome and hot flushes.</p>",
        {"restless legs syndrome", "hot flushes"},
        _GABAPENTIN,
    ),
]

_CONDITION_LISTS = [
    Example(
        "<h2>Uses</h2><ul><li>High blood pressure</li><li>Heart failure</li></ul>",
        {"high blood pressure", "heart failure"},
        "Lisinopril tablets",
    ),
    Example(
        "<h2>What is it used for?</h2><ul><li>Muscle spasms</li><li>Multiple sclerosis</li>"
        "<li>Spinal cord injury</li></ul>",
        {"muscle spasms", "multiple sclerosis", "spinal cord injury"},
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Headache</li><li>Depression</li></ul>",
        set(),
    ),
    # items of a "used to:" list open with what the drug does to the illness
    Example(
        "<h2>What is it used for?</h2><p>Lisinopril is used to:</p><ul><li>treat heart "
        "failure</li><li>prevent future strokes</li></ul>",
        {"heart failure", "stroke"}, "Lisinopril tablets",
    ),
    Example(
        "<h2>Indications</h2><ul><li>To manage gout</li><li>Help prevent migraine</li></ul>",
        {"gout", "migraine"}, "Allopurinol tablets",
    ),
    # an illness's name inside a molecule's names no illness
    Example(
        "<h2>Indications and usage</h2><p>Alectinib is indicated for patients with anaplastic "
        "lymphoma kinase (ALK)-positive metastatic non-small cell lung cancer.</p>",
        {"non-small cell lung cancer"}, "Alectinib capsules",
    ),
    Example(
        "<h2>Uses</h2><p>It treats breast cancer that is hormone receptor-positive and tests "
        "negative for the leukemia gene fusion.</p>",
        {"breast cancer"}, "Anastrozole tablets",
    ),
    # "as clinically indicated" means as needed
    Example(
        "<h2>Indications</h2><p>It is used to treat gout.</p><h2>Monitoring</h2><p>Check CPK "
        "levels as clinically indicated in patients reporting unexplained muscle pain.</p>",
        {"gout"}, "Allopurinol tablets",
    ),
]

_CONDITION_GAPS = [
    *xfail(
        'an indication with a qualifier ("spasticity in multiple sclerosis") yields no condition',
        Example(
            "<p>Baclofen is used to relieve spasticity in multiple sclerosis.</p>",
            {"spasticity", "multiple sclerosis"},
        ),
    ),
    *xfail(
        "indications in prose that the condition lexicon does not know are dropped",
        Example(
            "<p>Amoxicillin is an antibiotic used for chest infections, ear infections and dental "
            "abscesses.</p>",
            {"chest infections", "ear infections", "dental abscesses"},
            "Amoxicillin capsules",
        ),
    ),
    *xfail(
        'a hyphenated qualifier ("used off-label for") hides the indication trigger',
        Example(
            "<p>Baclofen is also used off-label for alcohol dependence.</p>",
            {"alcohol dependence"},
        ),
    ),
]

# an illness named after a strong cue is taken as written, known or not; the page's goal
# words and other drugs' indications are not conditions of this one
_CONDITION_SHAPES = [
    Example("<p>Isotretinoin is a prescription medication used to treat severe nodular acne that "
            "has not responded to antibiotics.</p>", {"severe nodular acne"}, "Isotretinoin capsules"),
    Example("<p>Melatonin is useful for delayed sleep phase disorder.</p>",
            {"delayed sleep phase disorder"}, "Melatonin gummies"),
    Example("<p>It is indicated for the management of chronic stable angina.</p>",
            {"chronic stable angina"},
            "Atenolol tablets"),
    Example("<p>It reduces fatigue, anxiety and depression.</p>", {"fatigue", "anxiety", "depression"},
            "Ashwagandha capsules"),
    Example("<ul><li>Brand names: Wegovy (obesity), Ozempic (type 2 diabetes)</li></ul>",
            {"obesity", "type 2 diabetes"}, "Semaglutide injections"),
    Example("<p>A meta-analysis of 37 trials in adults with type 2 diabetes found lower glucose.</p>",
            {"type 2 diabetes"}, "Berberine capsules"),
    Example("<p>Berberine improves dyslipidemia, insulin resistance and hypertension.</p>",
            {"dyslipidemia", "insulin resistance", "hypertension"}, "Berberine capsules"),
    Example("<h2>Drug interactions</h2><ul><li>carbamazepine – used to treat epilepsy</li>"
            "<li>warfarin – used to prevent blood clots</li></ul>", set(), "Acetaminophen tablets"),
    Example("<p>People with certain medical conditions like heart disease or kidney disease should "
            "also speak with a provider.</p>", set(), "Minoxidil solution"),
]

_CONDITION_ROWS = rows(_CONDITIONS_IN_PROSE, _CONDITION_LISTS, _CONDITION_SHAPES, _CONDITION_GAPS)


@pytest.mark.parametrize("example", _CONDITION_ROWS, ids=row_id)
def test_conditions(example: Example) -> None:
    art = article(page(example.html, example.h1))
    unmatched = set(example.expected)
    for c in art["conditions"]:
        names = {norm(c["name"]), norm(c["name_normalized"])}
        hit = {e for e in example.expected if norm(e) in names}
        assert hit, (c, example.expected)
        unmatched -= hit
    assert not unmatched and len(art["conditions"]) == len(example.expected), art["conditions"]


# --------------------------------------------------------------------------------------------
# Citations
# --------------------------------------------------------------------------------------------

_CITATIONS = [
    Example(
        "<p>A trial by Smith et al. (2019) found it reduced spasms.</p>",
        ["Smith et al. (2019)"],
    ),
    Example(
        "<p>Spasms fell by a third (Jones et al., 2020).</p>",
        ["Jones et al. (2020)"],
    ),
    Example(
        "<p>Smith et al. (2019) and later Okafor et al. (2021) reported similar results.</p>",
        ["Smith et al. (2019)", "Okafor et al. (2021)"],
    ),
    Example(
        "<p>Smith et al. (2019) found it helps. Smith et al. (2019) also noted drowsiness.</p>",
        ["Smith et al. (2019)"],
    ),
    Example("<p>In 2019 the tablets became available as a generic.</p>", []),
]

_CITATION_GAPS = [
    Example("<p>As Smith and Lee (2018) showed, it eases spasms.</p>", ["Smith and Lee (2018)"]),
]


@pytest.mark.parametrize("example", rows(_CITATIONS, _CITATION_GAPS), ids=row_id)
def test_citations(example: Example) -> None:
    art = article(page(example.html, example.h1))
    assert [norm(c) for c in art["citations"]] == [norm(c) for c in example.expected]


# --------------------------------------------------------------------------------------------
# Metadata: whole documents, since the head and the author box are what is read
# --------------------------------------------------------------------------------------------


def doc(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


_ARTICLE_BODY = "<article><h1>Baclofen: uses and side effects</h1><p>Baclofen relaxes muscles.</p></article>"
_JSONLD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article", '
    '"headline": "Baclofen for spasticity", "author": {"@type": "Person", "name": "Maria Gonzalez"}, '
    '"datePublished": "2022-05-04T09:00:00Z", "dateModified": "2023-01-15"}</script>'
)

_METADATA = [
    Example(
        doc("<title>Baclofen: uses and side effects | PillGuide</title>"
            '<meta property="og:site_name" content="PillGuide">',
            "<article><p>Baclofen relaxes muscles and eases spasms.</p></article>"),
        {"title": "Baclofen: uses and side effects"},
    ),
    Example(
        doc("<title>Baclofen: uses and side effects - PillGuide</title>", _ARTICLE_BODY),
        {"title": "Baclofen: uses and side effects"},
    ),
    Example(
        doc('<title>Baclofen</title><link rel="canonical" href="https://example.org/baclofen">'
            '<meta property="og:url" content="https://example.org/baclofen?ref=share">',
            _ARTICLE_BODY),
        {"url": "https://example.org/baclofen"},
    ),
    Example(
        doc('<title>Baclofen</title><meta property="og:url" content="https://example.org/og-baclofen">',
            _ARTICLE_BODY),
        {"url": "https://example.org/og-baclofen"},
    ),
    Example(
        doc(_JSONLD, "<article><p>Baclofen relaxes muscles and eases spasms.</p></article>"),
        {"title": "Baclofen for spasticity", "author": "Maria Gonzalez",
         "published": "2022-05-04", "modified": "2023-01-15"},
    ),
    Example(
        doc('<title>Baclofen</title><meta name="description" content="A plain guide to baclofen.">',
            _ARTICLE_BODY),
        {"description": "A plain guide to baclofen."},
    ),
    Example(
        doc("<title>Baclofen</title>",
            '<article><h1>Baclofen: uses and side effects</h1><div class="byline">By Tom Reed · '
            "March 3, 2021</div><p>Baclofen relaxes muscles.</p></article>"),
        {"published": "2021-03-03"},
    ),
    Example(
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<div class="author-box"><span class="author-name">Dr. Anna Lee</span>'
            '<span class="author-role">Clinical pharmacist</span></div>'),
        {"author": "Dr. Anna Lee", "author_title": "Clinical pharmacist"},
    ),
    Example(
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<div class="about-the-writer"><p class="author-name">Nicole Park, PharmD</p>'
            "</div>"),
        {"author": "Nicole Park", "author_title": "PharmD"},
    ),
    Example(
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<section class="comments"><div class="comment"><span class="comment-author">'
            'Bob Miller</span><p>It made me sleepy.</p></div></section>'),
        {"author": None},
    ),
    Example(
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<div id="comments"><div class="comment-body"><div class="author-name">'
            "Jane Visitor</div><p>Thanks for this.</p></div></div>"),
        {"author": None},
    ),
    Example(
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<p>Posted on <time class="published" datetime="2020-06-01">June 1, 2020'
            "</time></p>"),
        {"published": "2020-06-01"},
    ),
    Example(
        doc("<title>Baclofen</title><meta name='author' content='Jane Smith'>", _ARTICLE_BODY),
        {"author": "Jane Smith"},
    ),
    Example(
        doc('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "name": "PillGuide"}, {"@type": "MedicalWebPage", "headline": '
            '"Baclofen explained", "datePublished": "2021-09-10", "author": [{"@type": "Person", '
            '"name": "Ravi Patel", "jobTitle": "Pharmacist"}]}]}</script>',
            "<article><p>Baclofen relaxes muscles and eases spasms.</p></article>"),
        {"title": "Baclofen explained", "published": "2021-09-10", "author": "Ravi Patel",
         "author_title": "Pharmacist"},
    ),
    Example(
        doc("<title>Baclofen</title><meta property='article:published_time' "
            "content='2019-02-03T10:00:00+00:00'>",
            _ARTICLE_BODY + "<div class='byline'>Updated March 3, 2021</div>"),
        {"published": "2019-02-03"},
    ),
    Example(
        doc("<title>Baclofen: uses and side effects | PillGuide</title>",
            "<header><div class='site-title'><h1>PillGuide</h1></div></header><article>"
            "<h2>Baclofen: uses and side effects</h2><p>Baclofen relaxes muscles.</p></article>"),
        {"title": "Baclofen: uses and side effects"},
    ),
    Example(
        doc("<title>PillGuide</title>",
            "<article><p class='byline'>By <a rel='author' href='/a/kim'>Kim Chen</a>, RN</p>"
            "<h1>Baclofen: uses</h1><p>Baclofen relaxes muscles.</p></article>"),
        {"author": "Kim Chen", "author_title": "RN", "title": "Baclofen: uses"},
    ),
    Example(  # an author box whose class names a bio: its text is not the title
        doc("<title>Baclofen</title>",
            _ARTICLE_BODY + '<div class="author-bio"><p class="author-name">Nicole Park, PharmD</p>'
            "</div>"),
        {"author": "Nicole Park", "author_title": "PharmD"},
    ),
]


_METADATA_GAPS: list[Any] = []


def _metadata_field(art: dict[str, Any], name: str) -> Any:
    if name == "author":
        return art["author"]["name"] if art["author"] else None
    if name == "author_title":
        return art["author"]["title"] if art["author"] else None
    return art[name]


def _metadata_id(row: Example) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.expected.items())[:60]


@pytest.mark.parametrize("example", rows(_METADATA, _METADATA_GAPS), ids=_metadata_id)
def test_metadata(example: Example) -> None:
    art = article(example.html.encode())
    got = {name: _metadata_field(art, name) for name in example.expected}
    assert got == example.expected
    for name in ("published", "modified"):
        if art[name]:
            dt.date.fromisoformat(art[name])

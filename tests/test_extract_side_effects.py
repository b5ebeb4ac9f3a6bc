"""Side effects as a reader finds them in whole pages: pipeline.run.process_page end to end.

Table-driven, after price-parser's tests: each row is a small page written for the test and
the set of (term, category) pairs a careful reader takes from it for the page's primary drug
(SPEC.md, corpus/ANNOTATION.md). Rows are grouped by how the page frames its effects; one
parametrized test walks the tables. Known gaps stay as strict xfail rows with the reason, so
that fixing one is noticed.

Terms are compared the way a reader would (lower case, punctuation and surrounding space
ignored); the set of pairs must match exactly, so an extra term is as wrong as a missing one.
"""

from __future__ import annotations

import pytest

from tests.snippets import Example, article, norm, page, row_id, rows, xfail


def pairs(*terms: str, category: str = "unspecified") -> set[tuple[str, str]]:
    return {(norm(t), category) for t in terms}




def primary_side_effects(html: str, h1: str) -> set[tuple[str, str]]:
    art = article(page(html, h1))
    return {(norm(se["term_normalized"]), se["category"]) for se in art["side_effects"]
            if se["drug"] == art["drug"]}


# --------------------------------------------------------------------------------------------
# Lists under side-effect headings
# --------------------------------------------------------------------------------------------

_HEADED_LISTS = [
    Example(
        "<h2>Side effects</h2><ul><li>Drowsiness</li><li>Dizziness</li><li>Nausea</li></ul>",
        pairs("drowsiness", "dizziness", "nausea"),
    ),
    Example(
        "<h2>Common side effects</h2><ul><li>Headache</li><li>Dry mouth</li><li>Constipation</li></ul>",
        pairs("headache", "dry mouth", "constipation", category="common"),
    ),
    Example(
        "<h2>Side effects</h2><p>Most people take it without trouble.</p>"
        "<h3>Serious side effects</h3><ul><li>Seizures</li><li>Hallucinations</li></ul>",
        pairs("seizures", "hallucinations", category="serious"),
    ),
    Example(
        "<h2>Rare side effects</h2><ul><li>Blurred vision</li><li>Liver problems</li></ul>",
        pairs("blurred vision", "liver problems", category="rare"),
    ),
    Example(
        "<h2>Side effects</h2><h3>Common</h3><ul><li>Tiredness</li><li>Muscle weakness</li></ul>"
        "<h3>Rare</h3><ul><li>Chest pain</li></ul>",
        pairs("tiredness", "muscle weakness", category="common") | pairs("chest pain", category="rare"),
    ),
    Example(
        "<h2>Side effects of baclofen</h2><ol><li>Sleepiness</li><li>Low blood pressure</li></ol>",
        pairs("sleepiness", "low blood pressure"),
    ),
    Example(
        "<h2>Possible side effects</h2><p>Common side effects include:</p>"
        "<ul><li>Feeling dizzy</li><li>Confusion</li></ul>",
        pairs("dizziness", "confusion", category="common"),  # "feeling dizzy", as a noun
    ),
    Example(
        "<h2>Serious side effects</h2><p>These need medical attention straight away.</p>"
        "<ul><li>Fainting</li><li>Difficulty breathing</li></ul>",
        pairs("fainting", "difficulty breathing", category="serious"),
    ),
]

_CATEGORY_WORDS = [
    Example(
        "<h2>Uncommon side effects</h2><ul><li>Nightmares</li><li>Ringing in the ears</li></ul>",
        pairs("nightmares", "ringing in the ears", category="rare"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Common:<ul><li>Nausea</li><li>Headache</li></ul></li>"
        "<li>Serious:<ul><li>Seizures</li></ul></li></ul>",
        pairs("nausea", "headache", category="common") | pairs("seizures", category="serious"),
    ),
    Example(
        "<dl><dt>Common side effects</dt><dd>Nausea, headache</dd>"
        "<dt>Serious side effects</dt><dd>Fainting</dd></dl>",
        pairs("nausea", "headache", category="common") | pairs("fainting", category="serious"),
    ),
    Example(
        "<h2>Common side effects</h2><ul><li>Drowsiness</li></ul>"
        "<h2>Overdose</h2><ul><li>Drowsiness</li><li>Coma</li></ul>",
        pairs("drowsiness", category="common") | pairs("drowsiness", "coma", category="overdose"),
    ),
    Example(
        "<h2>Side effects</h2><p>Side effects may include dry mouth and blurred vision.</p>",
        pairs("dry mouth", "blurred vision", category="common"),
    ),
    Example(
        "<p>Seek emergency medical help if you have any of these:</p>"
        "<ul><li>Swelling of the face</li><li>Wheezing</li></ul>",
        pairs("swelling of the face", "wheezing", category="serious"),
    ),
    Example(  # "occasional" is the rare band of frequency wording
        "<h2>Side effects</h2><p>Dizziness occurs occasionally.</p>",
        pairs("dizziness", category="rare"),
    ),
    Example(  # the "frequently" of "Frequently asked questions" is no frequency
        "<h2>Frequently asked questions</h2><p>Baclofen can cause drowsiness and confusion.</p>",
        pairs("drowsiness", "confusion"),
    ),
    Example(  # an effect the page itself calls severe is serious
        "<p>Baclofen can cause severe headaches.</p>",
        pairs("headaches", category="serious"),  # the grade is the category; the term keeps it
    ),
]

_PSEUDO_HEADINGS = [
    Example(
        "<p><strong>Common side effects</strong></p><ul><li>Nausea</li><li>Insomnia</li></ul>",
        pairs("nausea", "insomnia", category="common"),
    ),
    Example(
        "<p><b>Serious side effects:</b></p><ul><li>Seizures</li><li>Chest pain</li></ul>",
        pairs("seizures", "chest pain", category="serious"),
    ),
    Example(
        "<div><b>Rare side effects</b><ul><li>Jaundice</li><li>Hair loss</li></ul></div>",
        pairs("jaundice", "hair loss", category="rare"),
    ),
    Example(
        "<p>Intro text about the tablets.</p><b>Side effects</b>"
        "<ul><li>Sweating</li><li>Muscle pain</li></ul>",
        pairs("sweating", "muscle pain"),
    ),
    Example(
        "<p><strong>Side effects:</strong> drowsiness, dizziness and tiredness.</p>",
        pairs("drowsiness", "dizziness", "tiredness"),
    ),
    Example(
        '<p><span style="font-weight:bold">Common side effects</span></p>'
        "<ul><li>Drowsiness</li><li>Weakness</li></ul>",
        pairs("drowsiness", "weakness", category="common"),
    ),
]

_ITEMS_WITH_EXPLANATIONS = [
    Example(
        "<h2>Side effects</h2><ul><li>Tremor – a slight shaking of the hands</li>"
        "<li>Headache: usually mild and goes away</li></ul>",
        pairs("tremor", "headache"),
    ),
    Example(
        "<h2>Common side effects</h2><ul><li>Thrush, a yeast infection of the mouth</li>"
        "<li>Hoarse voice</li></ul>",
        pairs("thrush", "hoarse voice", category="common"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Dizziness, especially when standing up quickly</li></ul>",
        pairs("dizziness"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li><strong>Drowsiness</strong> – avoid driving if affected</li>"
        "<li><strong>Nausea</strong> – take the tablets with food</li></ul>",
        pairs("drowsiness", "nausea"),
    ),
    Example(
        "<h2>Common side effects</h2><ul><li>Weight gain (usually a few pounds)</li></ul>",
        pairs("weight gain", category="common"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Diarrhoea — drink plenty of fluids</li></ul>",
        pairs("diarrhoea"),
    ),
]

_GROUP_LABELS = [
    Example(
        "<h2>Side effects</h2><ul><li>Digestive effects: nausea, constipation</li></ul>",
        pairs("nausea", "constipation"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li><strong>Nervous system:</strong> dizziness, headache and "
        "tiredness</li></ul>",
        pairs("dizziness", "headache", "tiredness"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Stomach problems (nausea, vomiting, diarrhea)</li></ul>",
        pairs("nausea", "vomiting", "diarrhea"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Skin reactions: rash or itching</li></ul>",
        pairs("rash", "itching"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Rare: liver damage, jaundice</li></ul>",
        pairs("liver damage", "jaundice", category="rare"),
    ),
]

_PROSE = [
    Example(
        "<h2>Warnings and precautions</h2><p><strong>Hepatotoxicity:</strong> Serious "
        "hepatotoxicity, including liver failure and death, has been reported.</p>",
        pairs("hepatotoxicity", "liver failure", category="serious"),
    ),
    Example(
        "<h2>Adverse reactions</h2><p>An additional adverse reaction from clinical studies was "
        "oropharyngeal pain (1%).</p>",
        pairs("oropharyngeal pain"),
    ),
    Example(
        "<p>The most common side effects are drowsiness, dizziness and weakness.</p>",
        pairs("drowsiness", "dizziness", "weakness", category="common"),
    ),
    Example(
        "<h2>Stopping treatment</h2><p>Stopping it suddenly may cause withdrawal symptoms such as "
        "anxiety, insomnia, or sweating.</p>",
        pairs("anxiety", "insomnia", "sweating", category="withdrawal"),
    ),
    Example(
        "<p>If you stop taking it abruptly you may get withdrawal symptoms such as seizures and "
        "hallucinations.</p>",
        pairs("seizures", "hallucinations", category="withdrawal"),
    ),
    Example(
        "<p>A few people get more serious side effects, such as chest pain and fainting.</p>",
        pairs("chest pain", "fainting", category="serious"),
    ),
    Example(  # "and other ... symptoms" closes the list, it does not replace it
        "<p>Baclofen can give you heartburn and other stomach symptoms.</p>",
        pairs("heartburn"),
    ),
    Example(  # a known effect that ends in a side-effect noun is a term, not a category
        "<p>Baclofen can cause severe allergic reactions.</p>",
        pairs("severe allergic reactions", category="serious"),
    ),
    Example(  # the end of a quotation ends the list
        '<p>"Taking it late in the day can cause insomnia," the pharmacist said.</p>',
        pairs("insomnia"),
    ),
    Example(  # "too much" of something other than the drug is no overdose
        "<p>If you have too much stomach acid, baclofen can cause heartburn.</p>",
        pairs("heartburn"),
    ),
    Example(  # what the drug does to an existing illness
        "<p>Baclofen can exacerbate asthma and COPD.</p>",
        pairs("asthma exacerbation", "copd exacerbation"),
    ),
    Example(
        "<p>Baclofen may worsen depression.</p>",
        pairs("worsening depression"),
    ),
    Example(
        "<h2>Side effects</h2><p>Common side effects include nausea, vomiting and headache.</p>",
        pairs("nausea", "vomiting", "headache", category="common"),
    ),
    Example(
        "<p>Baclofen can cause drowsiness and muscle weakness.</p>",
        pairs("drowsiness", "muscle weakness"),
    ),
    Example(
        "<h2>Side effects</h2><p>Some people notice a headache in the first week. "
        "Rarely, it causes jaundice.</p>",
        pairs("headache") | pairs("jaundice", category="rare"),
    ),
    Example(
        "<h2>Side effects</h2><p>The most common side effects of baclofen are drowsiness, "
        "nausea and confusion.</p>",
        pairs("drowsiness", "nausea", "confusion", category="common"),
    ),
]

_SECTION_BOUNDS = [
    Example(
        "<h2>Side effects</h2><ul><li>Nausea</li></ul>"
        "<h2>How to take it</h2><ul><li>Swallow the tablet whole</li><li>Take it with water</li></ul>",
        pairs("nausea"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Nausea</li><li>Dizziness</li></ul>"
        "<p>Tell your doctor if any of these bother you or do not go away.</p>",
        pairs("nausea", "dizziness"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Nausea</li></ul><h2>How it compares with tizanidine</h2>"
        "<p>Tizanidine can cause dry mouth and low blood pressure.</p>",
        pairs("nausea"),
    ),
    Example(
        "<h2>Side effects</h2><p>It can cause side effects such as dizziness, blurred vision, and a "
        "dry mouth.</p>",
        pairs("dizziness", "blurred vision", "dry mouth"),
    ),
    Example(
        "<h2>Side effects</h2><p>Drowsiness is the most common side effect.</p>",
        pairs("drowsiness", category="common"),
    ),
    Example(
        "<h2>Side effects</h2><p>Like all medicines, baclofen can cause side effects, although not "
        "everybody gets them.</p><ul><li>Nausea</li></ul>",
        pairs("nausea"),
    ),
    Example(
        "<p>Common side effects include feeling sleepy, feeling sick and headaches.</p>",
        pairs("sleepiness", "feeling sick", "headaches", category="common"),  # "feeling sleepy"
    ),
    Example(
        "<h2>Side effects</h2><p>Nausea and headache are common.</p>",
        pairs("nausea", "headache", category="common"),
    ),
    Example(  # a bracketed list after an effect names each of its parts
        "<h2>Side effects</h2><p>Injection site reactions (redness, bruising, thinning and bumps) "
        "may occur.</p>",
        pairs("injection site reactions", "redness", "bruising", "thinning", "bumps"),
    ),
    Example(
        "<h2>Side effects</h2><p>The most common side effects are injection site reactions "
        "(redness, bruising, thinning and bumps).</p>",
        pairs("injection site reactions", "redness", "bruising", "thinning", "bumps",
              category="common"),
    ),
    Example(  # a bracketed word between adjective and noun glosses the adjective
        "<h2>Side effects</h2><p>Serious allergic (hypersensitivity) reactions have happened.</p>",
        pairs("allergic reactions", category="serious"),
    ),
    Example(  # signs of the illness being treated are not effects of the drug
        "<h2>Side effects</h2><p>Tell your doctor about worsening symptoms of your illness (e.g., "
        "more pain, new fractures).</p>",
        set(),
    ),
    Example(  # ... but signs of an adverse effect are
        "<h2>Side effects</h2><p>Tell your doctor about symptoms of liver damage (e.g., jaundice, "
        "dark urine).</p>",
        pairs("liver damage", "jaundice", "dark urine"),
    ),
    Example(  # a modifier coordinated before a known effect shares its noun
        "<h2>Side effects</h2><p>Prolonged or painful erections are rare.</p>",
        pairs("prolonged erections", "painful erections", category="rare"),
    ),
]

_NEGATION = [
    Example("<p>Unlike older medicines, it does not cause drowsiness.</p>", set()),
    Example("<p>Baclofen is not known to cause weight gain.</p>", set()),
    Example("<h2>Side effects</h2><p>Most people have no side effects at all.</p>", set()),
    Example(
        "<h2>Side effects</h2><p>It does not cause constipation, but it may cause nausea.</p>",
        pairs("nausea"),
    ),
    Example(  # the negation belongs to the circumstance; the modal asserts the effect
        "<p>Taking baclofen without food can cause nausea and heartburn.</p>",
        pairs("nausea", "heartburn"),
    ),
    Example("<p>There is no evidence that baclofen can cause seizures.</p>", set()),
    Example("<p>Baclofen may not cause drowsiness.</p>", set()),
    Example("<p>Baclofen does not worsen asthma.</p>", set()),
]

_LORATADINE = "Loratadine (Claritin) for hay fever"

_OTHER_DRUGS = [
    Example(
        "<p>Unlike diphenhydramine, which causes dry mouth, loratadine rarely causes side effects.</p>",
        set(),
        _LORATADINE,
    ),
    Example(
        "<p>Unlike diphenhydramine, which often causes dry mouth and drowsiness, loratadine may cause "
        "headache.</p>",
        pairs("headache"),
        _LORATADINE,
    ),
    Example(
        "<p>Diphenhydramine can cause drowsiness and dry mouth. Loratadine is less sedating.</p>",
        set(),
        _LORATADINE,
    ),
]

_CUES = [
    Example(
        "<p>Call your doctor right away if you have:</p>"
        "<ul><li>Chest pain</li><li>Trouble breathing</li><li>Fainting</li></ul>",
        pairs("chest pain", "trouble breathing", "fainting", category="serious"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Nausea</li></ul><p>Call your doctor right away if you have:</p>"
        "<ul><li>Seizures</li><li>Hallucinations</li></ul>",
        pairs("nausea") | pairs("seizures", "hallucinations", category="serious"),
    ),
    Example(
        "<h2>Signs of overdose</h2><ul><li>Vomiting</li><li>Slow breathing</li><li>Coma</li></ul>",
        pairs("vomiting", "slow breathing", "coma", category="overdose"),
    ),
    Example(
        "<h2>Overdose</h2><p>Signs of an overdose include drowsiness, confusion and slow breathing.</p>",
        pairs("drowsiness", "confusion", "slow breathing", category="overdose"),
    ),
    Example(
        "<h2>Withdrawal symptoms</h2><ul><li>Hallucinations</li><li>Seizures</li><li>Fever</li></ul>",
        pairs("hallucinations", "seizures", "fever", category="withdrawal"),
    ),
    Example(
        "<p>Taking too much baclofen can cause drowsiness, slow breathing and coma.</p>",
        pairs("drowsiness", "slow breathing", "coma", category="overdose"),
    ),
    Example(
        "<h2>Warnings</h2><p><strong>Breathing problems:</strong> baclofen can slow your breathing, "
        "especially with opioids.</p>",
        pairs("breathing problems", category="serious"),
    ),
]

_KNOWN_GAPS = [
    *[
        Example(
            "<h2>Side effects</h2><table><tr><th>Side effect</th><th>How often</th></tr>"
            "<tr><td>Headache</td><td>Common</td></tr><tr><td>Seizures</td><td>Rare</td></tr></table>",
            pairs("headache", category="common") | pairs("seizures", category="rare"),
        ),
    ],
    Example(
        "<p>If you stop taking baclofen suddenly, you may get hallucinations or seizures.</p>",
        pairs("hallucinations", "seizures", category="withdrawal"),
    ),
    *xfail(
        'an effect named after a "call your doctor" cue in a sentence (not a list) is missed',
        Example(
            "<h2>Side effects</h2><ul><li>Nausea</li></ul>"
            "<p>Call your doctor straight away if you notice dark urine.</p>",
            pairs("nausea") | pairs("dark urine", category="serious"),
        ),
    ),
]

_PRIMARY_ROWS = rows(
    _HEADED_LISTS,
    _CATEGORY_WORDS,
    _PSEUDO_HEADINGS,
    _ITEMS_WITH_EXPLANATIONS,
    _GROUP_LABELS,
    _PROSE,
    _SECTION_BOUNDS,
    _NEGATION,
    _OTHER_DRUGS,
    _CUES,
    _KNOWN_GAPS,
)


@pytest.mark.parametrize("example", _PRIMARY_ROWS, ids=row_id)
def test_side_effects_of_the_primary_drug(example: Example) -> None:
    assert primary_side_effects(example.html, example.h1) == example.expected


# --------------------------------------------------------------------------------------------
# Comparison tables: each row's terms belong to that row's drug
# --------------------------------------------------------------------------------------------


def triples(drug: str, *terms: str, category: str = "unspecified") -> set[tuple[str, str, str]]:
    return {(drug, norm(t), category) for t in terms}


_COMPARISON_TABLES = [
    Example(
        "<table><tr><th>Medication</th><th>Common side effects</th><th>Dosing</th></tr>"
        "<tr><td>Sertraline</td><td>Nausea, diarrhea</td><td>Once a day</td></tr>"
        "<tr><td>Fluoxetine</td><td>Insomnia, anxiety</td><td>Once a day</td></tr></table>",
        triples("sertraline", "nausea", "diarrhea", category="common")
        | triples("fluoxetine", "insomnia", "anxiety", category="common"),
    ),
    Example(
        "<table><thead><tr><th>Drug</th><th>Side effects</th><th>Works for</th></tr></thead>"
        "<tbody><tr><td>Baclofen</td><td><ul><li>Drowsiness</li><li>Weakness</li></ul></td>"
        "<td>Spasticity</td></tr>"
        "<tr><td>Tizanidine</td><td><ul><li>Dry mouth</li><li>Low blood pressure</li></ul></td>"
        "<td>Spasticity</td></tr>"
        "<tr><td>Diazepam</td><td><ul><li>Sedation</li></ul></td><td>Anxiety and spasms</td></tr>"
        "</tbody></table>",
        triples("baclofen", "drowsiness", "weakness")
        | triples("tizanidine", "dry mouth", "low blood pressure")
        | triples("diazepam", "sedation"),
    ),
    Example(
        "<table><tr><th>Feature</th><th>Sertraline</th><th>Citalopram</th></tr>"
        "<tr><td>Side effects</td><td>Nausea and insomnia</td><td>Drowsiness</td></tr>"
        "<tr><td>Taken</td><td>Once daily</td><td>Once daily</td></tr></table>",
        triples("sertraline", "nausea", "insomnia") | triples("citalopram", "drowsiness"),
    ),
]

_TABLE_ROWS = rows(_COMPARISON_TABLES)


@pytest.mark.parametrize("example", _TABLE_ROWS, ids=row_id)
def test_side_effects_of_comparisonrows(example: Example) -> None:
    art = article(page(example.html, h1="Comparing medicines"))
    got = {(se["drug"], norm(se["term_normalized"]), se["category"]) for se in art["side_effects"]}
    assert got == example.expected


def test_every_side_effect_keeps_its_evidence() -> None:
    art = article(page("<h2>Side effects</h2><ul><li>Tremor – a slight shaking</li></ul>"))
    (record,) = art["side_effects"]
    assert record["text"] == "Tremor – a slight shaking"
    assert record["drug"] == "baclofen"

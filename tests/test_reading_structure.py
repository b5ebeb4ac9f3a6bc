"""Structure first: the sections, items and lines a reader sees, however the page marks them.

Table-driven like the other snippet tests: each row is a small page written for the test in
the shape real sites use (tabs, accordions, ``<select>`` panels, panel ids, ``<br>`` lines,
runs of short lines, effect-naming sub-headings, category dividers, lead-ins) and the
(term, category) pairs a careful reader takes from it for the page's drug. Every family has
rows in the wordings of at least two kinds of site.
"""

from __future__ import annotations

import pytest

from pipeline.classify import frequency_category
from tests.snippets import Example, article, norm, page, row_id, rows


def pairs(*terms: str, category: str = "unspecified") -> set[tuple[str, str]]:
    return {(norm(t), category) for t in terms}


def side_effects(html: str, h1: str) -> set[tuple[str, str]]:
    art = article(page(html, h1))
    return {(norm(se["term_normalized"]), se["category"]) for se in art["side_effects"]
            if se["drug"] == art["drug"]}


# --------------------------------------------------------------------------------------------
# Sections named only by controls: tabs, accordions, selects, panel ids
# --------------------------------------------------------------------------------------------

_CONTROLS = [
    # a tab strip (role=tab + aria-controls) over hidden panels, as pharmacy product pages have
    Example(
        '<ul role="tablist"><li role="tab" aria-controls="p1">Description</li>'
        '<li role="tab" aria-controls="p2">Side effects</li></ul>'
        '<div id="p1" role="tabpanel"><p>A tablet for muscle spasms.</p></div>'
        '<div id="p2" role="tabpanel"><ul><li>Sleepiness</li><li>Weak legs</li></ul></div>',
        pairs("sleepiness", "weak legs"),
    ),
    # Bootstrap tabs: links with data-toggle and href="#id"
    Example(
        '<ul class="nav"><li><a data-toggle="tab" href="#uses">Uses</a></li>'
        '<li><a data-toggle="tab" href="#adverse">Adverse reactions</a></li></ul>'
        '<div class="tab-content"><div id="uses"><p>For spasticity.</p></div>'
        '<div id="adverse"><p>Ringing ears</p><p>Puffy ankles</p><p>Hiccups</p></div></div>',
        pairs("ringing ears", "puffy ankles", "hiccups"),
    ),
    # an accordion button with data-bs-target, the label inside a heading
    Example(
        '<h3><button data-bs-target="#c2" aria-expanded="false">Possible side effects</button></h3>'
        '<div id="c2" class="collapse"><ul><li>Metallic taste</li><li>Nausea</li></ul></div>',
        pairs("metallic taste", "nausea"),
    ),
    # an accordion button with no panel id: the button itself heads the panel
    Example(
        '<button class="accordion">Side effects</button>'
        '<div class="panel"><ul><li>Dry eyes</li><li>Hair thinning</li></ul></div>',
        pairs("dry eyes", "hair thinning"),
    ),
    # a <select> whose options show panels
    Example(
        '<select><option value="dosing">Dosing</option><option value="se">Side effects</option>'
        '</select><div id="dosing"><p>Take 5 mg.</p></div>'
        '<div id="se"><ul><li>Blurry vision</li><li>Cold hands</li></ul></div>',
        pairs("blurry vision", "cold hands"),
    ),
    # nothing but a panel id that names the section
    Example(
        '<div id="side-effects-content"><ul><li>Tummy ache</li><li>Yawning</li></ul></div>',
        pairs("tummy ache", "yawning"),
    ),
    Example(
        '<div id="tabSideEffects"><ul><li>Restless legs</li><li>Vivid dreams</li></ul></div>',
        pairs("restless legs", "vivid dreams"),
    ),
    # a <details> block headed by its <summary>; what follows it is no longer in the section
    Example(
        "<details><summary>Side effects</summary><ul><li>Flushing</li><li>Itchy scalp</li></ul>"
        "</details><ul><li>Take with water</li><li>Store below 25 C</li></ul>",
        pairs("flushing", "itchy scalp"),
    ),
]

# --------------------------------------------------------------------------------------------
# Lines and items without list markup
# --------------------------------------------------------------------------------------------

_LINES = [
    # <br>-separated lines under a heading are a list's items
    Example("<h2>Side effects</h2><p>Sore throat<br>Swollen gums<br>Sneezing</p>",
            pairs("sore throat", "swollen gums", "sneezing")),
    Example("<h3>Common side effects</h3><div>• Gas<br>• Loose stools<br>• Bloating</div>",
            pairs("gas", "loose stools", "bloating", category="common")),
    # a run of short lines, each its own paragraph
    Example("<h2>Side effects</h2><p>Chills</p><p>Muscle twitching</p><p>Night sweats</p>",
            pairs("chills", "muscle twitching", "night sweats")),
    # a bulleted line that holds a category word stays an item, not a heading
    Example("<h4>Adverse effects</h4><p>• Mild hypothermia<br>• Severe hepatotoxicity<br>"
            "• Vivid dreams</p>",
            pairs("hypothermia", "vivid dreams") | pairs("hepatotoxicity", category="serious")),
    # a <br> inside a heading is a space: "Side<br>effects" still names the section
    Example("<h2>Side<br>effects</h2><ul><li>Hiccups</li></ul>", pairs("hiccups")),
]

# --------------------------------------------------------------------------------------------
# Sub-headings: effect names, category dividers, weak words, inherited categories
# --------------------------------------------------------------------------------------------

_SUB_HEADINGS = [
    # child headings under a side-effect section name effects, with their description below
    Example(
        "<h2>Side effects</h2><h3>Hair loss</h3><p>Use a gentle shampoo.</p>"
        "<h3>Stomach pain and diarrhea</h3><p>Eat smaller meals.</p>",
        pairs("hair loss", "stomach pain", "diarrhea"),
    ),
    # a category heading with nothing under it divides the sibling headings after it
    Example(
        "<h2>Side effects</h2><h3>Common</h3><h3>Dry skin and lips</h3><p>Moisturise.</p>"
        "<h3>Rare</h3><h3>Nosebleeds</h3><p>Use saline spray.</p>",
        pairs("dry skin", "dry lips", category="common") | pairs("nosebleeds", category="rare"),
    ),
    Example(
        "<h2>Adverse effects</h2><h4>Frequent</h4><h4>Headache</h4><p>Often early on.</p>"
        "<h4>Less common</h4><h4>Palpitations</h4><p>Tell your doctor.</p>",
        pairs("headache", category="common") | pairs("palpitations", category="rare"),
    ),
    # a category is inherited through sub-headings of the same section
    Example(
        "<h2>Serious side effects</h2><h3>Allergic reactions</h3><ul><li>Hives</li><li>Wheezing</li></ul>",
        pairs("hives", "wheezing", category="serious"),
    ),
    Example(
        "<h2>Rare side effects</h2><h3>Skin reactions</h3><ul><li>Peeling skin</li></ul>",
        pairs("peeling skin", category="rare"),
    ),
    # a sub-heading with a weak word ("Use in ...", "Monitoring") keeps its parent's kind
    Example(
        "<h2>Side effects</h2><h3>Use in older people</h3><ul><li>Confusion</li><li>Falls</li></ul>",
        pairs("confusion", "falls"),
    ),
    Example(
        "<h2>Side effects</h2><h3>Monitoring</h3><ul><li>Low sodium</li><li>Dizziness</li></ul>",
        pairs("low sodium", "dizziness"),
    ),
    # a topic heading ("Managing nausea") names no effect
    Example("<h2>Side effects</h2><h3>Managing nausea</h3><p>Eat small meals.</p>", set()),
]

# --------------------------------------------------------------------------------------------
# Lead-ins, classified by what they introduce, wherever they stand
# --------------------------------------------------------------------------------------------

_LEAD_INS = [
    Example(
        "<h2>Dosage</h2><p>Take 10 mg a day.</p><p>Call your doctor right away if you have:</p>"
        "<ul><li>Chest pain</li><li>Fainting spells</li></ul>",
        pairs("chest pain", "fainting spells", category="serious"),
    ),
    Example(
        "<h2>How to take it</h2><p>If you notice any of the following, stop taking it:</p>"
        "<ul><li>Dark urine</li><li>Yellow eyes</li></ul>",
        pairs("dark urine", "yellow eyes", category="serious"),
    ),
    # a category noun outranks a list opener: "Signs of an overdose may include" is overdose
    Example(
        "<h2>Overdose</h2><p>Signs of an overdose may include:</p><ul><li>Slurred speech</li>"
        "<li>Very slow breathing</li></ul>",
        pairs("slurred speech", "very slow breathing", category="overdose"),
    ),
    Example(
        "<p>Symptoms of taking too much may include:</p><ul><li>Vomiting</li><li>Seizures</li></ul>",
        pairs("vomiting", "seizures", category="overdose"),
    ),
    # a warnings list whose lead-in names risks is a list of effects too
    Example(
        "<h2>Warnings</h2><p>The medicine carries class warnings for:</p>"
        "<ul><li>Pancreatitis</li><li>Gallbladder disease</li></ul>",
        pairs("pancreatitis", "gallbladder disease", category="serious"),
    ),
]

# --------------------------------------------------------------------------------------------
# Items of a list of effects: a shape test, not a lexicon gate
# --------------------------------------------------------------------------------------------

_ITEMS = [
    # effects no lexicon knows are accepted; advice, audiences and products are not
    Example(
        "<h2>Side effects</h2><ul><li>Facial fat loss</li><li>Yellow-green halos</li>"
        "<li>Drink plenty of water</li><li>People who just started the medicine</li></ul>",
        pairs("facial fat loss", "yellow-green halos"),
    ),
    Example(
        "<h3>Possible side effects</h3><ul><li>Sulfur burps</li><li>Avoid fatty meals</li>"
        "<li>Take it at bedtime</li></ul>",
        pairs("sulfur burps"),
    ),
    # a shared head or modifier is distributed
    Example(
        "<h2>Serious side effects</h2><ul><li>Swelling of the face, throat or tongue</li>"
        "<li>Red or purple skin</li><li>Watery or bloody stools</li></ul>",
        pairs("swelling of the face", "swelling of the throat", "swelling of the tongue",
              "red skin", "purple skin", "watery stools", "bloody stools", category="serious"),
    ),
    Example(
        "<h2>Side effects</h2><ul><li>Difficulty swallowing/breathing</li>"
        "<li>Runny nose/sore throat</li></ul>",
        pairs("difficulty swallowing", "difficulty breathing", "runny nose", "sore throat"),
    ),
    # the tail of an item is read: its cued lists, not its description
    Example(
        "<h2>Side effects</h2><ul><li>Low magnesium, which can present as muscle cramps and "
        "an irregular heartbeat</li><li>Tremor – a slight shaking of the hands</li></ul>",
        pairs("low magnesium", "muscle cramps", "irregular heartbeat", "tremor"),
    ),
    Example(
        "<h2>Rare side effects</h2><ul><li>An allergic reaction – this can cause a rash and "
        "swelling</li></ul>",
        pairs("allergic reaction", "rash", "swelling", category="rare"),
    ),
    # a generic label gives way to the effects its text names
    Example(
        "<h2>Side effects</h2><ul><li><b>Kidney problems:</b> acute kidney injury and worsening "
        "of kidney disease have been reported.</li></ul>",
        pairs("acute kidney injury", "worsening of kidney disease"),
    ),
    # a label of a warnings item that names an effect gives that effect
    Example(
        "<h2>Warnings and precautions</h2><ul><li><b>Hyperkalemia:</b> measure potassium "
        "often; high levels can occur in kidney disease.</li></ul>",
        pairs("hyperkalemia", category="serious"),
    ),
    Example(
        "<h2>Precautions</h2><ul><li><b>Kidney disease:</b> tell your doctor if you have "
        "kidney disease.</li></ul>",
        set(),
    ),
]

# --------------------------------------------------------------------------------------------
# Prose: cue-anchored noun-phrase lists, without lexicon hits
# --------------------------------------------------------------------------------------------

_PROSE = [
    Example(
        "<p>Other side effects seen in a small group of people include feeling lightheaded, "
        "retaining extra fluid or having a faster heart rate.</p>",
        pairs("lightheadedness", "fluid retention", "fast heart rate", category="rare"),
    ),
    Example(
        "<p>Gastrointestinal side effects — bloating, loose stools, or constipation — occur in "
        "about a third of users.</p>",
        pairs("bloating", "loose stools", "constipation"),
    ),
    Example(
        "<p>At low doses, side effects are generally mild — occasional morning grogginess or "
        "vivid dreams — and fade quickly.</p>",
        pairs("morning grogginess", "vivid dreams", category="common"),
    ),
    # "reduces the risk of X" is a benefit, not a side effect
    Example("<p>Baclofen may reduce the risk of falls and lowers the risk of pressure sores.</p>",
            set()),
    # a mention inside a longer term already taken is not a second term
    Example("<h2>Side effects</h2><p>Side effects include unusual fatigue and joint pain. The "
            "fatigue usually fades within weeks.</p>",
            pairs("unusual fatigue", "joint pain")),
    # symptoms of a named syndrome belong to that syndrome's term
    Example(
        "<h2>Side effects</h2><ul><li>Low blood sugar when used with insulin – look out for "
        "shakiness, sweating and confusion</li></ul>",
        pairs("low blood sugar"),
    ),
    # the effects a list names stop where its parts stop being effects
    Example(
        "<p>It can produce side effects such as euphoria and breathing problems, its effects "
        "being milder than those of stronger drugs.</p>",
        pairs("euphoria", "breathing problems"),
    ),
]

# --------------------------------------------------------------------------------------------
# Drug attribution on a single-drug page
# --------------------------------------------------------------------------------------------

_ATTRIBUTION = [
    # a nutrient or drug named inside the effect does not move it
    Example("<h2>Side effects</h2><ul><li>Vitamin B12 deficiency</li><li>Low magnesium</li></ul>",
            pairs("vitamin b12 deficiency", "low magnesium"), "Metformin tablets"),
    # an interaction names the other drug as an object: the effect stays with this one
    Example(
        "<h2>Side effects</h2><p>When metformin is taken with insulin or a sulfonylurea such as "
        "gliclazide, it can cause low blood sugar.</p>",
        pairs("low blood sugar"), "Metformin tablets",
    ),
    # another class as the subject: its effects are not this drug's
    Example(
        "<h2>Side effects</h2><p>Thiazide diuretics can cause low potassium, which raises the "
        "risk of toxicity.</p><ul><li>Nausea</li></ul>",
        pairs("nausea"), "Digoxin tablets",
    ),
]

# --------------------------------------------------------------------------------------------
# The shapes of the large drug-information sites, in fixtures of our own
# --------------------------------------------------------------------------------------------

_SITE_SHAPES = [
    # a semicolon list after "signs of an allergic reaction:" is one list, read without the lexicon
    Example("<h2>Serious side effects</h2><p>Get emergency medical help if you have signs of an "
            "allergic reaction: hives; difficult breathing; swelling of your face or tongue.</p>",
            pairs("allergic reaction", "hives", "difficult breathing", "swelling of your face",
                  "swelling of your tongue", category="serious"), "Lisinopril tablets"),
    Example("<h2>Side effects</h2><p>Stop using it and call your doctor if you have symptoms such "
            "as: blistering skin; puffy eyelids; tightness in the chest.</p>",
            pairs("blistering skin", "puffy eyelids", "tightness in the chest", category="serious"),
            "Lisinopril tablets"),
    # an effect typed with two hyphens before its signs names the effect and its signs
    Example("<h2>Side effects</h2><p>Call your doctor at once if you have:</p><ul><li>high blood "
            "potassium--nausea, weakness, tingly feeling; or</li><li>little or no urination;</li></ul>",
            pairs("high blood potassium", "nausea", "weakness", "tingly feeling",
                  "little or no urination", category="serious"), "Lisinopril tablets"),
    Example("<h2>Side effects</h2><ul><li>Low sodium — confusion, headache, unsteadiness</li></ul>",
            pairs("low sodium", "confusion", "headache", "unsteadiness"), "Carbamazepine tablets"),
    # a care-team leaflet: "report as soon as possible" frames serious effects, and an em dash
    # without spaces parts the effect from its signs
    Example("<h2>What side effects may I notice?</h2><p>Side effects that you should report to "
            "your care team as soon as possible:</p><ul><li>Low blood pressure\u2014dizziness, "
            "blurry vision</li></ul><p>Side effects that usually do not require medical "
            "attention:</p><ul><li>Fatigue</li></ul>",
            pairs("low blood pressure", "dizziness", "blurry vision", category="serious")
            | pairs("fatigue"), "Amlodipine tablets"),
    # footnote marks and "risk of" around a shared modifier
    Example("<h2>Serious side effects</h2><ul><li>risk of suicidal thoughts and behaviors*</li>"
            "<li>manic episodes\u2020</li></ul>",
            pairs("suicidal thoughts", "suicidal behaviors", "manic episodes", category="serious"),
            "Escitalopram tablets"),
    # a summary of product characteristics: organ classes down, frequencies across
    Example("<h2>4.8 Undesirable effects</h2><table><tr><th>System organ class</th><th>Very common"
            " (&ge;1/10)</th><th>Common (&ge;1/100 to &lt;1/10)</th><th>Rare</th></tr><tr><td>"
            "Nervous system disorders</td><td>Dizziness, somnolence</td><td>Tremor</td><td>"
            "Convulsions</td></tr><tr><td>Eye disorders</td><td></td><td>Diplopia</td><td></td>"
            "</tr></table>",
            pairs("dizziness", "somnolence", "tremor", "diplopia", category="common")
            | pairs("convulsions", category="rare"), "Pregabalin capsules"),
    Example("<h2>Side effects</h2><table><thead><tr><th>Body system</th><th>Common</th><th>Less "
            "common</th></tr></thead><tbody><tr><td>Stomach and gut</td><td><ul><li>Nausea</li>"
            "<li>Wind</li></ul></td><td>Pancreatitis</td></tr></tbody></table>",
            pairs("nausea", "wind", category="common") | pairs("pancreatitis", category="rare"),
            "Metformin tablets"),
    # effects reported in a category before a colon
    Example("<h2>Undesirable effects</h2><p>Withdrawal symptoms have been observed after "
            "discontinuation: insomnia, headache, flu syndrome.</p>",
            pairs("insomnia", "headache", "flu syndrome", category="withdrawal"),
            "Pregabalin capsules"),
    # ... but an effect before a colon is the effect ("can cause diarrhoea: take it with food")
    Example("<h2>Side effects</h2><p>Metformin can cause diarrhoea: take it with food.</p>",
            pairs("diarrhoea"), "Metformin tablets"),
    Example("<h2>Side effects</h2><p>Discontinuation symptoms have also been reported on stopping "
            "treatment abruptly: dizziness, irritability.</p>",
            pairs("dizziness", "irritability", category="withdrawal"), "Sertraline tablets"),
    # a grade and a generic noun ("a serious condition") name no effect; "less commonly" is rare
    Example("<h2>Side effects</h2><p>In rare cases, metformin has been linked to lactic acidosis, "
            "a serious condition.</p><p>Less commonly, metformin may lead to vitamin B12 "
            "deficiency over time.</p>",
            pairs("lactic acidosis", "vitamin b12 deficiency", category="rare"), "Metformin tablets"),
    Example("<h2>Side effects</h2><p>Rarely, it can cause hepatitis and other serious problems.</p>",
            pairs("hepatitis", category="rare"), "Isoniazid tablets"),
    # frequencies in words: a leaflet's two-column table and an NHS-style heading
    Example("<h2>How common are the side effects?</h2><table><tr><td>Weight gain</td><td>More "
            "than 1 in 10 people</td></tr><tr><td>Blurred vision</td><td>Up to 1 in 100 people"
            "</td></tr></table>",
            pairs("weight gain", category="common") | pairs("blurred vision", category="rare"),
            "Amitriptyline tablets"),
    Example("<h2>Side effects</h2><h3>Happens in more than 1 in 100 people</h3><ul><li>Headaches"
            "</li></ul><h3>Happens in fewer than 1 in 1,000 people</h3><ul><li>Fainting</li></ul>",
            pairs("headaches", category="common") | pairs("fainting", category="rare"),
            "Amitriptyline tablets"),
    # category labels inside one paragraph each hold for their own sentence
    Example("<h2>Side effects</h2><p><b>Common:</b> headache, insomnia. <b>Rare:</b> "
            "hyponatraemia, bleeding.</p>",
            pairs("headache", "insomnia", category="common")
            | pairs("hyponatraemia", "bleeding", category="rare"), "Citalopram tablets"),
    Example("<h2>Adverse reactions</h2><p>Frequent: nausea; dizziness. Less common: rash.</p>",
            pairs("nausea", "dizziness", category="common") | pairs("rash", category="rare"),
            "Citalopram tablets"),
    # a group named before its examples gives the examples ("serious events such as ...")
    Example("<h2>Adverse reactions</h2><ul><li>Cardiovascular system: serious events such as "
            "clinically significant arrhythmias, angina pectoris or myocardial infarction have "
            "been reported.</li></ul>",
            pairs("arrhythmias", "angina pectoris", "myocardial infarction", category="serious"),
            "Sildenafil tablets"),
    # a listicle: the headline names the page's side effects, its headings name them one each
    Example("<h2>1. Nausea and vomiting</h2><p>It usually fades after a few weeks.</p><h2>2. "
            "Hair loss</h2><p>Rapid weight loss can thin the hair.</p><h2>How to reduce side "
            "effects</h2><p>Eat smaller meals.</p>",
            pairs("nausea", "vomiting", "hair loss"),
            "7 Ozempic side effects you should know about"),
    Example("<h3>Headaches</h3><p>They tend to ease after the first week.</p><h3>Trouble "
            "sleeping</h3><p>Take it in the morning.</p>",
            pairs("headaches", "trouble sleeping"),
            "The side effects of sertraline that most people notice in the first month"),
    # a patient leaflet: a lead-in sentence ending in a full stop still introduces its list,
    # and a bracketed circumstance is no effect
    Example("<h2>4. Possible side effects</h2><p><b>Visit your doctor immediately if you "
            "experience any of the following side effects after taking this medicine.</b></p>"
            "<ul><li>Swelling of eyelids, face or lips</li></ul><p><b>Common: may affect up to 1 "
            "in 10 people</b></p><ul><li>Headache, sleepiness (especially at the beginning of "
            "treatment)</li></ul>",
            pairs("swelling of eyelids", "swelling of face", "swelling of lips", category="serious")
            | pairs("headache", "sleepiness", category="common"), "Amlodipine tablets"),
    Example("<h2>Side effects</h2><p>Stop taking it and call a doctor if you get the following.</p>"
            "<ul><li>Yellow skin</li><li>Dark urine</li></ul>",
            pairs("yellow skin", "dark urine", category="serious"), "Amlodipine tablets"),
    # a run of plain modifiers shares its head, even where one of them is a term by itself
    Example("<h2>Side effects</h2><ul><li>rapid, pounding, or irregular heartbeat</li>"
            "<li>difficult, burning, or painful urination</li></ul>",
            pairs("rapid heartbeat", "pounding heartbeat", "irregular heartbeat",
                  "difficult urination", "burning urination", "painful urination"),
            "Metoprolol tablets"),
    # a slash shares the head noun: "severe stomach/abdominal pain"
    Example("<h2>Side effects</h2><p>Tell your doctor right away if you have any serious side "
            "effects, including: dark urine, severe stomach/abdominal pain.</p>",
            pairs("dark urine", "stomach pain", "abdominal pain", category="serious"),
            "Amoxicillin capsules"),
    # "if any of these are severe" is a condition on the list, not its category
    Example("<h2>What side effects can this medication cause?</h2><p>Tell your doctor if any of "
            "these symptoms are severe or do not go away:</p><ul><li>tiredness</li><li>runny "
            "nose</li></ul>", pairs("tiredness", "runny nose"), "Metoprolol tablets"),
    Example("<h2>Side effects</h2><p>Talk to your pharmacist if any of these side effects get "
            "severe or bother you:</p><ul><li>headache</li><li>dry mouth</li></ul>",
            pairs("headache", "dry mouth"), "Sertraline tablets"),
    # a lay description glossed by the effect's name gives the name
    Example("<h2>Common side effects</h2><ul><li>not being able to sleep (insomnia)</li>"
            "<li>feeling sick (nausea)</li></ul>", pairs("insomnia", "feeling sick", category="common"),
            "Sertraline tablets"),
    # a clause ("your lips turn blue") is no list of terms: no "your skin" comes out of it
    Example("<h3>Call 999 if:</h3><ul><li>your skin, tongue or lips turn blue, grey or pale</li>"
            "<li>wheezing</li></ul>", pairs("wheezing", category="serious"), "Sertraline tablets"),
    Example("<h2>Side effects</h2><p>Go to A&amp;E now if:</p><ul><li>you're wheezing</li><li>your "
            "lips start swelling</li><li>chest tightness</li></ul>",
            pairs("wheezing", "swelling of the lips", "chest tightness", category="serious"),
            "Sertraline tablets"),
    # an effect of ordinary use and a sign of overdose are two facts
    Example("<h2>Side effects</h2><ul><li>dizziness</li><li>tiredness</li></ul><h2>Overdose</h2>"
            "<p>Symptoms of overdose may include:</p><ul><li>dizziness</li><li>fainting</li></ul>",
            pairs("dizziness", "tiredness") | pairs("dizziness", "fainting", category="overdose"),
            "Metoprolol tablets"),
]

_FAMILIES = rows(_CONTROLS, _LINES, _SUB_HEADINGS, _LEAD_INS, _ITEMS, _PROSE, _ATTRIBUTION, _SITE_SHAPES)


@pytest.mark.parametrize("example", _FAMILIES, ids=row_id)
def test_structure_first_side_effects(example: Example) -> None:
    assert side_effects(example.html, example.h1) == example.expected


# --------------------------------------------------------------------------------------------
# Main content: a link-dense list under a recognised section heading is content
# --------------------------------------------------------------------------------------------

_LINKED_LISTS = [
    Example(
        '<h2>Side effects</h2><ul><li><a href="/a">Drowsiness</a></li><li><a href="/b">Nausea'
        '</a></li><li><a href="/c">Headache</a></li></ul>',
        pairs("drowsiness", "nausea", "headache"),
    ),
    Example(
        '<h3>Adverse reactions</h3><ol><li><a href="/x">Rash</a></li><li><a href="/y">Itching'
        '</a></li><li><a href="/z">Hives</a></li></ol>',
        pairs("rash", "itching", "hives"),
    ),
]


@pytest.mark.parametrize("example", _LINKED_LISTS, ids=row_id)
def test_a_linked_list_under_a_section_heading_is_content(example: Example) -> None:
    menu = '<nav><ul><li><a href="/1">Home</a></li><li><a href="/2">About</a></li></ul></nav>'
    art = article(page(example.html, outside=menu))
    assert {(norm(se["term_normalized"]), se["category"]) for se in art["side_effects"]} == example.expected


@pytest.mark.parametrize(("text", "category"), [
    ("more than 1 in 10 people", "common"),
    ("up to 1 in 10 people", "common"),
    ("Affects more than 1 in 100 people", "common"),
    ("up to 1 in 100 people", "rare"),
    ("fewer than 1 in 1,000 people", "rare"),
    ("about 1 in 10,000", "rare"),
    ("may affect 1 out of 20 people", "common"),
    ("Take 1 tablet a day", None),
])
def test_frequency_in_words_gives_a_category(text: str, category: str | None) -> None:
    assert frequency_category(text) == category

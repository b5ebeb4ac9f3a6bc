"""Tests for the drug lexicon and matcher (pipeline.normalize.drugs).

The behaviour tests are tables of ``(input, expected)`` rows grouped by what they exercise, with
one parametrized test per public function, so a new case is one line in the right table. The
data tests read the TSV files directly rather than through the matcher, so a bad row is reported
as a data problem, not as a mysterious matching failure.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.drugs import ClassMention, DrugLexicon, DrugMention, lexicon

# --- canonical() --------------------------------------------------------------------------------

BRANDS = [
    ("Viagra", "sildenafil"),
    ("Revatio", "sildenafil"),
    ("Kamagra", "sildenafil"),
    ("Cialis", "tadalafil"),
    ("Adcirca", "tadalafil"),
    ("Levitra", "vardenafil"),
    ("Staxyn", "vardenafil"),
    ("Spedra", "avanafil"),
    ("Stendra", "avanafil"),
    ("Ozempic", "semaglutide"),
    ("Wegovy", "semaglutide"),
    ("Rybelsus", "semaglutide"),
    ("Mounjaro", "tirzepatide"),
    ("Lioresal", "baclofen"),
    ("Gablofen", "baclofen"),
    ("Ozobax", "baclofen"),
    ("Propecia", "finasteride"),
    ("Proscar", "finasteride"),
    ("Vascepa", "icosapent ethyl"),
    ("Strensiq", "asfotase alfa"),
    ("Tolsura", "itraconazole"),
    ("Sporanox", "itraconazole"),
    ("Beleodaq", "belinostat"),
    ("Cholbam", "cholic acid"),
    ("Orphacol", "cholic acid"),
    ("Paxlovid", "nirmatrelvir/ritonavir"),
    ("Entresto", "sacubitril/valsartan"),
    ("Augmentin", "amoxicillin/clavulanate"),
    ("Modalert", "modafinil"),
    ("Provigil", "modafinil"),
    ("Nuvigil", "armodafinil"),
    ("Priligy", "dapoxetine"),
    ("Renvela", "sevelamer"),
    ("Spravato", "esketamine"),
    ("Zantac", "ranitidine"),
    ("Zantac 360", "famotidine"),
    ("Tylenol", "acetaminophen"),
    ("Tylenol PM", "acetaminophen/diphenhydramine"),
    ("Norco", "acetaminophen/hydrocodone"),
    ("Adderall", "amphetamine/dextroamphetamine"),
    ("Nolotil", "metamizole"),
    ("Arcoxia", "etoricoxib"),
]

INN_AND_BRITISH_NAMES = [
    ("paracetamol", "acetaminophen"),
    ("salbutamol", "albuterol"),
    ("glyceryl trinitrate", "nitroglycerin"),
    ("frusemide", "furosemide"),
    ("pethidine", "meperidine"),
    ("dipyrone", "metamizole"),
    ("rifampicin", "rifampin"),
    ("ciclosporin", "cyclosporine"),
    ("glibenclamide", "glyburide"),
    ("mesalazine", "mesalamine"),
    ("indometacin", "indomethacin"),
    ("chlorphenamine", "chlorpheniramine"),
    ("co-amoxiclav", "amoxicillin/clavulanate"),
    ("co-trimoxazole", "sulfamethoxazole/trimethoprim"),
    ("adrenaline", "epinephrine"),
    ("vitamin B12", "cyanocobalamin"),
    ("vitamin D3", "cholecalciferol"),
    ("rapamycin", "sirolimus"),
]

FOREIGN_SPELLINGS = [
    ("omeprazol", "omeprazole"),
    ("carbamazepina", "carbamazepine"),
    ("ketamina", "ketamine"),
    ("quetiapin", "quetiapine"),
    ("quetiapina", "quetiapine"),
    ("ibuprofeno", "ibuprofen"),
    ("Ibuprofen", "ibuprofen"),
    ("ibuprofène", "ibuprofen"),
    ("metformina", "metformin"),
    ("sertralina", "sertraline"),
    ("morfina", "morphine"),
    ("Morphin", "morphine"),
    ("morfin", "morphine"),
    ("paracétamol", "acetaminophen"),
    ("paracetamolo", "acetaminophen"),
    ("Acetylsalicylsäure", "aspirin"),
    ("ácido acetilsalicílico", "aspirin"),
    ("ossicodone", "oxycodone"),
    ("idroclorotiazide", "hydrochlorothiazide"),
    ("kodein", "codeine"),
    ("metadon", "methadone"),
    ("amoxicillina", "amoxicillin"),
    ("levotiroxina", "levothyroxine"),
    ("Furosemid", "furosemide"),
    ("insuline glargine", "insulin glargine"),
    ("fenitoína", "phenytoin"),
    ("AMLODIPINO", "amlodipine"),
]

SALTS_AND_ESTERS = [
    ("Sildenafil Citrate", "sildenafil"),
    ("metoprolol succinate", "metoprolol"),
    ("metoprolol tartrate", "metoprolol"),
    ("atorvastatin calcium", "atorvastatin"),
    ("amlodipine besylate", "amlodipine"),
    ("losartan potassium", "losartan"),
    ("doxycycline hyclate", "doxycycline"),
    ("escitalopram oxalate", "escitalopram"),
    ("levothyroxine sodium", "levothyroxine"),
    ("morphine sulfate", "morphine"),
    ("Sertraline HCl", "sertraline"),
    ("lisinopril dihydrate", "lisinopril"),
    ("cetirizine dihydrochloride", "cetirizine"),
    ("fluticasone furoate", "fluticasone"),
]

DECORATED_NAMES = [
    ("Cialis 20mg", "tadalafil"),
    ("Cialis 20 mg", "tadalafil"),
    ("Viagra®", "sildenafil"),
    ("Cialis™", "tadalafil"),
    ("Xarelto(R)", "rivaroxaban"),
    ("  Ozempic  ", "semaglutide"),
    ("(Viagra)", "sildenafil"),
    ('"Lipitor",', "atorvastatin"),
    ("Lipitor 10 mg tablets", "atorvastatin"),
    ("Ozempic 0.25 mg/dose", "semaglutide"),
    ("metformin ER 500 mg", "metformin"),
    ("metoprolol succinate ER 50 mg", "metoprolol"),
    ("Wellbutrin XL", "bupropion"),
    ("Toprol-XL", "metoprolol"),
    ("Toprol XL", "metoprolol"),
    ("Tylenol Extra Strength", "acetaminophen"),
    ("Super Kamagra", "sildenafil"),
    ("Lipitor (atorvastatin)", "atorvastatin"),
    ("VIAGRA", "sildenafil"),
    ("viagra", "sildenafil"),
]

COMBINATIONS = [
    ("sacubitril/valsartan", "sacubitril/valsartan"),
    ("Sacubitril-Valsartan", "sacubitril/valsartan"),
    ("valsartan/sacubitril", "sacubitril/valsartan"),
    ("sacubitril and valsartan", "sacubitril/valsartan"),
    ("amoxicillin + clavulanate", "amoxicillin/clavulanate"),
    ("amoxicillin/clavulanic acid", "amoxicillin/clavulanate"),
    ("amoxicilina y ácido clavulánico", "amoxicillin/clavulanate"),
    ("nirmatrelvir / ritonavir", "nirmatrelvir/ritonavir"),
    ("hydrocodone/APAP", "acetaminophen/hydrocodone"),
    ("carbidopa-levodopa", "carbidopa/levodopa"),
    ("amlodipine/valsartan/hydrochlorothiazide", "amlodipine/hydrochlorothiazide/valsartan"),
    ("buprenorphine and naloxone", "buprenorphine/naloxone"),
]

CASE_SENSITIVE_BRANDS = [
    ("Plan B", "levonorgestrel"),
    ("plan b", None),
    ("Soma", "carisoprodol"),
    ("soma", None),
    ("Alli", "orlistat"),
    ("alli", None),
    ("ASA", "aspirin"),
    ("asa", None),
]

UNKNOWN_NAMES: list[tuple[str, str | None]] = [
    ("", None),
    ("   ", None),
    ("®", None),
    ("20 mg", None),
    ("hello", None),
    ("Viagrafoo", None),
    ("statins", None),
    ("beta blockers", None),
    ("Tylenol and Advil", None),
    ("ketaminex", None),
]

CANONICAL_TABLES: dict[str, Sequence[tuple[str, str | None]]] = {
    "brand": BRANDS,
    "inn": INN_AND_BRITISH_NAMES,
    "foreign": FOREIGN_SPELLINGS,
    "salt": SALTS_AND_ESTERS,
    "decorated": DECORATED_NAMES,
    "combination": COMBINATIONS,
    "case": CASE_SENSITIVE_BRANDS,
    "unknown": UNKNOWN_NAMES,
}


def _rows(tables: Mapping[str, Sequence[tuple[str, object]]]) -> list[object]:
    """Flatten named tables into pytest params whose ids say which table a row came from."""
    return [
        pytest.param(given_, expected, id=f"{group}:{given_!r}")
        for group, table in tables.items()
        for given_, expected in table
    ]


@pytest.mark.parametrize(("name", "expected"), _rows(CANONICAL_TABLES))
def test_canonical(name: str, expected: str | None) -> None:
    assert lexicon().canonical(name) == expected


# --- is_drug() ----------------------------------------------------------------------------------

IS_DRUG = [
    ("Viagra", True),
    ("paracetamol", True),
    ("Sacubitril-Valsartan", True),
    ("statins", False),
    ("hello", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), IS_DRUG)
def test_is_drug(name: str, expected: bool) -> None:
    assert lexicon().is_drug(name) is expected


# --- drug_class() -------------------------------------------------------------------------------

DRUG_CLASSES = [
    ("sildenafil", "pde5 inhibitor"),
    ("Viagra", "pde5 inhibitor"),
    ("baclofen", "muscle relaxant"),
    ("famotidine", "h2 receptor antagonist"),
    ("metoprolol", "beta blocker"),
    ("pindolol", "beta blocker"),
    ("ibuprofen", "nsaid"),
    ("metamizole", "nsaid"),
    ("sertraline", "ssri"),
    ("atorvastatin", "statin"),
    ("omeprazol", "ppi"),
    ("semaglutide", "glp-1 receptor agonist"),
    ("amitriptyline", "tricyclic antidepressant"),
    ("itraconazole", "antifungal"),
    ("belinostat", "hdac inhibitor"),
    ("sacubitril/valsartan", "arni"),
    ("Cholbam", "bile acid"),
    ("unknown", None),
    ("statin", None),
]


@pytest.mark.parametrize(("generic", "expected"), DRUG_CLASSES)
def test_drug_class(generic: str, expected: str | None) -> None:
    assert lexicon().drug_class(generic) == expected


# --- find() -------------------------------------------------------------------------------------

# Each expected mention is (generic, text as matched, is_brand).
Found = list[tuple[str, str, bool]]

FIND_BRANDS_AND_MARKS: list[tuple[str, Found]] = [
    ("Take Viagra 50 mg daily.", [("sildenafil", "Viagra", True)]),
    (
        "Viagra®, Cialis™ and Levitra",
        [
            ("sildenafil", "Viagra", True),
            ("tadalafil", "Cialis", True),
            ("vardenafil", "Levitra", True),
        ],
    ),
    ("Cialis20mg once daily", [("tadalafil", "Cialis", True)]),
    ("Super Kamagra", [("sildenafil", "Kamagra", True)]),
    (
        "Zantac 360 is famotidine",
        [("famotidine", "Zantac 360", True), ("famotidine", "famotidine", False)],
    ),
    ("Toprol-XL", [("metoprolol", "Toprol-XL", True)]),
    ("VIAGRA", [("sildenafil", "VIAGRA", True)]),
]

FIND_WORD_BOUNDARIES: list[tuple[str, Found]] = [
    (
        "Esketamine differs from ketamine.",
        [("esketamine", "Esketamine", False), ("ketamine", "ketamine", False)],
    ),
    ("S-ketamine", [("esketamine", "S-ketamine", False)]),
    ("Ibuprofen-Tabletten 400 mg", [("ibuprofen", "Ibuprofen", False)]),
    ("aspirinate and preibuprofen", []),
    (
        "vitamin D3 or vitamin B12",
        [("cholecalciferol", "vitamin D3", False), ("cyanocobalamin", "vitamin B12", False)],
    ),
    ("No drugs are named here.", []),
]

FIND_LONGEST_MATCH: list[tuple[str, Found]] = [
    ("sildenafil citrate tablets", [("sildenafil", "sildenafil citrate", False)]),
    (
        "insulin glargine (Lantus)",
        [("insulin glargine", "insulin glargine", False), ("insulin glargine", "Lantus", True)],
    ),
    ("Calcium channel blockers differ from calcium.", [("calcium", "calcium", False)]),
    ("Tylenol PM at night", [("acetaminophen/diphenhydramine", "Tylenol PM", True)]),
]

FIND_COMBINATIONS: list[tuple[str, Found]] = [
    (
        "Sacubitril-Valsartan (Entresto)",
        [
            ("sacubitril/valsartan", "Sacubitril-Valsartan", False),
            ("sacubitril/valsartan", "Entresto", True),
        ],
    ),
    ("amlodipine and benazepril", [("amlodipine/benazepril", "amlodipine and benazepril", False)]),
    ("paracetamol + codeine", [("acetaminophen/codeine", "paracetamol + codeine", False)]),
    (
        "Tylenol and Advil",
        [("acetaminophen", "Tylenol", True), ("ibuprofen", "Advil", True)],
    ),
    (
        "metformin-glipizide",
        [("metformin", "metformin", False), ("glipizide", "glipizide", False)],
    ),
    (
        "Paracétamol ou ibuprofène",
        [("acetaminophen", "Paracétamol", False), ("ibuprofen", "ibuprofène", False)],
    ),
]

FIND_FOREIGN: list[tuple[str, Found]] = [
    ("Ketamina y morfina", [("ketamine", "Ketamina", False), ("morphine", "morfina", False)]),
    (
        "La carbamazepina interactúa con el omeprazol.",
        [("carbamazepine", "carbamazepina", False), ("omeprazole", "omeprazol", False)],
    ),
    ("Quetiapin 50\u00a0mg", [("quetiapine", "Quetiapin", False)]),
    ("β-blockers such as propranolol", [("propranolol", "propranolol", False)]),
]

FIND_CASE_SENSITIVE: list[tuple[str, Found]] = [
    ("Soma is a brand; the soma is a cell body", [("carisoprodol", "Soma", True)]),
    ("Use Nix for lice, then nix the rest", [("permethrin", "Nix", True)]),
    ("ASA 81 mg", [("aspirin", "ASA", False)]),
]

FIND_TABLES = {
    "brand": FIND_BRANDS_AND_MARKS,
    "boundary": FIND_WORD_BOUNDARIES,
    "longest": FIND_LONGEST_MATCH,
    "combination": FIND_COMBINATIONS,
    "foreign": FIND_FOREIGN,
    "case": FIND_CASE_SENSITIVE,
}


@pytest.mark.parametrize(("text", "expected"), _rows(FIND_TABLES))
def test_find(text: str, expected: Found) -> None:
    mentions = lexicon().find(text)
    assert [(m.generic, m.text, m.is_brand) for m in mentions] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


# --- find_classes() -----------------------------------------------------------------------------

FIND_CLASSES: list[tuple[str, list[tuple[str, str]]]] = [
    ("beta-blockers", [("beta blocker", "beta-blockers")]),
    ("Beta blockers", [("beta blocker", "Beta blockers")]),
    ("β-blockers and NSAIDs", [("beta blocker", "β-blockers"), ("nsaid", "NSAIDs")]),
    ("Los AINEs", [("nsaid", "AINEs")]),
    ("PDE5 inhibitors", [("pde5 inhibitor", "PDE5 inhibitors")]),
    (
        "phosphodiesterase type 5 inhibitors",
        [("pde5 inhibitor", "phosphodiesterase type 5 inhibitors")],
    ),
    ("H2 blockers vs PPIs", [("h2 receptor antagonist", "H2 blockers"), ("ppi", "PPIs")]),
    ("H2RAs", [("h2 receptor antagonist", "H2RAs")]),
    ("SSRIs and SNRIs", [("ssri", "SSRIs"), ("snri", "SNRIs")]),
    ("Antidepresivos tricíclicos", [("tricyclic antidepressant", "Antidepresivos tricíclicos")]),
    ("calcium channel blockers", [("calcium channel blocker", "calcium channel blockers")]),
    ("diabetes medications", [("antidiabetic", "diabetes medications")]),
    ("muscle relaxers", [("muscle relaxant", "muscle relaxers")]),
    ("Statine senken Cholesterin", [("statin", "Statine")]),
    ("opioids and benzodiazepines", [("opioid", "opioids"), ("benzodiazepine", "benzodiazepines")]),
    ("insulin therapy", [("insulin", "insulin")]),
    ("insulin glargine", []),
    ("a SABA inhaler", [("bronchodilator", "SABA")]),
    ("saba", []),
    ("No class is named here.", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CLASSES)
def test_find_classes(text: str, expected: list[tuple[str, str]]) -> None:
    mentions = lexicon().find_classes(text)
    assert [(m.drug_class, m.text) for m in mentions] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


# --- properties ---------------------------------------------------------------------------------

_SOME_NAMES = ["Viagra", "sildenafil", "ketamina", "beta-blockers", "Sacubitril", "valsartan"]
_TEXT_PIECES = st.one_of(
    st.sampled_from([*_SOME_NAMES, " ", "-", "/", " and ", "®", "İ", "é", "\u00a0", "β"]),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_TEXT_PIECES, max_size=12).map("".join)))
def test_find_never_raises_and_offsets_hold(text: str) -> None:
    mentions: list[DrugMention] = lexicon().find(text)
    classes: list[ClassMention] = lexicon().find_classes(text)
    end = 0
    for mention in mentions:
        assert mention.text == text[mention.start : mention.end]
        assert mention.start >= end, "mentions overlap or are out of order"
        end = mention.end
    for cls in classes:
        assert cls.text == text[cls.start : cls.end]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_canonical_never_raises(text: str) -> None:
    result = lexicon().canonical(text)
    assert result is None or lexicon().drug_class(result) is not None


def test_find_is_fast_on_a_large_page() -> None:
    sentence = (
        "Patients taking metformin or Ozempic® should ask before adding ibuprofen, "
        "naproxen or other NSAIDs; paracetamol is usually preferred for pain. "
    )
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    lexicon().find(text)
    started = time.perf_counter()
    lexicon().find(text)
    # A few milliseconds on a laptop; the bound only catches accidental quadratic behaviour.
    assert time.perf_counter() - started < 0.25


# --- data integrity -----------------------------------------------------------------------------

DATA = files("pipeline") / "data"


def _read(name: str) -> tuple[list[str], list[list[str]]]:
    """Comment lines and rows (header first) of a packaged TSV file."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return comments, rows


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.lstrip("=").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split())


def _names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split("|") if name.strip()]


DRUG_COMMENTS, (DRUG_HEADER, *DRUG_ROWS) = _read("drugs.tsv")
CLASS_COMMENTS, (CLASS_HEADER, *CLASS_ROWS) = _read("drug_classes.tsv")
GENERICS = [row[0] for row in DRUG_ROWS]

# Every generic the coverage requirements name explicitly.
REQUIRED_GENERICS = [
    "sildenafil", "tadalafil", "vardenafil", "avanafil", "baclofen", "tizanidine",
    "cyclobenzaprine", "methocarbamol", "carisoprodol", "diazepam", "morphine", "oxycodone",
    "hydrocodone", "fentanyl", "tramadol", "codeine", "hydromorphone", "methadone",
    "buprenorphine", "ketamine", "esketamine", "cimetidine", "ranitidine", "famotidine",
    "nizatidine", "metoprolol", "atenolol", "propranolol", "pindolol", "acebutolol", "carvedilol",
    "nebivolol", "labetalol", "esmolol", "aspirin", "ibuprofen", "naproxen", "diclofenac",
    "celecoxib", "meloxicam", "indomethacin", "ketorolac", "etoricoxib", "nimesulide",
    "metamizole", "metformin", "glipizide", "glimepiride", "glyburide", "sitagliptin",
    "empagliflozin", "dapagliflozin", "canagliflozin", "pioglitazone", "acarbose", "liraglutide",
    "dulaglutide", "semaglutide", "tirzepatide", "sertraline", "fluoxetine", "venlafaxine",
    "duloxetine", "amitriptyline", "nortriptyline", "imipramine", "clomipramine", "doxepin",
    "phenelzine", "bupropion", "mirtazapine", "trazodone", "vortioxetine", "agomelatine",
    "quetiapine", "olanzapine", "risperidone", "aripiprazole", "gabapentin", "pregabalin",
    "carbamazepine", "valproate", "lamotrigine", "levetiracetam", "topiramate", "phenytoin",
    "itraconazole", "fluconazole", "terbinafine", "belinostat", "sevelamer", "finasteride",
    "dutasteride", "minoxidil", "dapoxetine", "modafinil", "armodafinil", "multivitamin",
    "glucosamine", "chondroitin", "curcumin", "melatonin", "magnesium", "iron", "biotin",
    "cannabidiol", "acetaminophen", "albuterol", "nitroglycerin", "omeprazole",
    "insulin glargine", "insulin lispro", "icosapent ethyl", "asfotase alfa", "fish oil",
    "vitamin d", "folic acid", "sacubitril/valsartan", "amoxicillin/clavulanate",
    "nirmatrelvir/ritonavir",
]


def test_drug_table_states_its_source_and_columns() -> None:
    assert any("ClinCalc" in line and "MEPS" in line for line in DRUG_COMMENTS)
    assert any("DailyMed" in line for line in DRUG_COMMENTS)
    assert DRUG_HEADER == ["generic", "class", "brands", "aliases"]
    assert CLASS_COMMENTS
    assert CLASS_HEADER == ["class", "synonyms"]


def test_drug_rows_are_well_formed() -> None:
    assert len(DRUG_ROWS) >= 300
    for row in DRUG_ROWS:
        assert len(row) == 4, row
        generic, drug_class = row[0], row[1]
        assert generic and generic == generic.lower() == generic.strip(), row
        assert drug_class and drug_class == drug_class.lower(), row


def test_no_duplicate_generics() -> None:
    duplicates = [g for g, n in Counter(GENERICS).items() if n > 1]
    assert duplicates == []


def test_no_name_maps_to_two_generics() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for generic, _cls, brands, aliases in DRUG_ROWS:
        for name in [generic, *_names(brands), *_names(aliases)]:
            owners[_fold(name)].add(generic)
    clashes = {name: sorted(gs) for name, gs in owners.items() if len(gs) > 1}
    assert clashes == {}


def test_every_drug_class_is_described() -> None:
    described = {row[0] for row in CLASS_ROWS}
    assert len(described) == len(CLASS_ROWS), "duplicate class rows"
    assert {row[1] for row in DRUG_ROWS} <= described


def test_combinations_are_sorted_and_their_components_listed() -> None:
    listed = set(GENERICS)
    for generic in GENERICS:
        if "/" in generic:
            parts = generic.split("/")
            assert parts == sorted(parts), generic
            assert set(parts) <= listed, generic


def test_required_generics_are_covered() -> None:
    assert sorted(set(REQUIRED_GENERICS) - set(GENERICS)) == []


def test_many_drugs_have_foreign_or_inn_spellings() -> None:
    with_aliases = [row for row in DRUG_ROWS if _names(row[3])]
    assert len(with_aliases) >= 150


def test_every_listed_name_resolves_to_its_own_row() -> None:
    lex = lexicon()
    wrong = []
    for generic, _cls, brands, aliases in DRUG_ROWS:
        for name in [generic, *_names(brands), *_names(aliases)]:
            name = name.lstrip("=")
            mentions = lex.find(f"({name})")
            if lex.canonical(name) != generic or [m.generic for m in mentions] != [generic]:
                wrong.append((name, generic))
    assert wrong == []


def test_every_class_synonym_is_found() -> None:
    lex = lexicon()
    wrong = []
    for drug_class, synonyms in CLASS_ROWS:
        for name in [drug_class, *_names(synonyms)]:
            name = name.lstrip("=")
            if [m.drug_class for m in lex.find_classes(f"({name})")] != [drug_class]:
                wrong.append((name, drug_class))
    assert wrong == []


# --- loading --------------------------------------------------------------------------------------

_CLASSES = "class\tsynonyms\nstatin\tstatins\n"

BAD_TABLES = [
    ("generic\tclass\tbrands\taliases\nfoo\tstatin\tFoo\t\nbar\tstatin\tFoo\t\n", "names both"),
    ("generic\tclass\tbrands\taliases\nfoo\tstatin\t\t\nfoo\tstatin\t\t\n", "two rows"),
    ("generic\tclass\tbrands\taliases\nfoo\t\t\t\n", "needs a generic and a class"),
    ("generic\tbrands\tclass\taliases\nfoo\tstatin\t\t\n", "expected header"),
]


@pytest.mark.parametrize(("table", "message"), BAD_TABLES)
def test_inconsistent_data_is_rejected(table: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DrugLexicon(table, _CLASSES)


def test_lexicon_is_loaded_once() -> None:
    assert lexicon() is lexicon()

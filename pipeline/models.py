"""Pydantic v2 models: the single source of truth for every record's fields and types.

CSV columns, JSON keys and the nested ``articles.jsonl`` object are all derived from these
classes (see :mod:`pipeline.export`), so a field is named exactly once, here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Evidence and names must carry text: an empty string is a parsing bug, not a value."""


class Unit(StrEnum):
    """Canonical dose units; the dose parser maps every spelling it accepts onto one of these."""

    MG = "mg"
    MCG = "mcg"
    G = "g"
    ML = "mL"
    L = "L"
    IU = "IU"
    UNITS = "units"
    MEQ = "mEq"
    MMOL = "mmol"
    MG_KG = "mg/kg"
    MCG_KG = "mcg/kg"
    MG_KG_DAY = "mg/kg/day"
    G_KG = "g/kg"
    IU_KG = "IU/kg"
    MG_KG_H = "mg/kg/h"
    MCG_MIN = "mcg/min"
    MCG_KG_MIN = "mcg/kg/min"
    UNITS_ML = "units/mL"
    MG_M2 = "mg/m2"
    MG_ML = "mg/mL"
    MCG_ML = "mcg/mL"
    MG_H = "mg/h"
    MCG_H = "mcg/h"
    UNITS_KG = "units/kg"
    PERCENT = "%"


class DoseKind(StrEnum):
    STRENGTH = "strength"
    DOSE = "dose"
    STARTING_DOSE = "starting_dose"
    MAINTENANCE_DOSE = "maintenance_dose"
    MAX_DOSE = "max_dose"
    TITRATION = "titration"


class AmountPer(StrEnum):
    """What a dose's ``amount`` is measured over, so that a daily total never needs the text."""

    ADMINISTRATION = "administration"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"


class AttributeKey(StrEnum):
    """What a comparison table's column (or row) states, whatever its header says: the same
    attribute across articles ("Typical dose", "Max dose" -> dose; "LDL reduction" ->
    effectiveness). Read from ``data/comparison_attributes.json``; ``other`` for the rest."""

    EFFECTIVENESS = "effectiveness"
    DOSE = "dose"
    FREQUENCY = "frequency"
    ONSET = "onset"
    DURATION = "duration"
    HALF_LIFE = "half_life"
    SIDE_EFFECTS = "side_effects"
    WARNINGS = "warnings"
    MONITORING = "monitoring"
    INTERACTIONS = "interactions"
    COST = "cost"
    USES = "uses"
    BEST_FOR = "best_for"
    BENEFITS = "benefits"
    MECHANISM = "mechanism"
    DRUG_CLASS = "drug_class"
    FORM = "form"
    ROUTE = "route"
    FOOD = "food"
    INGREDIENT = "ingredient"
    APPROVAL = "approval"
    AVAILABILITY = "availability"
    OTHER = "other"


class SideEffectCategory(StrEnum):
    COMMON = "common"
    SERIOUS = "serious"
    RARE = "rare"
    WITHDRAWAL = "withdrawal"
    OVERDOSE = "overdose"
    UNSPECIFIED = "unspecified"


class Record(BaseModel):
    """Base for every record: strict (no silent coercion of e.g. "20" to 20) and closed."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, use_enum_values=True)


class Author(Record):
    name: NonEmpty
    title: str | None = None


class Dose(Record):
    """One dose or strength. The daily total is ``amount`` when ``amount_per`` is "day",
    ``amount * frequency_per_day`` when it is "administration", ``amount * 24`` (per hour) or
    ``amount * 1440`` (per minute) for a rate; a strength (``amount_per`` null) is not taken."""

    drug: str | None
    drug_class: str | None = None
    """The class of ``drug`` (lexicon), or on a page about a class ("beta blockers") with no
    drug of its own, the page's class: no record is anonymous."""
    amount: Annotated[float, Field(ge=0)]
    amount_max: Annotated[float, Field(ge=0)] | None = None
    unit: Unit
    kind: DoseKind
    amount_per: AmountPer | None = None
    """"administration": one dose; "day": a daily total ("a day", "/day", "mg/kg/day",
    "in divided doses", "in total"); "hour"/"minute": a rate ("mg/h"); null for a strength."""
    frequency_per_day: Annotated[float, Field(gt=0)] | None = None
    """Administrations a day ("three times a day", "split into three doses" are 3); null
    when the page does not say (a bare daily total "900 mg a day")."""
    route: str | None = None
    form: str | None = None
    food: str | None = None
    population: str | None = None
    as_needed: bool = False
    section: str | None = None
    text: NonEmpty

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Dose:
        if self.amount_max is not None and self.amount_max < self.amount:
            raise ValueError(f"amount_max {self.amount_max} < amount {self.amount}")
        return self


class Benefit(Record):
    drug: str | None
    drug_class: str | None = None
    """The class of ``drug`` (lexicon), or on a page about a class ("beta blockers") with no
    drug of its own, the page's class: no record is anonymous."""
    text: NonEmpty
    section: str | None = None


class SideEffect(Record):
    drug: str | None
    drug_class: str | None = None
    """The class of ``drug`` (lexicon), or on a page about a class ("beta blockers") with no
    drug of its own, the page's class: no record is anonymous."""
    term: NonEmpty
    term_normalized: NonEmpty
    """The term as the page wrote it, cleaned and lower-cased ("diarrhoea")."""
    term_canonical: NonEmpty
    """The lexicon's canonical form, which groups spelling variants across pages ("diarrhea")."""
    category: SideEffectCategory
    incidence: Annotated[float, Field(ge=0, le=100)] | None = None
    """Percent of patients with the effect, where the page's table or list gives it ("5.6" from
    a "Lisinopril %" column, "34" from "constipation (34%)")."""
    section: str | None = None
    text: NonEmpty

    @field_validator("term_normalized", "term_canonical")
    @classmethod
    def _lower(cls, value: str) -> str:
        if value != value.lower():
            raise ValueError("term_normalized must be lower case")
        return value


class Warning(Record):
    drug: str | None
    drug_class: str | None = None
    """The class of ``drug`` (lexicon), or on a page about a class ("beta blockers") with no
    drug of its own, the page's class: no record is anonymous."""
    text: NonEmpty
    section: str | None = None


class Condition(Record):
    name: NonEmpty
    name_normalized: NonEmpty
    text: NonEmpty


class Comparison(Record):
    table: Annotated[int, Field(ge=0)]
    row: Annotated[int, Field(ge=0)]
    medication: NonEmpty
    drug: str | None = None
    drug_class: str | None = None
    effectiveness: str | None = None
    """The row's cell under an effectiveness header ("LDL reduction", "Mean weight loss")."""
    side_effects: list[NonEmpty] = Field(default_factory=list)
    attributes: dict[str, str | list[str]] = Field(default_factory=dict)
    """Every cell by its column (or, transposed, row) header; a side-effect cell as its terms."""
    attribute_keys: dict[str, AttributeKey] = Field(default_factory=dict)
    """The normalised key of every header of ``attributes`` ("LDL reduction" -> effectiveness)."""
    text: NonEmpty


class Article(Record):
    """The nested article object of SPEC.md, one line of ``articles.jsonl``."""

    article_id: NonEmpty
    source: NonEmpty
    url: str | None = None
    title: NonEmpty
    description: str | None = None
    site_name: str | None = None
    language: str | None = None
    published: dt.date | None = None
    modified: dt.date | None = None
    drug: str | None = None
    drug_class: str | None = None
    """The class of the primary drug, or the class the page is about ("pde5 inhibitor")."""
    author: Author | None = None
    citations: list[NonEmpty] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    doses: list[Dose] = Field(default_factory=list)
    benefits: list[Benefit] = Field(default_factory=list)
    side_effects: list[SideEffect] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)


class Reject(Record):
    """An input or record that could not be read or validated, kept with the reason."""

    source: NonEmpty
    stage: NonEmpty
    reason: NonEmpty
    article_id: str | None = None
    detail: dict[str, Any] | None = None


RECORD_TABLES: dict[str, type[Record]] = {
    "doses": Dose,
    "benefits": Benefit,
    "side_effects": SideEffect,
    "warnings": Warning,
    "conditions": Condition,
}
"""Child tables of an article that map one-to-one onto a list field of :class:`Article`."""

"""The descriptions written beside the datasets: JSON Schemas and the Frictionless package.

The produced CSVs validate against ``datapackage.json`` with the ``frictionless`` library,
and the package is not vacuous: a value outside an enum, an orphan row and a duplicate key
each make validation fail. The JSON files validate against their JSON Schemas. Keys and types
are checked against the contract written out here by hand.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import frictionless
import jsonschema
import pytest

from pipeline.export import table_columns
from pipeline.models import DoseKind, SideEffectCategory, Unit
from tests.test_store import EXPECTED_PRIMARY_KEYS


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _errors(report: frictionless.Report) -> list[list[Any]]:
    return report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_csvs_validate_against_the_datapackage(raw_output: Path) -> None:
    report = frictionless.validate(raw_output / "datapackage.json")
    assert report.valid, _errors(report)[:10]
    assert [task.name for task in report.tasks] == list(table_columns())
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def _broken(raw_output: Path, tmp_path: Path, table: str, old: str, new: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(raw_output, folder)
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "datapackage.json"


def _orphan_dose() -> str:
    """A valid doses row whose article does not exist, in the columns the model gives."""
    values = {"article_id": "f" * 16, "seq": "0", "drug": "x", "amount": "1", "unit": "mg",
              "kind": "dose", "as_needed": "false", "evidence": "orphan"}
    return ",".join(values.get(column, "") for column in table_columns()["doses"])


@pytest.mark.parametrize(("table", "old", "new", "error"), [
    ("doses", ",mg,", ",spoonfuls,", "constraint-error"),
    ("doses", ",mg,", ",,", "constraint-error"),
    ("side_effects", ",common,", ",often,", "constraint-error"),
    ("doses", "\n", f"\n{_orphan_dose()}\n", "foreign-key"),
    ("comparisons", "\n", None, "primary-key"),
])
def test_datapackage_catches_bad_rows(raw_output: Path, tmp_path: Path, table: str, old: str,
                                      new: str | None, error: str) -> None:
    if new is None:  # repeat the first data row: its key is taken
        first = (raw_output / f"{table}.csv").read_text(encoding="utf-8").splitlines()[1]
        new = f"\n{first}\n"
    report = frictionless.validate(_broken(raw_output, tmp_path, table, old, new))
    assert not report.valid
    assert {e[3] for e in _errors(report)} == {error}, _errors(report)


def test_datapackage_describes_every_table(raw_output: Path) -> None:
    package = _json(raw_output / "datapackage.json")
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(table_columns())
    for name, resource in resources.items():
        schema = resource["schema"]
        assert resource["path"] == f"{name}.csv"
        assert [f["name"] for f in schema["fields"]] == table_columns()[name]
        assert schema["primaryKey"] == EXPECTED_PRIMARY_KEYS[name]
        if name != "articles":
            assert {"fields": ["article_id"],
                    "reference": {"resource": "articles", "fields": ["article_id"]}} \
                in schema["foreignKeys"]
    doses = {f["name"]: f for f in resources["doses"]["schema"]["fields"]}
    assert doses["amount"] == {"name": "amount", "type": "number",
                               "constraints": {"required": True, "minimum": 0}}
    assert doses["unit"]["constraints"]["enum"] == [u.value for u in Unit]
    assert doses["kind"]["constraints"]["enum"] == [k.value for k in DoseKind]
    assert doses["as_needed"]["type"] == "boolean"
    assert doses["seq"]["type"] == "integer"
    assert "required" not in doses["drug"].get("constraints", {})
    effects = {f["name"]: f for f in resources["side_effects"]["schema"]["fields"]}
    assert effects["category"]["constraints"]["enum"] == [c.value for c in SideEffectCategory]
    articles = {f["name"]: f for f in resources["articles"]["schema"]["fields"]}
    assert articles["published"]["type"] == "date"


def test_json_files_validate_against_their_schemas(raw_output: Path) -> None:
    for table in table_columns():
        schema = _json(raw_output / "schema" / f"{table}.json")
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for record in _json(raw_output / f"{table}.json"):
            validator.validate(record)
    article = jsonschema.Draft202012Validator(_json(raw_output / "schema" / "articles.jsonl.json"))
    lines = (raw_output / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        article.validate(json.loads(line))
    jsonschema.Draft202012Validator.check_schema(_json(raw_output / "schema" /
                                                       "rejects.jsonl.json"))


@pytest.mark.parametrize(("table", "change"), [
    ("doses", {"unit": "spoonfuls"}),
    ("doses", {"amount": -1}),
    ("doses", {"amount": "20"}),
    ("doses", {"evidence": None}),
    ("doses", {"colour": "red"}),
    ("side_effects", {"category": "often"}),
    ("articles", {"published": "yesterday"}),
])
def test_json_schema_rejects_bad_records(raw_output: Path, table: str,
                                         change: dict[str, Any]) -> None:
    schema = _json(raw_output / "schema" / f"{table}.json")
    record = {**_json(raw_output / f"{table}.json")[0], **change}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert not validator.is_valid(record)


def test_article_schema_requires_every_key(raw_output: Path) -> None:
    schema = _json(raw_output / "schema" / "articles.jsonl.json")
    line = json.loads((raw_output / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(schema["required"]) == set(line)
    del line["doses"]
    assert not jsonschema.Draft202012Validator(schema).is_valid(line)

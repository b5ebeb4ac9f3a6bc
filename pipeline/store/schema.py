"""Descriptions of the datasets for other programs: JSON Schemas and a Frictionless data package.

Written beside the datasets, and like them derived from the models, never by hand:

- ``schema/articles.jsonl.json``: one line of ``articles.jsonl`` (the nested article object),
  from :meth:`pydantic.BaseModel.model_json_schema`; ``schema/rejects.jsonl.json`` likewise.
- ``schema/TABLE.json``: one record of ``TABLE.json`` (and row of ``TABLE.csv``).
- ``datapackage.json``: a Frictionless tabular data package over every ``TABLE.csv``, with
  field types, required fields, enums, lower bounds, primary and foreign keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline import PROGRAM, __version__
from pipeline.export import atomic_write
from pipeline.models import Article, Reject
from pipeline.store.columns import Column, Table, tables

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
"""Data Package v2: field-level missing values and exclusive minimums."""


def _every_key_required(schema: dict[str, Any]) -> dict[str, Any]:
    """Mark every property required in every object: the article dump always writes them all."""
    for node in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in node:
            node["required"] = list(node["properties"])
    return schema


def _model_schema(model: type[BaseModel], title: str, all_keys: bool) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    if all_keys:
        schema = _every_key_required(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, **schema}


def _bounds(column: Column) -> dict[str, Any]:
    """A column's value constraints, under the keywords JSON Schema and Frictionless share."""
    out: dict[str, Any] = {}
    if column.enum is not None:
        out["enum"] = list(column.enum)
    if column.minimum is not None:
        out["minimum"] = column.minimum
    if column.exclusive_minimum is not None:
        out["exclusiveMinimum"] = column.exclusive_minimum
    if column.min_length is not None:
        out["minLength"] = column.min_length
    return out


def _json_property(column: Column) -> dict[str, Any]:
    kinds = {"string": "string", "integer": "integer", "number": "number",
             "boolean": "boolean", "date": "string"}
    prop: dict[str, Any] = {"type": kinds[column.type]}
    if column.type == "date":
        prop["format"] = "date"
    prop.update(_bounds(column))
    if not column.required:
        prop["type"] = [prop["type"], "null"]
        if "enum" in prop:
            prop["enum"].append(None)
    return prop


def record_schema(table: Table) -> dict[str, Any]:
    """JSON Schema of one record of ``TABLE.json``: every key present, null when missing."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"{table.name}: one record of {table.name}.json (one row of {table.name}.csv)",
        "type": "object",
        "properties": {c.name: _json_property(c) for c in table.columns},
        "required": table.names,
        "additionalProperties": False,
    }


def _frictionless_field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "type": column.type}
    if column.type == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    constraints: dict[str, Any] = {"required": True} if column.required else {}
    constraints.update(_bounds(column))
    if constraints:
        field["constraints"] = constraints
    if column.required and column.type == "string" and not column.min_length:
        # a required text that may be empty: an empty cell is "", not a missing value
        field["missingValues"] = []
    return field


def datapackage() -> dict[str, Any]:
    """A Frictionless data package (v2) describing every ``TABLE.csv`` as a table."""
    specs = tables()
    resources = []
    for table in specs.values():
        resources.append({
            "name": table.name,
            "type": "table",
            "path": f"{table.name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
            "schema": {
                "fields": [_frictionless_field(c) for c in table.columns],
                "missingValues": [""],
                "primaryKey": list(table.primary_key),
                "foreignKeys": [
                    {"fields": list(fk.columns),
                     "reference": {"resource": fk.table,
                                   "fields": list(specs[fk.table].primary_key)}}
                    for fk in table.foreign_keys
                ],
            },
        })
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": PROGRAM,
        "title": "Records extracted from medication articles",
        "description": ("Tidy tables: one row per record, article_id on every row. Text cells "
                        "that a spreadsheet would run as a formula start with an added \"'\"."),
        "version": __version__,
        "resources": resources,
    }


def _json_text(data: dict[str, Any]) -> list[str]:
    return [json.dumps(data, indent=2, ensure_ascii=False) + "\n"]


def write_schemas(out: Path) -> None:
    """``schema/*.json`` and ``datapackage.json`` in the output directory."""
    folder = out / "schema"
    folder.mkdir(exist_ok=True)
    atomic_write(folder / "articles.jsonl.json",
                 _json_text(_model_schema(Article, "one line of articles.jsonl", all_keys=True)))
    atomic_write(folder / "rejects.jsonl.json",
                 _json_text(_model_schema(Reject, "one line of rejects.jsonl", all_keys=False)))
    for table in tables().values():
        atomic_write(folder / f"{table.name}.json", _json_text(record_schema(table)))
    atomic_write(out / "datapackage.json", _json_text(datapackage()))

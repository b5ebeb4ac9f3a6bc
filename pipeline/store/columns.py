"""Every output table as typed columns with keys, derived from the Pydantic models.

The column names and their order are :func:`pipeline.export.table_columns`; this module adds
what a typed store needs to know about each one (type, nullability, enum values, lower bound)
by reading the model field the column comes from, plus each table's primary and foreign keys.
Parquet schemas, SQL tables, JSON Schemas, the Frictionless data package and pandas dtypes are
all built from :func:`tables`, so a field's type is written once, in ``pipeline/models.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Iterable
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline.export import (
    CHILD_TABLES,
    COMPARISON_KEY,
    ITEM_COLUMNS,
    column_name,
    field_name,
    table_columns,
)
from pipeline.models import Article, Author, Comparison

ColumnType = Literal["string", "integer", "number", "boolean", "date"]


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    required: bool
    """False when the value may be missing (null in JSON and SQL, an empty CSV cell)."""
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    exclusive_minimum: float | None = None
    min_length: int | None = None
    """1 for text that may not be empty (the models' ``NonEmpty``)."""
    is_list: bool = False
    """A list of ``type`` values (only in Parquet: the tidy tables hold each item as a row)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    """The referenced table, whose primary key is ``columns``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    indexes: tuple[str, ...]
    """Columns that get an index of their own: ``article_id`` and ``drug`` where present."""
    list_columns: tuple[Column, ...] = ()
    """List fields of the table's model that the tidy tables unroll into rows of their own."""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_SOURCE_MODEL: dict[str, type[BaseModel]] = {
    "articles": Article,
    **CHILD_TABLES,
    "comparisons": Comparison,
    "comparison_side_effects": Comparison,
    "comparison_attributes": Comparison,
    "citations": Article,
}
"""The model each table's rows come from (see :func:`pipeline.export.prepare`)."""

_ITEM_COLUMNS: dict[tuple[str, str], tuple[str, Literal["item", "key", "value"]]] = {
    ("comparison_side_effects", ITEM_COLUMNS["comparison_side_effects"][0]): ("side_effects", "item"),
    ("comparison_attributes", ITEM_COLUMNS["comparison_attributes"][0]): ("attributes", "key"),
    ("comparison_attributes", ITEM_COLUMNS["comparison_attributes"][1]): ("attribute_keys", "value"),
    ("comparison_attributes", ITEM_COLUMNS["comparison_attributes"][2]): ("attributes", "value"),
    ("citations", ITEM_COLUMNS["citations"][0]): ("citations", "item"),
}
"""Columns of the unrolled tables that hold the items of a list or mapping field."""

_SEQ = Column("seq", "integer", required=True, minimum=0)
"""A record's position among its article's records: not a model field but a key column."""


def python_value(column: Column, value: Any) -> Any:
    """A value as the JSON files hold it, as the Python value of its column's type."""
    if column.type == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _flatten(metadata: Iterable[Any]) -> list[Any]:
    """Single constraints (Ge, MinLen...) out of FieldInfo and StringConstraints groups."""
    out: list[Any] = []
    for item in metadata:
        if isinstance(item, annotated_types.GroupedMetadata):
            out.extend(item)
        elif isinstance(item, FieldInfo):
            out.extend(_flatten(item.metadata))
        else:
            out.append(item)
    return out


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(base type, whether None is allowed, constraint metadata) of one annotation."""
    metadata: list[Any] = []
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(_flatten(extra))
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            # "str | list[str]" (a comparison cell) is exported as one string, items joined
            scalars = [a for a in args if typing.get_origin(a) is not list]
            if len(scalars) != 1:
                raise TypeError(f"cannot map a union to one column type: {args}")
            annotation = scalars[0]
        else:
            return annotation, nullable, metadata


def _number(bound: object) -> float:
    if not isinstance(bound, int | float):
        raise TypeError(f"a bound that is not a number: {bound!r}")
    return bound


def _column(name: str, annotation: Any, metadata: list[Any], required: bool) -> Column:
    base, nullable, extra = _unwrap(annotation)
    constraints = [*_flatten(metadata), *extra]
    minimum = next((_number(c.ge) for c in constraints if isinstance(c, annotated_types.Ge)), None)
    exclusive = next((_number(c.gt) for c in constraints if isinstance(c, annotated_types.Gt)),
                     None)
    min_length = next((c.min_length for c in constraints if isinstance(c, annotated_types.MinLen)),
                      None)
    kind: ColumnType
    values: tuple[str, ...] | None = None
    if base is bool:
        kind = "boolean"
    elif base is int:
        kind = "integer"
    elif base is float:
        kind = "number"
    elif base is dt.date:
        kind = "date"
    elif isinstance(base, type) and issubclass(base, enum.Enum):
        kind, values = "string", tuple(str(m.value) for m in base)
    elif base is str:
        kind = "string"
    else:
        raise TypeError(f"no column type for {name}: {annotation!r}")
    return Column(name, kind, required and not nullable, values, minimum, exclusive, min_length)


def _field_column(model: type[BaseModel], field: str, name: str | None = None,
                  required: bool = True) -> Column:
    info = model.model_fields[field]
    return _column(name or field, info.annotation, list(info.metadata), required)


def _item_column(model: type[BaseModel], field: str, part: str, name: str) -> Column:
    container = model.model_fields[field].annotation
    args = typing.get_args(container)
    item = args[0] if part in ("item", "key") else args[1]
    return _column(name, item, [], required=True)


def _table_column(table: str, name: str) -> Column:
    model = _SOURCE_MODEL[table]
    if name == "seq":
        return _SEQ
    if name == "article_id":
        return _field_column(Article, "article_id")
    if (table, name) in _ITEM_COLUMNS:
        field, part = _ITEM_COLUMNS[table, name]
        return _item_column(model, field, part, name)
    if field_name(name) in model.model_fields:  # a field renamed as a column (export.COLUMN_NAMES)
        return _field_column(model, field_name(name), name)
    if table == "articles" and name.startswith("author_"):
        # the author object is optional, so each of its fields may be missing
        return _field_column(Author, name.removeprefix("author_"), name, required=False)
    raise KeyError(f"column {table}.{name} comes from no model field")


def _list_columns(table: str) -> tuple[Column, ...]:
    """List-of-scalar fields of the model of a table that holds one row per model instance.

    The tidy tables give each item a row of its own (``citations``,
    ``comparison_side_effects``); Parquet also keeps the list beside its row.
    """
    if table not in ("articles", "comparisons", *CHILD_TABLES):
        return ()
    found = []
    for field, info in _SOURCE_MODEL[table].model_fields.items():
        if typing.get_origin(info.annotation) is not list:
            continue
        (item,) = typing.get_args(info.annotation)
        base = _unwrap(item)[0]
        if not (isinstance(base, type) and issubclass(base, BaseModel)):
            column = _column(column_name(field), item, [], required=True)
            found.append(dataclasses.replace(column, is_list=True))
    return tuple(found)


def _primary_key(names: list[str]) -> tuple[str, ...]:
    key = ["article_id"]
    if set(COMPARISON_KEY) <= set(names):
        key = list(COMPARISON_KEY)
    if "seq" in names:
        key.append("seq")
    return tuple(key)


def _indexes(table: str, names: list[str]) -> tuple[str, ...]:
    if table == "articles":
        # article_id is the primary key; replacing a page's rows looks its source up
        return tuple(c for c in ("source", "drug") if c in names)
    return tuple(c for c in ("article_id", "drug") if c in names)


@functools.cache
def tables() -> dict[str, Table]:
    """Every output table, in the order of :func:`pipeline.export.table_columns`."""
    out: dict[str, Table] = {}
    for name, names in table_columns().items():
        columns = tuple(_table_column(name, c) for c in names)
        foreign: list[ForeignKey] = []
        if name != "articles":
            foreign.append(ForeignKey(("article_id",), "articles"))
        if name != "comparisons" and set(COMPARISON_KEY) <= set(names):
            foreign.append(ForeignKey(COMPARISON_KEY, "comparisons"))
        out[name] = Table(
            name=name,
            columns=columns,
            primary_key=_primary_key(names),
            foreign_keys=tuple(foreign),
            indexes=_indexes(name, names),
            list_columns=_list_columns(name),
        )
    return out

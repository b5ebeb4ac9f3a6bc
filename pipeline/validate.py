"""Validation stage: every record passes through its Pydantic model here.

A record that fails is not dropped silently and does not sink its page: it becomes a reject
naming the source, the record kind, the first error and the evidence text it came from.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError

from pipeline.models import Record, Reject

M = TypeVar("M", bound=Record)


def build(model: type[M], rejects: list[Reject], origin: str, **fields: Any) -> M | None:
    """The validated record, or None after appending a reject that says why."""
    try:
        return model(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or model.__name__
        evidence = str(fields.get("text") or "")[:300] or None
        rejects.append(
            Reject(
                source=origin,
                stage="validate",
                reason=f"{model.__name__.lower()} record invalid: {where}: {err['msg']}",
                detail={"evidence": evidence} if evidence else None,
            )
        )
        return None

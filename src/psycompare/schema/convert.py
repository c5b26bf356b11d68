"""Model objects back to schema form: plain TOML-ready dicts, for export, diff and round trips."""

from __future__ import annotations

from typing import Any

from psycompare import model
from psycompare.schema.fields import SCHEMA_VERSION, SECTIONS, SOURCE_FIELDS, TOP_FIELDS, Field


def _plain(obj: object, fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fld in fields:
        value = getattr(obj, fld.name)
        if value is None or (value in ("", ()) and not fld.required):
            continue
        out[fld.name] = list(value) if isinstance(value, tuple) else value
    return out


def record_to_dict(sub: model.Substance) -> dict[str, Any]:
    """The record in schema form, ready for tomli-w or JSON (dates stay ``date`` objects)."""
    out: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for fld in TOP_FIELDS:
        value = getattr(sub, fld.name)
        out[fld.name] = list(value) if isinstance(value, tuple) else value
    for sec in SECTIONS:
        value = getattr(sub, sec.attr)
        if sec.many:
            if value:
                out[sec.key] = [_plain(v, sec.fields) for v in value]
        elif value is not None:
            out[sec.key] = _plain(value, sec.fields)
    return out


def source_to_dict(src: model.Source) -> dict[str, Any]:
    """A registry entry in schema form."""
    return _plain(src, SOURCE_FIELDS)

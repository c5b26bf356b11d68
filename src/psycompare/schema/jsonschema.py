"""Build the JSON Schemas (draft 2020-12) shipped in ``psycompare/schemas/``.

Facts and records are generated from the field specs in ``schema.py``, so the
schemas cannot drift from the data model; the command documents are written out
here from the shapes the README documents. Run ``python -m psycompare.schema.jsonschema``
after changing either; a test checks the shipped files equal what this builds.
Never imported at run time (`psycompare schema NAME` reads the shipped files).
"""

from __future__ import annotations

import json
import os
from typing import Any

from psycompare import contract, model
from psycompare.schema import fields as schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://psycompare.invalid/schemas/"  # ids only: the files ship in the package, nothing is fetched

STR: dict[str, Any] = {"type": "string"}
DATE: dict[str, Any] = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
STRS: dict[str, Any] = {"type": "array", "items": STR}


def _nullable(s: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [s, {"type": "null"}]}


def _kind(fld: schema.Field, data_file: bool) -> dict[str, Any]:
    kind = fld.kind
    if kind == "date":
        return dict(DATE)
    if kind == "int":
        return {"type": "integer", "minimum": 0}
    if kind == "num":
        return {"type": "number", "minimum": 0}
    if kind == "bool":
        return {"type": "boolean"}
    if kind in ("strlist", "sources"):
        out: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
        if kind == "sources" and data_file:
            out["minItems"] = 1
        return out
    out = {"type": "string"}
    if fld.choices:
        out["enum"] = list(fld.choices)
    if fld.limit:
        out["maxLength"] = fld.limit
    return out


def fact(sec: schema.Section) -> dict[str, Any]:
    """A fact as commands print it: every schema field (null when an optional one is unset), as_of, origin."""
    props: dict[str, Any] = {}
    for fld in sec.fields:
        s = _kind(fld, data_file=False)
        if fld.choices and not fld.required:
            s["enum"] = [*s["enum"], ""]
        props[fld.name] = s if fld.required or fld.kind not in ("date", "int", "num", "bool") else _nullable(s)
    props["as_of"] = dict(DATE)
    props["origin"] = STR
    return {
        "type": "object",
        "properties": props,
        "required": list(dict.fromkeys([*(f.name for f in sec.fields), "as_of"])),
        "additionalProperties": False,
    }


def data_table(sec: schema.Section) -> dict[str, Any]:
    """A table of a record file (TOML dates given as YYYY-MM-DD strings)."""
    return {
        "type": "object",
        "properties": {f.name: _kind(f, data_file=True) for f in sec.fields},
        "required": [f.name for f in sec.fields if f.required],
        "additionalProperties": False,
    }


SOURCE = {
    "type": "object",
    "properties": {
        "n": {"type": "integer", "minimum": 1},
        "id": STR,
        "kind": {"type": "string", "enum": list(model.SOURCE_KINDS)},
        "title": STR,
        "publisher": STR,
        "date": DATE,
        "url": STR,
        "pmid": STR,
        "doi": STR,
        "secondary": {"type": "boolean"},
        "note": STR,
        "cited_at": STRS,  # `sources` only: where the record's facts point into this source
    },
    "required": ["n", "id", "kind", "title", "publisher", "date", "url", "pmid", "doi", "secondary", "note"],
    "additionalProperties": False,
}
META = {
    "type": "object",
    "properties": {
        "psycompare": STR,
        "output_schema": {"type": "integer", "const": contract.OUTPUT_SCHEMA_VERSION},
        "command": STR,
        "dataset": _nullable(
            {
                "type": "object",
                "properties": {"version": STR, "date": DATE},
                "required": ["version", "date"],
                "additionalProperties": False,
            }
        ),
    },
    "required": ["psycompare", "output_schema", "command", "dataset"],
    "additionalProperties": False,
}


def _obj(props: dict[str, Any], required: list[str] | None = None, closed: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
        "additionalProperties": not closed,
    }


def _facts(key: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/$defs/{key}"}}


def _defs() -> dict[str, Any]:
    out: dict[str, Any] = {"source": SOURCE, "meta": META}
    for sec in schema.SECTIONS:  # commands print a fact with the fields of the first section of its type
        out[sec.key] = fact(schema.printed_as(sec))
    return out


def record_json() -> dict[str, Any]:
    props: dict[str, Any] = {"id": STR, "name": STR, "generic_name": STR, "aliases": STRS, "reviewed": DATE}
    for sec in schema.SECTIONS:
        props[sec.key] = _facts(sec.key) if sec.many else _nullable({"$ref": f"#/$defs/{sec.key}"})
    props["sources"] = {"type": "array", "items": {"$ref": "#/$defs/source"}}
    props["files"] = STRS
    return _obj(props, [k for k in props if k != "files"])


def _document(name: str, props: dict[str, Any], title: str) -> dict[str, Any]:
    body = _obj({"meta": {"$ref": "#/$defs/meta"}, **props})
    return {
        "$schema": DRAFT,
        "$id": f"{BASE}{name}.json",
        "title": title,
        **body,
        "$defs": {**_defs(), "record": record_json()},
    }


def _per_substance(extra: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": _obj({"id": STR, "name": STR, **extra, "sources": _sources()})}


def _sources() -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": "#/$defs/source"}}


def output_schemas() -> dict[str, dict[str, Any]]:
    nstr = _nullable(STR)
    ndate = _nullable(DATE)
    status_item = {"anyOf": [{"$ref": "#/$defs/status"}, {"$ref": "#/$defs/status_history"}]}
    compare_value = _obj(
        {
            "text": STR,
            "sources": STRS,
            "as_of": DATE,
            "approval": STR,
            "schedule_code": nstr,
            "jurisdiction": STR,
            "since": ndate,
            "rank": {"type": "integer"},
            "setting": STR,
            "evidence": STR,
            "severity": STR,
            "locator": STR,
        },
        ["text", "sources", "as_of"],
    )
    rule = _obj({}, [], closed=False)
    out: dict[str, dict[str, Any]] = {
        "list": _document(
            "list",
            {
                "substances": {
                    "type": "array",
                    "items": _obj(
                        dict.fromkeys(
                            ("id", "name", "generic_name", "class", "us_approval", "us_schedule", "us_as_of"), nstr
                        )
                        | {"reviewed": nstr}
                    ),
                }
            },
            "psycompare list",
        ),
        "show": _document(
            "show", {"substances": {"type": "array", "items": {"$ref": "#/$defs/record"}}}, "psycompare show"
        ),
        "compare": _document(
            "compare",
            {
                "substances": STRS,
                "jurisdiction": STR,
                "mode": {"enum": ["summary", "full"]},
                "on": ndate,
                "rows": {
                    "type": "array",
                    "items": _obj(
                        {
                            "field": STR,
                            "label": STR,
                            "values": {
                                "type": "object",
                                "additionalProperties": {"type": "array", "items": compare_value},
                            },
                        }
                    ),
                },
                "sources": _sources(),
            },
            "psycompare compare",
        ),
        "status": _document(
            "status",
            {
                "jurisdiction": nstr,
                "on": ndate,
                "substances": _per_substance(
                    {
                        "status": {"type": "array", "items": status_item},
                        "not_recorded": STRS,
                        "fallback": _nullable(_obj({"asked": STR, "shown": STR, "note": STR})),
                        "events": _facts("events"),
                    }
                ),
            },
            "psycompare status",
        ),
        "side-effects": _document(
            "side-effects",
            {
                "setting": _nullable({"enum": list(model.SETTINGS)}),
                "serious_only": {"type": "boolean"},
                "substances": _per_substance({"side_effects": _facts("side_effects"), "cautions": _facts("cautions")}),
            },
            "psycompare side-effects",
        ),
        "sources": _document("sources", {"substances": _per_substance({})}, "psycompare sources"),
        "search": _document(
            "search",
            {
                "query": STR,
                "matches": {
                    "type": "array",
                    "items": _obj({"substance": STR, "field": STR, "section": STR, "snippet": STR}),
                },
            },
            "psycompare search",
        ),
        "interactions": _document(
            "interactions",
            {
                "names": {
                    "type": "array",
                    "items": _obj(
                        {"query": STR, "id": STR, "kind": {"enum": ["substance", "drug", "class", "property"]}},
                        ["query", "id", "kind"],
                        closed=False,
                    ),
                },
                "reviewed": DATE,
                "pairs": {
                    "type": "array",
                    "items": _obj(
                        {
                            "a": STR,
                            "b": STR,
                            "severity": nstr,
                            "status": {"enum": ["interaction", "no-known-interaction", "no-record"]},
                            "message": STR,
                            "action": nstr,
                            "rules": {"type": "array", "items": rule},
                        },
                        ["a", "b", "severity", "status", "rules"],
                        closed=False,
                    ),
                },
                "sources": _sources(),
                "not_reviewed": {
                    "type": "array",
                    "items": _obj({"id": STR, "kind": STR, "name": STR}),
                },
            },
            "psycompare interactions",
        ),
        "interactions-coverage": _document(
            "interactions-coverage",
            {
                "reviewed": DATE,
                "substances": STRS,
                "classes": {"type": "array", "items": _obj({"id": STR, "name": STR})},
                "total": {"type": "integer"},
                "covered": {"type": "integer"},
                "cells": {"type": "array", "items": _obj({}, [], closed=False)},
                "gaps": {"type": "array", "items": _obj({"substance": STR, "partner": STR, "kind": STR})},
                "high_risk_gaps": {"type": "array", "items": _obj({"substance": STR, "partner": STR})},
            },
            "psycompare interactions --coverage",
        ),
        "timeline": _document(
            "timeline",
            {
                "substances": STRS,
                "since": ndate,
                "until": ndate,
                "jurisdiction": nstr,
                "kinds": STRS,
                "events": {
                    "type": "array",
                    "items": {"allOf": [{"$ref": "#/$defs/timeline_event"}]},
                },
                "sources": _sources(),
            },
            "psycompare timeline",
        )
        | {},
        "data-diff": _document(
            "data-diff",
            {
                "old": STR,
                "new": STR,
                "counts": _obj({k: {"type": "integer"} for k in ("added", "removed", "changed")}),
                "changes": {
                    "type": "array",
                    "items": _obj(
                        {
                            "change": {"enum": ["added", "removed", "changed"]},
                            "area": {"enum": ["dataset", "record", "source", "interaction", "partner"]},
                            "substance": nstr,
                            "path": STR,
                            "field": STR,
                            "old": {},
                            "new": {},
                        }
                    ),
                },
            },
            "psycompare data diff",
        ),
    }
    _add_overviews(out, nstr, ndate)
    return out


def _add_overviews(out: dict[str, dict[str, Any]], nstr: dict[str, Any], ndate: dict[str, Any]) -> None:
    """`list -j`/filters and `status --all` print other row shapes under the same command."""
    lst = out["list"]
    plain_row = lst["properties"]["substances"]["items"]
    by_jurisdiction = _obj(
        {"id": STR, "name": STR, "generic_name": nstr, "class": nstr, "jurisdiction": STR, "approval": nstr}
        | {"schedule": nstr, "schedule_code": nstr, "as_of": nstr, "reviewed": nstr}
    )
    lst["properties"]["substances"]["items"] = {"anyOf": [plain_row, by_jurisdiction]}
    lst["properties"]["jurisdiction"] = STR  # only with -j
    status = out["status"]
    keep = {k: status.pop(k) for k in ("$schema", "$id", "title", "$defs")}
    all_row = _obj(
        {"id": STR, "name": STR, "jurisdiction": STR, "approval": nstr, "short": nstr, "schedule": nstr}
        | {"schedule_code": nstr, "schedule_since": ndate, "as_of": ndate, "sources": STRS}
    )
    every = _obj(
        {
            "meta": {"$ref": "#/$defs/meta"},
            "jurisdiction": STR,
            "substances": {"type": "array", "items": all_row},
            "sources": _sources(),
        }
    )
    out["status"] = {**keep, "anyOf": [status, every]}


def _timeline_event() -> dict[str, Any]:
    ev = fact(schema.SECTION_BY_KEY["events"])
    ev = {**ev, "properties": {"substance": STR, "name": STR, **ev["properties"]}}
    ev["required"] = ["substance", "name", *ev["required"]]
    return ev


def data_schemas() -> dict[str, dict[str, Any]]:
    sections = {}
    for sec in schema.SECTIONS:
        table = data_table(sec)
        sections[sec.key] = {"type": "array", "items": table} if sec.many else table
    top = {f.name: _kind(f, data_file=True) for f in schema.TOP_FIELDS}
    record = {
        "$schema": DRAFT,
        "$id": f"{BASE}record.json",
        "title": "psycompare data record (substances/<id>.toml, parsed; TOML dates as YYYY-MM-DD)",
        "type": "object",
        "properties": {"schema": {"const": schema.SCHEMA_VERSION}, **top, **sections},
        "required": [f.name for f in schema.TOP_FIELDS if f.required] + list(schema.REQUIRED_SECTIONS),
        "additionalProperties": False,
    }
    src_entry = {
        "type": "object",
        "properties": {f.name: _kind(f, data_file=True) for f in schema.SOURCE_FIELDS},
        "required": [f.name for f in schema.SOURCE_FIELDS if f.required],
        "anyOf": [{"required": ["url"]}, {"required": ["pmid"]}, {"required": ["doi"]}],
        "additionalProperties": False,
    }
    sources = {
        "$schema": DRAFT,
        "$id": f"{BASE}sources-file.json",
        "title": "psycompare sources.toml (parsed)",
        "type": "object",
        "propertyNames": {"pattern": "^[a-z0-9][a-z0-9._-]*$"},
        "additionalProperties": src_entry,
    }
    dataset = {
        "$schema": DRAFT,
        "$id": f"{BASE}dataset-file.json",
        "title": "psycompare dataset.toml (parsed)",
        "type": "object",
        "properties": {"version": STR, "date": DATE},
        "required": ["version", "date"],
        "additionalProperties": False,
    }
    loose = {"type": "object", "additionalProperties": True}
    partners = {
        "$schema": DRAFT,
        "$id": f"{BASE}partners-file.json",
        "title": "psycompare partners.toml (parsed; data validate checks the details)",
        "type": "object",
        "properties": {
            k: {"type": "object", "additionalProperties": loose} for k in ("class", "property", "drug", "substance")
        },
        "additionalProperties": False,
    }
    interactions = {
        "$schema": DRAFT,
        "$id": f"{BASE}interactions-file.json",
        "title": "psycompare interactions.toml (parsed; data validate checks the details)",
        "type": "object",
        "properties": {
            "reviewed": DATE,
            "rule": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"a": STR, "b": STR, "severity": STR, "sources": {**STRS, "minItems": 1}},
                    "required": ["a", "b", "severity", "sources"],
                },
            },
        },
        "additionalProperties": False,
    }
    return {
        "record": record,
        "sources-file": sources,
        "dataset-file": dataset,
        "partners-file": partners,
        "interactions-file": interactions,
    }


def build() -> dict[str, str]:
    """File name -> text of every shipped schema."""
    docs = output_schemas()
    docs["timeline"]["$defs"]["timeline_event"] = _timeline_event()
    docs.update(data_schemas())
    assert set(docs) == {*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS}
    return {f"{name}.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n" for name, doc in docs.items()}


def write(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, text in build().items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    write(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas"))

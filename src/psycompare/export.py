"""Export records in schema form (TOML or JSON) so that they read back unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from psycompare import model, schema
from psycompare.dataset import Dataset, cited_ids


def _registry(ds: Dataset, subs: list[model.Substance]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sub in subs:
        for sid in cited_ids(sub):
            src = ds.source(sid)
            if src is not None:
                out[sid] = schema.source_to_dict(src)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(ds: Dataset, subs: list[model.Substance], fmt: str) -> str:
    """One document: ``{"substances": [...], "sources": {...}}`` (plus the dataset info)."""
    doc: dict[str, Any] = {}
    info = ds.info()
    if info is not None:
        doc["dataset"] = {"version": info.version, "date": info.date}
    doc["substances"] = [schema.record_to_dict(s) for s in subs]
    doc["sources"] = _registry(ds, subs)
    if fmt == "json":
        import json

        return json.dumps(_jsonable(doc), ensure_ascii=False, indent=2) + "\n"
    import tomli_w

    return tomli_w.dumps(doc)


def write_dir(ds: Dataset, subs: list[model.Substance], out: Path) -> int:
    """Write a complete data directory (substances/*.toml, sources.toml, dataset.toml)."""
    import tomli_w

    (out / "substances").mkdir(parents=True, exist_ok=True)
    for sub in subs:
        (out / "substances" / f"{sub.id}.toml").write_text(tomli_w.dumps(schema.record_to_dict(sub)), "utf-8")
    (out / "sources.toml").write_text(tomli_w.dumps(_registry(ds, subs)), "utf-8")
    info = ds.info()
    if info is not None:
        (out / "dataset.toml").write_text(tomli_w.dumps({"version": info.version, "date": info.date}), "utf-8")
    return len(subs)

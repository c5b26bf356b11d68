"""What the index reads from a record file: the lookup-key rule (`normalize`), a record's
lookup keys, and the row `list` shows."""

from __future__ import annotations

from datetime import date
from typing import Any


def normalize(name: str) -> str:
    """The lookup key of a name: NFKC-folded (fullwidth ＭＤＭＡ is MDMA), case-folded, whitespace collapsed."""
    if not name.isascii():
        import unicodedata  # only for non-ASCII names: a C module, but no need to load it for "mdma"

        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.casefold().split())


LIST_FIELDS = ("id", "name", "generic_name", "class", "us_approval", "us_schedule", "us_as_of", "reviewed")


def _summary(data: dict[str, Any], file_id: str) -> dict[str, str | None]:
    """The row `list` shows (LIST_FIELDS, None where missing), read loosely from raw data.

    Built in JSON order at index time, so `list --format json` does no per-row work.
    """
    out: dict[str, str | None] = dict.fromkeys(LIST_FIELDS)
    out["id"] = file_id
    for key in ("name", "generic_name"):
        if isinstance(data.get(key), str):
            out[key] = data[key]
    cls = data.get("class")
    if isinstance(cls, dict) and isinstance(cls.get("text"), str):
        out["class"] = cls["text"]
    reviewed = data.get("reviewed")
    if isinstance(reviewed, date):
        out["reviewed"] = reviewed.isoformat()
    status = data.get("status")
    if isinstance(status, list):
        for entry in status:
            if isinstance(entry, dict) and entry.get("jurisdiction") == "US":
                for key in ("approval", "schedule"):
                    if isinstance(entry.get(key), str):
                        out["us_" + key] = entry[key]
                if isinstance(entry.get("as_of"), date):
                    out["us_as_of"] = entry["as_of"].isoformat()
    return out


def _keys(data: dict[str, Any], file_id: str) -> tuple[str, ...]:
    names = [file_id]
    for key in ("id", "name", "generic_name"):
        if isinstance(data.get(key), str):
            names.append(data[key])
    aliases = data.get("aliases")
    if isinstance(aliases, list):
        names.extend(a for a in aliases if isinstance(a, str))
    return tuple(dict.fromkeys(normalize(n) for n in names if n.strip()))


def identifier_keys(raw: dict[str, Any]) -> set[str]:
    """The lookup keys of a parsed record's CAS numbers, UNII and trial registry ids."""
    found: list[Any] = []
    ids = raw.get("identifiers")
    if isinstance(ids, dict):
        found += [ids.get("cas"), ids.get("unii")]
        salts = ids.get("cas_salts")
        found += salts if isinstance(salts, list) else []
    trials = raw.get("trials")
    for trial in trials if isinstance(trials, list) else []:
        reg = trial.get("registry_ids") if isinstance(trial, dict) else None
        found += reg if isinstance(reg, list) else []
    return {normalize(v) for v in found if isinstance(v, str) and v.strip()}

"""`data diff OLD NEW`: what changed between two data directories, fact by fact.

Each directory is read on its own (no bundled data, no layering). Records are compared
in schema form (``schema.record_to_dict``); list items are matched by a key that
names them (a status entry by its jurisdiction, an event by date, place and kind...),
so a change inside an item shows as changed fields rather than a removal and an addition.
Interaction rules are matched by their unordered pair, effect and setting (the key the
validator keeps unique), partners by section and id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psycompare import schema
from psycompare.dataset import Dataset
from psycompare.views import Block, Row, View

# list section -> the fields that identify an item within a record
ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "status": ("jurisdiction",),
    "status_history": ("jurisdiction", "until"),
    "events": ("date", "jurisdiction", "kind"),
    "effects": ("text",),
    "uses": ("condition",),
    "side_effects": ("text", "setting"),
    "cautions": ("kind", "text"),
    "trials": ("name",),
    "notes": ("claim",),
}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _change(kind: str, area: str, sid: str | None, path: str, fld: str, old: Any, new: Any) -> dict[str, Any]:
    return {
        "change": kind,
        "area": area,
        "substance": sid,
        "path": path,
        "field": fld,
        "old": _plain(old),
        "new": _plain(new),
    }


def _fields(area: str, sid: str | None, path: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for fld in dict.fromkeys([*old, *new]):
        if old.get(fld) != new.get(fld):
            out.append(_change("changed", area, sid, path, fld, old.get(fld), new.get(fld)))
    return out


def _label(section: str, item: dict[str, Any], keys: tuple[str, ...]) -> str:
    parts = [str(_plain(item.get(k, ""))) for k in keys]
    short = [p if len(p) <= 40 else p[:37] + "..." for p in parts]
    return f"{section}[{', '.join(short)}]"


def diff_records(sid: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every change between two records in schema form."""
    out: list[dict[str, Any]] = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in ITEM_KEYS:
            keys = ITEM_KEYS[key]
            olds = {tuple(_plain(i.get(k)) for k in keys): i for i in a or []}
            news = {tuple(_plain(i.get(k)) for k in keys): i for i in b or []}
            for k in dict.fromkeys([*olds, *news]):
                oi, ni = olds.get(k), news.get(k)
                label = _label(key, oi or ni or {}, keys)
                if oi is None:
                    out.append(_change("added", "record", sid, label, "", None, ni))
                elif ni is None:
                    out.append(_change("removed", "record", sid, label, "", oi, None))
                elif oi != ni:
                    out.extend(_fields("record", sid, label, oi, ni))
        elif isinstance(a, dict) and isinstance(b, dict):
            out.extend(_fields("record", sid, key, a, b))
        elif a is None:
            out.append(_change("added", "record", sid, key, "", None, b))
        elif b is None:
            out.append(_change("removed", "record", sid, key, "", a, None))
        else:
            out.append(_change("changed", "record", sid, "", key, a, b))
    return out


def _records(ds: Dataset) -> dict[str, dict[str, Any]]:
    return {sid: schema.record_to_dict(ds.load(sid)) for sid in ds.ids()}


def _sources(ds: Dataset) -> dict[str, dict[str, Any]]:
    return {sid: schema.source_to_dict(src) for sid, src in ds.indexes[0].all_sources().items()}


def _interaction_items(root: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The rules and partners of a directory's interaction files, by (area, name)."""
    import os

    from psycompare.interactions import PARTNERS_FILE, RULES_FILE
    from psycompare.loader import read_toml

    items: dict[tuple[str, str], dict[str, Any]] = {}
    rules, _, _ = (
        read_toml(os.path.join(root, RULES_FILE)) if os.path.isfile(os.path.join(root, RULES_FILE)) else (None, "", [])
    )
    for rule in (rules or {}).get("rule", []):
        if isinstance(rule, dict):
            a, b = sorted((str(rule.get("a", "")), str(rule.get("b", ""))))
            items[("interaction", f"rule[{a} + {b}, {rule.get('effect', '')}, {rule.get('setting', '')}]")] = rule
    if rules and "reviewed" in rules:
        items[("interaction", "reviewed")] = {"reviewed": rules["reviewed"]}
    path = os.path.join(root, PARTNERS_FILE)
    partners, _, _ = read_toml(path) if os.path.isfile(path) else (None, "", [])
    for section, table in (partners or {}).items():
        if isinstance(table, dict):
            for pid, entry in table.items():
                if isinstance(entry, dict):
                    items[("partner", f"{section}.{pid}")] = entry
    return items


def _diff_interactions(old_dir: str, new_dir: str) -> list[dict[str, Any]]:
    old, new = _interaction_items(old_dir), _interaction_items(new_dir)
    out: list[dict[str, Any]] = []
    for key in sorted({*old, *new}):
        a, b = old.get(key), new.get(key)
        area, path = key
        if a is None:
            out.append(_change("added", area, None, path, "", None, b))
        elif b is None:
            out.append(_change("removed", area, None, path, "", a, None))
        elif a != b:
            out.extend(_fields(area, None, path, a, b))
    return out


def diff_dirs(old_dir: str, new_dir: str) -> list[dict[str, Any]]:
    """Every change from one data directory to another (records, sources, interactions, dataset version)."""
    old, new = Dataset([old_dir], bundled=False), Dataset([new_dir], bundled=False)
    out: list[dict[str, Any]] = []
    oi, ni = old.info(), new.info()
    for fld in ("version", "date"):
        a, b = getattr(oi, fld, None), getattr(ni, fld, None)
        if a != b:
            out.append(_change("changed", "dataset", None, "dataset", fld, a, b))
    orec, nrec = _records(old), _records(new)
    for sid in sorted({*orec, *nrec}):
        if sid not in orec:
            out.append(_change("added", "record", sid, "", "", None, nrec[sid].get("name")))
        elif sid not in nrec:
            out.append(_change("removed", "record", sid, "", "", orec[sid].get("name"), None))
        else:
            out.extend(diff_records(sid, orec[sid], nrec[sid]))
    osrc, nsrc = _sources(old), _sources(new)
    for sid in sorted({*osrc, *nsrc}):
        a, b = osrc.get(sid), nsrc.get(sid)
        if a is None:
            out.append(_change("added", "source", None, sid, "", None, b))
        elif b is None:
            out.append(_change("removed", "source", None, sid, "", a, None))
        elif a != b:
            out.extend(_fields("source", None, sid, a, b))
    return out + _diff_interactions(old_dir, new_dir)


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        text = value.get("text") or value.get("title") or "; ".join(f"{k}={_show(v)}" for k, v in value.items())
        return str(text)
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    return str(value)


def diff_view(old_dir: str, new_dir: str) -> View:
    changes = diff_dirs(old_dir, new_dir)
    counts = {k: sum(1 for c in changes if c["change"] == k) for k in ("added", "removed", "changed")}
    rows = [
        Row([c["change"], c["substance"] or c["area"], c["path"], c["field"], _show(c["old"]), _show(c["new"])])
        for c in changes
    ] or [Row(["-", "-", "-", "-", "-", "no differences"])]
    title = f"Changes from {old_dir} to {new_dir}: " + ", ".join(f"{n} {k}" for k, n in counts.items())
    block = Block(title, ["change", "where", "item", "field", "old", "new"], rows, layout="items")
    header = ["change", "area", "substance", "path", "field", "old", "new"]

    def cell(value: Any) -> str:
        if value is None:
            return ""
        import json

        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    csv_rows = [[cell(c[h]) for h in header] for c in changes]
    data = {"old": old_dir, "new": new_dir, "counts": counts, "changes": changes}
    return View(data, [block], header, csv_rows)

"""`data diff OLD NEW`: what changed between two data directories, fact by fact.

Each directory is read on its own (no bundled data); an overlay NEW is laid over OLD. Records are compared
in schema form (``record_to_dict``); list items are matched by a key that
names them (a status entry by its jurisdiction, an event by date, place and kind...),
so a change inside an item shows as changed fields rather than a removal and an addition.
Interaction rules are matched by their unordered pair, effect and setting (the key the
validator keeps unique), partners by section and id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from psycompare.schema.convert import record_to_dict, source_to_dict
from psycompare.store.dataset import Dataset
from psycompare.views.base import Block, Row, View

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


def _keyed(
    area: str,
    sid: str | None,
    old: dict[Any, dict[str, Any]],
    new: dict[Any, dict[str, Any]],
    path: Callable[[Any, dict[str, Any]], str] | None = None,
    ordered: bool = True,
) -> list[dict[str, Any]]:
    """Added, removed and changed items of two keyed collections, in key order (or as found).

    ``path(key, item)`` names an item; by default its key.
    """
    out: list[dict[str, Any]] = []
    keys = sorted({*old, *new}) if ordered else list(dict.fromkeys([*old, *new]))
    for key in keys:
        a, b = old.get(key), new.get(key)
        where = key if path is None else path(key, a or b or {})
        if a is None:
            out.append(_change("added", area, sid, where, "", None, b))
        elif b is None:
            out.append(_change("removed", area, sid, where, "", a, None))
        elif a != b:
            out.extend(_fields(area, sid, where, a, b))
    return out


def _label(section: str, keys: tuple[str, ...], _key: Any, item: dict[str, Any]) -> str:
    """A list item's path, e.g. ``status[US]``."""
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
            keys, section = ITEM_KEYS[key], key
            olds = {tuple(_plain(i.get(k)) for k in keys): i for i in a or []}
            news = {tuple(_plain(i.get(k)) for k in keys): i for i in b or []}
            out.extend(_keyed("record", sid, olds, news, partial(_label, section, keys), ordered=False))
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
    return {sid: record_to_dict(ds.load(sid)) for sid in ds.ids()}


def _sources(ds: Dataset) -> dict[str, dict[str, Any]]:
    """Every source of the dataset's directories (the first definition of an id wins).

    An invalid entry is an error of that side, never a silently missing source (audit M2).
    """
    from psycompare.errors import DataError

    problems = [p for idx in ds.indexes for p in idx.source_problems()]
    if problems:
        raise DataError(problems)
    out: dict[str, dict[str, Any]] = {}
    for idx in ds.indexes:
        for sid, src in idx.all_sources().items():
            out.setdefault(sid, source_to_dict(src))
    return out


def _interaction_items(roots: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """The rules and partners of directories' interaction files, layered: {area: {path: item}}.

    The files are validated first (every field, as `interactions` does): a broken,
    unreadable, FIFO or device file is an error of that side, never "no rules" (audit
    2026-12-04 M2, M4, M5).
    """
    import os

    from psycompare.errors import DataError
    from psycompare.store.files import read_toml
    from psycompare.store.interactions import PARTNERS_FILE, RULES_FILE, load_dirs

    data = load_dirs([(r, r) for r in roots])
    problems = [p for p in data.problems if "unknown class" not in p.message and "unknown property" not in p.message]
    if problems:
        raise DataError(problems)
    found: dict[str, dict[str, Any]] = {}
    named: dict[str, dict[str, Any]] = {}
    for root in roots:

        def parsed(name: str, root: str = root) -> dict[str, Any]:
            path = os.path.join(root, name)
            if not os.path.lexists(path):
                return {}
            value, _, problems = read_toml(path)
            if problems or value is None:
                raise DataError(problems or [schema_problem(path)])
            return value

        rules, partners = parsed(RULES_FILE), parsed(PARTNERS_FILE)
        for rule in rules.get("rule", []):
            if isinstance(rule, dict):
                a, b = sorted((str(rule.get("a", "")), str(rule.get("b", ""))))
                found[f"rule[{a} + {b}, {rule.get('effect', '')}, {rule.get('setting', '')}]"] = rule
        if "reviewed" in rules and "reviewed" not in found:
            found["reviewed"] = {"reviewed": rules["reviewed"]}
        for section, table in partners.items():
            for pid, entry in table.items() if isinstance(table, dict) else ():
                if not isinstance(entry, dict):
                    continue
                key = f"{section}.{pid}"
                old = named.get(key)
                if old is None:
                    named[key] = dict(entry)
                    continue
                merged = {**old, **entry}  # a later directory: names replace, lists unite
                for k in ("aliases", "classes", "properties", "sources", "contains"):
                    if isinstance(old.get(k), list) and isinstance(entry.get(k), list):
                        merged[k] = list(dict.fromkeys([*old[k], *entry[k]]))
                named[key] = merged
    return {"interaction": found, "partner": named}


def schema_problem(path: str) -> Any:
    from psycompare.errors import Problem

    return Problem(path, 1, 1, "(file)", "cannot read")


def _is_overlay(old: Dataset, new_dir: str) -> bool:
    """True when NEW holds partial records of OLD's substances (an overlay, not a whole directory)."""
    from psycompare.errors import DataError

    new = Dataset([new_dir], bundled=False)
    old_ids = set(old.ids())
    for sid in new.ids():
        try:
            new.load(sid)
        except DataError as exc:
            if sid in old_ids and any("missing required field" in p.message for p in exc.problems):
                return True
    return False


def diff_dirs(old_dir: str, new_dir: str) -> list[dict[str, Any]]:
    """Every change from one data directory to another (records, sources, interactions, dataset version).

    When NEW is an overlay (partial records of OLD's substances), OLD is compared with OLD
    and NEW layered, as `--data NEW` would show it (audit 2026-12-04 M3).
    """
    old = Dataset([old_dir], bundled=False)
    layered = _is_overlay(old, new_dir)
    new_roots = [old_dir, new_dir] if layered else [new_dir]
    new = Dataset(new_roots, bundled=False)
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
            found = diff_records(sid, orec[sid], nrec[sid])
            if layered:  # layering dates each fact with its layer's `reviewed`: not a change
                day = _plain(orec[sid].get("reviewed"))
                found = [c for c in found if not (c["field"] == "as_of" and c["old"] is None and c["new"] == day)]
            out.extend(found)
    osrc, nsrc = _sources(old), _sources(new)
    out += _keyed("source", None, osrc, nsrc)
    oint, nint = _interaction_items([old_dir]), _interaction_items(new_roots)
    for area in ("interaction", "partner"):
        out += _keyed(area, None, oint[area], nint[area])
    return out


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
    ]
    title = f"Changes from {old_dir} to {new_dir}: " + ", ".join(f"{n} {k}" for k, n in counts.items())
    if not rows:  # the title says it all: no placeholder row of dashes
        title += "; no differences"
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

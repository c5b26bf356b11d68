"""Export records in schema form (TOML or JSON) so that they read back unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from psycompare import model
from psycompare.errors import Problem, UsageError
from psycompare.schema.checker import validate_sources
from psycompare.schema.convert import record_to_dict, source_to_dict
from psycompare.store.dataset import Dataset, cited_ids


def _registry(ds: Dataset, subs: list[model.Substance], extra: Sequence[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ids = [sid for sub in subs for sid in cited_ids(sub)] + list(extra)
    for sid in ids:
        src = ds.source(sid)
        if src is not None and sid not in out:
            out[sid] = source_to_dict(src)
    return out


def interaction_docs(ds: Dataset) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The partners and interaction rules of every data directory, merged as the dataset reads
    them (partner tables by kind and id, rules in order), and the source ids they cite.

    Without them an export is not the dataset: a `data diff` of an export snapshot would
    report every interaction rule and every source only they cite as added.
    """
    import os
    import tomllib

    partners: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    for idx in ds.indexes:
        for name, into in (("partners.toml", partners), ("interactions.toml", rules)):
            path = os.path.join(idx.root, name)
            try:
                with open(path, "rb") as fh:
                    doc = tomllib.load(fh)
            except FileNotFoundError:
                continue
            for key, value in doc.items():
                if key == "rule" and isinstance(value, list):
                    into.setdefault("rule", []).extend(value)
                elif isinstance(value, dict) and isinstance(into.get(key), dict):
                    into[key].update(value)
                else:
                    into[key] = value
    cited: list[str] = []
    for doc in (partners, rules):
        for entry in _entries(doc):
            for sid in entry.get("sources", ()) if isinstance(entry, dict) else ():
                if isinstance(sid, str) and sid not in cited:
                    cited.append(sid)
    return partners, rules, cited


def _entries(doc: dict[str, Any]) -> list[Any]:
    out: list[Any] = list(doc.get("rule", []))
    for key, value in doc.items():
        if key != "rule" and isinstance(value, dict):
            out.extend(value.values())
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(ds: Dataset, subs: list[model.Substance], fmt: str, whole: bool = False) -> str:
    """One document: ``{"substances": [...], "sources": {...}}`` (plus the dataset info)."""
    doc: dict[str, Any] = {}
    info = ds.info()
    if info is not None:
        doc["dataset"] = {"version": info.version, "date": info.date}
    doc["substances"] = [record_to_dict(s) for s in subs]
    partners, rules, cited = interaction_docs(ds) if whole else ({}, {}, [])
    doc["sources"] = _registry(ds, subs, cited)
    if partners:
        doc["partners"] = partners
    if rules:
        doc["interactions"] = rules
    if fmt == "json":
        import json

        return json.dumps(_jsonable(doc), ensure_ascii=False, indent=2) + "\n"
    import tomli_w

    return tomli_w.dumps(doc)


class Written(NamedTuple):
    """What `write_dir` did."""

    records: int
    sources_added: int
    sources_kept: list[str]  # ids the folder's sources.toml already defines differently (kept as they are)
    info_written: bool


def write_dir(ds: Dataset, subs: list[model.Substance], out: str, force: bool = False, whole: bool = False) -> Written:
    """Add records to a data directory (``substances/ID.toml``, ``sources.toml``, ``dataset.toml``).

    Nothing there is lost: an existing record file is replaced only with ``force``
    (else nothing is written and a `UsageError` names it); an existing
    ``sources.toml`` keeps its text and gains only the sources it lacks; an existing
    ``dataset.toml`` is kept. See `safe_write` for symlinks and failed writes.
    """
    import tomli_w

    from psycompare.store.files import MAX_FILE_BYTES
    from psycompare.store.writer import OutDir

    with OutDir(out) as root:
        root.lock()  # concurrent exports into one folder take turns (audit 2026-12-04 H3)
        with root.subdir("substances") as subdir:
            names = [f"{sub.id}.toml" for sub in subs]
            if not force:
                for name in names:
                    if subdir.exists(name):
                        raise UsageError(f"{subdir.shown(name)} already exists; use --force to replace it")
            # the whole dataset (a snapshot to diff against) takes the interaction data along; a
            # few records added to an overlay do not (the rules would repeat the bundled ones)
            partners, rules, cited = interaction_docs(ds) if whole else ({}, {}, [])
            registry = _registry(ds, subs, cited)
            added, kept = _merge_sources(root, registry, MAX_FILE_BYTES)
            for sub, name in zip(subs, names, strict=True):
                subdir.write(name, tomli_w.dumps(record_to_dict(sub)).encode("utf-8"), replace=force)
            for fname, doc in (("partners.toml", partners), ("interactions.toml", rules)):
                if doc and (force or not root.exists(fname)):  # an existing file is the folder's own
                    root.write(fname, tomli_w.dumps(doc).encode("utf-8"), replace=force)
            info = ds.info()
            info_written = info is not None and not root.exists("dataset.toml")
            if info is not None and info_written:
                data = tomli_w.dumps({"version": info.version, "date": info.date}).encode("utf-8")
                root.write("dataset.toml", data)
    return Written(len(subs), added, kept, info_written)


def _merge_sources(root: Any, registry: dict[str, Any], limit: int) -> tuple[int, list[str]]:
    """Append the sources the folder's ``sources.toml`` lacks; its own text and entries stay."""
    import tomli_w

    from psycompare.errors import DataError

    old = root.read("sources.toml", limit)
    if old is None:
        root.write("sources.toml", tomli_w.dumps(registry).encode("utf-8"))
        return len(registry), []
    import tomllib

    shown = root.shown("sources.toml")
    try:
        text = old.decode("utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        from psycompare.store.files import read_toml

        problems = read_toml(shown)[2] or [Problem(shown, 1, 1, "(file)", f"cannot read: {exc}")]
        raise DataError(problems) from exc
    existing, problems = validate_sources(data, shown, text, shown)
    if problems:
        raise DataError(problems)
    kept = [sid for sid, entry in registry.items() if sid in existing and source_to_dict(existing[sid]) != entry]
    new = {sid: entry for sid, entry in registry.items() if sid not in data}
    if new:
        glue = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        root.write("sources.toml", (text + glue + tomli_w.dumps(new)).encode("utf-8"), replace=True)
    return len(new), kept

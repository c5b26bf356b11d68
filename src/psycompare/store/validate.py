"""Whole-directory validation (``psycompare data validate``): every problem, located."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from psycompare import model
from psycompare.errors import Problem
from psycompare.schema.checks import is_id
from psycompare.schema.fields import Path_
from psycompare.schema.locate import Locator, dotted
from psycompare.store.files import Locators, load_info, load_record, load_sources, read_text
from psycompare.store.index import normalize


def validate_dirs(dirs: list[Path]) -> list[Problem]:
    """Check data directories as one layered dataset (earlier directories first).

    The same directory given twice counts once, as in `dataset.Dataset`.
    """
    unique: dict[str, Path] = {}
    for d in dirs:
        unique.setdefault(os.path.realpath(d), d)
    dirs = list(unique.values())
    problems: list[Problem] = []
    registries: list[tuple[Path, dict[str, object]]] = []
    first_def: dict[str, tuple[object, Path]] = {}
    for d in dirs:
        sources, found = load_sources(d / "sources.toml", str(d))
        problems.extend(found)
        registries.append((d, dict(sources)))
        redefined = [
            (sid, prev[1])
            for sid, src in sources.items()
            if (prev := first_def.get(sid)) is not None and prev[0] != src._replace(origin="")
        ]
        if redefined:
            src_locator = Locator(read_text(d / "sources.toml"))
            for sid, first_dir in redefined:
                line, col = src_locator.find((sid,))
                problems.append(
                    Problem(
                        str(d / "sources.toml"),
                        line,
                        col,
                        sid,
                        f"redefines source {sid!r} of {first_dir} differently; the first definition is used "
                        "(give your source a new id)",
                    )
                )
        for sid, src in sources.items():
            first_def.setdefault(sid, (src._replace(origin=""), d))
        _, found = load_info(d / "dataset.toml")
        problems.extend(found)
        if not (d / "substances").is_dir() and not (d / "sources.toml").is_file():
            problems.append(
                Problem(str(d), 1, 1, "(directory)", "not a data directory (no substances/ or sources.toml)")
            )
    known: dict[str, object] = {}
    for _, reg in registries:
        known.update(reg)
    seen_ids: set[str] = set()
    all_ids = _all_ids(dirs)
    key_owner: dict[str, tuple[str, str]] = {}  # normalized alias -> (id, file)
    cited_by_dir: dict[Path, set[str]] = {d: set() for d in dirs}
    id_dir = _id_dirs(dirs)
    # one namespace (audit 2026-12-04 H1, M7): every record name and identifier, with the
    # directory that gave it first; partners are checked against it below
    sub_keys: dict[str, tuple[str, int, str]] = {}
    idents: list[tuple[str, str, int, str, Path_, str]] = []  # (key, id, dir, file, where, kind)
    name_at: list[tuple[str, str, int, str, Path_, str]] = []  # (key, id, dir, file, where, text)
    for n, d in enumerate(dirs):
        sub = d / "substances"
        try:
            names = sorted(n for n in os.listdir(sub) if n.endswith(".toml"))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        except OSError as exc:  # there but unreadable: its records would be skipped silently
            names = []
            problems.append(Problem(str(sub), 1, 1, "(directory)", f"cannot read: {exc.strerror or exc}"))
        for name in names:
            path = sub / name
            sid = name[: -len(".toml")]
            partial = sid in seen_ids
            fields, found, cited, text = load_record(path, str(d), partial=partial, known=known.__contains__)
            problems.extend(found)
            if not is_id(sid):
                problems.append(
                    Problem(str(path), 1, 1, "(file)", "file name must be the record id (a-z, 0-9, -) + .toml")
                )
            seen_ids.add(sid)
            locator = Locator(text) if text else None
            cited_by_dir[d].update(source_id for source_id, _ in cited)
            if fields is None:
                continue
            for where, message in primary_problems(fields, known):
                line, col = locator.find(where) if locator else (1, 1)
                problems.append(Problem(str(path), line, col, dotted(where), message))
            names_here = [fields.get("name", ""), fields.get("generic_name", ""), *fields.get("aliases", ())]
            sub_keys.setdefault(normalize(sid), (sid, n, str(path)))
            for i, alias in enumerate(names_here):
                if normalize(alias):
                    where_n: Path_ = (("name", "generic_name")[i] if i < 2 else "aliases",)
                    sub_keys.setdefault(normalize(alias), (sid, n, str(path)))
                    name_at.append((normalize(alias), sid, n, str(path), where_n, alias))
            for key, where_i, kind in _identifiers(fields):
                idents.append((key, sid, n, str(path), where_i, kind))
            for i, alias in enumerate(names_here):
                key = normalize(alias)
                if not key:
                    continue
                field_name = ("name", "generic_name")[i] if i < 2 else "aliases"
                if key != sid and key in all_ids:
                    if id_dir.get(key, n) > n:  # a later directory's record id takes over this name: blame it
                        other = dirs[id_dir[key]] / "substances" / f"{key}.toml"
                        problems.append(
                            Problem(str(other), 1, 1, "id", f"id {key!r} is already a name of {sid!r} ({path})")
                        )
                    else:
                        line, col = locator.find((field_name,)) if locator else (1, 1)
                        problems.append(
                            Problem(str(path), line, col, field_name, f"{alias!r} shadows the id of another substance")
                        )
                owner = key_owner.get(key)
                if owner and owner[0] != sid:
                    line, col = locator.find((field_name,)) if locator else (1, 1)
                    problems.append(
                        Problem(
                            str(path), line, col, field_name, f"{alias!r} is also a name of {owner[0]!r} ({owner[1]})"
                        )
                    )
                else:
                    key_owner[key] = (sid, str(path))
    problems.extend(_identifier_clashes(idents, name_at, sub_keys))
    from psycompare.store.ix_validate import validate_dirs as validate_interactions

    found, cited_here = validate_interactions([str(d) for d in dirs], known, all_ids, sub_keys)
    problems.extend(found)
    cited_all = set().union(cited_here, *cited_by_dir.values())
    for d, reg in registries:
        path = d / "sources.toml"
        text = read_text(path) if reg else ""
        locator = Locator(text)
        for source_id in reg:
            if source_id not in cited_all:
                line, col = locator.find((source_id,))
                problems.append(Problem(str(path), line, col, source_id, "source is not cited by any record"))
    return problems


STATUS_PRIMARY = ("label", "regulator", "rule", "registry")


def primary_problems(fields: dict[str, Any], registry: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Status entries and regulatory events that cite no primary source (docs/schema.md, "Primary sources").

    A status entry needs a label, regulator, rule or registry source (a sponsor's own release
    also counts when the entry is ``investigational``: the state of an application is what the
    sponsor announces). An approval, refusal, advisory-vote or letter event needs a label,
    regulator, rule, trial, registry or sponsor source; a scheduling event needs a label,
    regulator or rule. A source marked ``secondary`` is a copy of such a document on another
    host and counts (it says so in its note); a summary or repost is kind news or database and
    never counts. Unknown ids are reported elsewhere and ignored here.
    """
    out: list[tuple[Path_, str]] = []

    def check(ids: tuple[str, ...], kinds: tuple[str, ...], where: Path_, what: str) -> None:
        srcs = [registry[x] for x in dict.fromkeys(ids) if x in registry]
        if not srcs or any(s.kind in kinds for s in srcs):
            return
        cited = ", ".join(f"{s.id} ({s.kind}{', secondary' if s.secondary else ''})" for s in srcs)
        out.append((where, f"{what} cites no primary source ({' / '.join(kinds)}); cited: {cited}"))

    for i, e in enumerate(fields.get("status", ())):
        kinds = STATUS_PRIMARY + (("sponsor",) if e.approval == "investigational" else ())
        ids = (*e.sources, *e.schedule_sources, *e.short_sources)
        check(ids, kinds, ("status", i, "sources"), f"the {e.jurisdiction} status entry")
    for i, ev in enumerate(fields.get("events", ())):
        if ev.kind not in model.REGULATORY_EVENT_KINDS:
            continue
        kinds = ("label", "regulator", "rule") if ev.kind == "scheduling" else (*model.PRIMARY_KINDS, "sponsor")
        check(ev.sources, kinds, ("events", i, "sources"), f"the {ev.kind} event of {ev.date.isoformat()}")
    return out


def _identifiers(fields: dict[str, Any]) -> list[tuple[str, Path_, str]]:
    """A record's CAS numbers, UNII and trial registry ids: (lookup key, where, kind)."""
    out: list[tuple[str, Path_, str]] = []
    ids = fields.get("identifiers")
    if ids is not None:
        for v in (ids.cas, *ids.cas_salts):
            if v:
                out.append((normalize(v), ("identifiers", "cas"), "CAS number"))
        if ids.unii:
            out.append((normalize(ids.unii), ("identifiers", "unii"), "UNII"))
    for i, trial in enumerate(fields.get("trials", ())):
        out.extend((normalize(r), ("trials", i, "registry_ids"), "trial id") for r in trial.registry_ids if r)
    return [t for t in out if t[0]]


def _identifier_clashes(
    idents: list[tuple[str, str, int, str, Path_, str]],
    name_at: list[tuple[str, str, int, str, Path_, str]],
    sub_keys: dict[str, tuple[str, int, str]],
) -> list[Problem]:
    """A CAS number or UNII given to two records, and a name or alias that is another record's
    identifier (an identifier lookup would never reach it, or an overlay would take it)."""
    out: list[Problem] = []
    first: dict[str, tuple[str, str, str]] = {}  # key -> (id, file, kind)
    loc = Locators()
    for key, sid, _, file, where, kind in idents:
        prev = first.setdefault(key, (sid, file, kind))
        if prev[0] != sid and kind != "trial id" and prev[2] != "trial id":
            out.append(loc.problem(file, where, f"{kind} {key!r} is also given to {prev[0]!r} ({prev[1]})"))
    for key, sid, _, file, where, alias in name_at:
        found = first.get(key)
        if found is not None and found[0] != sid:
            message = f"{alias!r} is the {found[2]} of {found[0]!r} ({found[1]}); it cannot be a name of {sid!r}"
            out.append(loc.problem(file, where, message))
    for key, sid, n, file, _, _ in idents:
        sub_keys.setdefault(key, (sid, n, file))
    return out


def _id_dirs(dirs: list[Path]) -> dict[str, int]:
    """Record id -> the index of the first directory that has its file."""
    out: dict[str, int] = {}
    for n, d in enumerate(dirs):
        try:
            for name in os.listdir(d / "substances"):
                if name.endswith(".toml"):
                    out.setdefault(name[: -len(".toml")], n)
        except OSError:
            pass
    return out


def _all_ids(dirs: list[Path]) -> set[str]:
    """Every record id in the directories (file names)."""
    ids: set[str] = set()
    for d in dirs:
        try:
            ids.update(n[: -len(".toml")] for n in os.listdir(d / "substances") if n.endswith(".toml"))
        except OSError:
            pass
    return ids

"""Whole-directory validation (``psycompare data validate``): every problem, located."""

from __future__ import annotations

import os
from pathlib import Path

from psycompare import schema
from psycompare.errors import Problem
from psycompare.index import normalize
from psycompare.loader import load_info, load_record, load_sources


def validate_dirs(dirs: list[Path]) -> list[Problem]:
    """Check data directories as one layered dataset (earlier directories first)."""
    problems: list[Problem] = []
    registries: list[tuple[Path, dict[str, object]]] = []
    for d in dirs:
        sources, found = load_sources(d / "sources.toml", str(d))
        problems.extend(found)
        registries.append((d, dict(sources)))
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
    for d in dirs:
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
            fields, found, cited, text = load_record(path, str(d), partial=partial)
            problems.extend(found)
            if not schema.is_id(sid):
                problems.append(
                    Problem(str(path), 1, 1, "(file)", "file name must be the record id (a-z, 0-9, -) + .toml")
                )
            seen_ids.add(sid)
            locator = schema.Locator(text) if text else None
            for source_id, where in cited:
                cited_by_dir[d].add(source_id)
                if source_id not in known:
                    line, col = locator.find(where) if locator else (1, 1)
                    problems.append(
                        Problem(
                            str(path),
                            line,
                            col,
                            schema.dotted(where),
                            f"source id {source_id!r} is not in sources.toml",
                        )
                    )
            if fields is None:
                continue
            names_here = [fields.get("name", ""), fields.get("generic_name", ""), *fields.get("aliases", ())]
            for i, alias in enumerate(names_here):
                key = normalize(alias)
                if not key:
                    continue
                field_name = ("name", "generic_name")[i] if i < 2 else "aliases"
                if key != sid and key in all_ids:
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
    cited_all = set().union(*cited_by_dir.values()) if cited_by_dir else set()
    for d, reg in registries:
        path = d / "sources.toml"
        text = path.read_text("utf-8", "replace") if reg else ""
        locator = schema.Locator(text)
        for source_id in reg:
            if source_id not in cited_all:
                line, col = locator.find((source_id,))
                problems.append(Problem(str(path), line, col, source_id, "source is not cited by any record"))
    return problems


def _all_ids(dirs: list[Path]) -> set[str]:
    """Every record id in the directories (file names)."""
    ids: set[str] = set()
    for d in dirs:
        try:
            ids.update(n[: -len(".toml")] for n in os.listdir(d / "substances") if n.endswith(".toml"))
        except OSError:
            pass
    return ids

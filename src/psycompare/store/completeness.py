"""The completeness rule (issue 20), checked by ``psycompare data validate --complete``.

Every record lists at least ``MIN_MILD`` mild side effects and ``MIN_SERIOUS`` serious risk,
and has a status entry in every jurisdiction the dataset covers (``COVERED``) whose schedule is
decided (``schedule_code`` other than ``unknown``). A cell that
cannot be filled from a primary source is a *stated gap*: a ``[[gap]]`` in the data
directory's ``gaps.toml`` naming the record, what is missing and why. A gap for something the
record now has is reported too, so the list stays true.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from psycompare import model
from psycompare.errors import Problem

COVERED = ("US", "CA", "GB", "EU", "AU", "INTL", "NZ", "CH", "DE")
MIN_MILD = 6
MIN_SERIOUS = 1
GAPS_FILE = "gaps.toml"
_WHAT = ("status", "schedule", "side_effects", "serious")


class Gap(NamedTuple):
    """One stated gap: ``what`` is ``status`` or ``schedule`` (with a jurisdiction), ``side_effects`` or ``serious``."""

    record: str
    what: str
    jurisdiction: str
    reason: str
    file: str
    position: int


def missing(sub: model.Substance) -> list[tuple[str, str, str]]:
    """What the record lacks under the rule, as (what, jurisdiction, message)."""
    out: list[tuple[str, str, str]] = []
    mild = sum(1 for s in sub.side_effects if s.severity == "mild")
    serious = sum(1 for s in sub.side_effects if s.severity == "serious")
    if mild < MIN_MILD:
        out.append(("side_effects", "", f"{mild} mild side effects; the rule asks for at least {MIN_MILD}"))
    if serious < MIN_SERIOUS:
        out.append(("serious", "", 'no serious risk (a side effect with severity = "serious")'))
    codes = {e.jurisdiction: e.schedule_code for e in sub.status}
    for code in COVERED:
        if code not in codes:
            out.append(("status", code, f"no {code} status entry"))
        elif codes[code] == "unknown":
            out.append(("schedule", code, f"the {code} schedule is unknown"))
    return out


def load_gaps(dirs: Sequence[Path]) -> tuple[list[Gap], list[Problem]]:
    """Read ``gaps.toml`` from each directory (all layers add up)."""
    from psycompare.store.files import read_toml

    gaps: list[Gap] = []
    problems: list[Problem] = []
    for d in dirs:
        path = Path(d) / GAPS_FILE
        if not path.is_file():
            continue
        data, _, found = read_toml(path, str(path))
        problems.extend(found)
        if data is None:
            continue
        for key in data:
            if key != "gap":
                problems.append(Problem(str(path), 1, 1, key, "unknown key (only [[gap]] tables)"))
        for i, raw in enumerate(data.get("gap", [])):
            where = f"gap[{i}]"
            if not isinstance(raw, dict):
                problems.append(Problem(str(path), 1, 1, where, "expected a table"))
                continue
            extra = set(raw) - {"record", "what", "jurisdiction", "reason"}
            if extra:
                problems.append(Problem(str(path), 1, 1, where, f"unknown key {sorted(extra)[0]!r}"))
            record, what = raw.get("record", ""), raw.get("what", "")
            code, reason = raw.get("jurisdiction", ""), raw.get("reason", "")
            if not all(isinstance(v, str) for v in (record, what, code, reason)):
                problems.append(Problem(str(path), 1, 1, where, "record, what, jurisdiction and reason are text"))
                continue
            if what not in _WHAT:
                problems.append(Problem(str(path), 1, 1, where, f"what must be one of {', '.join(_WHAT)}"))
            elif (what in ("status", "schedule")) != bool(code):
                problems.append(
                    Problem(str(path), 1, 1, where, "a status or schedule gap names a jurisdiction; others do not")
                )
            elif not reason.strip():
                problems.append(Problem(str(path), 1, 1, where, "a gap must say why (reason)"))
            else:
                gaps.append(Gap(record, what, code, reason, str(path), i))
    return gaps, problems


def check_dirs(dirs: Sequence[Path]) -> list[Problem]:
    """Every record in the layered directories against the rule, less the stated gaps."""
    from psycompare.store.dataset import Dataset

    gaps, problems = load_gaps(dirs)
    ds = Dataset([os.fspath(d) for d in dirs], bundled=False, cache_dir=None)
    stated = {(g.record, g.what, g.jurisdiction): g for g in gaps}
    used: set[tuple[str, str, str]] = set()
    ids = set(ds.ids())
    for sid in sorted(ids):
        sub = ds.load(sid)
        file = _record_file(dirs, sid)
        for what, code, message in missing(sub):
            if (sid, what, code) in stated:
                used.add((sid, what, code))
                continue
            field = f"{what}[{code}]" if code else what
            problems.append(Problem(file, 1, 1, field, f"{message} (or state the gap in {GAPS_FILE})"))
    for key, g in stated.items():
        if g.record not in ids:
            problems.append(Problem(g.file, 1, 1, f"gap[{g.position}]", f"no record {g.record!r}"))
        elif key not in used:
            label = f"{g.what} {g.jurisdiction}".strip()
            problems.append(
                Problem(g.file, 1, 1, f"gap[{g.position}]", f"{g.record} now has {label}; remove the stated gap")
            )
    return problems


def _record_file(dirs: Sequence[Path], sid: str) -> str:
    for d in reversed(list(dirs)):
        path = Path(d) / "substances" / f"{sid}.toml"
        if path.is_file():
            return str(path)
    return sid

"""What `data validate` checks in the interaction files beyond loading them: unknown partners and
sources, class depth, names that clash with a substance's, and the severity scale."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from psycompare.errors import Problem
from psycompare.interaction_model import RANK, InteractionData, Partner, Rule, expand
from psycompare.store.files import Locators
from psycompare.store.interactions import RULES_FILE, dangling_sources, load_dirs, read_file


def validate_dirs(
    dirs: Sequence[str],
    known_sources: Iterable[str],
    substance_ids: Iterable[str],
    substance_keys: Mapping[str, tuple[str, int, str]] | None = None,
) -> tuple[list[Problem], set[str]]:
    """Problems in the interaction files of data directories, and the source ids they cite.

    Checks every field, unknown partners, unknown classes, class cycles, duplicate (or
    reversed) rules, severities outside the scale, rules without sources or citing unknown
    sources, and partner names that collide with each other or with a substance's id, name,
    alias or identifier (``substance_keys``: normalized key -> (substance id, directory
    number, file); the earlier directory owns a name, and the later claim is the problem).
    """
    from psycompare.schema.checks import is_id

    data = load_dirs([(os.fspath(d), os.fspath(d)) for d in dirs])
    problems = list(data.problems)
    known = set(known_sources)
    ids = set(substance_ids)
    loc = Locators()

    problems.extend(dangling_sources(data, data.cited_ids - known, loc))
    for sid, p in data.substance_classes.items():
        if sid not in ids:
            problems.append(
                loc.problem(p.origin, (f"substance.{sid}",), f"no substance record {sid!r}", field=f"substance.{sid}")
            )
    for pid, p in data.partners.items():
        if pid in ids:
            problems.append(
                loc.problem(
                    p.origin, (f"{p.kind}.{pid}",), f"{pid!r} is already a substance id", field=f"{p.kind}.{pid}"
                )
            )
        problems.extend(
            loc.problem(p.origin, (f"{p.kind}.{pid}", "contains"), f"no substance record {sid!r}")
            for sid in p.contains
            if sid not in ids
        )
    if substance_keys:
        problems.extend(_name_clashes(data, substance_keys, ids, loc))
    for pid, depth in _depths(data.partners).items():
        if depth > MAX_CLASS_DEPTH:
            p = data.partners[pid]
            problems.append(
                loc.problem(
                    p.origin,
                    (f"{p.kind}.{pid}", "classes"),
                    f"classes nested {depth} deep (at most {MAX_CLASS_DEPTH})",
                    field=f"{p.kind}.{pid}.classes",
                )
            )
            break
    rule_files = [os.path.join(os.fspath(d), RULES_FILE) for d in dirs]
    for file in rule_files:
        if not os.path.isfile(file):
            continue
        raw, _, _ = read_file(file)
        items = raw.get("rule", []) if raw else []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for side in ("a", "b"):
                value = item.get(side)
                if isinstance(value, str) and is_id(value) and value not in data.partners and value not in ids:
                    problems.append(
                        loc.problem(
                            file,
                            ("rule", i, side),
                            f"unknown partner {value!r} (not a substance, drug or class id)",
                            field=f"rule[{i}].{side}",
                        )
                    )
    for file in rule_files:
        if os.path.isfile(file):
            problems.extend(grading_problems(data, file, loc))
    return problems, {s for s, _, _ in data.cited}


MAX_CLASS_DEPTH = 16


def _depths(partners: Mapping[str, Partner]) -> dict[str, int]:
    """How many classes deep each partner's membership goes (cycles cut), in linear time."""
    depth: dict[str, int] = {}
    for start in partners:
        if start in depth:
            continue
        links = (*partners[start].classes, *partners[start].properties)
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(links))]
        depth[start] = 0  # on the path: a cycle back here adds nothing
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    depth[parent] = max(depth[parent], depth[node] + 1)
                continue
            if nxt not in partners:
                continue
            if nxt in depth:
                depth[node] = max(depth[node], depth[nxt] + 1) if nxt != node else depth[node]
                continue
            depth[nxt] = 0
            stack.append((nxt, iter((*partners[nxt].classes, *partners[nxt].properties))))
    return depth


def _name_clashes(
    data: InteractionData,
    substance_keys: Mapping[str, tuple[str, int, str]],
    ids: set[str],
    loc: Locators,
) -> list[Problem]:
    """Partner names, aliases and ids that are also a substance's id, name, alias or identifier.

    One namespace: the directory given first owns a name. A later partner's claim is
    located in its partners.toml; a later record's claim on an earlier partner's name is
    located in the record file.
    """
    out: list[Problem] = []
    for key, pid in data.keys.items():
        owner = substance_keys.get(key)
        if owner is None or owner[0] == pid and pid in ids:
            continue
        sid, sub_layer, sub_file = owner
        p = data.partners[pid]
        part_layer, file, where = data.key_from.get(key, (0, p.origin, (f"{p.kind}.{pid}",)))
        if part_layer == sub_layer:
            # one directory, one name, two meanings: only a drug that contains the substance (a
            # brew) may share its common name, and says so; in interactions the drug answers
            if sid not in p.contains:
                out.append(
                    loc.problem(
                        file,
                        where,
                        f"{key!r} is also a name of substance {sid!r} ({sub_file}); drop it from one of them, "
                        f"or, for a product that contains {sid!r}, add contains = [{sid!r}]",
                    )
                )
            continue
        if part_layer < sub_layer:
            out.append(
                Problem(
                    sub_file,
                    1,
                    1,
                    "(names)",
                    f"{key!r} is already the name of {p.kind} {pid!r} ({p.origin}); a record cannot take it",
                )
            )
            continue
        out.append(
            loc.problem(
                file,
                where,
                f"{key!r} is a name of substance {sid!r} ({sub_file}); a partner cannot take it "
                "(the substance keeps it)",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# the severity scale, enforced


# What a rule's own words imply about its severity. A mention preceded by a negation
# ("no seizures were reported", "not contraindicated") does not count.
_FLOORS = (
    (re.compile(r"do not co-?administer|contraindicat", re.I), "contraindicated"),
    (
        re.compile(
            r"\bdeaths?\b|\bdied\b|\bfatal|serotonin (?:toxicity|syndrome)|seizures?\b|"
            r"hypertensive crisis|hypertensive crises|respiratory depression",
            re.I,
        ),
        "major",
    ),
)
_NEGATION = re.compile(r"\b(?:no|not|without|never|nor|none)\b[^.;]{0,40}$", re.I)


def severity_floor(text: str) -> tuple[str, str] | None:
    """The lowest severity a rule's words allow, and the words that set it (None: no floor)."""
    for pattern, floor in _FLOORS:
        for m in pattern.finditer(text):
            if not _NEGATION.search(text[: m.start()]):
                return floor, m.group(0)
    return None


def grading_problems(data: InteractionData, file: str, loc: Locators) -> list[Problem]:
    """Rules graded below what their own words say, and substance or drug rules milder than a
    class or property rule they fall under (same partner, same effect)."""

    out: list[Problem] = []
    root = os.path.dirname(file)
    mine = [r for r in data.rules if r.origin == root or _same_file(r.origin, root)]
    raw, _, _ = read_file(file)
    items = raw.get("rule", []) if raw else []
    index = {
        (it.get("a"), it.get("b"), it.get("effect"), it.get("setting")): i
        for i, it in enumerate(items if isinstance(items, list) else [])
        if isinstance(it, dict)
    }
    by_other: dict[tuple[str, str], list[Rule]] = {}
    for r in data.rules:
        by_other.setdefault((r.a, r.effect), []).append(r)
        by_other.setdefault((r.b, r.effect), []).append(r)

    def flag(i: int, message: str) -> None:
        out.append(loc.problem(file, ("rule", i, "severity"), message, field=f"rule[{i}].severity"))

    for r in mine:
        i = index.get((r.a, r.b, r.effect, r.setting))
        if i is None or r.grading_note:
            continue
        if r.severity != "none":
            floor = severity_floor(f"{r.text}. {r.management}")
            if floor is not None and RANK[r.severity] < RANK[floor[0]]:
                flag(
                    i,
                    f"{r.severity!r} is below the scale: its text says {floor[1]!r}, "
                    f"which is at least {floor[0]!r} (docs/schema.md, severity); raise it, or say in "
                    "grading_note why those words do not set its grade",
                )
        for me, other in ((r.a, r.b), (r.b, r.a)):
            p = data.partners.get(me) or data.substance_classes.get(me)
            if p is None or p.kind in ("class", "property"):
                continue
            groups = expand(data, p)
            for wider in by_other.get((other, r.effect), ()):
                g = wider.b if wider.a == other else wider.a
                if g != me and g in groups and RANK[wider.severity] > RANK[r.severity]:
                    flag(
                        i,
                        f"{r.severity!r} is milder than the {wider.severity!r} rule {wider.a} + {wider.b} "
                        f"that {me} falls under (via {' > '.join(groups[g])}); raise it, or say why in grading_note",
                    )
                    break
    return out


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False

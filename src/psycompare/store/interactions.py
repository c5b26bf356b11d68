# Over 500 lines: loads and queries the interaction files; kept whole while under active edit.
"""Interactions: partner drugs and classes, sourced rules between them, and pair queries.

Core module: it never prints. Data lives beside ``substances/`` in each data directory::

    partners.toml       # [class.<id>], [drug.<id>], [substance.<id>] (classes of a record)
    interactions.toml   # reviewed = <date>; [[rule]] a = ..., b = ..., severity = ...

Directories layer as records do: a later directory adds rules and partners, and a
partner it names again gains aliases, classes and sources. Nothing here is imported
unless a command asks about interactions.

For other views (``compare``, ``show``)::

    from psycompare.store import interactions
    pair = interactions.for_pair(ds, "mdma", "sertraline")      # Pair: severity, status, hits
    worst = interactions.most_severe_class_rules(ds, "mdma", 3)  # list[Pair] against classes
    mine = interactions.for_substance(ds, "mdma")                # list[Pair], most severe first
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date as Date
from typing import TYPE_CHECKING, Any, NamedTuple

from psycompare.errors import DataError, NotFoundError, Problem
from psycompare.schema import rules as schema
from psycompare.store.index import normalize

if TYPE_CHECKING:
    from psycompare.store.dataset import Dataset

# Ordered scale, most severe first. "none" is a reviewed pair with no known interaction.
SEVERITIES = ("contraindicated", "major", "moderate", "minor", "none")
RANK = {s: len(SEVERITIES) - 1 - i for i, s in enumerate(SEVERITIES)}  # contraindicated 4 ... none 0
EFFECTS = (
    "serotonin-toxicity",
    "hypertensive-reaction",
    "cardiovascular",
    "cns-depression",
    "seizures",
    "qt-prolongation",
    "raised-levels",
    "lowered-levels",
    "blunted-effect",
    "other",
    "none",
)
SETTINGS = ("any", "clinical", "nonmedical")
EVIDENCE = ("label", "controlled-study", "observational", "case-reports", "review", "pharmacology")
KINDS = ("substance", "drug", "class", "property")

# The scale as actions (docs/schema.md), the way clinical checkers grade risk.
ACTIONS = {
    "contraindicated": "do not combine",
    "major": "avoid, or precautions",
    "moderate": "monitor",
    "minor": "usually no action",
    "none": "no action known",
}
LEGEND = (
    "Scale: contraindicated = avoid; major = avoid or only with precautions; moderate = monitor; "
    "minor = usually no action. No interaction recorded does not mean safe."
)
# The classes where harm happens: coverage reports any undecided cell in them.
HIGH_RISK = (
    "maoi",
    "lithium",
    "serotonergic-opioids",
    "opioids",
    "stimulants",
    "cns-depressants",
    "benzodiazepines",
    "alcohol",
    "ssri",
    "snri",
)

NO_RECORD = "no interaction recorded; this does not mean the combination is safe"
NONE_KNOWN = "no known interaction in the reviewed sources; this does not mean the combination is safe"

PARTNERS_FILE = "partners.toml"
RULES_FILE = "interactions.toml"


class Partner(NamedTuple):
    """Something a name can resolve to: a substance record, a partner drug, a class or a property.

    A class is what a drug is (SSRIs); a property is what it does (serotonin release, CYP2D6
    inhibition). Both reach a rule the same way; output says which one made it fire.
    """

    id: str
    kind: str  # substance | drug | class | property
    name: str
    aliases: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()  # class ids this belongs to
    sources: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""
    properties: tuple[str, ...] = ()  # property ids: what it does


class Rule(NamedTuple):
    """One sourced interaction between two partner ids (symmetric: a/b order carries no meaning)."""

    a: str
    b: str
    severity: str
    effect: str
    text: str
    setting: str
    evidence: str
    sources: tuple[str, ...]
    management: str = ""
    enzyme: str = ""
    as_of: Date | None = None
    origin: str = ""
    grading_note: str = ""  # why the severity is below what its words suggest (validator exemption)
    short: str = ""  # what happens, at a glance (<= 60 characters); else the effect in words
    action: str = ""  # what to do, at a glance (<= 60 characters); else the scale's action


class Hit(NamedTuple):
    """A rule that fired for a pair, oriented to the pair, and the classes it went through."""

    rule: Rule
    left: str  # the rule side that matched the pair's first member
    right: str
    via: tuple[str, ...]  # class ids, e.g. ("maoi",) when a drug matched through its class


class Pair(NamedTuple):
    """The answer for two partners: most severe first."""

    a: Partner
    b: Partner
    hits: tuple[Hit, ...]

    @property
    def severity(self) -> str | None:
        """The highest severity of the rules that fired, "none" if all say none, None if no rule."""
        if not self.hits:
            return None
        return max((h.rule.severity for h in self.hits), key=RANK.__getitem__)

    @property
    def status(self) -> str:
        """interaction | no-known-interaction | no-record."""
        sev = self.severity
        return "no-record" if sev is None else ("no-known-interaction" if sev == "none" else "interaction")

    @property
    def message(self) -> str:
        status = self.status
        if status == "no-record":
            return NO_RECORD
        if status == "no-known-interaction":
            return NONE_KNOWN
        n = len([h for h in self.hits if h.rule.severity != "none"])
        return f"{self.severity} (most severe of {n} rule{'s' if n != 1 else ''})"


class InteractionData(NamedTuple):
    """Partners and rules of every data directory, merged."""

    partners: dict[str, Partner]  # id -> drug or class
    substance_classes: dict[str, Partner]  # substance id -> its classes and their sources
    keys: dict[str, str]  # normalized name/alias -> partner id
    rules: tuple[Rule, ...]
    reviewed: Date | None
    problems: tuple[Problem, ...]
    cited: tuple[tuple[str, str, schema.Path_], ...]  # (source id, file, path)


# ---------------------------------------------------------------------------------------------
# loading and validation

_PARTNER_FIELDS = (
    schema.Field("name", "text", required=False),
    schema.Field("aliases", "strlist", required=False),
    schema.Field("classes", "strlist", required=False),
    schema.Field("properties", "strlist", required=False),
    schema.Field("sources", "sources", required=False),
    schema.Field("note", "str", required=False),
)
_RULE_FIELDS = (
    schema.Field("a", "id"),
    schema.Field("b", "id"),
    schema.Field("severity", "str", choices=SEVERITIES),
    schema.Field("effect", "str", choices=EFFECTS),
    schema.Field("text", "text"),
    schema.Field("setting", "str", choices=SETTINGS),
    schema.Field("evidence", "str", choices=EVIDENCE),
    schema.Field("management", "str", required=False),
    schema.Field("enzyme", "str", required=False),
    schema.Field("grading_note", "text", required=False),
    schema.Field("short", "text", required=False),
    schema.Field("action", "text", required=False),
    schema.SRC,
    schema.AS_OF,
)
_SECTIONS = {"class": "class", "drug": "drug", "substance": "substance", "property": "property"}


def _read(path: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse a partners or rules file; the parsed value is cached by content (index.read_toml_cached)."""
    from psycompare.store.dataset import default_cache_dir
    from psycompare.store.index import read_toml_cached

    if not os.path.isfile(path):
        return None, "", []
    return read_toml_cached(path, default_cache_dir())


def _signature(roots: Sequence[str]) -> tuple[tuple[int, int], ...]:
    out = []
    for root in roots:
        for name in (PARTNERS_FILE, RULES_FILE):
            try:
                st = os.stat(os.path.join(root, name))
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((0, -1))
    return tuple(out)


_CACHE: dict[tuple[tuple[str, str], ...], tuple[tuple[tuple[int, int], ...], InteractionData]] = {}


def load_dirs(dirs: Sequence[tuple[str, str]]) -> InteractionData:
    """Partners and rules of data directories ``[(root, origin)]``, merged in order (never raises)."""
    key = tuple(dirs)
    sig = _signature([r for r, _ in dirs])
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == sig:
        return hit[1]
    partners: dict[str, Partner] = {}
    subs: dict[str, Partner] = {}
    rules: list[Rule] = []
    problems: list[Problem] = []
    cited: list[tuple[str, str, schema.Path_]] = []
    reviewed: Date | None = None
    rule_at: list[tuple[str, int, str]] = []  # (file, index, text) for locating rule problems later
    for root, origin in dirs:
        path = os.path.join(root, PARTNERS_FILE)
        data, text, found = _read(path)
        problems.extend(found)
        if data is not None:
            _load_partners(data, path, text, origin, partners, subs, problems, cited)
        path = os.path.join(root, RULES_FILE)
        data, text, found = _read(path)
        problems.extend(found)
        if data is not None:
            ck = schema._Checker(path, text)
            for k in data:
                if k not in ("reviewed", "rule"):
                    ck.add((k,), "unknown field (expected reviewed and [[rule]] tables)")
            day = ck.value(schema.Field("reviewed", "date", required=reviewed is None), data, ())
            reviewed = day or reviewed
            raw_rules = data.get("rule", [])
            if not isinstance(raw_rules, list):
                ck.add(("rule",), "expected an array of tables [[rule]]")
                raw_rules = []
            for i, item in enumerate(raw_rules):
                where: schema.Path_ = ("rule", i)
                if not isinstance(item, dict):
                    ck.add(where, "expected a table")
                    continue
                values = ck.table(_RULE_FIELDS, item, where)
                if values is None:
                    continue
                rule = Rule(**values, origin=origin)
                if rule.a == rule.b:
                    ck.add((*where, "b"), "a rule needs two different partners")
                    continue
                too_long = [f for f in ("short", "action") if len(getattr(rule, f)) > 60]
                if too_long:
                    ck.add((*where, too_long[0]), "a short form is at most 60 characters")
                    continue
                if (rule.severity == "none") != (rule.effect == "none"):
                    ck.add((*where, "effect"), 'severity "none" goes with effect "none" (and only with it)')
                    continue
                cited.extend((s, path, (*where, "sources")) for s in rule.sources)
                rules.append(rule)
                rule_at.append((path, i, text))
            problems.extend(ck.problems)
    # cross checks: classes and properties named by partners exist; rules name known partners; no duplicates
    class_ids = {p.id for p in partners.values() if p.kind == "class"}
    property_ids = {p.id for p in partners.values() if p.kind == "property"}
    for p in [*partners.values(), *subs.values()]:
        for c in p.classes:
            if c not in class_ids:
                hint = " (it is a property: list it under properties)" if c in property_ids else ""
                problems.append(Problem(p.origin, 1, 1, f"{p.kind}.{p.id}.classes", f"unknown class {c!r}{hint}"))
        for c in p.properties:
            if c not in property_ids:
                hint = " (it is a class: list it under classes)" if c in class_ids else ""
                problems.append(Problem(p.origin, 1, 1, f"{p.kind}.{p.id}.properties", f"unknown property {c!r}{hint}"))
    seen: dict[tuple[frozenset[str], str, str], int] = {}
    for n, rule in enumerate(rules):
        file, i, text = rule_at[n]
        pair = frozenset((rule.a, rule.b))
        dup = seen.get((pair, rule.effect, rule.setting))
        if dup is not None:
            other = rules[dup]
            how = "states the same pair the other way round" if other.a == rule.b else "repeats"
            line, col = schema.Locator(text).find(("rule", i, "a"))
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    f"rule[{i}]",
                    f"duplicate rule: {how} rule {other.a} + {other.b} ({rule.effect}, {rule.setting}); "
                    "rules are symmetric, merge them into one with all their sources",
                )
            )
        else:
            seen[(pair, rule.effect, rule.setting)] = n
    result = InteractionData(
        partners, subs, _keys(partners, problems), tuple(rules), reviewed, tuple(problems), tuple(cited)
    )
    _CACHE[key] = (sig, result)
    return result


def _load_partners(
    data: dict[str, Any],
    path: str,
    text: str,
    origin: str,
    partners: dict[str, Partner],
    subs: dict[str, Partner],
    problems: list[Problem],
    cited: list[tuple[str, str, schema.Path_]],
) -> None:
    ck = schema._Checker(path, text)
    for section, table in data.items():
        kind = _SECTIONS.get(section)
        if kind is None or not isinstance(table, dict):
            expected = "[class.ID], [property.ID], [drug.ID] or [substance.ID] tables"
            ck.add((section,), f"unknown section (expected {expected})")
            continue
        for pid, raw in table.items():
            where: schema.Path_ = (f"{section}.{pid}",)
            if not schema.is_id(pid):
                ck.add(where, "malformed id (lower-case letters, digits and '-')")
                continue
            if not isinstance(raw, dict):
                ck.add(where, "expected a table")
                continue
            values = ck.table(_PARTNER_FIELDS, raw, where)
            if values is None:
                continue
            cited.extend((s, path, (*where, "sources")) for s in values.get("sources", ()))
            target = subs if kind == "substance" else partners
            old = target.get(pid)
            if old is not None and old.kind != kind:
                ck.add(where, f"{pid!r} is already a {old.kind}")
                continue
            if old is None:
                if kind != "substance" and "name" not in values:
                    ck.add((*where, "name"), "missing required field 'name'")
                    continue
                if kind in ("drug", "property") and not values.get("sources"):
                    what = (
                        "a drug needs at least one source id (its label)"
                        if kind == "drug"
                        else ("a property needs at least one source id")
                    )
                    ck.add((*where, "sources"), what)
                    continue
                target[pid] = Partner(
                    id=pid,
                    kind=kind,
                    name=str(values.get("name", pid)),
                    aliases=values.get("aliases", ()),
                    classes=values.get("classes", ()),
                    sources=values.get("sources", ()),
                    note=values.get("note", ""),
                    origin=path,
                    properties=values.get("properties", ()),
                )
            else:  # a later directory: names and notes replace, lists unite
                target[pid] = old._replace(
                    name=values.get("name", old.name),
                    note=values.get("note", old.note),
                    aliases=tuple(dict.fromkeys((*old.aliases, *values.get("aliases", ())))),
                    classes=tuple(dict.fromkeys((*old.classes, *values.get("classes", ())))),
                    properties=tuple(dict.fromkeys((*old.properties, *values.get("properties", ())))),
                    sources=tuple(dict.fromkeys((*old.sources, *values.get("sources", ())))),
                )
    problems.extend(ck.problems)


def _keys(partners: dict[str, Partner], problems: list[Problem]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for p in partners.values():
        for name in (p.id, p.name, *p.aliases):
            k = normalize(name)
            if not k:
                continue
            owner = keys.get(k)
            if owner is not None and owner != p.id:
                problems.append(
                    Problem(p.origin, 1, 1, f"{p.kind}.{p.id}.aliases", f"{name!r} is also a name of {owner!r}")
                )
                continue
            keys[k] = p.id
    return keys


def load(ds: Dataset) -> InteractionData:
    """The interaction data of a dataset's directories. Raises DataError when it is invalid."""
    data = load_dirs([(idx.root, idx.origin) for idx in ds.indexes])
    problems = list(data.problems)
    for source_id, file, where in data.cited:
        if ds.source(source_id) is None:
            line, col = schema.Locator(_text(file)).find(where)
            problems.append(
                Problem(file, line, col, schema.dotted(where), f"source id {source_id!r} is not in sources.toml")
            )
    if problems:
        raise DataError(problems)
    return data


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return ""


def validate_dirs(
    dirs: Sequence[str], known_sources: Iterable[str], substance_ids: Iterable[str]
) -> tuple[list[Problem], set[str]]:
    """Problems in the interaction files of data directories, and the source ids they cite.

    Checks every field, unknown partners, unknown classes, duplicate (or reversed) rules,
    severities outside the scale, rules without sources or citing unknown sources, and
    partner names that collide with each other or with a substance.
    """
    data = load_dirs([(os.fspath(d), os.fspath(d)) for d in dirs])
    problems = list(data.problems)
    known = set(known_sources)
    ids = set(substance_ids)
    texts: dict[str, str] = {}

    def locate(file: str, where: schema.Path_) -> tuple[int, int]:
        if file not in texts:
            texts[file] = _text(file)
        return schema.Locator(texts[file]).find(where)

    for source_id, file, where in data.cited:
        if source_id not in known:
            line, col = locate(file, where)
            problems.append(
                Problem(file, line, col, schema.dotted(where), f"source id {source_id!r} is not in sources.toml")
            )
    for sid, p in data.substance_classes.items():
        if sid not in ids:
            line, col = locate(p.origin, (f"substance.{sid}",))
            problems.append(Problem(p.origin, line, col, f"substance.{sid}", f"no substance record {sid!r}"))
    for pid, p in data.partners.items():
        if pid in ids:
            line, col = locate(p.origin, (f"{p.kind}.{pid}",))
            problems.append(Problem(p.origin, line, col, f"{p.kind}.{pid}", f"{pid!r} is already a substance id"))
    rule_files = [os.path.join(os.fspath(d), RULES_FILE) for d in dirs]
    for file in rule_files:
        if not os.path.isfile(file):
            continue
        raw, _, _ = _read(file)
        items = raw.get("rule", []) if raw else []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for side in ("a", "b"):
                value = item.get(side)
                if isinstance(value, str) and schema.is_id(value) and value not in data.partners and value not in ids:
                    line, col = locate(file, ("rule", i, side))
                    problems.append(
                        Problem(
                            file,
                            line,
                            col,
                            f"rule[{i}].{side}",
                            f"unknown partner {value!r} (not a substance, drug or class id)",
                        )
                    )
    for file in rule_files:
        if os.path.isfile(file):
            problems.extend(grading_problems(data, file, locate))
    return problems, {s for s, _, _ in data.cited}


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


def grading_problems(
    data: InteractionData, file: str, locate: Callable[[str, schema.Path_], tuple[int, int]]
) -> list[Problem]:
    """Rules graded below what their own words say, and substance or drug rules milder than a
    class or property rule they fall under (same partner, same effect)."""
    out: list[Problem] = []
    root = os.path.dirname(file)
    mine = [r for r in data.rules if r.origin == root or _same_file(r.origin, root)]
    raw, _, _ = _read(file)
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
        line, col = locate(file, ("rule", i, "severity"))
        out.append(Problem(file, line, col, f"rule[{i}].severity", message))

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
            groups = _expand(data, p)
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


# ---------------------------------------------------------------------------------------------
# resolving names and querying pairs


def resolve(ds: Dataset, data: InteractionData, name: str) -> Partner:
    """A name as a partner drug or class, else as a substance (with its classes)."""
    key = normalize(name) if len(name) <= 200 else ""
    pid = data.keys.get(key) if key else None
    if pid is not None:
        return data.partners[pid]
    try:
        sid = ds.resolve(name)
    except NotFoundError as exc:
        near = [k for k in data.keys if key and (k.startswith(key[:4]) or key in k)][:3]
        if not near and key:
            import difflib

            near = difflib.get_close_matches(key, data.keys, n=3, cutoff=0.75)
        raise NotFoundError(name, (exc.suggestions + near)[:3]) from None
    return substance_partner(ds, data, sid)


def substance_partner(ds: Dataset, data: InteractionData, sid: str) -> Partner:
    sub = ds.load(sid)
    extra = data.substance_classes.get(sid)
    return Partner(
        id=sid,
        kind="substance",
        name=sub.name,
        aliases=sub.aliases,
        classes=extra.classes if extra else (),
        sources=extra.sources if extra else (),
        properties=extra.properties if extra else (),
    )


def _expand(data: InteractionData, p: Partner) -> dict[str, tuple[str, ...]]:
    """Every id a partner answers to (its classes and properties, transitively), with the path there."""
    from collections import deque

    out: dict[str, tuple[str, ...]] = {p.id: ()}
    todo: deque[tuple[str, tuple[str, ...]]] = deque((c, (c,)) for c in (*p.classes, *p.properties))
    while todo:
        cid, path = todo.popleft()
        if cid in out:
            continue
        out[cid] = path
        cls = data.partners.get(cid)
        if cls is not None:
            todo.extend((c, (*path, c)) for c in (*cls.classes, *cls.properties) if c not in out)
    return out


def _sort_key(h: Hit) -> tuple[int, int]:
    return (-RANK[h.rule.severity], len(h.via))


def pair(data: InteractionData, a: Partner, b: Partner) -> Pair:
    """Every rule that fires for a and b (directly or through their classes), most severe first."""
    ka, kb = _expand(data, a), _expand(data, b)
    hits = []
    for r in data.rules:
        if r.a in ka and r.b in kb:
            hits.append(Hit(r, r.a, r.b, ka[r.a] + kb[r.b]))
        elif r.b in ka and r.a in kb:
            hits.append(Hit(r, r.b, r.a, ka[r.b] + kb[r.a]))
    return Pair(a, b, tuple(sorted(hits, key=_sort_key)))


def pairs(data: InteractionData, items: Sequence[Partner]) -> list[Pair]:
    """Every pair among the partners, most severe first (then in the order asked)."""
    out = [pair(data, x, y) for i, x in enumerate(items) for y in items[i + 1 :] if x.id != y.id]
    return sorted(out, key=lambda p: -RANK[p.severity] if p.severity else 1)


def involving(ds: Dataset, data: InteractionData, p: Partner) -> list[Pair]:
    """Every rule touching a partner (or its classes), grouped by the other side, most severe first."""
    mine = _expand(data, p)
    others: dict[str, None] = {}
    for r in data.rules:
        if r.a in mine:
            others.setdefault(r.b)
        if r.b in mine:
            others.setdefault(r.a)
    out = []
    for oid in others:
        if oid == p.id or (oid in mine and not _is_group(data, oid)):
            continue
        other = data.partners.get(oid)
        if other is None:
            try:
                other = substance_partner(ds, data, oid)
            except NotFoundError:
                continue
        out.append(pair(data, p, other))
    return sorted(out, key=lambda x: -RANK[x.severity] if x.severity else 1)


def not_reviewed(ds: Dataset, data: InteractionData, p: Partner) -> list[Partner]:
    """For a substance: the classes it has no rule with either way. For a drug or class: the
    substances it has no rule with. What a one-name answer lists after its rules."""
    if p.kind == "substance":
        others = [data.partners[c] for c in group_ids(data)]
    else:
        others = [substance_partner(ds, data, sid) for sid in ds.ids()]
    return [o for o in others if o.id != p.id and not pair(data, p, o).hits]


def _is_group(data: InteractionData, pid: str) -> bool:
    found = data.partners.get(pid)
    return found is not None and found.kind in ("class", "property")


def class_ids(data: InteractionData) -> list[str]:
    return [p.id for p in data.partners.values() if p.kind == "class"]


# -- the functions other views call --------------------------------------------------------------


def for_pair(ds: Dataset, a: str, b: str) -> Pair:
    """The interaction answer for two names (substances, drugs or classes)."""
    data = load(ds)
    return pair(data, resolve(ds, data, a), resolve(ds, data, b))


def for_substance(ds: Dataset, name: str) -> list[Pair]:
    """Every recorded interaction of one name, grouped by partner, most severe first."""
    data = load(ds)
    return involving(ds, data, resolve(ds, data, name))


def most_severe_class_rules(ds: Dataset, name: str, limit: int | None = 3) -> list[Pair]:
    """A substance's most severe interactions with classes and properties (no "none" entries)."""
    groups = ("class", "property")
    return [p for p in for_substance(ds, name) if p.b.kind in groups and p.severity not in (None, "none")][:limit]


# -- coverage ----------------------------------------------------------------------------------


class Cell(NamedTuple):
    substance: str
    partner: str
    kind: str  # class | substance
    severity: str | None  # None: a gap (no reviewed entry)


# Properties that are also groups of medicines a person takes (they were classes before
# properties existed): coverage counts them beside the classes. Other properties (serotonergic,
# sympathomimetic, mao-inhibitor...) restate classes from the mechanism side and are not counted
# twice.
COVERAGE_PROPERTIES = ("cns-depressants", "qt-prolonging", "cyp2d6-inhibitors", "cyp3a4-inhibitors", "cyp3a4-inducers")


def group_ids(data: InteractionData) -> list[str]:
    """The columns of coverage: every class, and the properties that are groups of medicines."""
    return [
        p.id
        for p in data.partners.values()
        if p.kind == "class" or (p.kind == "property" and p.id in COVERAGE_PROPERTIES)
    ]


def coverage(ds: Dataset, data: InteractionData) -> tuple[list[Partner], list[Partner], list[Cell]]:
    """Each substance against each class (and partner-side property) and each other substance."""
    subs = [substance_partner(ds, data, sid) for sid in ds.ids()]
    classes = [data.partners[c] for c in group_ids(data)]
    cells: list[Cell] = []
    for i, s in enumerate(subs):
        for c in classes:
            cells.append(Cell(s.id, c.id, "class", pair(data, s, c).severity))
        for t in subs[i + 1 :]:
            cells.append(Cell(s.id, t.id, "substance", pair(data, s, t).severity))
    return subs, classes, cells

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date as Date
from typing import TYPE_CHECKING, Any, NamedTuple

from psycompare.errors import DataError, NotFoundError, Problem, PsycompareError
from psycompare.schema import rules as schema
from psycompare.store.files import Locators
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
    locator: str = ""  # where in the first-listed source: "section 7.1", "Table 5"


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

    # the mappings and sequences are dicts and tuples when built from the files, and read by
    # key from the cache (`ix_cache`) otherwise
    partners: Mapping[str, Partner]  # id -> drug or class
    substance_classes: Mapping[str, Partner]  # substance id -> its classes and their sources
    keys: Mapping[str, str]  # normalized name/alias -> partner id
    rules: Sequence[Rule]
    reviewed: Date | None
    problems: tuple[Problem, ...]
    cited: Sequence[tuple[str, str, schema.Path_]]  # (source id, file, path)
    # which data directory (0 = the first, usually the bundled one) gave each name in ``keys``:
    # an earlier directory owns a name, a later one can add names but never take one (H1)
    key_from: Mapping[str, tuple[int, str, schema.Path_]] = {}  # key -> (directory number, file, where)
    # rule positions by partner id, built once: pair() and involving() read only the rules of
    # the ids they reach, never every rule (audit 2026-12-04 M8)
    by_id: Mapping[str, tuple[int, ...]] = {}
    # class and property membership cycles, each as the ids around it (reported by validate)
    cycles: tuple[tuple[str, ...], ...] = ()
    cited_ids: frozenset[str] = frozenset()  # every source id cited
    rule_subs: tuple[str, ...] = ()  # ids the rules name that are not partners (substances, or unknown)


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
    schema.Field("locator", "str", required=False, limit=80),
    schema.SRC,
    schema.AS_OF,
)
_SECTIONS = {"class": "class", "drug": "drug", "substance": "substance", "property": "property"}


def _read(path: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse a partners or rules file; the parsed value is cached by content (index.read_toml_cached)."""
    from psycompare.store.dataset import default_cache_dir
    from psycompare.store.index import read_toml_cached

    if not os.path.lexists(path):
        return None, "", []
    # a FIFO, device, folder or dangling link under this name is a located problem, never
    # "no file" (audit 2026-12-04 M5): read_toml reports "cannot read: ..." for it
    return read_toml_cached(path, default_cache_dir())


def _signature(roots: Sequence[str]) -> tuple[tuple[Any, ...], ...]:
    from psycompare.store import index as _index

    out: list[tuple[Any, ...]] = []
    for root in roots:
        for name in (PARTNERS_FILE, RULES_FILE):
            try:
                st = os.stat(os.path.join(root, name))
            except OSError:
                out.append((0, 0, 0, 0, -1, b""))
                continue
            # mtime and size are not enough: `cp -p`, `tar -x` and `touch -r` keep them (audit
            # 2026-12-04 M9); the device, inode and ctime (which no tool sets back) are checked,
            # and a file changed too recently to tell two versions apart by its stat is read
            # and digested (the index's racy rule)
            key = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
            racy = _index._racy(key, _index._now())
            digest = _file_digest(os.path.join(root, name)) if racy or not st.st_size else b"-"
            out.append((st.st_dev, *key, digest))
    return tuple(out)


def _file_digest(path: str) -> bytes:
    from psycompare.store.files import read_bytes
    from psycompare.store.index import _digest

    try:
        return _digest(read_bytes(path))
    except OSError:
        return b""


_CACHE: dict[
    tuple[tuple[tuple[str, str], ...], frozenset[str]], tuple[tuple[tuple[Any, ...], ...], InteractionData]
] = {}


def load_dirs(dirs: Sequence[tuple[str, str]], skip: Iterable[str] = ()) -> InteractionData:
    """Partners and rules of data directories ``[(root, origin)]``, merged in order (never raises).

    Files named in ``skip`` are left out (a broken user file, see `load_lenient`).
    """
    skipped = frozenset(skip)
    key = (tuple(dirs), skipped)
    sig = _signature([r for r, _ in dirs])
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == sig:
        return hit[1]
    result = _disk_cached(dirs, skipped, sig)
    _CACHE[key] = (sig, result)
    return result


def _disk_cached(
    dirs: Sequence[tuple[str, str]], skipped: frozenset[str], sig: tuple[tuple[Any, ...], ...]
) -> InteractionData:
    """`_load_dirs`, checked once per version of the files: the result is kept in the private
    cache folder (`ix_cache`), keyed on the files' stat signature as the index is (a file
    changed too recently to be told apart by its stat is never cached), so a call never
    re-checks 100,000 rules it checked before and reads only what it asks for (audit M8)."""
    from psycompare import __version__
    from psycompare.store.dataset import default_cache_dir
    from psycompare.store.index import INDEX_FORMAT, _b, open_private_dir

    folder = default_cache_dir()
    # a file being written (or unreadable) is never cached: it is checked afresh every call
    if not folder or any(s[-1] != b"-" and s[4] != -1 for s in sig):
        return _load_dirs(dirs, skipped)
    from binascii import crc32

    from psycompare.store import ix_cache

    head = ix_cache.head_of(
        (__version__, INDEX_FORMAT, Date.today().toordinal(), tuple(dirs), tuple(sorted(skipped)), sig)
    )
    version = "".join(c if c.isascii() and (c.isalnum() or c in "._+") else "_" for c in __version__)
    name = f"interactions-{version}-f{INDEX_FORMAT}-{crc32(_b(repr((dirs, sorted(skipped))))):08x}.sqlite"
    found: InteractionData | None = ix_cache.read(
        folder, name, head, lambda: _load_dirs(dirs, skipped), (InteractionData, Partner, Rule)
    )
    if found is not None:
        return found
    result = _load_dirs(dirs, skipped)
    dir_fd = open_private_dir(folder, create=True)
    if dir_fd is not None:
        try:
            ix_cache.write(dir_fd, name, head, result)
        except Exception:  # no cache is only slower: the answer is `result` either way
            pass
        finally:
            os.close(dir_fd)
    return result


def _load_dirs(dirs: Sequence[tuple[str, str]], skipped: frozenset[str]) -> InteractionData:
    partners: dict[str, Partner] = {}
    subs: dict[str, Partner] = {}
    rules: list[Rule] = []
    problems: list[Problem] = []
    cited: list[tuple[str, str, schema.Path_]] = []
    claims: list[tuple[str, str, int, str, schema.Path_]] = []  # (name, partner id, layer, file, where)
    # (kind, partner id, class or property id) -> (layer, file) of the file that first gave the link:
    # a problem with a link is blamed on that file, never on the one that defined the partner
    links: dict[tuple[str, str, str], tuple[int, str]] = {}
    reviewed: Date | None = None
    rule_at: list[tuple[str, int]] = []  # (file, index) for locating rule problems later
    texts: dict[str, str] = {}
    today = Date.today()
    for layer, (root, origin) in enumerate(dirs):
        path = os.path.join(root, PARTNERS_FILE)
        data, text, found = _read(path) if path not in skipped else (None, "", [])
        problems.extend(found)
        if data is not None:
            texts[path] = text
            _load_partners(data, path, text, origin, partners, subs, problems, cited, claims, layer, links)
        path = os.path.join(root, RULES_FILE)
        data, text, found = _read(path) if path not in skipped else (None, "", [])
        problems.extend(found)
        if data is not None:
            texts[path] = text
            ck = schema._Checker(path, text)
            for k in data:
                if k not in ("reviewed", "rule"):
                    ck.add((k,), "unknown field (expected reviewed and [[rule]] tables)")
            day = ck.value(schema.Field("reviewed", "date", required=reviewed is None), data, ())
            if isinstance(day, Date) and day > today:
                ck.add(("reviewed",), f"reviewed {day.isoformat()} is in the future")
                day = None
            # each directory's date applies to its own rules only: an overlay's `reviewed`
            # never re-dates a bundled rule (audit 2026-12-04 H6)
            reviewed = reviewed or day
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
                if rule.as_of is None and day is not None:
                    rule = rule._replace(as_of=day)
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
                rule_at.append((path, i))
            problems.extend(ck.problems)
    loc = Locators(texts)
    # cross checks: classes and properties named by partners exist; rules name known partners; no duplicates
    class_ids = {p.id for p in partners.values() if p.kind == "class"}
    property_ids = {p.id for p in partners.values() if p.kind == "property"}

    def link_file(p: Partner, c: str, fld: str = "classes") -> str:
        return links.get((p.kind, p.id, f"{fld}:{c}"), (0, p.origin))[1]

    for p in [*partners.values(), *subs.values()]:
        for c in p.classes:
            if c not in class_ids:
                hint = " (it is a property: list it under properties)" if c in property_ids else ""
                file = link_file(p, c)
                problems.append(
                    loc.problem(
                        file,
                        (f"{p.kind}.{p.id}", "classes"),
                        f"unknown class {c!r}{hint}",
                        field=f"{p.kind}.{p.id}.classes",
                    )
                )
        for c in p.properties:
            if c not in property_ids:
                hint = " (it is a class: list it under classes)" if c in class_ids else ""
                file = link_file(p, c, "properties")
                problems.append(
                    loc.problem(
                        file,
                        (f"{p.kind}.{p.id}", "properties"),
                        f"unknown property {c!r}{hint}",
                        field=f"{p.kind}.{p.id}.properties",
                    )
                )
    cycles = _cycles(partners)
    for cycle in cycles:
        # blamed on the link that the latest directory gave (an overlay closing a bundled chain)
        edges = [(partners[x], cycle[(i + 1) % len(cycle)]) for i, x in enumerate(cycle)]

        def given(e: tuple[Partner, str]) -> int:
            p, c = e
            return max(links.get((p.kind, p.id, f"{f}:{c}"), (0, ""))[0] for f in ("classes", "properties"))

        first, nxt = max(edges, key=given)
        field = "properties" if nxt in first.properties and nxt not in first.classes else "classes"
        file = link_file(first, nxt, field)
        problems.append(
            loc.problem(
                file,
                (f"{first.kind}.{first.id}", field),
                f"class membership cycle: {' > '.join((*cycle, cycle[0]))}",
                field=f"{first.kind}.{first.id}.{field}",
            )
        )
    seen: dict[tuple[frozenset[str], str, str], int] = {}
    for n, rule in enumerate(rules):
        file, i = rule_at[n]
        pair_ids = frozenset((rule.a, rule.b))
        dup = seen.get((pair_ids, rule.effect, rule.setting))
        if dup is not None:
            other = rules[dup]
            how = "states the same pair the other way round" if other.a == rule.b else "repeats"
            problems.append(
                loc.problem(
                    file,
                    ("rule", i, "a"),
                    f"duplicate rule: {how} rule {other.a} + {other.b} ({rule.effect}, {rule.setting}); "
                    "rules are symmetric, merge them into one with all their sources",
                    field=f"rule[{i}]",
                )
            )
        else:
            seen[(pair_ids, rule.effect, rule.setting)] = n
    keys, key_from = _keys(partners, claims, problems, loc)
    by_id: dict[str, list[int]] = {}
    for n, rule in enumerate(rules):
        by_id.setdefault(rule.a, []).append(n)
        by_id.setdefault(rule.b, []).append(n)
    return InteractionData(
        partners,
        subs,
        keys,
        tuple(rules),
        reviewed,
        tuple(problems),
        tuple(cited),
        key_from,
        {k: tuple(v) for k, v in by_id.items()},
        tuple(cycles),
        frozenset(c[0] for c in cited),
        tuple(k for k in by_id if k not in partners),
    )


def _cycles(partners: dict[str, Partner]) -> list[tuple[str, ...]]:
    """Class membership cycles (each once), by one iterative depth-first walk: O(classes + links)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    out: list[tuple[str, ...]] = []
    for start in partners:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = []
        state[start] = 1
        path.append(start)
        stack.append((start, iter((*partners[start].classes, *partners[start].properties))))
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if nxt not in partners:
                continue
            mark = state.get(nxt)
            if mark == 1:
                out.append(tuple(path[path.index(nxt) :]))
            elif mark is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter((*partners[nxt].classes, *partners[nxt].properties))))
    return out


def _load_partners(
    data: dict[str, Any],
    path: str,
    text: str,
    origin: str,
    partners: dict[str, Partner],
    subs: dict[str, Partner],
    problems: list[Problem],
    cited: list[tuple[str, str, schema.Path_]],
    claims: list[tuple[str, str, int, str, schema.Path_]] | None = None,
    layer: int = 0,
    links: dict[tuple[str, str, str], tuple[int, str]] | None = None,
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
            if links is not None:
                for fld in ("classes", "properties"):
                    for c in values.get(fld, ()):
                        links.setdefault((kind, pid, f"{fld}:{c}"), (layer, path))
            if claims is not None and kind != "substance":
                # every name this file gives, in order: the first directory to give a name owns it
                if old is None:
                    claims.append((pid, pid, layer, path, where))
                if "name" in values:
                    claims.append((str(values["name"]), pid, layer, path, (*where, "name")))
                claims.extend((a, pid, layer, path, (*where, "aliases")) for a in values.get("aliases", ()))
    problems.extend(ck.problems)


def _keys(
    partners: dict[str, Partner],
    claims: list[tuple[str, str, int, str, schema.Path_]],
    problems: list[Problem],
    loc: Locators,
) -> tuple[dict[str, str], dict[str, tuple[int, str, schema.Path_]]]:
    """Normalized name -> partner id, and the directory that gave it. A name belongs to its
    first claimant: a later claim is a located problem and never takes it (audit H1)."""
    keys: dict[str, str] = {}
    layers: dict[str, tuple[int, str, schema.Path_]] = {}
    for name, pid, layer, file, where in claims:
        if pid not in partners:
            continue
        k = normalize(name)
        if not k:
            continue
        owner = keys.get(k)
        if owner is not None and owner != pid:
            p = partners[pid]
            problems.append(
                loc.problem(
                    file,
                    where,
                    f"{name!r} is also a name of {owner!r}",
                    field=f"{p.kind}.{pid}.{where[-1] if len(where) > 1 else 'id'}",
                )
            )
            continue
        if owner is None:
            keys[k] = pid
            layers[k] = (layer, file, where)
    return keys, layers


def load(ds: Dataset) -> InteractionData:
    """The interaction data of a dataset's directories. Raises DataError when it is invalid."""
    data = load_dirs([(idx.root, idx.origin) for idx in ds.indexes])
    problems = list(data.problems) + _source_problems(ds, data)
    if problems:
        raise DataError(problems)
    return data


def _source_problems(ds: Dataset, data: InteractionData, limit: int = 100) -> list[Problem]:
    """Citations of source ids that no sources.toml defines (the first ``limit``, located)."""
    out: list[Problem] = []
    loc = Locators()
    missing = {s for s in data.cited_ids if ds.source(s) is None}  # each id asked once
    for source_id, file, where in data.cited if missing else ():
        if source_id in missing:
            out.append(loc.problem(file, where, f"source id {source_id!r} is not in sources.toml"))
            if len(out) >= limit:
                break
    return out


def load_lenient(ds: Dataset) -> tuple[InteractionData, list[Problem]]:
    """Like `load`, but a broken user file costs only its own facts (audit 2026-12-04 M1, M10).

    Returns the data without the files that have problems, and those problems (for one note
    on stderr). Problems in the first (bundled) directory's files still raise DataError.
    """
    dirs = [(idx.root, idx.origin) for idx in ds.indexes]
    first = {os.path.join(dirs[0][0], PARTNERS_FILE), os.path.join(dirs[0][0], RULES_FILE)} if dirs else set()
    skip: set[str] = set()
    dropped: list[Problem] = []
    for _ in range(2 * len(dirs) + 1):  # each round drops at least one of the 2 files per directory
        data = load_dirs(dirs, skip)
        problems = list(data.problems) + _source_problems(ds, data)
        if not problems:
            return data, dropped
        bad = {p.file for p in problems}
        if bad & first or not bad - skip:
            raise DataError(problems)
        skip |= bad
        dropped.extend(problems)
    raise DataError(dropped)


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
    data = load_dirs([(os.fspath(d), os.fspath(d)) for d in dirs])
    problems = list(data.problems)
    known = set(known_sources)
    ids = set(substance_ids)
    loc = Locators()

    for source_id, file, where in data.cited:
        if source_id not in known:
            problems.append(loc.problem(file, where, f"source id {source_id!r} is not in sources.toml"))
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
        raw, _, _ = _read(file)
        items = raw.get("rule", []) if raw else []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for side in ("a", "b"):
                value = item.get(side)
                if isinstance(value, str) and schema.is_id(value) and value not in data.partners and value not in ids:
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
            continue  # one directory's own names: its authors chose (the partner is the answer)
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
    """A name as a substance, partner drug or class: one namespace, the first directory owns a name.

    A partner name that a substance of an earlier directory also has resolves to the
    substance: an overlay can add names, never take one (audit 2026-12-04 H1, M7). Within one
    directory the partner answers (its authors gave both, e.g. the brew "ayahuasca").
    """
    key = normalize(name) if len(name) <= 200 else ""
    pid = data.keys.get(key) if key else None
    if pid is not None:
        layer = data.key_from[key][0] if key in data.key_from else 0
        owner = ds.owner(name, upto=layer)
        if owner is None or owner[1] >= layer:  # within one directory its authors chose: the partner
            return data.partners[pid]
        return substance_partner(ds, data, owner[0])
    try:
        sid = ds.resolve(name)
    except NotFoundError as exc:
        raise NotFoundError(name, _suggest(data, key, exc.suggestions)) from None
    return substance_partner(ds, data, sid)


def _suggest(data: InteractionData, key: str, substances: list[str]) -> list[str]:
    """Did-you-mean for a name that is neither a substance nor a partner: the closest partner
    and the closest substance both ("methadon": methadone, the drug, and methylone, the record),
    one spelling per partner."""
    import difflib

    if not key:
        return substances[:3]
    by_partner: dict[str, str] = {}
    for k in difflib.get_close_matches(key, data.keys, n=8, cutoff=0.6):
        by_partner.setdefault(data.keys[k], k)
    partners = list(by_partner.values())
    if not partners:
        partners = [k for k in data.keys if k.startswith(key[:4]) or key in k][:2]
    out = [*partners[:1], *substances[:1], *partners[1:2], *substances[1:]]
    return list(dict.fromkeys(out))[:3]


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


class _Reach(Mapping[str, tuple[str, ...]]):
    """Every id a partner answers to, each with the class path that leads there.

    Stored as one parent pointer per id (memory linear in the ids reached); a path is
    rebuilt only when it is read, for a rule that fired (audit 2026-12-04 H4).
    """

    __slots__ = ("_parent", "count")

    def __init__(self, parent: dict[str, str | None]) -> None:
        self._parent = parent
        self.count = -1  # how many rules name an id reached (set by `_count`)

    def __getitem__(self, key: str) -> tuple[str, ...]:
        parent = self._parent[key]
        path: list[str] = []
        while parent is not None:
            path.append(key)
            key, parent = parent, self._parent[parent]
        return tuple(reversed(path))

    def __contains__(self, key: object) -> bool:
        return key in self._parent

    def __iter__(self) -> Iterator[str]:
        return iter(self._parent)

    def __len__(self) -> int:
        return len(self._parent)


def _expand(data: InteractionData, p: Partner) -> _Reach:
    """Every id a partner answers to (its classes and properties, transitively), with the path
    there: O(ids reached)."""
    from collections import deque

    parent: dict[str, str | None] = {p.id: None}
    todo: deque[tuple[str, str]] = deque((c, p.id) for c in (*p.classes, *p.properties))
    while todo:
        cid, via = todo.popleft()
        if cid in parent:
            continue
        parent[cid] = via
        cls = data.partners.get(cid)
        if cls is not None:
            todo.extend((c, cid) for c in (*cls.classes, *cls.properties) if c not in parent)
    return _Reach(parent)


def _sort_key(h: Hit) -> tuple[int, int]:
    return (-RANK[h.rule.severity], len(h.via))


def _rules_of(data: InteractionData, ids: Iterable[str]) -> list[int]:
    """Positions of the rules naming any of these ids, in file order, each once."""
    found: set[int] = set()
    for i in ids:
        found.update(data.by_id.get(i, ()))
    return sorted(found)


def pair(data: InteractionData, a: Partner, b: Partner, ka: _Reach | None = None, kb: _Reach | None = None) -> Pair:
    """Every rule that fires for a and b (directly or through their classes), most severe first.

    Only the rules of the side with fewer of them are read (indexed by partner id).
    """
    ka = ka if ka is not None else _expand(data, a)
    kb = kb if kb is not None else _expand(data, b)
    hits = []
    for n in _rules_of(data, ka if _count(data, ka) <= _count(data, kb) else kb):
        r = data.rules[n]
        if r.a in ka and r.b in kb:
            hits.append(Hit(r, r.a, r.b, ka[r.a] + kb[r.b]))
        elif r.b in ka and r.a in kb:
            hits.append(Hit(r, r.b, r.a, ka[r.b] + kb[r.a]))
    return Pair(a, b, tuple(sorted(hits, key=_sort_key)))


def _prefetch(table: object, keys: Iterable[Any]) -> None:
    """Batch-read keys of a cached table (`ix_cache`); a dict or tuple needs nothing."""
    fetch = getattr(table, "prefetch", None)
    if fetch is not None:
        fetch(keys)


def _count(data: InteractionData, reach: _Reach) -> int:
    if reach.count < 0:
        reach.count = sum(len(data.by_id.get(i, ())) for i in reach)
    return reach.count


def pairs(data: InteractionData, items: Sequence[Partner]) -> list[Pair]:
    """Every pair among the partners, most severe first (then in the order asked)."""
    out = [pair(data, x, y) for i, x in enumerate(items) for y in items[i + 1 :] if x.id != y.id]
    return sorted(out, key=lambda p: -RANK[p.severity] if p.severity else 1)


def involving(ds: Dataset, data: InteractionData, p: Partner) -> list[Pair]:
    """Every rule touching a partner (or its classes), grouped by the other side, most severe first.

    Linear in the rules it touches: they are found through the partner-id index.
    """
    mine = _expand(data, p)
    others: dict[str, None] = {}
    touched = _rules_of(data, mine)
    _prefetch(data.rules, touched)  # from the cache: a few batched reads, not one per rule
    for n in touched:
        r = data.rules[n]
        if r.a in mine:
            others.setdefault(r.b)
        if r.b in mine:
            others.setdefault(r.a)
    _prefetch(data.partners, others)
    _prefetch(data.by_id, others)
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
        out.append(pair(data, p, other, mine))
    return sorted(out, key=lambda x: -RANK[x.severity] if x.severity else 1)


def not_reviewed(ds: Dataset, data: InteractionData, p: Partner) -> list[Partner]:
    """For a substance: the classes it has no rule with either way. For a drug or class: the
    substances it has no rule with. What a one-name answer lists after its rules."""
    mine = _expand(data, p)
    if p.kind == "substance":
        others = [data.partners[c] for c in group_ids(data)]
    else:
        others = _substances(ds, data)
    return [o for o in others if o.id != p.id and not pair(data, p, o, mine).hits]


def _is_group(data: InteractionData, pid: str) -> bool:
    found = data.partners.get(pid)
    return found is not None and found.kind in ("class", "property")


def class_ids(data: InteractionData) -> list[str]:
    return [p.id for p in data.partners.values() if p.kind == "class"]


# -- the functions other views call --------------------------------------------------------------


def for_views(ds: Dataset) -> InteractionData:
    """The interaction data for `show` and `compare`: a broken user file costs only its own
    facts, with one located note per file in ``ds.notes`` (audit 2026-12-04 M1)."""
    data, dropped = load_lenient(ds)
    by_file: dict[str, list[Problem]] = {}
    for p in dropped:
        by_file.setdefault(p.file, []).append(p)
    for found in by_file.values():
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        ds.note(f"psycompare: skipped your interaction file: {found[0]}{more}")
    return data


def for_pair(ds: Dataset, a: str, b: str) -> Pair:
    """The interaction answer for two names (substances, drugs or classes)."""
    data = for_views(ds)
    return pair(data, resolve(ds, data, a), resolve(ds, data, b))


def for_substance(ds: Dataset, name: str) -> list[Pair]:
    """Every recorded interaction of one name, grouped by partner, most severe first."""
    data = for_views(ds)
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


def _substances(ds: Dataset, data: InteractionData, skipped: list[PsycompareError] | None = None) -> list[Partner]:
    """The substances of the first data directory and those the interaction files name, sorted.

    Records of later directories without interaction data would only add gaps, and a matrix
    grows with the square of its rows (audit 2026-12-04 M8). A record that does not load is
    left out (and added to ``skipped``).
    """
    wanted = {row["id"] or "" for row in ds.indexes[0].listing()}
    wanted.update((*data.rule_subs, *data.substance_classes))
    subs: list[Partner] = []
    for sid in sorted(wanted):
        try:
            subs.append(substance_partner(ds, data, sid))
        except NotFoundError:
            continue
        except PsycompareError as exc:
            if skipped is not None:
                skipped.append(exc)
    return subs


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


def coverage(
    ds: Dataset, data: InteractionData, skipped: list[PsycompareError] | None = None
) -> tuple[list[Partner], list[Partner], list[Cell]]:
    """Each substance against each class (and partner-side property) and each other substance.

    The substances are those of `_substances` (the first directory's and those with
    interaction data); records that do not load are left out (and added to ``skipped``).
    """
    subs = _substances(ds, data, skipped)
    classes = [data.partners[c] for c in group_ids(data)]
    reach = {p.id: _expand(data, p) for p in (*subs, *classes)}
    cells: list[Cell] = []
    for i, s in enumerate(subs):
        ks = reach[s.id]
        for c in classes:
            cells.append(Cell(s.id, c.id, "class", _pair_with(data, s, c, ks, reach[c.id]).severity))
        for t in subs[i + 1 :]:
            cells.append(Cell(s.id, t.id, "substance", _pair_with(data, s, t, ks, reach[t.id]).severity))
    return subs, classes, cells


def _pair_with(data: InteractionData, a: Partner, b: Partner, ka: _Reach, kb: _Reach) -> Pair:
    if not _count(data, ka) or not _count(data, kb):
        return Pair(a, b, ())
    return pair(data, a, b, ka, kb)

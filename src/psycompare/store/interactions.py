"""Interactions from the files: partner drugs, classes and properties, and sourced rules.

Store layer: it reads, checks and caches; it never prints and answers no questions
(`query.interactions` does). Data lives beside ``substances/`` in each data directory::

    partners.toml       # [class.<id>], [drug.<id>], [substance.<id>] (classes of a record)
    interactions.toml   # reviewed = <date>; [[rule]] a = ..., b = ..., severity = ...

Directories layer as records do: a later directory adds rules and partners, and a
partner it names again gains aliases, classes and sources. The file schema
(`schema.interactions`) is imported only when files are checked: a call answered from the
cache never loads it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence, Set
from datetime import date as Date
from typing import TYPE_CHECKING, Any

from psycompare.errors import DataError, Problem
from psycompare.interaction_model import InteractionData, Partner, Rule, cycles_of
from psycompare.store.files import Locators
from psycompare.store.names import normalize

if TYPE_CHECKING:
    from psycompare.interaction_model import Path_
    from psycompare.store.dataset import Dataset

PARTNERS_FILE = "partners.toml"
RULES_FILE = "interactions.toml"


def read_file(path: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse a partners or rules file; the parsed value is cached by content (index.read_toml_cached)."""
    from psycompare.store.cache import read_toml_cached
    from psycompare.store.dataset import default_cache_dir

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
    from psycompare.store.cache import _digest
    from psycompare.store.files import read_bytes

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
    from psycompare.store.cache import INDEX_FORMAT, _b, open_private_dir
    from psycompare.store.dataset import default_cache_dir

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
    found: InteractionData | None = ix_cache.read(folder, name, head, lambda: _load_dirs(dirs, skipped))
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
    from psycompare.schema import interactions as ixs
    from psycompare.schema.checker import _Checker
    from psycompare.schema.fields import Field

    partners: dict[str, Partner] = {}
    subs: dict[str, Partner] = {}
    rules: list[Rule] = []
    problems: list[Problem] = []
    cited: list[tuple[str, str, Path_]] = []
    claims: list[tuple[str, str, int, str, Path_]] = []  # (name, partner id, layer, file, where)
    # (kind, partner id, class or property id) -> (layer, file) of the file that first gave the link:
    # a problem with a link is blamed on that file, never on the one that defined the partner
    links: dict[tuple[str, str, str], tuple[int, str]] = {}
    reviewed: Date | None = None
    rule_at: list[tuple[str, int]] = []  # (file, index) for locating rule problems later
    texts: dict[str, str] = {}
    today = Date.today()
    for layer, (root, origin) in enumerate(dirs):
        path = os.path.join(root, PARTNERS_FILE)
        data, text, found = read_file(path) if path not in skipped else (None, "", [])
        problems.extend(found)
        if data is not None:
            texts[path] = text
            _load_partners(data, path, text, origin, partners, subs, problems, cited, claims, layer, links)
        path = os.path.join(root, RULES_FILE)
        data, text, found = read_file(path) if path not in skipped else (None, "", [])
        problems.extend(found)
        if data is not None:
            texts[path] = text
            ck = _Checker(path, text)
            for k in data:
                if k not in ("reviewed", "rule"):
                    ck.add((k,), "unknown field (expected reviewed and [[rule]] tables)")
            day = ck.value(Field("reviewed", "date", required=reviewed is None), data, ())
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
                where: Path_ = ("rule", i)
                if not isinstance(item, dict):
                    ck.add(where, "expected a table")
                    continue
                values = ck.table(ixs.RULE_FIELDS, item, where)
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
    cycles = cycles_of(partners)
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


def _load_partners(
    data: dict[str, Any],
    path: str,
    text: str,
    origin: str,
    partners: dict[str, Partner],
    subs: dict[str, Partner],
    problems: list[Problem],
    cited: list[tuple[str, str, Path_]],
    claims: list[tuple[str, str, int, str, Path_]] | None = None,
    layer: int = 0,
    links: dict[tuple[str, str, str], tuple[int, str]] | None = None,
) -> None:
    from psycompare.schema import interactions as ixs
    from psycompare.schema.checker import _Checker
    from psycompare.schema.checks import is_id

    ck = _Checker(path, text)
    for section, table in data.items():
        kind = ixs.SECTIONS.get(section)
        if kind is None or not isinstance(table, dict):
            expected = "[class.ID], [property.ID], [drug.ID] or [substance.ID] tables"
            ck.add((section,), f"unknown section (expected {expected})")
            continue
        for pid, raw in table.items():
            where: Path_ = (f"{section}.{pid}",)
            if not is_id(pid):
                ck.add(where, "malformed id (lower-case letters, digits and '-')")
                continue
            if not isinstance(raw, dict):
                ck.add(where, "expected a table")
                continue
            values = ck.table(ixs.PARTNER_FIELDS, raw, where)
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
                    contains=values.get("contains", ()),
                )
            else:  # a later directory: names and notes replace, lists unite
                target[pid] = old._replace(
                    name=values.get("name", old.name),
                    note=values.get("note", old.note),
                    aliases=tuple(dict.fromkeys((*old.aliases, *values.get("aliases", ())))),
                    classes=tuple(dict.fromkeys((*old.classes, *values.get("classes", ())))),
                    properties=tuple(dict.fromkeys((*old.properties, *values.get("properties", ())))),
                    sources=tuple(dict.fromkeys((*old.sources, *values.get("sources", ())))),
                    contains=tuple(dict.fromkeys((*old.contains, *values.get("contains", ())))),
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
    claims: list[tuple[str, str, int, str, Path_]],
    problems: list[Problem],
    loc: Locators,
) -> tuple[dict[str, str], dict[str, tuple[int, str, Path_]]]:
    """Normalized name -> partner id, and the directory that gave it. A name belongs to its
    first claimant: a later claim is a located problem and never takes it (audit H1)."""
    keys: dict[str, str] = {}
    layers: dict[str, tuple[int, str, Path_]] = {}
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
    """Citations of source ids that no sources.toml of the dataset defines (the first ``limit``)."""
    return dangling_sources(data, ds.missing_sources(data.cited_ids), Locators(), limit)


def dangling_sources(
    data: InteractionData, missing: Set[str], loc: Locators, limit: int | None = None
) -> list[Problem]:
    """Each citation of a ``missing`` source id, located in its file (loading and data validate)."""
    out: list[Problem] = []
    for source_id, file, where in data.cited if missing else ():
        if source_id in missing:
            out.append(loc.problem(file, where, f"source id {source_id!r} is not in sources.toml"))
            if limit is not None and len(out) >= limit:
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

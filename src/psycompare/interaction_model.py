"""The interaction model: partners, rules, the answer for a pair, and the severity scale's order.

Bottom layer (like `model`): types and pure functions over them, no files, no printing.
`store.interactions` builds an `InteractionData` from the files; `query.interactions` asks it
questions. Written without postponed annotations on purpose: a NamedTuple with string
annotations compiles each one at import (about 3 ms here, on every call of the fast path).
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import date as Date
from typing import NamedTuple

from psycompare.errors import Problem

Path_ = tuple[str | int, ...]  # where in a file (as schema.rules.Path_)

# Ordered scale, most severe first. "none" is a reviewed pair with no known interaction.
SEVERITIES = ("contraindicated", "major", "moderate", "minor", "none")
RANK = {s: len(SEVERITIES) - 1 - i for i, s in enumerate(SEVERITIES)}  # contraindicated 4 ... none 0
NO_RECORD = "no interaction recorded; this does not mean the combination is safe"
NONE_KNOWN = "no known interaction in the reviewed sources; this does not mean the combination is safe"


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
    # substance ids a drug contains (the ayahuasca brew: DMT): it may share their common name
    contains: tuple[str, ...] = ()


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
    """The answer for two partners: the rules that fired, most severe first (`query.pair`
    sorts them so; a pair is read many times, so its severity is the first hit's)."""

    a: Partner
    b: Partner
    hits: tuple[Hit, ...]

    @property
    def severity(self) -> str | None:
        """The highest severity of the rules that fired, "none" if all say none, None if no rule."""
        return self.hits[0].rule.severity if self.hits else None

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
        if n == 1:  # not "most severe of 1 rule" (audit 2026-12-04 UX Low list)
            return f"{self.severity} (1 rule)"
        return f"{self.severity} (most severe of {n} rules)"


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
    cited: Sequence[tuple[str, str, Path_]]  # (source id, file, path)
    # which data directory (0 = the first, usually the bundled one) gave each name in ``keys``:
    # an earlier directory owns a name, a later one can add names but never take one (H1)
    key_from: Mapping[str, tuple[int, str, Path_]] = {}  # key -> (directory number, file, where)
    # rule positions by partner id, built once: pair() and involving() read only the rules of
    # the ids they reach, never every rule (audit 2026-12-04 M8)
    by_id: Mapping[str, tuple[int, ...]] = {}
    # class and property membership cycles, each as the ids around it (reported by validate)
    cycles: tuple[tuple[str, ...], ...] = ()
    cited_ids: frozenset[str] = frozenset()  # every source id cited
    rule_subs: tuple[str, ...] = ()  # ids the rules name that are not partners (substances, or unknown)
    # how many rules name each id (from the cache; None when built from the files, where
    # len(by_id[id]) is as cheap): a pair reads only the rules of its smaller side without
    # loading the larger side's list first
    rule_counts: Mapping[str, int] | None = None


class Cell(NamedTuple):
    substance: str
    partner: str
    kind: str  # class | substance
    severity: str | None  # None: a gap (no reviewed entry)


class Reach(Mapping[str, tuple[str, ...]]):
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


def expand(data: InteractionData, p: Partner) -> Reach:
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
    return Reach(parent)


def cycles_of(partners: dict[str, Partner]) -> list[tuple[str, ...]]:
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

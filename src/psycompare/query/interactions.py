"""Questions over the interaction data: what a name is, which rules fire for a pair, one name's
interactions, and the coverage matrix. No files are read here beyond `store.interactions.load`,
and nothing is printed.

For other views (``compare``, ``show``)::

    from psycompare.query import interactions
    pair = interactions.for_pair(ds, "mdma", "sertraline")      # Pair: severity, status, hits
    worst = interactions.most_severe_class_rules(ds, "mdma", 3)  # list[Pair] against classes
    mine = interactions.for_substance(ds, "mdma")                # list[Pair], most severe first
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from psycompare.errors import NotFoundError, Problem, PsycompareError
from psycompare.interaction_model import (
    NO_RECORD,
    NONE_KNOWN,
    RANK,
    SEVERITIES,
    Cell,
    Hit,
    InteractionData,
    Pair,
    Partner,
    Reach,
    Rule,
    expand,
)
from psycompare.store.index import normalize
from psycompare.store.interactions import load, load_dirs, load_lenient

if TYPE_CHECKING:
    from psycompare.store.dataset import Dataset

__all__ = ["NO_RECORD", "NONE_KNOWN", "SEVERITIES", "Cell", "Hit", "Rule", "load", "load_dirs"]

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
    """A substance as an interaction partner: its name (from the index, no record is parsed),
    classes and properties (from partners.toml)."""
    name = ds.name_of(sid) or ds.load(sid).name  # a record without a name in the index: its own error
    extra = data.substance_classes.get(sid)
    return Partner(
        id=sid,
        kind="substance",
        name=name,
        classes=extra.classes if extra else (),
        sources=extra.sources if extra else (),
        properties=extra.properties if extra else (),
    )


def _sort_key(h: Hit) -> tuple[int, int]:
    return (-RANK[h.rule.severity], len(h.via))


def _rules_of(data: InteractionData, ids: Iterable[str]) -> list[int]:
    """Positions of the rules naming any of these ids, in file order, each once."""
    found: set[int] = set()
    for i in ids:
        found.update(data.by_id.get(i, ()))
    return sorted(found)


def pair(data: InteractionData, a: Partner, b: Partner, ka: Reach | None = None, kb: Reach | None = None) -> Pair:
    """Every rule that fires for a and b (directly or through their classes), most severe first.

    Only the rules of the side with fewer of them are read (indexed by partner id).
    """
    ka = ka if ka is not None else expand(data, a)
    kb = kb if kb is not None else expand(data, b)
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


def _count(data: InteractionData, reach: Reach) -> int:
    if reach.count < 0:
        counts = data.rule_counts
        if counts is None:
            reach.count = sum(len(data.by_id.get(i, ())) for i in reach)
        else:
            reach.count = sum(counts.get(i, 0) for i in reach)
    return reach.count


def pairs(data: InteractionData, items: Sequence[Partner]) -> list[Pair]:
    """Every pair among the partners, most severe first (then in the order asked)."""
    out = [pair(data, x, y) for i, x in enumerate(items) for y in items[i + 1 :] if x.id != y.id]
    return sorted(out, key=lambda p: -RANK[p.severity] if p.severity else 1)


def involving(ds: Dataset, data: InteractionData, p: Partner) -> list[Pair]:
    """Every rule touching a partner (or its classes), grouped by the other side, most severe first.

    Linear in the rules it touches: they are found through the partner-id index.
    """
    mine = expand(data, p)
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
    mine = expand(data, p)
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
    reach = {p.id: expand(data, p) for p in (*subs, *classes)}
    cells: list[Cell] = []
    for i, s in enumerate(subs):
        ks = reach[s.id]
        for c in classes:
            cells.append(Cell(s.id, c.id, "class", _pair_with(data, s, c, ks, reach[c.id]).severity))
        for t in subs[i + 1 :]:
            cells.append(Cell(s.id, t.id, "substance", _pair_with(data, s, t, ks, reach[t.id]).severity))
    return subs, classes, cells


def _pair_with(data: InteractionData, a: Partner, b: Partner, ka: Reach, kb: Reach) -> Pair:
    if not _count(data, ka) or not _count(data, kb):
        return Pair(a, b, ())
    return pair(data, a, b, ka, kb)

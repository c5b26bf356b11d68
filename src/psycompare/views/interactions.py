"""What `psycompare interactions` shows, as a `views.base.View`. No printing, no Rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycompare.interaction_model import NO_RECORD, SEVERITIES, Hit, InteractionData, Pair, Partner, Rule
from psycompare.query.interactions import HIGH_RISK
from psycompare.schema.interactions import ACTIONS, LEGEND
from psycompare.store.dataset import BUNDLED
from psycompare.views.base import Block, Citations, Row, View, iso, marker, source_json, words

if TYPE_CHECKING:
    from psycompare.store.dataset import Dataset

SEVERITY_MARK = {"contraindicated": "XX", "major": "!!", "moderate": "~", "minor": ".", "none": "o"}
MARK_LEGEND = "XX contraindicated, !! major, ~ moderate, . minor, o reviewed: none known, ? not reviewed"
NOT_REVIEWED = "not reviewed"


def _name(data: InteractionData, pid: str, p: Partner | None = None) -> str:
    if p is not None and p.id == pid:
        return p.name
    found = data.partners.get(pid)
    return found.name if found else pid


def partner_json(p: Partner, query: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "kind": p.kind, "name": p.name, "classes": list(p.classes)}
    if query is not None:
        out = {"query": query, **out}
    return out


def hit_json(data: InteractionData, hit: Hit, layered: bool) -> dict[str, Any]:
    r = hit.rule
    out: dict[str, Any] = {
        "a": hit.left,
        "b": hit.right,
        "via": list(hit.via),
        "severity": r.severity,
        "effect": r.effect,
        "enzyme": r.enzyme,
        "text": r.text,
        "setting": r.setting,
        "evidence": r.evidence,
        "management": r.management,
        "sources": list(r.sources),
        "locator": r.locator,
        "as_of": iso(r.as_of or data.reviewed),
    }
    if layered:
        out["origin"] = r.origin
    return out


def via_text(data: InteractionData, hit: Hit) -> str:
    """ " (via class: MAOIs)", " (via property: serotonin releasers)": what made the rule fire."""
    if not hit.via:
        return ""
    parts = []
    for c in hit.via:
        found = data.partners.get(c)
        kind = found.kind if found is not None and found.kind in ("class", "property") else "class"
        parts.append(f"{kind}: {_name(data, c)}")
    return f" (via {', '.join(parts)})"


def _what(data: InteractionData, p: Pair) -> str:
    """What happens, at a glance: the most severe rule's short form (or its effect), how it fired."""
    top = p.hits[0]
    r = top.rule
    what = r.short or words(r.effect)
    groups = [_name(data, side) for side, me in ((top.left, p.a.id), (top.right, p.b.id)) if side != me]
    if groups:  # the groups the rule names (the whole path is in --full)
        what += f" (via {' and '.join(groups)})"
    more = len(p.hits) - 1
    return what + (f"; +{more} more rule{'s' if more > 1 else ''}" if more else "")


def _locate(nums: Citations, r: Rule) -> str:
    """``see section 7.1 in [3]``: where in its first-listed source the rule is stated."""
    if not r.locator or not r.sources:
        return ""
    first = nums.cite(r.sources[:1])
    return f"see {r.locator} in {marker(first)}" if first else f"see {r.locator}"


def _todo(p: Pair) -> str:
    r = p.hits[0].rule
    return r.action or ACTIONS[r.severity]


def _summary_row(data: InteractionData, nums: Citations, p: Pair, label: str) -> Row:
    """One line for a pair: severity, the pair, what happens, what to do, evidence, citation."""
    if not p.hits:
        return Row([NOT_REVIEWED, label, NO_RECORD, "-", "-"])
    r = p.hits[0].rule
    return Row([p.severity or "", label, _what(data, p), _todo(p), words(r.evidence)], nums.cite(r.sources))


def _detail_blocks(data: InteractionData, nums: Citations, found: list[Pair], layered: bool) -> list[Block]:
    """Every rule of every pair, one labelled block per pair (`--full`)."""
    blocks = []
    for p in found:
        rows: list[Row] = []
        for h in p.hits:
            r = h.rule
            rows.append(
                Row(
                    [
                        r.severity,
                        words(r.effect),
                        r.text + (f" [{r.enzyme}]" if r.enzyme else ""),
                        r.management or ACTIONS[r.severity] + " (the scale's action; no source statement)",
                        words(r.evidence),
                        words(r.setting) + " use",
                        f"{_name(data, h.left, p.a)} + {_name(data, h.right, p.b)}{via_text(data, h)}",
                    ],
                    nums.cite(r.sources),
                    r.as_of if r.as_of and r.as_of != data.reviewed else None,
                    r.origin if layered and r.origin != BUNDLED else "",
                    locator=_locate(nums, r),
                )
            )
        blocks.append(
            Block(
                f"{p.a.name} + {p.b.name}: {p.message}",
                ["severity", "effect", "what happens", "what to do", "evidence", "setting", "rule"],
                rows,
                "fields",
            )
        )
    return blocks


def _matrix(found: list[Pair], asked: list[tuple[str, Partner]]) -> Block:
    """Three to six names: the pairs as a chart, one severity mark per cell."""
    names = list({p.id: (q, p) for q, p in asked}.values())
    sev = {frozenset((p.a.id, p.b.id)): p.severity for p in found}
    rows = []
    for q, x in names:
        line = [q]
        for _, y in names:
            line.append("" if x.id == y.id else SEVERITY_MARK.get(sev.get(frozenset((x.id, y.id))) or "", "?"))
        rows.append(Row(line))
    return Block("Chart", ["", *[q for q, _ in names]], rows, "chart")


def pairs_view(
    ds: Dataset, data: InteractionData, asked: list[tuple[str, Partner]], found: list[Pair], full: bool = False
) -> View:
    """Two or more names: one line per pair, most severe first; a chart for three to six names;
    every rule with what to do and its sources with ``full``."""
    nums = Citations(ds)
    labels = {p.id: q for q, p in asked}
    rows = [
        _summary_row(data, nums, p, f"{labels.get(p.a.id, p.a.name)} + {labels.get(p.b.id, p.b.name)}") for p in found
    ]
    blocks = [Block("Interactions, most severe first", ["severity", "pair", *SUMMARY_COLUMNS[2:]], rows, "rows")]
    unique = {p.id for _, p in asked}
    if 3 <= len(unique) <= 6:
        blocks.append(_matrix(found, asked))
    if full:
        blocks.extend(_detail_blocks(data, nums, found, ds.layered))
    ids = " ".join(dict.fromkeys(p.id for _, p in asked))
    more = f"\nChart: {MARK_LEGEND}" if 3 <= len(unique) <= 6 else ""
    more += "" if full else f"\nEvery rule, what its source says to do, and where: psycompare interactions {ids} --full"
    return _view(data, asked, found, nums, blocks, ds.layered, LEGEND + more)


def partner_view(
    ds: Dataset,
    data: InteractionData,
    asked: list[tuple[str, Partner]],
    found: list[Pair],
    missing: list[Partner],
    full: bool = False,
) -> View:
    """One name: its rules grouped by severity, then what has not been reviewed. Never empty."""
    nums = Citations(ds)
    (query, me), *_ = asked
    blocks: list[Block] = []
    for sev in SEVERITIES:
        group = [p for p in found if p.severity == sev]
        if group:  # the title gives the severity and its action; a rule's own short action is shown
            own = any(p.hits[0].rule.action for p in group)
            rows = [_summary_row(data, nums, p, p.b.name) for p in group]
            rows = [r._replace(cells=[*r.cells[1:3], *(r.cells[3:4] if own else []), r.cells[4]]) for r in rows]
            cols = ["with", "what happens", *(["what to do"] if own else []), "evidence"]
            title = f"{sev.capitalize()}: {ACTIONS[sev]} ({len(group)})"
            blocks.append(Block(title, cols, rows, "rows"))
    if not found:
        blocks.append(Block(f"{me.name}: no interaction recorded; this does not mean any combination is safe", [], []))
    if missing:
        kind = "classes" if me.kind == "substance" else "substances"
        names = ", ".join(m.name for m in missing)
        blocks.append(
            Block(f"Not reviewed: {len(missing)} {kind} with no rule either way", [kind], [Row([names])], "fields")
        )
    if full:
        blocks.extend(_detail_blocks(data, nums, found, ds.layered))
    more = (
        "" if full else f"\nEvery rule, what its source says to do, and where: psycompare interactions {me.id} --full"
    )
    view = _view(data, asked, found, nums, blocks, ds.layered, LEGEND + more)
    view.data["not_reviewed"] = [{"id": m.id, "kind": m.kind, "name": m.name} for m in missing]
    return view


def _view(
    data: InteractionData,
    asked: list[tuple[str, Partner]],
    found: list[Pair],
    nums: Citations,
    blocks: list[Block],
    layered: bool,
    hint: str,
) -> View:
    """The JSON, CSV and footnotes every interactions answer shares."""
    out_pairs: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    every = Citations(nums.ds)  # JSON lists every rule's sources; people see the ones cited on screen
    every.cite([s.id for s in nums.sources])
    for p in found:
        for h in p.hits:
            r = h.rule
            every.cite(r.sources)
            csv_rows.append(
                [
                    p.a.id,
                    p.b.id,
                    p.severity or "",
                    p.status,
                    h.left,
                    h.right,
                    ";".join(h.via),
                    r.severity,
                    r.effect,
                    r.enzyme,
                    r.setting,
                    r.evidence,
                    r.text,
                    r.management,
                    ";".join(r.sources),
                    iso(r.as_of or data.reviewed),
                ]
            )
        if not p.hits:
            csv_rows.append([p.a.id, p.b.id, "", p.status, "", "", "", "", "", "", "", "", NO_RECORD, "", "", ""])
        out_pairs.append(
            {
                "a": p.a.id,
                "b": p.b.id,
                "severity": p.severity,
                "status": p.status,
                "message": p.message,
                "action": _todo(p) if p.hits else None,
                "rules": [hit_json(data, h, layered) for h in p.hits],
            }
        )
    data_out = {
        "names": [partner_json(p, q) for q, p in asked],
        "reviewed": iso(data.reviewed),
        "pairs": out_pairs,
        "sources": [source_json(n, s) for n, s in every.footnotes()],
        "not_reviewed": [],  # one name: what it has no rule with either way
    }
    reviewed = f"reviewed {iso(data.reviewed)}" if data.reviewed else "interactions"
    return View(data_out, blocks, CSV_HEADER, csv_rows, [nums.as_footnotes(reviewed)], hint=hint)


SUMMARY_COLUMNS = ["severity", "with", "what happens", "what to do", "evidence"]
CSV_HEADER = [
    "a",
    "b",
    "pair_severity",
    "status",
    "rule_a",
    "rule_b",
    "via",
    "severity",
    "effect",
    "enzyme",
    "setting",
    "evidence",
    "text",
    "management",
    "sources",
    "as_of",
]


def coverage_view(data: InteractionData, subs: list[Partner], classes: list[Partner], cells: list[Any]) -> View:
    """A chart of every class (and substance) against every substance: one mark per cell,
    '?' where nothing was reviewed; then the undecided cells in the high-risk classes."""
    by = {(c.substance, c.partner): c for c in cells}
    short = {s.id: _abbrev(s.id) for s in subs}
    rows: list[Row] = []
    for other in [*classes, *subs]:
        line = [other.id]
        for s in subs:
            if s.id == other.id:
                line.append("")
                continue
            cell = by.get((s.id, other.id)) or by.get((other.id, s.id))
            line.append("?" if cell is None or cell.severity is None else SEVERITY_MARK[cell.severity])
        rows.append(Row(line))
    gaps = [c for c in cells if c.severity is None]
    risky = [g for g in gaps if g.partner in HIGH_RISK]
    done = len(cells) - len(gaps)
    pct = f"{100 * done / len(cells):.0f}%" if cells else "-"
    title = f"Coverage: {done} of {len(cells)} cells decided ({pct}); {len(risky)} high-risk cells undecided"
    blocks = [Block(title, ["", *short.values()], rows, "chart")]
    key = ", ".join(f"{v} {k}" for k, v in short.items() if v != k)
    if risky:
        by_sub: dict[str, list[str]] = {}
        for g in risky:
            by_sub.setdefault(g.substance, []).append(g.partner)
        rows_risky = [Row([sid, ", ".join(parts)]) for sid, parts in by_sub.items()]
        blocks.append(
            Block(f"High-risk cells not yet reviewed: {len(risky)}", ["substance", "classes"], rows_risky, "rows")
        )
    data_out = {
        "reviewed": iso(data.reviewed),
        "substances": [s.id for s in subs],
        "classes": [{"id": c.id, "name": c.name} for c in classes],
        "total": len(cells),
        "covered": done,
        "cells": [
            {"substance": c.substance, "partner": c.partner, "kind": c.kind, "severity": c.severity} for c in cells
        ],
        "gaps": [{"substance": g.substance, "partner": g.partner, "kind": g.kind} for g in gaps],
        "high_risk_gaps": [{"substance": g.substance, "partner": g.partner} for g in risky],
    }
    csv_rows = [
        [c.substance, c.partner, c.kind, c.severity or "", "gap" if c.severity is None else "reviewed"] for c in cells
    ]
    hint = f"Marks: {MARK_LEGEND}\nColumns: {key}\n"
    hint += "Every undecided cell: psycompare interactions --coverage -f csv | grep ,gap"
    return View(data_out, blocks, ["substance", "partner", "kind", "severity", "state"], csv_rows, hint=hint)


ABBREV = {
    "ketamine": "ket",
    "esketamine": "esk",
    "mdma": "mdm",
    "psilocybin": "psi",
    "lsd": "lsd",
    "dmt": "dmt",
    "5-meo-dmt": "5me",
    "ibogaine": "ibo",
    "mescaline": "mes",
    "methylone": "mtl",
    "sertraline": "ser",
    "paroxetine": "par",
    "dextromethorphan-bupropion": "auv",
}


def _abbrev(sid: str) -> str:
    """A substance id short enough for a chart column (three characters; a key line names them)."""
    return ABBREV.get(sid, sid[:3])

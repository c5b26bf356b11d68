"""What `psycompare interactions` shows, as a `views.View`. No printing, no Rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycompare.store.dataset import BUNDLED
from psycompare.store.interactions import NO_RECORD, Hit, InteractionData, Pair, Partner
from psycompare.views.base import Block, Footnotes, Row, View, iso, source_json, words

if TYPE_CHECKING:
    from psycompare.model import Source
    from psycompare.store.dataset import Dataset

SEVERITY_MARK = {"contraindicated": "CI", "major": "major", "moderate": "mod", "minor": "minor", "none": "none"}


class _Numbers:
    """Numbers sources in order of first citation across the whole view."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.number: dict[str, int] = {}
        self.sources: list[tuple[int, Source]] = []

    def cite(self, ids: tuple[str, ...]) -> tuple[int, ...]:
        out = []
        for sid in ids:
            if sid not in self.number:
                src = self.ds.source(sid)
                if src is None:
                    continue
                self.number[sid] = len(self.sources) + 1
                self.sources.append((self.number[sid], src))
            out.append(self.number[sid])
        return tuple(sorted(set(out)))


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
        "as_of": iso(r.as_of or data.reviewed),
    }
    if layered:
        out["origin"] = r.origin
    return out


def via_text(data: InteractionData, hit: Hit) -> str:
    return f" (via class: {', '.join(_name(data, c) for c in hit.via)})" if hit.via else ""


def pairs_view(ds: Dataset, data: InteractionData, asked: list[tuple[str, Partner]], found: list[Pair]) -> View:
    """Pairs most severe first; each pair lists the rules that fired, with the class they came through."""
    nums = _Numbers(ds)
    blocks: list[Block] = []
    out_pairs: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    layered = ds.layered
    for p in found:
        title = f"{p.a.name} + {p.b.name}: {p.message}"
        rows: list[Row] = []
        for h in p.hits:
            r = h.rule
            what = r.text + (f" [{r.enzyme}]" if r.enzyme else "")
            rule = f"{_name(data, h.left, p.a)} + {_name(data, h.right, p.b)}{via_text(data, h)}"
            rows.append(
                Row(
                    [
                        r.severity,
                        words(r.effect),
                        what,
                        words(r.setting) + " use",
                        words(r.evidence),
                        r.management or "none recorded",
                        rule,
                    ],
                    nums.cite(r.sources),
                    r.as_of if r.as_of and r.as_of != data.reviewed else None,
                    r.origin if layered and r.origin != BUNDLED else "",
                )
            )
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
        if not p.hits:  # the heading says it; no empty row repeats it
            csv_rows.append([p.a.id, p.b.id, "", p.status, "", "", "", "", "", "", "", "", NO_RECORD, "", "", ""])
        blocks.append(
            Block(title, ["severity", "effect", "what happens", "setting", "evidence", "management", "rule"], rows)
        )
        out_pairs.append(
            {
                "a": p.a.id,
                "b": p.b.id,
                "severity": p.severity,
                "status": p.status,
                "message": p.message,
                "rules": [hit_json(data, h, layered) for h in p.hits],
            }
        )
    data_out = {
        "names": [partner_json(p, q) for q, p in asked],
        "reviewed": iso(data.reviewed),
        "pairs": out_pairs,
        "sources": [source_json(n, s) for n, s in nums.sources],
    }
    header = [
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
    reviewed = f"reviewed {iso(data.reviewed)}" if data.reviewed else "interactions"
    return View(data_out, blocks, header, csv_rows, [Footnotes(reviewed, nums.sources)])


def coverage_view(data: InteractionData, subs: list[Partner], classes: list[Partner], cells: list[Any]) -> View:
    """The substance x (class, substance) matrix: severity where reviewed, '?' for a gap."""
    by = {(c.substance, c.partner): c for c in cells}
    columns = [c.id for c in classes] + [s.id for s in subs]
    rows: list[Row] = []
    for s in subs:
        line = [s.id]
        for col in columns:
            if col == s.id:
                line.append("")
                continue
            cell = by.get((s.id, col)) or by.get((col, s.id))
            line.append("?" if cell is None or cell.severity is None else SEVERITY_MARK[cell.severity])
        rows.append(Row(line))
    gaps = [c for c in cells if c.severity is None]
    done = len(cells) - len(gaps)
    pct = f"{100 * done / len(cells):.0f}%" if cells else "-"
    title = (
        f"Interaction coverage: {done} of {len(cells)} entries reviewed ({pct}); "
        "CI contraindicated, mod moderate, none = reviewed with no known interaction, ? = gap"
    )
    blocks = [Block(title, ["substance", *columns], rows, "grid")]
    if gaps:
        blocks.append(
            Block(
                f"Gaps: {len(gaps)} entries with no reviewed rule",
                ["substance", "partner", "kind"],
                [Row([g.substance, g.partner, g.kind]) for g in gaps],
                "grid",
            )
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
    }
    csv_rows = [
        [c.substance, c.partner, c.kind, c.severity or "", "gap" if c.severity is None else "reviewed"] for c in cells
    ]
    return View(data_out, blocks, ["substance", "partner", "kind", "severity", "state"], csv_rows)

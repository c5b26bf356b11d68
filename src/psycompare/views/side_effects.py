"""`side-effects`: side effects and cautions, by setting."""

from __future__ import annotations

from typing import Any

from psycompare import model
from psycompare.store.dataset import Dataset
from psycompare.views.base import (
    Block,
    Citations,
    Citer,
    Footnotes,
    Row,
    View,
    fact_json,
    iso,
    sorted_side,
    source_json,
    words,
)


def side_effects_view(ds: Dataset, subs: list[model.Substance], setting: str | None, serious: bool) -> View:
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    shared = Citations(ds) if len(subs) > 1 else None
    for sub in subs:
        c = Citer(ds, sub, shared)
        items = [
            s
            for s in sorted_side(sub.side_effects)
            if (setting is None or s.setting == setting) and (not serious or s.severity == "serious")
        ]
        cautions = [x for x in sub.cautions if not serious or x.kind in ("boxed-warning", "contraindication")]
        blocks.append(
            Block(
                f"{sub.name}: side effects",
                ["setting", "frequency", "severity", "effect", "detail"],
                [c.row([words(s.setting), words(s.frequency), s.severity, s.text, s.note], s) for s in items]
                or [Row(["", "", "", "none recorded for this filter", ""])],
            )
        )
        if cautions and setting != "nonmedical":
            blocks.append(
                Block(
                    f"{sub.name}: cautions",
                    ["kind", "what", "why"],
                    [c.row([x.kind, x.text, x.reason], x) for x in cautions],
                )
            )
        notes.append(c.footnotes(sub.name))
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "side_effects": [fact_json(s, sub, ds.layered) for s in items],
                "cautions": [fact_json(x, sub, ds.layered) for x in cautions] if setting != "nonmedical" else [],
                "sources": [source_json(n, s) for n, s in c.source_list()],
            }
        )
        for s in items:
            csv_rows.append(
                [
                    sub.id,
                    s.setting,
                    s.frequency,
                    s.severity,
                    s.text,
                    s.note,
                    ";".join(s.sources),
                    iso(s.as_of or sub.reviewed),
                ]
            )
    header = ["substance", "setting", "frequency", "severity", "effect", "detail", "sources", "as_of"]
    notes = [shared.as_footnotes()] if shared else notes
    return View({"substances": data, "setting": setting, "serious_only": serious}, blocks, header, csv_rows, notes)

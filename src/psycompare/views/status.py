"""`status`: regulatory status per jurisdiction, dated, or as it stood on a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from psycompare import model
from psycompare.query.jurisdiction import fallback_note, national
from psycompare.query.jurisdiction import matches as _jmatch  # the one -j rule
from psycompare.query.jurisdiction import order as jorder
from psycompare.store.dataset import Dataset
from psycompare.views.base import (
    Block,
    Citations,
    Citer,
    Footnotes,
    Row,
    View,
    age_note,
    display_name,
    fact_json,
    iso,
    schedule_words,
    source_json,
    status_cells,
    words,
)


def status_view(
    ds: Dataset, subs: list[model.Substance], jurisdiction: str | None, on: date | None = None, wide: bool = False
) -> View:
    """Status per jurisdiction with its milestones; ``on`` a date: what held that day (history.py)."""
    want = jurisdiction.upper() if jurisdiction else None
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    shared = Citations(ds) if len(subs) > 1 else None
    hints: list[str] = []
    for sub in subs:
        c = Citer(ds, sub, shared)
        missing: list[str] = []
        if on is None:
            entries: list[Any] = sorted(
                (e for e in sub.status if _jmatch(e.jurisdiction, want)), key=lambda e: jorder(e.jurisdiction, want)
            )
            events = sorted((e for e in sub.events if _jmatch(e.jurisdiction, want)), key=lambda e: e.date)
        else:
            from psycompare.query import history

            codes = sorted((j for j in history.jurisdictions(sub) if _jmatch(j, want)), key=lambda j: jorder(j, want))
            for w in reversed(want.split(",") if want else []):
                if w not in codes:
                    codes.insert(0, w)
            found = [(j, history.status_on(sub, j, on)) for j in codes]
            entries = [e for _, e in found if e is not None]
            missing = [j for j, e in found if e is None]
            events = sorted(
                (e for e in sub.events if _jmatch(e.jurisdiction, want) and e.date <= on), key=lambda e: e.date
            )
        fallback: str | None = None  # a subdivision with no entry: the national status, labelled
        parent = national(want) if want else None
        if want and parent and not entries:
            if on is None:
                entries = [e for e in sub.status if e.jurisdiction.upper() == parent]
            else:
                from psycompare.query import history

                held = history.status_on(sub, parent, on)
                entries = [held] if held is not None else []
                missing = [j for j in missing if j != want] if entries else missing
            fallback = parent if entries else None
        status_rows = [c.row(status_cells(e), e) for e in entries]
        if fallback and want:
            note = fallback_note(want, fallback)
            status_rows = [r._replace(cells=[*r.cells[:-1], f"{note}. {r.cells[-1]}"]) for r in status_rows]
        status_rows += [
            Row([j, "not recorded", "not recorded", "not recorded", "-", "-", f"no status recorded for {on}"])
            for j in missing
        ]
        if want and not entries and on is None:
            status_rows = [
                Row(
                    [
                        want,
                        "not recorded",
                        "not recorded",
                        "not recorded",
                        "-",
                        "-",
                        "no status recorded for this jurisdiction",
                    ]
                )
            ]
        title = f"{display_name(sub)}: regulatory status" + (
            f" on {on.isoformat()}" if on else f" (facts as of {sub.reviewed.isoformat()} unless dated)"
        )
        glance = len(entries) > 1
        if glance:  # the short answer first: one line per jurisdiction
            blocks.append(
                Block(
                    f"{display_name(sub)}: at a glance" + (f" on {on.isoformat()}" if on else ""),
                    ["where", "status", "schedule"],
                    [
                        Row(
                            [e.jurisdiction, e.short or words(e.approval), schedule_words(e, short=True)],
                            c.cite(tuple(dict.fromkeys((*(e.short_sources or e.sources), *e.schedule_sources_or_all)))),
                            age=age_note(e.as_of, c.dataset_date),
                        )
                        for e in entries
                    ],
                    layout="wrap",
                )
            )
        if wide or not glance:
            blocks.append(
                Block(
                    title,
                    ["where", "regulator", "approval", "schedule", "programme", "indications", "note"],
                    status_rows,
                    "fields",
                )
            )
        if events and wide:
            blocks.append(
                Block(
                    f"{sub.name}: milestones",
                    ["date", "where", "kind", "what"],
                    [c.row([e.date.isoformat(), e.jurisdiction, words(e.kind), e.text], e) for e in events],
                    "fields",
                )
            )
        elif events:  # one line per milestone; --wide has the full text and its sources
            blocks.append(
                Block(
                    f"{sub.name}: milestones",
                    ["date", "where", "kind", "what"],
                    [Row([e.date.isoformat(), e.jurisdiction, words(e.kind), e.text]) for e in events],
                    "rows",
                    one_line=True,
                    drop=(2,),
                )
            )
        if glance and not wide:
            hints.append(f"status {sub.id} -j CODE")
        notes.append(c.footnotes(sub.name))
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "status": [fact_json(e, sub, ds.layered) for e in entries],
                "not_recorded": missing,
                "fallback": {"asked": want, "shown": fallback, "note": fallback_note(want, fallback)}
                if fallback and want
                else None,
                "events": [fact_json(e, sub, ds.layered) for e in events],
                "sources": [source_json(n, s) for n, s in c.source_list()],
            }
        )
        for j in missing:
            csv_rows.append([sub.id, "status", j, iso(on), "", "not-recorded", "", "", "", "", ""])
        for e in entries:
            csv_rows.append(
                [
                    sub.id,
                    "status",
                    e.jurisdiction,
                    e.as_of.isoformat(),
                    e.regulator,
                    e.approval,
                    e.schedule,
                    e.programme,
                    "; ".join(e.indications),
                    e.note,
                    ";".join(e.sources),
                ]
            )
        for ev in events:
            csv_rows.append(
                [
                    sub.id,
                    "event",
                    ev.jurisdiction,
                    ev.date.isoformat(),
                    "",
                    ev.kind,
                    "",
                    "",
                    "",
                    ev.text,
                    ";".join(ev.sources),
                ]
            )
    header = [
        "substance",
        "type",
        "jurisdiction",
        "date",
        "regulator",
        "approval_or_kind",
        "schedule",
        "programme",
        "indications",
        "text",
        "sources",
    ]
    notes = [shared.as_footnotes()] if shared else notes
    view_data = {"substances": data, "jurisdiction": want, "on": iso(on) or None}
    hint = ""
    if hints:
        hint = f"Regulator, programme, indications and notes: {hints[0]}, or --wide (milestones in full too)."
    return View(view_data, blocks, header, csv_rows, notes, hint=hint)

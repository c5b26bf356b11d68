"""What `timeline` shows: dated milestones across one or many substances, in date order.

One citation numbering covers the whole output, as in `compare`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psycompare import model
from psycompare.query.jurisdiction import matches as _jmatch  # the one -j rule
from psycompare.store.dataset import Dataset
from psycompare.views.base import Block, Citations, Row, View, fact_json, iso, marker, short_name, source_json, words


def timeline_view(
    ds: Dataset,
    subs: list[model.Substance],
    since: date | None = None,
    until: date | None = None,
    jurisdiction: str | None = None,
    kinds: tuple[str, ...] = (),
    wide: bool = False,
) -> View:
    """Every event of the records that passes the filters, oldest first (ties: substance, then where)."""
    want = jurisdiction.upper() if jurisdiction else None
    found: list[tuple[model.Substance, model.Event]] = [
        (sub, ev)
        for sub in subs
        for ev in sub.events
        if _jmatch(ev.jurisdiction, want)
        and (since is None or ev.date >= since)
        and (until is None or ev.date <= until)
        and (not kinds or ev.kind in kinds)
    ]
    found.sort(key=lambda p: (p[1].date, p[0].id, p[1].jurisdiction))
    cites = Citations(ds)
    layered = ds.layered
    rows: list[Row] = []
    events: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for sub, ev in found:
        nums = cites.cite(ev.sources)
        what = ev.text + (f" ({ev.application})" if ev.application else "")
        if wide:
            rows.append(Row([ev.date.isoformat(), sub.name, ev.jurisdiction, words(ev.kind), what], nums))
        else:  # one line per event: no citations (--wide and json have them)
            rows.append(Row([ev.date.isoformat(), short_name(sub), ev.jurisdiction, words(ev.kind), ev.text]))
        events.append({"substance": sub.id, "name": sub.name, **fact_json(ev, sub, layered)})
        csv_rows.append(
            [
                ev.date.isoformat(),
                sub.id,
                ev.jurisdiction,
                ev.kind,
                ev.text,
                ev.application,
                ";".join(ev.sources),
                marker(nums) if nums else "",
            ]
        )
    scope = ", ".join(s.name for s in subs) if len(subs) <= 4 else f"{len(subs)} substances"
    span = ""
    if since or until:
        span = f" from {iso(since) or 'the start'} to {iso(until) or 'today'}"
    title = f"Timeline: {scope}{span}" + (f" ({want})" if want else "")
    if not rows:
        rows = [Row(["-", "-", "-", "-", "no events recorded for this filter"])]
    cols = ["date", "substance", "where", "kind", "what"]
    block = Block(title, cols, rows, "rows", one_line=not wide, drop=(3,))
    data = {
        "substances": [s.id for s in subs],
        "since": iso(since) or None,
        "until": iso(until) or None,
        "jurisdiction": want,
        "kinds": list(kinds),
        "events": events,
        "sources": [source_json(n, s) for n, s in cites.footnotes()],
    }
    header = ["date", "substance", "jurisdiction", "kind", "text", "application", "sources", "cited_as"]
    notes = [cites.as_footnotes()] if wide else []
    hint = "" if wide else "Full text and sources: --wide."
    return View(data, [block], header, csv_rows, footnotes=notes, heading="", hint=hint)

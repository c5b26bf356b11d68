"""What `compare` shows: a one-screen summary by default, the detailed rows with ``full``.

Summary rows are built from the short forms in the data (``short``, ``schedule_code``,
ranked concerns, the key trial), never by cutting long text. One citation numbering
covers the whole output, so ``[4]`` means one source in every column and row. A summary
item cites the source the record lists first for it (``short_sources`` and
``schedule_sources`` for status rows); ``--full`` cites every source.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from psycompare import model
from psycompare.query.jurisdiction import fallback_note, national
from psycompare.store.dataset import Dataset
from psycompare.views.base import (
    Block,
    Citations,
    Footnotes,
    Row,
    View,
    age_note,
    dataset_date,
    display_name,
    iso,
    marker,
    schedule_words,
    source_json,
    words,
)

SUMMARY_FIELDS = ("status", "schedule", "mechanism", "effects", "concerns", "evidence")

FIELD_LABELS: dict[str, str] = {
    "status": "Medical status",
    "schedule": "Schedule",
    "class": "Class",
    "mechanism": "Mechanism",
    "effects": "Core effects in therapy",
    "approved_uses": "Approved uses",
    "off_label_uses": "Off-label uses",
    "emerging_uses": "Uses under study",
    "common_side_effects": "Common side effects (clinical)",
    "concerns": "Top safety concerns",
    "serious_risks": "Serious risks",
    "delivery": "Delivery and monitoring",
    "onset_duration": "Timing",
    "evidence": "Key evidence",
    "interactions": "Interactions",
}
FULL_FIELDS = tuple(k for k in FIELD_LABELS if k != "concerns")
OLD_FIELD_NAMES = {"established_uses": "approved_uses"}  # the 0.1 name of the row

SETTING_WORDS = {"clinical": "clinical use", "nonmedical": "non-medical use"}


class Item(NamedTuple):
    """One value in a compare cell: its text and the sourced thing behind it."""

    text: str
    sources: tuple[str, ...] = ()
    as_of: Any = None
    extra: dict[str, Any] | None = None  # structured fields for JSON (approval, schedule code...)
    group: str = ""  # a sub-heading inside the cell (the setting of a concern)
    locator: str = ""  # where in its first-listed source the fact is found (--full views)


def _status_on(sub: model.Substance, code: str, on: date) -> model.StatusEntry | None:
    from psycompare.query.history import status_on

    return status_on(sub, code, on)


def _status_items(sub: model.Substance, key: str, jurisdiction: str, short: bool, on: date | None = None) -> list[Item]:
    e: model.StatusEntry | None
    if on is None:
        e = sub.status_for(jurisdiction)
    else:
        from psycompare.query.history import status_on

        e = status_on(sub, jurisdiction, on)
    fallback = ""
    parent = national(jurisdiction)
    if e is None and parent:  # a subdivision with no entry: the national status, labelled as such
        e = sub.status_for(parent) if on is None else _status_on(sub, parent, on)
        fallback = fallback_note(jurisdiction, parent) + ": " if e is not None else ""
    if e is None:
        return [Item(f"No {jurisdiction} status recorded" + (f" for {on.isoformat()}" if on else ""))]
    extra = {"approval": e.approval, "schedule_code": e.schedule_code or None, "jurisdiction": e.jurisdiction}
    if fallback:
        items = _status_items(sub, key, parent or "", short, on)
        return [i._replace(text=fallback + i.text) for i in items]
    if key == "schedule":
        since = e.schedule_since.isoformat() if e.schedule_since else None
        return [Item(schedule_words(e, short), e.schedule_sources_or_all, e.as_of, {**extra, "since": since})]
    if short and e.short:
        return [Item(e.short, e.short_sources or e.sources, e.as_of, extra)]
    text = words(e.approval)
    if e.indications:
        text += ": " + "; ".join(e.indications)
    if e.programme:
        text += f". Access: {e.programme}"
    if e.note and not short:  # a summary without a short form gets the status in words, not the prose
        text += f". {e.note}"
    return [Item(text, e.sources, e.as_of, extra, locator=e.locator)]


def _concerns(sub: model.Substance, short: bool) -> list[Item]:
    pool: list[model.SideEffect | model.Caution] = [*sub.side_effects, *sub.cautions]
    ranked = sorted((x for x in pool if x.top), key=lambda x: x.top)
    return [
        Item(
            x.short if short and x.short else x.text,
            x.sources[:1] if short else x.sources,
            x.as_of,
            {"rank": x.top, "setting": x.setting},
            SETTING_WORDS.get(x.setting, x.setting),
        )
        for x in ranked
    ]


def _serious(sub: model.Substance) -> list[Item]:
    boxed = [Item(f"Boxed warning: {x.text}", x.sources, x.as_of) for x in sub.cautions if x.kind == "boxed-warning"]
    serious = [
        Item(s.text, s.sources, s.as_of, {"setting": s.setting}, SETTING_WORDS.get(s.setting, s.setting))
        for s in sub.side_effects
        if s.severity == "serious"
    ]
    return boxed + sorted(serious, key=lambda i: i.group != SETTING_WORDS["clinical"])


def _uses(sub: model.Substance, levels: tuple[str, ...], exclude: bool = False) -> list[Item]:
    return [
        Item(f"{u.condition} ({u.evidence})", u.sources, u.as_of, {"evidence": u.evidence}, locator=u.locator)
        for u in sub.uses
        if (u.evidence in levels) != exclude
    ]


def _interactions(ds: Dataset, sub: model.Substance, others: list[model.Substance], short: bool) -> list[Item]:
    """With each other compared substance, then the substance's class and property interactions:
    every one in full, the three most severe and how many more in the summary."""
    from psycompare.query import interactions as ix

    out: list[Item] = []
    for other in others:
        p = ix.for_pair(ds, sub.id, other.id)
        if not p.hits:
            out.append(Item(f"With {other.name}: {ix.NO_RECORD}"))
            continue
        top = p.hits[0].rule
        srcs = tuple(dict.fromkeys(s for h in p.hits for s in h.rule.sources))
        out.append(
            Item(
                f"With {other.name}: {p.severity}, {top.effect.replace('-', ' ')}",
                srcs,
                top.as_of,
                {"severity": p.severity},
            )
        )
    groups = ix.most_severe_class_rules(ds, sub.id, limit=None)
    for p in groups[:3] if short else groups:
        top = p.hits[0].rule
        srcs = tuple(dict.fromkeys(s for h in p.hits for s in h.rule.sources))
        out.append(
            Item(f"{p.b.name}: {p.severity}, {top.effect.replace('-', ' ')}", srcs, top.as_of, {"severity": p.severity})
        )
    if short and len(groups) > 3:  # never a silent cut: how many more, and the command that lists them
        out.append(Item(f"+{len(groups) - 3} more: psycompare interactions {sub.id}"))
    return out


def items_for(
    sub: model.Substance,
    key: str,
    jurisdiction: str,
    short: bool,
    on: date | None = None,
    ds: Dataset | None = None,
    others: list[model.Substance] | None = None,
) -> list[Item]:
    """The values of one compare cell (status and schedule on a date when ``on`` is given)."""
    if key == "interactions":
        return _interactions(ds, sub, others or [], short) if ds is not None else []
    if key in ("status", "schedule"):
        return _status_items(sub, key, jurisdiction, short, on)
    if key == "class":
        return [Item(sub.class_.text, sub.class_.sources, sub.class_.as_of, locator=sub.class_.locator)]
    if key == "mechanism":
        m = sub.mechanism
        if short and m.short:  # "How it works": the short form, citing the first source; the
            # summary leaves the locator to --full, like its other short forms (one screen, 80x24)
            return [Item(m.short, m.sources[:1], m.as_of)]
        return [Item(m.text, m.sources, m.as_of, locator=m.locator)]
    if key == "effects":
        if short and sub.effects and all(f.short for f in sub.effects):
            srcs = tuple(dict.fromkeys(f.sources[0] for f in sub.effects))  # each effect's first source
            return [Item("; ".join(f.short for f in sub.effects), srcs)]
        return [Item(f.text, f.sources, f.as_of, locator=f.locator) for f in sub.effects]
    if key == "approved_uses":
        return _uses(sub, ("approved",))
    if key == "off_label_uses":
        return _uses(sub, ("off-label",))
    if key == "emerging_uses":
        return _uses(sub, ("approved", "off-label", "not-supported"), exclude=True)
    if key == "common_side_effects":
        return [
            Item(s.text + (f" ({s.note})" if s.note and not short else ""), s.sources, s.as_of, locator=s.locator)
            for s in sub.side_effects
            if s.setting == "clinical" and s.frequency == "common"
        ]
    if key == "concerns":
        return _concerns(sub, short)
    if key == "serious_risks":
        return _serious(sub)
    if key == "delivery":
        d = sub.delivery
        if d is None:
            return []
        parts = (d.setting, d.session, d.monitoring, d.course)
        return [Item(p, d.sources, d.as_of, locator=d.locator) for p in parts if p]
    if key == "onset_duration":
        return [
            Item(f"{tr.measure or label}: {tr.text}", tr.sources, tr.as_of, locator=tr.locator)
            for label, tr in (("onset", sub.onset), ("duration", sub.duration))
            if tr
        ]
    if key == "evidence":
        trials = [t for t in sub.trials if t.key] if short else list(sub.trials)
        if on is not None and ds is not None:  # --as-of: only what was published by then (audit Low list)
            known = [t for t in trials if _published_by(ds, t, on)]
            if trials and not known:
                what = "key trial" if short else "trial"
                return [Item(f"no {what} published by {on.isoformat()} ({len(trials)} later)")]
            trials = known
        return [
            Item(
                t.short if short and t.short else f"{t.name} (phase {t.phase}, n={t.n}): {t.result}",
                t.sources[:1] if short else t.sources,
                t.as_of,
            )
            for t in trials
        ]
    raise KeyError(key)  # app.options.compare_fields admits only FIELD_LABELS


def _published_by(ds: Dataset, trial: model.Trial, on: date) -> bool:
    """A trial whose first source is dated on or before ``on`` (undated: kept)."""
    found = ds.source(trial.sources[0]) if trial.sources else None
    return found is None or found.date is None or found.date <= on


EMPTY = {
    "status": "not recorded",
    "evidence": "no trial recorded",
    "approved_uses": "none approved",
    "off_label_uses": "none recorded",
    "emerging_uses": "none recorded",
}


SHORT_LABELS = {
    "status": "Status",
    "mechanism": "How it works",
    "effects": "Core effects",
    "concerns": "Top concerns",
    "evidence": "Key evidence",
}


def _label(key: str, jurisdiction: str, short: bool, on: date | None = None) -> str:
    label = SHORT_LABELS.get(key, FIELD_LABELS[key]) if short else FIELD_LABELS[key]
    if key in ("status", "schedule"):
        label += f" ({jurisdiction}, {on.isoformat()})" if on else f" ({jurisdiction})"
    return label


def compare_view(
    ds: Dataset,
    subs: list[model.Substance],
    fields: list[str],
    jurisdiction: str,
    full: bool = False,
    on: date | None = None,
) -> View:
    """Side by side: one column per substance, one row per field, one citation numbering."""
    short = not full
    cites = Citations(ds)
    ref = dataset_date(ds)
    rows: list[Row] = []
    data_rows: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    codes = jurisdiction.split(",")  # `-j US,GB`: a status and a schedule row for each
    plan = [(k, c) for k in fields for c in (codes if k in ("status", "schedule") else codes[:1])]
    for key, code in plan:
        label = _label(key, code, short, on)
        cells: list[str | list[str]] = []
        values: dict[str, Any] = {}
        for sub in subs:
            items = items_for(sub, key, code, short, on, ds, [o for o in subs if o.id != sub.id])
            if key in ("concerns", "serious_risks"):  # grouped by setting, rank order kept within
                items.sort(key=lambda i: i.group != SETTING_WORDS["clinical"])
            lines: list[str] = []
            group = ""
            for it in items:
                if it.group and it.group != group:
                    lines.append(f"In {it.group}:")
                group = it.group
                nums = cites.cite(it.sources)
                age = age_note(it.as_of or sub.reviewed, ref)
                where = f" (see {it.locator} in {marker(cites.cite(it.sources[:1]))})" if it.locator and nums else ""
                lines.append(it.text + (" " + marker(nums) if nums else "") + where + (f" ({age})" if age else ""))
            if not lines:
                lines = [EMPTY.get(key, "none recorded")]
            bullets = len(items) > 1 or key in ("concerns", "serious_risks")
            cells.append(lines if bullets else lines[0])
            values[sub.id] = [
                {
                    "text": it.text,
                    **(it.extra or {}),
                    "sources": list(it.sources),
                    "as_of": iso(it.as_of or sub.reviewed),
                    **({"locator": it.locator} if it.locator else {}),
                }
                for it in items
            ]
        rows.append(Row([label, *cells]))
        data_rows.append({"field": key, "label": label, "values": values})
        csv_rows.append([key, label, *(" | ".join(c) if isinstance(c, list) else c for c in cells)])
    names = [display_name(s) for s in subs]
    title = _title(subs, names, jurisdiction) + (f"; status on {on.isoformat()}" if on else "")
    block = Block(title, ["", *names], rows, layout="records")
    footnotes = cites.footnotes()
    data = {
        "substances": [s.id for s in subs],
        "jurisdiction": jurisdiction,
        "mode": "full" if full else "summary",
        "on": iso(on) or None,
        "rows": data_rows,
        "sources": [source_json(n, src) for n, src in footnotes],
    }
    csv_rows.append(["sources", "Sources", *(["; ".join(f"[{n}] {s.locator}" for n, s in footnotes)] * len(subs))])
    hint = _hint(subs, full)
    return View(
        data,
        [block],
        ["field", "label", *(s.id for s in subs)],
        csv_rows,
        footnotes=[Footnotes("", footnotes, compact=short)],
        hint=hint,
    )


def _title(subs: list[model.Substance], names: list[str], jurisdiction: str) -> str:
    dates = sorted({s.reviewed for s in subs})
    when = dates[0].isoformat() if len(dates) == 1 else ", ".join(d.isoformat() for d in dates)
    return f"{' vs '.join(names)}: {jurisdiction}, facts as of {when} unless dated"


def _hint(subs: list[model.Substance], full: bool) -> str:
    ids = " ".join(s.id for s in subs)
    if full:
        return f"More: psycompare show {subs[0].id} (everything), psycompare sources {ids}"
    return f"More: psycompare compare {ids} --full (every row)"

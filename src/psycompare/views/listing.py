"""Views across substances: `list` with filters and a chosen jurisdiction, and the
per-jurisdiction overview `status --all -j CODE`. Plain data, no printing.

Plain `list` (no filter, no -j) is `index_list_view`, which serves the rows the
index holds in JSON shape. Filters on class or US approval also work on those rows;
only a schedule filter or a chosen jurisdiction loads the records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from psycompare import model
from psycompare.errors import PsycompareError
from psycompare.query.jurisdiction import fallback_note, national
from psycompare.views.base import (
    NOT_CONTROLLED,
    Block,
    Citations,
    Row,
    View,
    first_clause,
    iso,
    schedule_short,
    schedule_text,
    short_name,
    words,
)

if TYPE_CHECKING:
    from psycompare.store.dataset import Dataset


def schedule_parts(code: str) -> set[str]:
    """What `--schedule` matches in a schedule code: the whole code and each part of it.

    "Class A, Sch 1" matches `class a`, `sch 1` and the whole; "S8 (PTSD) / S9" matches
    `s8`, `s9`; case and spacing are ignored.
    """
    norm = " ".join(code.lower().split())
    out = {norm} if norm else set()
    for sep in (",", "/", ";"):
        norm = norm.replace(sep, "\n")
    for part in norm.split("\n"):
        part = part.strip()
        if part:
            out.add(part)
            bare = part.split("(")[0].strip()
            if bare:
                out.add(bare)
    return out


def _entry(sub: model.Substance, code: str) -> model.StatusEntry | None:
    for e in sub.status:
        if e.jurisdiction.upper() == code:
            return e
    return None


def list_view(
    ds: Dataset,
    klass: str | None = None,
    approval: str | None = None,
    jurisdiction: str | None = None,
    schedule: str | None = None,
    wide: bool = False,
) -> View:
    """`list` with filters. Without -j the rows keep the plain `list` shape (US columns);
    with -j they carry that jurisdiction's approval, schedule, code and date."""
    want_class = klass.strip().lower() if klass is not None else None
    want_sched = schedule  # normalised by app.options.schedule_wanted
    if jurisdiction is None and want_sched is None:
        return _summary_list(ds, want_class, approval, wide)
    code = jurisdiction or "US"
    rows: list[dict[str, Any]] = []
    for row in ds.summaries():
        if want_class is not None and want_class not in (row["class"] or "").lower():
            continue
        try:
            sub = ds.load(row["id"] or "")
        except PsycompareError as exc:  # a broken record costs only its own row (audit M10)
            ds.note(f"psycompare: skipped a record: {exc}")
            continue
        e = _entry(sub, code)
        if approval is not None and (e is None or e.approval != approval):
            continue
        if want_sched is not None and (e is None or want_sched not in schedule_parts(e.schedule_code)):
            continue
        if jurisdiction is None:
            rows.append(row)
            continue
        rows.append(
            {
                "id": sub.id,
                "name": sub.name,
                "generic_name": sub.generic_name,
                "class": sub.class_.text,
                "jurisdiction": code,
                "approval": e.approval if e else None,
                "schedule": e.schedule if e else None,
                "schedule_code": e.schedule_code if e else None,
                "as_of": iso(e.as_of) if e else None,
                "reviewed": sub.reviewed.isoformat(),
            }
        )
    if jurisdiction is None:
        return _rows_view(rows, wide)
    header = ["id", "name", "class", "jurisdiction", "approval", "schedule_code", "schedule", "as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in rows]

    def blocks() -> list[Block]:
        return [substances_block(f"Substances ({code})", rows, code, wide)]

    return View({"jurisdiction": code, "substances": rows}, blocks, header, csv_rows, hint=_hint(wide, rows))


def _summary_list(ds: Dataset, want_class: str | None, approval: str | None, wide: bool) -> View:
    rows = ds.summaries()
    if want_class is not None:
        rows = [r for r in rows if want_class in (r["class"] or "").lower()]
    if approval is not None:
        rows = [r for r in rows if r["us_approval"] == approval]
    return _rows_view(rows, wide)


def _rows_view(rows: list[dict[str, str | None]], wide: bool) -> View:
    """The plain `list` shape (as `views.list_view`) for a filtered set of rows."""
    header = ["id", "name", "class", "us_approval", "us_schedule", "us_as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in rows]

    def blocks() -> list[Block]:
        return [substances_block("Substances", rows, "US", wide)]

    return View({"substances": rows}, blocks, header, csv_rows, hint=_hint(wide, rows))


def _hint(wide: bool, rows: list[Any]) -> str:
    return "" if wide or not rows else "Full class and schedule: --wide."


def status_all_view(ds: Dataset, codes: str | Sequence[str], wide: bool = False, on: date | None = None) -> View:
    """One row per substance and jurisdiction: approval, schedule (code and since when) and date;
    ``on`` a date: the status that held that day (history.py), "not recorded" where unknown. A
    subdivision with no entry of its own shows the national status, labelled."""
    from psycompare.query import history

    wanted = [codes] if isinstance(codes, str) else list(codes)
    cites = Citations(ds)
    data: list[dict[str, Any]] = []
    blocks: list[Block] = []
    csv_rows: list[list[str]] = []
    subs = ds.loadable()
    for code in wanted:
        shown: list[Row] = []
        brief: list[Row] = []  # one line per substance: no citations (they are in --wide and json)
        parent = national(code)
        for sub in subs:
            e = _entry(sub, code) if on is None else history.status_on(sub, code, on)
            if e is None and parent:  # a subdivision with no entry: the national status, labelled
                e = _entry(sub, parent) if on is None else history.status_on(sub, parent, on)
            if e is None:
                data.append(
                    {
                        "id": sub.id,
                        "name": sub.name,
                        "jurisdiction": code,
                        "approval": None,
                        "short": None,
                        "schedule": None,
                        "schedule_code": None,
                        "schedule_since": None,
                        "as_of": None,
                        "sources": [],
                    }
                )
                gap = "no status recorded" if on is None else f"not recorded for {on.isoformat()}"
                shown.append(Row([sub.name, gap, "-", "-", "-", "-"]))
                brief.append(Row([short_name(sub), "not recorded", "-", gap, "-", "-"]))
                csv_rows.append([sub.id, sub.name, code, "", "", "", "", "", "", ""])
                continue
            n = cites.cite(e.sources)
            since = iso(e.schedule_since)
            own = e.short if e.jurisdiction.upper() == code else f"{fallback_note(code, e.jurisdiction)}: {e.short}"
            short = own or words(e.approval)
            data.append(
                {
                    "id": sub.id,
                    "name": sub.name,
                    "jurisdiction": e.jurisdiction,  # the national entry's code when it stands in for a subdivision
                    "approval": e.approval,
                    "short": own,
                    "schedule": e.schedule,
                    "schedule_code": e.schedule_code,
                    "schedule_since": since or None,
                    "as_of": iso(e.as_of),
                    "sources": list(e.sources),
                }
            )
            shown.append(
                Row(
                    [
                        sub.name,
                        words(e.approval),
                        e.schedule_code or schedule_text(e),
                        since or "-",
                        iso(e.as_of),
                        short,
                    ],
                    n,
                )
            )
            sched = e.schedule_code if e.schedule_code not in ("", "unknown") else "not recorded"
            sched = "not controlled" if sched in NOT_CONTROLLED else sched
            brief.append(Row([short_name(sub), words(e.approval), sched, short, since or "-", iso(e.as_of)]))
            csv_rows.append(
                [
                    sub.id,
                    sub.name,
                    e.jurisdiction,
                    e.approval,
                    e.schedule_code,
                    e.schedule,
                    since,
                    iso(e.as_of),
                    own,
                    ";".join(e.sources),
                ]
            )
        title = f"Regulatory status in {code}" + (f" on {on.isoformat()}" if on else "")
        if wide:
            cols = ["substance", "approval", "schedule", "since", "as of", "in short"]
            blocks.append(Block(title, cols, shown, "grid"))
        else:
            cols = ["substance", "approval", "schedule", "in short", "since", "as of"]
            blocks.append(Block(title, cols, brief, "rows", one_line=True, drop=(4, 5, 1)))
    header = ["substance", "name", "jurisdiction", "approval", "schedule_code", "schedule", "since", "as_of"]
    header += ["short", "sources"]
    where = ",".join(wanted)
    return View(
        {"jurisdiction": where, "substances": data, "sources": _sources_json(cites)},
        blocks,
        header,
        csv_rows,
        [cites.as_footnotes()] if wide else [],
        hint="" if wide else f"Sources and full text: --wide; one substance in detail: status NAME -j {where}.",
    )


def _sources_json(cites: Citations) -> list[dict[str, Any]]:
    from psycompare.views.base import source_json

    return [source_json(n, s) for n, s in cites.footnotes()]


def index_list_view(ds: Dataset, wide: bool = False) -> View:
    """Plain `list` (no filter, no -j): the rows the index holds, in JSON shape."""
    data = ds.summaries()  # already in JSON shape: nothing per row unless a human format asks
    header = ["id", "name", "class", "us_approval", "us_schedule", "us_as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in data]

    def blocks() -> list[Block]:
        return [substances_block("Substances", data, "US", wide)]

    return View({"substances": data}, blocks, header, csv_rows, hint=_hint(wide, data))


def substances_block(title: str, rows: Sequence[dict[str, Any]], code: str, wide: bool) -> Block:
    """`list`: one line per substance (id, class, approval, schedule, date), or with ``wide``
    every column in full. Words, never "-": a missing entry is "not recorded"; an empty
    schedule is one a source says is not controlled (see Dataset.summaries)."""
    prefix = "us_" if "us_approval" in (rows[0] if rows else {}) else ""
    out = []
    for d in rows:
        approval = d.get(f"{prefix}approval")
        schedule = d.get(f"{prefix}schedule")
        code_text = d.get("schedule_code")
        if schedule == "" or code_text in NOT_CONTROLLED:
            sched = "not controlled"
        elif not schedule:
            sched = "not recorded"
        elif wide:
            sched = schedule
        else:
            sched = code_text or schedule_short(schedule)
        klass = d.get("class") or "not recorded"
        out.append(
            Row(
                [
                    d.get("id") or "",
                    d.get("name") or "",
                    klass if wide else first_clause(klass),
                    words(approval) if approval else "not recorded",
                    sched,
                    d.get(f"{prefix}as_of") or "not recorded",
                ]
            )
        )
    cols = ["id", "name", "class", f"{code} approval", f"{code} schedule", "as of"]
    if wide:
        return Block(title, cols, out, "grid")
    return Block(title, cols, out, "rows", one_line=True, drop=(1, 5))

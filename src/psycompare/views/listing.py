"""Views across substances: `list` with filters and a chosen jurisdiction, and the
per-jurisdiction overview `status --all -j CODE`. Plain data, no printing.

Plain `list` (no filter, no -j) is `index_list_view`, which serves the rows the
index holds in JSON shape. Filters on class or US approval also work on those rows;
only a schedule filter or a chosen jurisdiction loads the records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycompare import model
from psycompare.errors import PsycompareError, UsageError
from psycompare.query.jurisdiction import fallback_note, national
from psycompare.views.base import Block, Citations, Row, View, iso, schedule_text, words  # merged below

if TYPE_CHECKING:
    from psycompare.store.dataset import Dataset


def approval_state(value: str) -> str:
    """`--approval`: one of the schema's approval states (any case, `_` for `-`)."""
    state = value.strip().lower().replace("_", "-").replace(" ", "-")
    if state not in model.APPROVAL_STATES:
        raise UsageError(f"unknown approval state {value[:30]!r}; use one of: {', '.join(model.APPROVAL_STATES)}")
    return state


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


def _schedule_wanted(value: str) -> str:
    want = " ".join(value.lower().split())
    if not want:
        raise UsageError("--schedule needs a schedule code, e.g. C-I, 'Class A', S9 or none")
    return want


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
) -> View:
    """`list` with filters. Without -j the rows keep the plain `list` shape (US columns);
    with -j they carry that jurisdiction's approval, schedule, code and date."""
    want_class = klass.strip().lower() if klass is not None else None
    want_sched = _schedule_wanted(schedule) if schedule is not None else None
    if jurisdiction is None and want_sched is None:
        return _summary_list(ds, want_class, approval)
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
        return _rows_view(rows)
    header = ["id", "name", "class", "jurisdiction", "approval", "schedule_code", "schedule", "as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in rows]

    def blocks() -> list[Block]:
        shown = [
            Row(
                [
                    d["id"],
                    d["name"],
                    d["class"] or "-",
                    words(d["approval"]) if d["approval"] else "no status recorded",
                    d["schedule_code"] or "-",
                    d["as_of"] or "-",
                ]
            )
            for d in rows
        ]
        cols = ["id", "name", "class", f"{code} approval", f"{code} schedule", "as of"]
        return [Block(f"Substances ({code})", cols, shown, "grid")]

    return View({"jurisdiction": code, "substances": rows}, blocks, header, csv_rows)


def _summary_list(ds: Dataset, want_class: str | None, approval: str | None) -> View:
    rows = ds.summaries()
    if want_class is not None:
        rows = [r for r in rows if want_class in (r["class"] or "").lower()]
    if approval is not None:
        rows = [r for r in rows if r["us_approval"] == approval]
    return _rows_view(rows)


def _rows_view(rows: list[dict[str, str | None]]) -> View:
    """The plain `list` shape, for all rows (`index_list_view`) or a filtered set: one view,
    so `list` and `list --class/--approval` word missing values alike."""
    header = ["id", "name", "class", "us_approval", "us_schedule", "us_as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in rows]

    def blocks() -> list[Block]:
        # words, never "-": a missing US entry is "not recorded"; an empty US schedule is one a
        # source says is not controlled (see Dataset.summaries)
        shown = [
            Row(
                [
                    c or ("not controlled" if h == "us_schedule" and d[h] == "" else "not recorded")
                    for h, c in zip(header, r, strict=True)
                ]
            )
            for d, r in zip(rows, csv_rows(), strict=True)
        ]
        return [Block("Substances", ["id", "name", "class", "US approval", "US schedule", "as of"], shown, "grid")]

    return View({"substances": rows}, blocks, header, csv_rows)


def status_all_view(ds: Dataset, code: str) -> View:
    """One row per substance: its approval, schedule (code and since when) and date in one jurisdiction."""
    cites = Citations(ds)
    data: list[dict[str, Any]] = []
    shown: list[Row] = []
    csv_rows: list[list[str]] = []
    for sub in ds.loadable():
        e = _entry(sub, code)
        parent = national(code)
        if e is None and parent:  # a subdivision with no entry: the national status, labelled
            e = _entry(sub, parent)
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
            shown.append(Row([sub.name, "no status recorded", "-", "-", "-", "-"]))
            csv_rows.append([sub.id, sub.name, code, "", "", "", "", "", "", ""])
            continue
        n = cites.cite(e.sources)
        since = iso(e.schedule_since)
        shown_short = e.short if e.jurisdiction.upper() == code else f"{fallback_note(code, e.jurisdiction)}: {e.short}"
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "jurisdiction": e.jurisdiction,  # the national entry's code when it stands in for a subdivision
                "approval": e.approval,
                "short": shown_short,
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
                    shown_short,
                ],
                n,
            )
        )
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
                shown_short,
                ";".join(e.sources),
            ]
        )
    cols = ["substance", "approval", "schedule", "since", "as of", "in short"]
    block = Block(f"Regulatory status in {code}", cols, shown, "grid")
    header = ["substance", "name", "jurisdiction", "approval", "schedule_code", "schedule", "since", "as_of"]
    header += ["short", "sources"]
    return View(
        {"jurisdiction": code, "substances": data, "sources": _sources_json(cites)},
        [block],
        header,
        csv_rows,
        [cites.as_footnotes()],
    )


def _sources_json(cites: Citations) -> list[dict[str, Any]]:
    from psycompare.views.base import source_json

    return [source_json(n, s) for n, s in cites.footnotes()]


def index_list_view(ds: Dataset) -> View:
    """Plain `list` (no filter, no -j): the rows the index holds, in JSON shape (nothing per
    row unless a human format asks)."""
    return _rows_view(ds.summaries())

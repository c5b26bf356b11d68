"""Build what each command shows, as plain data: a JSON-able ``data`` part for machine
formats and titled blocks of rows for human formats. No printing, no Rich."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from psycompare import model, schema
from psycompare.dataset import BUNDLED, Dataset, iter_facts
from psycompare.errors import UsageError


class Row(NamedTuple):
    """One row of a block: cells, the citation numbers and date behind it."""

    cells: list[str]
    cites: tuple[int, ...] = ()
    as_of: date | None = None  # shown when it differs from the record's reviewed date
    origin: str = ""  # shown when several data directories are layered


class Block(NamedTuple):
    """A titled table. ``layout`` hints plain text: grid (aligned) or items (one per line)."""

    title: str
    columns: list[str]
    rows: list[Row]
    layout: str = "items"


class Footnotes(NamedTuple):
    """Numbered sources of one substance, as cited in the blocks."""

    label: str
    sources: list[tuple[int, model.Source]]


class View:
    """Everything a renderer needs: ``data`` for JSON/TOML, blocks for people, rows for CSV.

    ``blocks`` and ``csv_rows`` may be given as functions; they are then built on
    first use, so a `list` of 10,000 records builds only what its format shows.
    """

    __slots__ = ("data", "_blocks", "csv_header", "_csv_rows", "footnotes", "heading")

    def __init__(
        self,
        data: dict[str, Any],
        blocks: list[Block] | Callable[[], list[Block]],
        csv_header: list[str],
        csv_rows: list[list[str]] | Callable[[], list[list[str]]],
        footnotes: list[Footnotes] | None = None,
        heading: str = "",
    ) -> None:
        self.data = data
        self._blocks = blocks
        self.csv_header = csv_header
        self._csv_rows = csv_rows
        self.footnotes = footnotes or []
        self.heading = heading

    @property
    def blocks(self) -> list[Block]:
        if callable(self._blocks):
            self._blocks = self._blocks()
        return self._blocks

    @property
    def csv_rows(self) -> list[list[str]]:
        if callable(self._csv_rows):
            self._csv_rows = self._csv_rows()
        return self._csv_rows


class Citer:
    """Numbers one record's sources in order of first citation (stable across views)."""

    def __init__(self, ds: Dataset, sub: model.Substance) -> None:
        self.sub = sub
        self.sources = ds.sources_of(sub)
        self.number = {s.id: i for i, s in enumerate(self.sources, 1)}
        self.used: set[int] = set()
        self.layered = ds.layered

    def row(self, cells: list[str], item: Any) -> Row:
        cites = tuple(sorted({self.number[s] for s in item.sources if s in self.number}))
        self.used.update(cites)
        as_of = getattr(item, "as_of", None)
        origin = item.origin if self.layered and item.origin != BUNDLED else ""
        return Row(cells, cites, as_of if as_of != self.sub.reviewed else None, origin)

    def footnotes(self, label: str, all_sources: bool = False) -> Footnotes:
        return Footnotes(label, [(n, s) for n, s in enumerate(self.sources, 1) if all_sources or n in self.used])


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def fact_json(item: Any, sub: model.Substance, layered: bool) -> dict[str, Any]:
    """A sourced item as JSON: its schema fields plus a resolved ``as_of`` (and origin)."""
    sec = _section_of(item)
    out: dict[str, Any] = {}
    for fld in sec.fields if sec else ():
        value = getattr(item, fld.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[fld.name] = value
    out["as_of"] = iso(getattr(item, "as_of", None) or sub.reviewed)
    if layered:
        out["origin"] = item.origin
    return out


_SECTION_BY_CLS: dict[type, schema.Section] = {}
for _sec in schema.SECTIONS:
    _SECTION_BY_CLS.setdefault(_sec.cls, _sec)


def _section_of(item: Any) -> schema.Section | None:
    return _SECTION_BY_CLS.get(type(item))


def source_json(n: int, src: model.Source) -> dict[str, Any]:
    return {
        "n": n,
        "id": src.id,
        "kind": src.kind,
        "title": src.title,
        "publisher": src.publisher,
        "date": src.date.isoformat(),
        "url": src.url,
        "pmid": src.pmid,
        "doi": src.doi,
    }


def record_json(ds: Dataset, sub: model.Substance) -> dict[str, Any]:
    """The full record as documented in the README."""
    out: dict[str, Any] = {
        "id": sub.id,
        "name": sub.name,
        "generic_name": sub.generic_name,
        "aliases": list(sub.aliases),
        "reviewed": sub.reviewed.isoformat(),
    }
    for sec in schema.SECTIONS:
        value = getattr(sub, sec.attr)
        if sec.many:
            out[sec.key] = [fact_json(v, sub, ds.layered) for v in value]
        else:
            out[sec.key] = fact_json(value, sub, ds.layered) if value is not None else None
    out["sources"] = [source_json(n, s) for n, s in enumerate(ds.sources_of(sub), 1)]
    if ds.layered:
        out["files"] = list(sub.files)
    return out


# -------------------------------------------------------------------------------------------
# list


def list_view(ds: Dataset) -> View:
    data = ds.summaries()  # already in JSON shape: nothing per row unless a human format asks
    header = ["id", "name", "class", "us_approval", "us_schedule", "us_as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in data]

    def blocks() -> list[Block]:
        rows = [Row([c or "-" for c in r]) for r in csv_rows()]
        return [Block("Substances", ["id", "name", "class", "US approval", "US schedule", "as of"], rows, "grid")]

    return View({"substances": data}, blocks, header, csv_rows)


# -------------------------------------------------------------------------------------------
# show


def _status_cells(e: model.StatusEntry) -> list[str]:
    ind = "; ".join(e.indications) if e.indications else "-"
    return [e.jurisdiction, e.regulator, e.approval, e.schedule or "not controlled", e.programme or "-", ind, e.note]


def show_view(ds: Dataset, subs: list[model.Substance]) -> View:
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    csv_rows: list[list[str]] = []
    for sub in subs:
        c = Citer(ds, sub)
        t = f"{sub.name} ({sub.id})"
        blocks.append(
            Block(
                f"{t}: identity (reviewed {sub.reviewed.isoformat()})",
                ["field", "value"],
                [
                    Row(["name", sub.name]),
                    Row(["generic name", sub.generic_name]),
                    Row(["aliases", ", ".join(sub.aliases) or "-"]),
                    c.row(["class", sub.class_.text], sub.class_),
                    c.row(["summary", sub.summary.text], sub.summary),
                    c.row(["mechanism", sub.mechanism.text], sub.mechanism),
                ],
            )
        )
        blocks.append(
            Block(
                f"{t}: regulatory status",
                ["where", "regulator", "approval", "schedule", "programme", "indications", "note"],
                [_dated(c.row(_status_cells(e), e), e.as_of) for e in sub.status],
            )
        )
        sections: list[tuple[str, list[str], list[Row]]] = [
            (
                "milestones",
                ["date", "where", "kind", "what"],
                [
                    c.row([e.date.isoformat(), e.jurisdiction, e.kind, e.text], e)
                    for e in sorted(sub.events, key=lambda e: e.date)
                ],
            ),
            ("core effects in therapy", ["effect"], [c.row([f.text], f) for f in sub.effects]),
            (
                "uses",
                ["condition", "evidence", "detail"],
                [c.row([u.condition, u.evidence, u.text], u) for u in sub.uses],
            ),
            ("delivery", ["aspect", "detail"], _delivery_rows(c, sub)),
            (
                "onset and duration",
                ["", "value"],
                [
                    c.row([label, tr.text], tr)
                    for label, tr in (("onset", sub.onset), ("duration", sub.duration))
                    if tr is not None
                ],
            ),
            (
                "side effects",
                ["setting", "frequency", "severity", "effect", "detail"],
                [
                    c.row([s.setting, s.frequency, s.severity, s.text, s.note], s)
                    for s in _sorted_side(sub.side_effects)
                ],
            ),
            ("cautions", ["kind", "what", "why"], [c.row([x.kind, x.text, x.reason], x) for x in sub.cautions]),
            (
                "key trials",
                ["trial", "phase", "n", "population", "primary endpoint", "result", "id"],
                [
                    c.row(
                        [
                            tr.name,
                            tr.phase,
                            str(tr.n),
                            tr.population,
                            tr.primary_endpoint,
                            tr.result,
                            f"PMID {tr.pmid}" if tr.pmid else f"doi:{tr.doi}",
                        ],
                        tr,
                    )
                    for tr in sub.trials
                ],
            ),
            ("common misconceptions", ["claim", "correction"], [c.row([n.claim, n.correction], n) for n in sub.notes]),
        ]
        for title, cols, rows in sections:
            if rows:
                blocks.append(Block(f"{t}: {title}", cols, rows))
        notes.append(c.footnotes(t, all_sources=True))
        csv_rows.extend(_flat_rows(sub, c))
    data = {"substances": [record_json(ds, s) for s in subs]}
    header = ["substance", "section", "index", "field", "value", "sources", "as_of"]
    return View(data, blocks, header, csv_rows, notes)


def _dated(row: Row, d: date) -> Row:
    """Status entries always show their own as-of date."""
    return row._replace(as_of=d)


def _delivery_rows(c: Citer, sub: model.Substance) -> list[Row]:
    d = sub.delivery
    if d is None:
        return []
    pairs = [
        ("setting", d.setting),
        ("session", d.session),
        ("monitoring", d.monitoring),
        ("course", d.course),
        ("clinical dose", d.dose),
    ]
    return [c.row([k, v], d) for k, v in pairs if v]


_FREQ_ORDER = {f: i for i, f in enumerate(model.FREQUENCIES)}


def _sorted_side(items: tuple[model.SideEffect, ...]) -> list[model.SideEffect]:
    return sorted(items, key=lambda s: (s.setting != "clinical", s.severity != "serious", _FREQ_ORDER[s.frequency]))


def _flat_rows(sub: model.Substance, c: Citer) -> list[list[str]]:
    rows = [
        [sub.id, "identity", "", k, v, "", sub.reviewed.isoformat()]
        for k, v in (("name", sub.name), ("generic_name", sub.generic_name), ("aliases", "; ".join(sub.aliases)))
    ]
    for path, item in iter_facts(sub):
        section, _, idx = path.partition("[")
        idx = idx.rstrip("]")
        sec = _section_of(item)
        srcs = ";".join(item.sources)
        as_of = iso(getattr(item, "as_of", None) or sub.reviewed)
        for fld in sec.fields if sec else ():
            if fld.name in ("sources", "as_of"):
                continue
            value = getattr(item, fld.name)
            if isinstance(value, tuple):
                value = "; ".join(value)
            elif isinstance(value, date):
                value = value.isoformat()
            if value in ("", None):
                continue
            rows.append([sub.id, section, idx, fld.name, str(value), srcs, as_of])
    return rows


# -------------------------------------------------------------------------------------------
# compare

COMPARE_FIELDS: dict[str, str] = {
    "status": "Medical status",
    "schedule": "Controlled-substance schedule",
    "class": "Class",
    "mechanism": "Mechanism",
    "effects": "Core effects in therapy",
    "established_uses": "Established uses",
    "emerging_uses": "Emerging uses",
    "common_side_effects": "Common side effects (clinical)",
    "serious_risks": "Serious risks",
    "delivery": "Delivery and monitoring",
    "onset_duration": "Onset / duration",
    "evidence": "Key evidence",
}


def parse_fields(spec: str | None) -> list[str]:
    """``--fields a,b``: validated compare row keys (all when None)."""
    if not spec:
        return list(COMPARE_FIELDS)
    keys = [k.strip().lower().replace("-", "_") for k in spec.split(",") if k.strip()]
    bad = [k for k in keys if k not in COMPARE_FIELDS]
    if bad or not keys:
        import difflib

        hint = difflib.get_close_matches(bad[0], COMPARE_FIELDS, n=1) if bad else []
        msg = f"unknown field {bad[0]!r}" if bad else "no fields given"
        msg += f"; did you mean {hint[0]!r}?" if hint else f"; choose from: {', '.join(COMPARE_FIELDS)}"
        raise UsageError(msg)
    return list(dict.fromkeys(keys))


def _compare_items(sub: model.Substance, key: str, jurisdiction: str) -> list[tuple[str, Any]]:
    """(text, sourced item) pairs for one compare cell."""
    if key in ("status", "schedule"):
        e = sub.status_for(jurisdiction)
        if e is None:
            return [(f"no {jurisdiction} status recorded", None)]
        if key == "schedule":
            return [(f"{e.schedule or 'not controlled'} (as of {e.as_of.isoformat()})", e)]
        text = e.approval.replace("-", " ")
        if e.indications:
            text += ": " + "; ".join(e.indications)
        if e.programme:
            text += f" [{e.programme}]"
        if e.note:
            text += f". {e.note}"
        return [(f"{text} (as of {e.as_of.isoformat()})", e)]
    if key == "class":
        return [(sub.class_.text, sub.class_)]
    if key == "mechanism":
        return [(sub.mechanism.text, sub.mechanism)]
    if key == "effects":
        return [(f.text, f) for f in sub.effects]
    if key == "established_uses":
        return [(f"{u.condition} ({u.evidence})", u) for u in sub.uses if u.evidence in ("approved", "off-label")]
    if key == "emerging_uses":
        return [
            (f"{u.condition} ({u.evidence})", u)
            for u in sub.uses
            if u.evidence not in ("approved", "off-label", "not-supported")
        ]
    if key == "common_side_effects":
        return [
            (s.text + (f" ({s.note})" if s.note else ""), s)
            for s in sub.side_effects
            if s.setting == "clinical" and s.frequency == "common"
        ]
    if key == "serious_risks":
        boxed = [(f"Boxed warning: {x.text}", x) for x in sub.cautions if x.kind == "boxed-warning"]
        serious = [
            (s.text + (" (heavy non-medical use)" if s.setting == "nonmedical" else ""), s)
            for s in _sorted_side(sub.side_effects)
            if s.severity == "serious"
        ]
        return boxed + serious
    if key == "delivery":
        d = sub.delivery
        if d is None:
            return []
        parts = [p for p in (d.setting, d.session, d.monitoring, d.course) if p]
        return [(p, d) for p in parts]
    if key == "onset_duration":
        return [(f"{label}: {tr.text}", tr) for label, tr in (("onset", sub.onset), ("duration", sub.duration)) if tr]
    if key == "evidence":
        return [(f"{t.name} (phase {t.phase}, n={t.n}): {t.result}", t) for t in sub.trials]
    raise UsageError(f"unknown field {key!r}")


def compare_view(ds: Dataset, subs: list[model.Substance], fields: list[str], jurisdiction: str) -> View:
    citers = [Citer(ds, s) for s in subs]
    rows: list[Row] = []
    data_rows: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for key in fields:
        label = COMPARE_FIELDS[key]
        if key in ("status", "schedule"):
            label += f" ({jurisdiction})"
        cells: list[str] = []
        cell_json: dict[str, Any] = {}
        for c, sub in zip(citers, subs, strict=True):
            items = _compare_items(sub, key, jurisdiction)
            parts = []
            facts = []
            for text, item in items:
                if item is None:
                    parts.append(text)
                    continue
                r = c.row([text], item)
                parts.append(
                    text + (" " + marker(r.cites) if r.cites else "") + (f" {{{r.origin}}}" if r.origin else "")
                )
                facts.append(
                    {
                        "text": text,
                        "sources": list(item.sources),
                        "as_of": iso(getattr(item, "as_of", None) or sub.reviewed),
                    }
                )
            cells.append("\n".join(parts) or "-")
            cell_json[sub.id] = facts
        rows.append(Row([label, *cells]))
        data_rows.append({"field": key, "label": label, "values": cell_json})
        csv_rows.append([key, *(cell.replace("\n", " | ") for cell in cells)])
    columns = ["", *(s.name for s in subs)]
    dated = "; ".join(f"{s.name} reviewed {s.reviewed.isoformat()}" for s in subs)
    block = Block(
        f"{' vs '.join(s.name for s in subs)} (facts as of: {dated}, unless dated)", columns, rows, layout="records"
    )
    data = {
        "substances": [s.id for s in subs],
        "jurisdiction": jurisdiction,
        "rows": data_rows,
        "sources": {
            s.id: [source_json(n, src) for n, src in c.footnotes("").sources] for s, c in zip(subs, citers, strict=True)
        },
    }
    notes = [c.footnotes(s.name) for s, c in zip(subs, citers, strict=True)]
    return View(data, [block], ["field", *(s.id for s in subs)], csv_rows, notes)


def marker(cites: tuple[int, ...]) -> str:
    return "[" + ",".join(str(n) for n in cites) + "]"


# -------------------------------------------------------------------------------------------
# status


def _jmatch(code: str, want: str | None) -> bool:
    return want is None or code.upper() == want or code.upper().startswith(want + "-")


def status_view(ds: Dataset, subs: list[model.Substance], jurisdiction: str | None) -> View:
    want = jurisdiction.upper() if jurisdiction else None
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for sub in subs:
        c = Citer(ds, sub)
        entries = [e for e in sub.status if _jmatch(e.jurisdiction, want)]
        events = sorted((e for e in sub.events if _jmatch(e.jurisdiction, want)), key=lambda e: e.date)
        status_rows = [_dated(c.row(_status_cells(e), e), e.as_of) for e in entries]
        if want and not entries:
            status_rows = [Row([want, "-", "-", "-", "-", "-", "no status recorded for this jurisdiction"])]
        blocks.append(
            Block(
                f"{sub.name}: regulatory status",
                ["where", "regulator", "approval", "schedule", "programme", "indications", "note"],
                status_rows,
            )
        )
        if events:
            blocks.append(
                Block(
                    f"{sub.name}: milestones",
                    ["date", "where", "kind", "what"],
                    [c.row([e.date.isoformat(), e.jurisdiction, e.kind, e.text], e) for e in events],
                )
            )
        notes.append(c.footnotes(sub.name))
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "status": [fact_json(e, sub, ds.layered) for e in entries],
                "events": [fact_json(e, sub, ds.layered) for e in events],
                "sources": [source_json(n, s) for n, s in c.footnotes("").sources],
            }
        )
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
    return View({"substances": data, "jurisdiction": want}, blocks, header, csv_rows, notes)


# -------------------------------------------------------------------------------------------
# side effects


def side_effects_view(ds: Dataset, subs: list[model.Substance], setting: str | None, serious: bool) -> View:
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for sub in subs:
        c = Citer(ds, sub)
        items = [
            s
            for s in _sorted_side(sub.side_effects)
            if (setting is None or s.setting == setting) and (not serious or s.severity == "serious")
        ]
        cautions = [x for x in sub.cautions if not serious or x.kind in ("boxed-warning", "contraindication")]
        blocks.append(
            Block(
                f"{sub.name}: side effects",
                ["setting", "frequency", "severity", "effect", "detail"],
                [c.row([s.setting, s.frequency, s.severity, s.text, s.note], s) for s in items]
                or [Row(["-", "-", "-", "none recorded for this filter", ""])],
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
                "sources": [source_json(n, s) for n, s in c.footnotes("").sources],
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
    return View({"substances": data, "setting": setting, "serious_only": serious}, blocks, header, csv_rows, notes)


# -------------------------------------------------------------------------------------------
# sources


def sources_view(ds: Dataset, subs: list[model.Substance]) -> View:
    blocks: list[Block] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for sub in subs:
        srcs = ds.sources_of(sub)
        blocks.append(
            Block(
                f"{sub.name}: sources",
                ["#", "kind", "source", "date", "where"],
                [
                    Row([str(n), s.kind, f"{s.title}. {s.publisher}", s.date.isoformat(), s.locator])
                    for n, s in enumerate(srcs, 1)
                ],
                layout="items",
            )
        )
        data.append({"id": sub.id, "name": sub.name, "sources": [source_json(n, s) for n, s in enumerate(srcs, 1)]})
        for n, s in enumerate(srcs, 1):
            csv_rows.append(
                [sub.id, str(n), s.id, s.kind, s.title, s.publisher, s.date.isoformat(), s.pmid, s.doi, s.url]
            )
    header = ["substance", "n", "id", "kind", "title", "publisher", "date", "pmid", "doi", "url"]
    return View({"substances": data}, blocks, header, csv_rows)


# -------------------------------------------------------------------------------------------
# search


def _strings(obj: Any, path: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    sec = _section_of(obj)
    for fld in sec.fields if sec else ():
        value = getattr(obj, fld.name)
        if isinstance(value, str):
            out.append((f"{path}.{fld.name}", value))
        elif isinstance(value, tuple) and fld.name != "sources":
            out.extend((f"{path}.{fld.name}", v) for v in value)
    return out


def snippet(text: str, start: int, length: int, width: int = 36) -> str:
    a, b = max(0, start - width), min(len(text), start + length + width)
    return ("..." if a else "") + text[a:b] + ("..." if b < len(text) else "")


def search_view(ds: Dataset, query: str) -> tuple[View, list[str]]:
    """Where a text occurs across the dataset. Returns the view and unreadable-record errors."""
    q = query.casefold().strip()
    if not q:
        raise UsageError("search text must not be empty")
    subs, errors = ds.all()
    matches: list[dict[str, str]] = []
    for sub in subs:
        pairs = [("name", sub.name), ("generic_name", sub.generic_name)] + [("aliases", a) for a in sub.aliases]
        for path, item in iter_facts(sub):
            pairs.extend(_strings(item, path))
        for path, text in pairs:
            pos = text.casefold().find(q)
            if pos >= 0:
                matches.append({"substance": sub.id, "field": path, "snippet": snippet(text, pos, len(q))})
    block = Block(
        f"Matches for {query!r}",
        ["substance", "field", "snippet"],
        [Row([m["substance"], m["field"], m["snippet"]]) for m in matches],
        layout="items",
    )
    view = View(
        {"query": query, "matches": matches},
        [block],
        ["substance", "field", "snippet"],
        [[m["substance"], m["field"], m["snippet"]] for m in matches],
    )
    return view, [str(e) for e in errors]

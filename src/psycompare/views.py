"""Build what each command shows, as plain data: a JSON-able ``data`` part for machine
formats and titled blocks of rows for human formats. No printing, no Rich."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from psycompare import model, schema
from psycompare.dataset import BUNDLED, Dataset, iter_facts
from psycompare.errors import UsageError

Cell = str | list[str]  # a list is shown as bullet points


class Row(NamedTuple):
    """One row of a block: cells, the citation numbers and date behind it."""

    cells: Sequence[Cell]
    cites: tuple[int, ...] = ()
    as_of: date | None = None  # shown when it differs from the record's reviewed date
    origin: str = ""  # shown when several data directories are layered
    age: str = ""  # "as of D, N months before this dataset" when the fact is stale
    locator: str = ""  # where in a cited source the fact is found: "see section 5.1 in [3]"


class Block(NamedTuple):
    """A titled table. ``layout`` hints plain text: grid (aligned) or items (one per line).

    Layouts: grid (a framed table), rows (borderless, as `kubectl get`), wrap (rows whose plain
    text wraps inside its columns), chart (tight marks), fields (``label: value``), records
    (side by side), items (the default; plain shows them as fields).

    ``one_line``: an overview (layout "rows"); table and plain keep every row on one line at
    the terminal's width, cutting cells at a word boundary and dropping the ``drop`` columns
    (first listed, first dropped) when the rest would be cramped. Markdown shows them whole.
    """

    title: str
    columns: list[str]
    rows: list[Row]
    layout: str = "items"
    one_line: bool = False
    drop: tuple[int, ...] = ()


class Footnotes(NamedTuple):
    """Numbered sources of one substance, as cited in the blocks; ``compact``: one line each
    (where it is and its title, cut to the width) in table and plain, for a summary."""

    label: str
    sources: list[tuple[int, model.Source]]
    compact: bool = False


class View:
    """Everything a renderer needs: ``data`` for JSON/TOML, blocks for people, rows for CSV.

    ``blocks`` and ``csv_rows`` may be given as functions; they are then built on
    first use, so a `list` of 10,000 records builds only what its format shows.
    """

    __slots__ = ("data", "_blocks", "csv_header", "_csv_rows", "footnotes", "heading", "hint")

    def __init__(
        self,
        data: dict[str, Any],
        blocks: list[Block] | Callable[[], list[Block]],
        csv_header: list[str],
        csv_rows: list[list[str]] | Callable[[], list[list[str]]],
        footnotes: list[Footnotes] | None = None,
        heading: str = "",
        hint: str = "",
    ) -> None:
        self.data = data
        self._blocks = blocks
        self.csv_header = csv_header
        self._csv_rows = csv_rows
        self.footnotes = footnotes or []
        self.heading = heading
        self.hint = hint  # a last line for people: how to get more

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
    """Numbers the sources one substance's rows cite.

    Alone, a record's sources keep their record order (the numbering `sources NAME`
    shows). With ``shared`` (several substances in one output) every substance draws
    from one numbering, in order of first citation, so `[4]` means one source throughout.
    """

    def __init__(self, ds: Dataset, sub: model.Substance, shared: Citations | None = None) -> None:
        self.ds = ds
        self.sub = sub
        self.shared = shared
        self.sources = [] if shared else ds.sources_of(sub)
        self.number = {s.id: i for i, s in enumerate(self.sources, 1)}
        self.used: set[int] = set()
        self.layered = ds.layered
        self.dataset_date = dataset_date(ds)

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        if self.shared is not None:
            nums = self.shared.cite(ids)
            self.used.update(nums)
            return nums
        for sid in ids:
            if sid not in self.number:  # cited from outside the record (an interaction rule)
                src = self.ds.source(sid)
                if src is not None:
                    self.sources.append(src)
                    self.number[sid] = len(self.sources)
        cites = tuple(sorted({self.number[s] for s in ids if s in self.number}))
        self.used.update(cites)
        return cites

    def row(self, cells: Sequence[Cell], item: Any) -> Row:
        cites = self.cite(item.sources)
        as_of = getattr(item, "as_of", None)
        origin = item.origin if self.layered and item.origin != BUNDLED else ""
        age = age_note(as_of or self.sub.reviewed, self.dataset_date)
        return Row(cells, cites, as_of if as_of != self.sub.reviewed else None, origin, age, self.locate(item))

    def locate(self, item: Any) -> str:
        """``see LOCATOR in [n]``: the item's locator, pointing at its first-listed source."""
        where = getattr(item, "locator", "")
        if not where or not item.sources:
            return ""
        first = self.cite(item.sources[:1])
        return f"see {where} in {marker(first)}" if first else f"see {where}"

    def footnotes(self, label: str, all_sources: bool = False) -> Footnotes:
        if self.shared is not None:
            return Footnotes(label, [])  # the shared list is printed once, under everything
        return Footnotes(label, [(n, s) for n, s in enumerate(self.sources, 1) if all_sources or n in self.used])

    def source_list(self) -> list[tuple[int, model.Source]]:
        """What JSON lists for this substance: the sources it cited, with their numbers."""
        pool = self.shared.footnotes() if self.shared is not None else list(enumerate(self.sources, 1))
        return [(n, s) for n, s in pool if n in self.used]


def dataset_date(ds: Dataset) -> date | None:
    """The dataset's own date (what freshness is measured against), None when unknown."""
    from psycompare.errors import DataError

    try:
        info = ds.info()
    except DataError:
        return None
    return info.date if info else None


def age_note(as_of: date | None, ref: date | None) -> str:
    """``as of 2024-04-24, 31 months before this dataset`` when more than 12 months old, else ""."""
    from psycompare.stale import age_note as note

    return note(as_of, ref)


class Citations:
    """One numbering for a whole output: sources numbered in order of first citation."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.number: dict[str, int] = {}
        self.sources: list[model.Source] = []

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        out: set[int] = set()
        for sid in ids:
            n = self.number.get(sid)
            if n is None:
                src = self.ds.source(sid)
                if src is None:
                    continue
                self.sources.append(src)
                n = self.number[sid] = len(self.sources)
            out.add(n)
        return tuple(sorted(out))

    def footnotes(self) -> list[tuple[int, model.Source]]:
        return list(enumerate(self.sources, 1))

    def as_footnotes(self, label: str = "") -> Footnotes:
        return Footnotes(label, self.footnotes())


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
        "secondary": src.secondary,
        "note": src.note,
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


def list_view(ds: Dataset, wide: bool = False) -> View:
    data = ds.summaries()  # already in JSON shape: nothing per row unless a human format asks
    header = ["id", "name", "class", "us_approval", "us_schedule", "us_as_of"]

    def csv_rows() -> list[list[str]]:
        return [[d[h] or "" for h in header] for d in data]

    hint = "" if wide else "Full class and schedule: --wide."
    blocks = lambda: [substances_block("Substances", data, "US", wide)]  # noqa: E731
    return View({"substances": data}, blocks, header, csv_rows, hint=hint)


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
        if schedule == "" or code_text == "none":
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


def first_clause(text: str) -> str:
    """The head of a description, before its first `;` or `:` (a class's short form)."""
    for sep in (";", ":"):
        text = text.split(sep, 1)[0]
    return text.strip()


def schedule_short(text: str) -> str:
    """A schedule in a few words: the instrument's name without its bracketed detail
    ("Schedule I (Controlled Substances Act; 21 CFR 1308.11)" -> "Schedule I")."""
    head = text.split(" (", 1)[0].split(";", 1)[0].strip()
    return head or text


def short_name(sub: model.Substance) -> str:
    """The name without its bracketed addition ("Mescaline (peyote)" -> "Mescaline")."""
    return sub.name.split(" (", 1)[0].strip() or sub.name


# -------------------------------------------------------------------------------------------
# show


WORDS = {
    "approved": "Approved",
    "approved-other-use": "Approved (other use)",
    "investigational": "Investigational",
    "not-approved": "Not approved",
    "restricted-access": "Restricted access",
    "nonmedical": "non-medical",
    "less-common": "less common",
    "trial-exclusion": "trial exclusion",
    "boxed-warning": "boxed warning",
    "advisory-vote": "advisory vote",
    "label-change": "label change",
}


def words(token: str) -> str:
    """An enum token as people read it."""
    return WORDS.get(token, token.replace("-", " "))


def schedule_words(e: model.StatusEntry | model.PastStatus, short: bool = False) -> str:
    """A schedule as people say it: the short code and year, or the instrument in full with the
    date it took effect. "Not controlled" only when a source says so; unknown is "Not recorded"."""
    code = e.schedule_code
    if code == "none":
        return "Not controlled"
    if short:
        if not code or code == "unknown":
            return "Not recorded" if not e.schedule else e.schedule
        return code + (f" since {e.schedule_since.year}" if e.schedule_since else "")
    text = e.schedule or ("Not recorded" if not code or code == "unknown" else code)
    if e.schedule_since:
        text += f" (in force since {e.schedule_since.isoformat()})"
    return text


def schedule_text(e: model.StatusEntry | model.PastStatus) -> str:
    """The schedule in full (`schedule_words`, long form)."""
    return schedule_words(e)


def _status_cells(e: model.StatusEntry) -> list[Cell]:
    none = "none approved" if e.approval in ("not-approved", "investigational") else "none recorded"
    ind: Cell = list(e.indications) if len(e.indications) > 1 else (e.indications[0] if e.indications else none)
    return [
        e.jurisdiction,
        e.regulator,
        words(e.approval),
        schedule_text(e),
        e.programme or "none recorded",
        ind,
        e.note,
    ]


SHOW_SECTIONS = (
    "identity",
    "status",
    "milestones",
    "effects",
    "uses",
    "delivery",
    "timing",
    "side-effects",
    "cautions",
    "interactions",
    "trials",
    "misconceptions",
)


def parse_sections(spec: str | None) -> tuple[str, ...]:
    """``show --section a,b``: validated section names (all when None)."""
    if not spec:
        return SHOW_SECTIONS
    keys = [k.strip().lower().replace("_", "-") for k in spec.split(",") if k.strip()]
    aliases = {"side effects": "side-effects", "sideeffects": "side-effects", "onset": "timing", "evidence": "trials"}
    keys = [aliases.get(k, k) for k in keys]
    bad = [k for k in keys if k not in SHOW_SECTIONS]
    if bad or not keys:
        raise UsageError(
            (f"unknown section {bad[0][:30]!r}" if bad else "no sections given")
            + f"; choose from: {', '.join(SHOW_SECTIONS)}"
        )
    return tuple(dict.fromkeys(keys))


def display_name(sub: model.Substance) -> str:
    """The name with its first brand when it has one: "Esketamine (Spravato)"."""
    brand = next((a for a in sub.aliases if a[:1].isupper() and a.isalpha() and a.lower() != sub.name.lower()), "")
    if not brand or f"({brand.lower()})" in sub.name.lower():  # "X (Auvelity)" names its brand already
        return sub.name
    return f"{sub.name} ({brand})"


def show_view(ds: Dataset, subs: list[model.Substance], sections: tuple[str, ...] = SHOW_SECTIONS) -> View:
    blocks: list[Block] = []
    notes: list[Footnotes] = []
    csv_rows: list[list[str]] = []
    shared = Citations(ds) if len(subs) > 1 else None
    for sub in subs:
        c = Citer(ds, sub, shared)
        t = display_name(sub)
        blocks.append(
            Block(
                f"{t}: identity (reviewed {sub.reviewed.isoformat()})",
                ["field", "value"],
                [
                    Row(["name", sub.name]),
                    Row(["generic name", sub.generic_name]),
                    Row(["aliases", ", ".join(sub.aliases) or "none recorded"]),
                    c.row(["class", sub.class_.text], sub.class_),
                    c.row(["summary", sub.summary.text], sub.summary),
                    c.row(["mechanism", sub.mechanism.text], sub.mechanism),
                    *(
                        [c.row(["identifiers", identifiers_text(sub.identifiers)], sub.identifiers)]
                        if sub.identifiers
                        else []
                    ),
                ],
            )
        )
        blocks.append(
            Block(
                f"{t}: regulatory status",
                ["where", "regulator", "approval", "schedule", "access programme", "indications", "note"],
                [c.row(_status_cells(e), e) for e in sub.status],
            )
        )
        parts: list[tuple[str, str, list[str], list[Row]]] = [
            (
                "milestones",
                "milestones",
                ["date", "where", "kind", "what"],
                [
                    c.row([e.date.isoformat(), e.jurisdiction, words(e.kind), _with_application(e)], e)
                    for e in sorted(sub.events, key=lambda e: e.date)
                ],
            ),
            ("effects", "core effects in therapy", ["effect"], [c.row([f.text], f) for f in sub.effects]),
            (
                "uses",
                "uses",
                ["condition", "evidence", "detail"],
                [c.row([u.condition, words(u.evidence), u.text], u) for u in sub.uses],
            ),
            ("delivery", "delivery", ["aspect", "detail"], _delivery_rows(c, sub)),
            (
                "timing",
                "timing",
                ["", "value"],
                [
                    c.row([tr.measure or label, tr.text], tr)
                    for label, tr in (("onset", sub.onset), ("duration", sub.duration))
                    if tr is not None
                ],
            ),
            (
                "side-effects",
                "side effects",
                ["setting", "frequency", "severity", "effect", "detail"],
                [
                    c.row([words(s.setting), words(s.frequency), s.severity, s.text, s.note], s)
                    for s in _sorted_side(sub.side_effects)
                ],
            ),
            (
                "cautions",
                "cautions",
                ["kind", "what", "why"],
                [c.row([words(x.kind), x.text, x.reason], x) for x in sub.cautions],
            ),
            (
                "trials",
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
                            "; ".join([f"PMID {tr.pmid}" if tr.pmid else f"doi:{tr.doi}", *tr.registry_ids]),
                        ],
                        tr,
                    )
                    for tr in sub.trials
                ],
            ),
            (
                "misconceptions",
                "common misconceptions",
                ["claim", "correction"],
                [c.row([n.claim, n.correction], n) for n in sub.notes],
            ),
        ]
        if "interactions" in sections:
            parts.insert(
                -2,
                (
                    "interactions",
                    "interactions (most severe first)",
                    ["with", "severity", "what happens"],
                    _interaction_rows(ds, c, sub),
                ),
            )
        if "identity" not in sections:
            blocks.pop(-2)
        if "status" not in sections:
            blocks.pop()
        for key, title, cols, rows in parts:
            if rows and key in sections:
                blocks.append(Block(f"{t}: {title}", cols, rows))
        notes.append(c.footnotes(t, all_sources=len(sections) == len(SHOW_SECTIONS)))
        csv_rows.extend(_flat_rows(sub, c))
    data = {"substances": [record_json(ds, s) for s in subs]}
    header = ["substance", "section", "index", "field", "value", "sources", "as_of"]
    return View(data, blocks, header, csv_rows, [shared.as_footnotes()] if shared else notes)


def _interaction_rows(ds: Dataset, c: Citer, sub: model.Substance) -> list[Row]:
    """Every recorded interaction of a substance (`psycompare interactions NAME` has the detail)."""
    from psycompare import interactions as ix

    rows = []
    for p in ix.for_substance(ds, sub.id):
        for h in p.hits:
            r = h.rule
            rows.append(c.row([p.b.name, r.severity, r.text], r))
    return rows


def identifiers_text(ids: model.Identifiers) -> str:
    """CAS 6740-88-1 (salt 1867-66-9); UNII ...; PubChem CID ...: the identifiers a record has."""
    parts = []
    if ids.cas or ids.cas_salts:
        salts = f" (salt {', '.join(ids.cas_salts)})" if ids.cas_salts else ""
        parts.append(f"CAS {ids.cas or '-'}{salts}")
    for label, value in (
        ("UNII", ids.unii),
        ("PubChem CID", ids.pubchem_cid),
        ("InChIKey", ids.inchikey),
        ("ChEBI", ids.chebi.removeprefix("CHEBI:")),
        ("DrugBank", ids.drugbank),
        ("ATC", ", ".join(ids.atc)),
        ("RxNorm", ids.rxnorm),
    ):
        if value:
            parts.append(f"{label} {value}")
    return "; ".join(parts)


def _with_application(e: model.Event) -> str:
    return f"{e.text} ({e.application})" if e.application else e.text


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


def marker(cites: tuple[int, ...]) -> str:
    return "[" + ",".join(str(n) for n in cites) + "]"


# -------------------------------------------------------------------------------------------
# status


def _jmatch(code: str, want: str | None) -> bool:
    """A jurisdiction code matches ``want`` (one code or several, comma-separated; US also takes US-XX)."""
    if want is None:
        return True
    code = code.upper()
    return any(code == w or code.startswith(w + "-") for w in want.split(","))


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
            entries: list[Any] = [e for e in sub.status if _jmatch(e.jurisdiction, want)]
            events = sorted((e for e in sub.events if _jmatch(e.jurisdiction, want)), key=lambda e: e.date)
        else:
            from psycompare import history

            codes = [j for j in history.jurisdictions(sub) if _jmatch(j, want)]
            for w in reversed(want.split(",") if want else []):
                if w not in codes:
                    codes.insert(0, w)
            found = [(j, history.status_on(sub, j, on)) for j in codes]
            entries = [e for _, e in found if e is not None]
            missing = [j for j, e in found if e is None]
            events = sorted(
                (e for e in sub.events if _jmatch(e.jurisdiction, want) and e.date <= on), key=lambda e: e.date
            )
        status_rows = [c.row(_status_cells(e), e) for e in entries]
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


# -------------------------------------------------------------------------------------------
# side effects


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
            for s in _sorted_side(sub.side_effects)
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


# -------------------------------------------------------------------------------------------
# sources


def where_short(src: model.Source) -> str:
    """Where a source lives, in a few characters: its PMID, else the web host (doi.org for a
    DOI alone), so a copy on another host shows at a glance."""
    if src.pmid:
        return src.locator
    if src.url:
        return src.host.removeprefix("www.")
    return "doi.org" if src.doi else "-"


def cited_at(sub: model.Substance) -> dict[str, list[str]]:
    """Per source id, the places in it that the record's facts point to (their ``locator``,
    which refers to a fact's first-listed source), as ``SECTION: LOCATOR``."""
    out: dict[str, list[str]] = {}
    for sec in schema.SECTIONS:
        value = getattr(sub, sec.attr)
        for item in value if sec.many else (value,) if value is not None else ():
            where = getattr(item, "locator", "")
            if where and item.sources:
                places = out.setdefault(item.sources[0], [])
                if f"{sec.key}: {where}" not in places:
                    places.append(f"{sec.key}: {where}")
    return out


def sources_view(ds: Dataset, subs: list[model.Substance], wide: bool = False) -> View:
    blocks: list[Block] = []
    data: list[dict[str, Any]] = []
    csv_rows: list[list[str]] = []
    for sub in subs:
        srcs = ds.sources_of(sub)
        at = cited_at(sub)
        if wide:
            rows = [
                Row(
                    [
                        f"[{n}]",
                        s.heading,
                        s.publisher,
                        s.date.isoformat(),
                        s.kind,
                        s.url or s.locator,
                        s.locator if s.url and (s.pmid or s.doi) else "",
                        "; ".join(at.get(s.id, [])),
                    ]
                )
                for n, s in enumerate(srcs, 1)
            ]
            cols = ["source", "title", "publisher", "date", "kind", "link", "id", "cited at"]
            blocks.append(Block(f"{sub.name}: sources", cols, rows, "fields"))
        else:
            rows = [
                Row([f"[{n}]", s.date.isoformat(), s.kind + (" copy" if s.secondary else ""), where_short(s), s.title])
                for n, s in enumerate(srcs, 1)
            ]
            cols = ["#", "date", "kind", "where", "title"]
            blocks.append(Block(f"{sub.name}: sources", cols, rows, "rows", one_line=True, drop=(2,)))
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "sources": [source_json(n, s) | {"cited_at": at.get(s.id, [])} for n, s in enumerate(srcs, 1)],
            }
        )
        for n, s in enumerate(srcs, 1):
            csv_rows.append(
                [sub.id, str(n), s.id, s.kind, s.title, s.publisher, s.date.isoformat(), s.pmid, s.doi, s.url]
                + ["yes" if s.secondary else "", s.note]
            )
    header = ["substance", "n", "id", "kind", "title", "publisher", "date", "pmid", "doi", "url", "secondary", "note"]
    hint = "" if wide else "Full titles, publishers, links and where each is cited: --wide."
    return View({"substances": data}, blocks, header, csv_rows, hint=hint)


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


def snippet(text: str, start: int, length: int, width: int = 36, before: int = 16) -> str:
    """The match with about ``before`` characters of context before it and ``width`` after,
    cut between words (a table cuts the end further, so the match comes early)."""
    a, b = max(0, start - before), min(len(text), start + length + width)
    if a:
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    if b < len(text):
        space = text.rfind(" ", start + length, b)
        b = space if space >= 0 else b
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def synonym_groups(ds: Dataset) -> list[list[str]]:
    """The search synonym groups of every data directory (synonyms.toml), folded."""
    import tomllib

    groups: list[list[str]] = []
    for idx in ds.indexes:
        path = os.path.join(idx.root, "synonyms.toml")
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for group in data.get("group", []):
            terms = group.get("terms") if isinstance(group, dict) else None
            if isinstance(terms, list):
                groups.append([fold(t) for t in terms if isinstance(t, str) and t.strip()])
    return groups


def query_patterns(q: str, groups: list[list[str]]) -> list[re.Pattern[str]]:
    """The folded query as typed, then each synonym variant (from the start of a word): a term
    of a group in the query is swapped for every other term."""
    # a query that is (or holds) a synonym is a word, so "died" does not find "studied"
    # nor "abuse" "Antabuse"; any other query matches inside words ("natremia")
    word = any(term and term in q for terms in groups for term in terms)
    out = [re.compile((r"(?<!\w)" if word else "") + re.escape(q))]
    seen = {q}
    for terms in groups:
        for term in terms:
            if term and term in q:
                for other in terms:
                    variant = q.replace(term, other)
                    if variant not in seen:
                        seen.add(variant)
                        out.append(re.compile(r"(?<!\w)" + re.escape(variant)))
    return out


_SECTION_WORDS = {
    "class": "class",
    "summary": "summary",
    "mechanism": "mechanism",
    "status": "regulatory status",
    "events": "milestones",
    "effects": "core effects",
    "uses": "uses",
    "side_effects": "side effects",
    "cautions": "cautions",
    "delivery": "delivery",
    "onset": "timing",
    "duration": "timing",
    "trials": "key trials",
    "notes": "common misconceptions",
    "name": "name",
    "generic_name": "generic name",
    "aliases": "aliases",
}
# US and UK spellings are folded to one form before matching, so either finds both.
_SPELLINGS = (
    ("anaesth", "anesth"),
    ("haem", "hem"),
    ("natraem", "natrem"),
    ("oedema", "edema"),
    ("oestr", "estr"),
    ("paed", "ped"),
    ("diarrhoea", "diarrhea"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("tumour", "tumor"),
    ("programme", "program"),
    ("ise", "ize"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
)


def fold(text: str) -> str:
    """Case and US/UK spelling folded, for matching."""
    out = text.casefold()
    for uk, us in _SPELLINGS:
        out = out.replace(uk, us)
    return out


def _where(path: str) -> str:
    """``side_effects[4].text`` as people say it: ``side effects``."""
    head = path.split("[", 1)[0].split(".", 1)[0]
    return _SECTION_WORDS.get(head, head.replace("_", " "))


def search_view(ds: Dataset, query: str) -> tuple[View, list[str]]:
    """Where a text (or a synonym of it, data/synonyms.toml) occurs across the dataset: the
    records, the interaction rules and the partner drugs and classes. Returns the view and
    unreadable-record errors."""
    q = fold(" ".join(query.split()))
    if not q:
        raise UsageError("search text must not be empty")
    patterns = query_patterns(q, synonym_groups(ds))
    subs, errors = ds.all()
    matches: list[dict[str, str]] = []

    def find(text: str) -> tuple[int, int] | None:
        folded = fold(text)
        for pat in patterns:
            m = pat.search(folded)
            if m is None:
                continue
            pos, length = m.start(), m.end() - m.start()
            if len(folded) != len(text):  # spelling folds change lengths: locate in the original
                pos = _approx(text, folded, pos)
            return pos, length
        return None

    for sub in subs:
        pairs = [("name", sub.name), ("generic_name", sub.generic_name)] + [("aliases", a) for a in sub.aliases]
        for path, item in iter_facts(sub):
            pairs.extend(_strings(item, path))
        seen: set[tuple[str, str]] = set()
        for path, text in pairs:
            hit = find(text)
            if hit is None:
                continue
            where = _where(path)
            snip = snippet(text, *hit)
            if (where, snip) in seen:
                continue
            seen.add((where, snip))
            matches.append({"substance": sub.id, "field": path, "section": where, "snippet": snip})
    matches += _interaction_matches(ds, find)
    shown = query if len(query) <= 80 else query[:77] + "..."
    block = Block(
        f"Matches for {shown!r}",
        ["substance", "section", "snippet"],
        [Row([m["substance"], m["section"], m["snippet"]]) for m in matches],
        "rows",
        one_line=True,
    )
    hint = ""
    if matches:
        hint = "Open one: psycompare show NAME --section SECTION"
        if any(m["section"].startswith("interaction") for m in matches):
            hint += "; an interaction: psycompare interactions NAME [NAME...]"
    view = View(
        {"query": query, "matches": matches},
        [block],
        ["substance", "section", "field", "snippet"],
        [[m["substance"], m["section"], m["field"], m["snippet"]] for m in matches],
        hint=hint,
    )
    return view, [str(e) for e in errors]


def _interaction_matches(ds: Dataset, find: Callable[[str], tuple[int, int] | None]) -> list[dict[str, str]]:
    """Matches in the interaction rules (either side's name, what happens, what to do) and in
    the partner drugs' and classes' names. Unreadable interaction data is left to
    `interactions` and `data validate` to report."""
    from psycompare import interactions as ix
    from psycompare.errors import DataError

    try:
        data = ix.load(ds)
    except DataError:
        return []
    names = {p.id: p.name for p in data.partners.values()}
    names.update({sid: p.name for sid, p in data.substance_classes.items()})
    subs = set(ds.ids())

    def name(pid: str) -> str:
        return names.get(pid) or pid

    out: list[dict[str, str]] = []
    for i, r in enumerate(data.rules):
        first, other = (r.a, r.b) if r.a in subs or r.b not in subs else (r.b, r.a)
        label = f"with {name(other)}: "
        for key, text in (
            ("b" if other == r.b else "a", name(other)),
            ("a" if first == r.a else "b", name(first)),
            ("text", r.text),
            ("management", r.management),
        ):
            hit = find(text) if text else None
            if hit is None:
                continue
            snip = snippet(text, *hit) if key in ("text", "management") else r.short or words(r.effect)
            out.append(
                {
                    "substance": first,
                    "field": f"interactions[{i}].{key}",
                    "section": "interactions",
                    "snippet": label + snip,
                }
            )
            break
    for p in data.partners.values():
        for text in (p.name, *p.aliases):
            if find(text) is not None:
                kind = {"drug": "partner drug", "class": "drug class"}.get(p.kind, p.kind)
                out.append(
                    {
                        "substance": p.id,
                        "field": f"partners.{p.id}",
                        "section": "interaction partners",
                        "snippet": f"{p.name} ({kind})",
                    }
                )
                break
    return out


def _approx(text: str, folded: str, pos: int) -> int:
    """Map a position in the folded text back to the original (folds only shorten words)."""
    return min(len(text) - 1, int(pos * len(text) / max(len(folded), 1)))

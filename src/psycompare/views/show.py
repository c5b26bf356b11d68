"""`show`: a substance's fact sheet, or chosen sections."""

from __future__ import annotations

from datetime import date

from psycompare import model
from psycompare.store.dataset import Dataset, iter_facts
from psycompare.views.base import (
    Block,
    Citations,
    Citer,
    Footnotes,
    Row,
    View,
    display_name,
    iso,
    record_json,
    section_of,
    sorted_side,
    status_cells,
    words,
)

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
                [c.row(status_cells(e), e) for e in sub.status],
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
                    for s in sorted_side(sub.side_effects)
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
    from psycompare.query import interactions as ix

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


def _flat_rows(sub: model.Substance, c: Citer) -> list[list[str]]:
    rows = [
        [sub.id, "identity", "", k, v, "", sub.reviewed.isoformat()]
        for k, v in (("name", sub.name), ("generic_name", sub.generic_name), ("aliases", "; ".join(sub.aliases)))
    ]
    for path, item in iter_facts(sub):
        section, _, idx = path.partition("[")
        idx = idx.rstrip("]")
        sec = section_of(item)
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

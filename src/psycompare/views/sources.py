"""`sources`: every source behind a record, numbered."""

from __future__ import annotations

from typing import Any

from psycompare import model
from psycompare.schema.fields import SECTIONS
from psycompare.store.dataset import Dataset
from psycompare.views.base import Block, Row, View, record_citations, source_json, where_short


def cited_at(sub: model.Substance) -> dict[str, list[str]]:
    """Per source id, the places in it that the record's facts point to (their ``locator``,
    which refers to a fact's first-listed source), as ``SECTION: LOCATOR``."""
    out: dict[str, list[str]] = {}
    for sec in SECTIONS:
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
        numbered = record_citations(ds, sub).footnotes()  # the numbers `show NAME` cites them by
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
                for n, s in numbered
            ]
            cols = ["source", "title", "publisher", "date", "kind", "link", "id", "cited at"]
            blocks.append(Block(f"{sub.name}: sources", cols, rows, "fields"))
        else:
            rows = [
                Row([f"[{n}]", s.date.isoformat(), s.kind + (" copy" if s.secondary else ""), where_short(s), s.title])
                for n, s in numbered
            ]
            cols = ["#", "date", "kind", "where", "title"]
            blocks.append(Block(f"{sub.name}: sources", cols, rows, "rows", one_line=True, drop=(2,)))
        data.append(
            {
                "id": sub.id,
                "name": sub.name,
                "sources": [source_json(n, s) | {"cited_at": at.get(s.id, [])} for n, s in numbered],
            }
        )
        for n, s in numbered:
            csv_rows.append(
                [sub.id, str(n), s.id, s.kind, s.title, s.publisher, s.date.isoformat(), s.pmid, s.doi, s.url]
                + ["yes" if s.secondary else "", s.note]
            )
    header = ["substance", "n", "id", "kind", "title", "publisher", "date", "pmid", "doi", "url", "secondary", "note"]
    hint = "" if wide else "Full titles, publishers, links and where each is cited: --wide."
    return View({"substances": data}, blocks, header, csv_rows, hint=hint)

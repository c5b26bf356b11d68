"""`sources`: every source behind a record, numbered."""

from __future__ import annotations

from typing import Any

from psycompare import model
from psycompare.store.dataset import Dataset
from psycompare.views.base import Block, Row, View, source_json


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

"""Markdown: GitHub tables, one per block, with numbered sources underneath."""

from __future__ import annotations

from psycompare.render import DISCLAIMER
from psycompare.render.plain import row_suffix
from psycompare.safe_text import md_link, md_text
from psycompare.views import View


def _cell(text: str) -> str:
    return md_text(text, keep_newlines=True) or " "


def render(view: View) -> str:
    out: list[str] = []
    for block in view.blocks:
        out.append(f"## {md_text(block.title)}")
        out.append("")
        cols = block.columns
        out.append("| " + " | ".join(_cell(c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for row in block.rows:
            cells = list(row.cells)
            cells[-1] = cells[-1] + row_suffix(row)
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
    for fn in view.footnotes:
        if not fn.sources:
            continue
        out.append(f"### Sources ({md_text(fn.label)})")
        out.append("")
        for n, s in fn.sources:
            loc = md_link(s.url, s.locator) if s.url and not (s.pmid or s.doi) else _cell(s.locator)
            out.append(f"{n}. {_cell(s.title)}. {_cell(s.publisher)}, {s.date.isoformat()}. {loc}")
        out.append("")
    out.append(f"_{DISCLAIMER}_")
    return "\n".join(out) + "\n"

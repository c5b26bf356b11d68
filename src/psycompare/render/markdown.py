"""Markdown: GitHub tables, one per block, and the sources as literal ``[n]`` lines.

Citations must survive rendering: no ordered lists (a renderer renumbers them), text
escaped so `_`, `*` and HTML stay literal, links only as ``<https://...>`` autolinks.
"""

from __future__ import annotations

from psycompare.render.formats import DISCLAIMER
from psycompare.render.plain import is_heading, row_suffix
from psycompare.text import md_link, md_text
from psycompare.views.base import Cell, View


def text(value: str) -> str:
    """Literal Markdown: no emphasis, links, HTML or table breaks from data (safe_text.md_text)."""
    return md_text(value)


def _cell(value: Cell, suffix: str = "") -> str:
    if isinstance(value, str):
        out = text(value)
    else:
        out = "<br>".join(f"**{text(v)}**" if is_heading(v) else f"• {text(v)}" for v in value)
    out += text(suffix)
    return out or " "


def link(url: str) -> str:
    """An autolink for a safe http(s) URL; anything else as literal text."""
    return md_link(url, url)


def render(view: View) -> str:
    out: list[str] = []
    for block in view.blocks:
        out.append(f"## {text(block.title)}")
        out.append("")
        if not block.rows:  # the heading says it all (e.g. a pair with no interaction recorded)
            continue
        cols = block.columns
        out.append("| " + " | ".join(_cell(c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for row in block.rows:
            cells = list(row.cells)
            last = len(cells) - 1
            out.append(
                "| " + " | ".join(_cell(c, row_suffix(row) if i == last else "") for i, c in enumerate(cells)) + " |"
            )
        out.append("")
    for fn in view.footnotes:
        if not fn.sources:
            continue
        out.append(f"### Sources{f' ({text(fn.label)})' if fn.label else ''}")
        out.append("")
        for n, s in fn.sources:
            loc = link(s.url) if s.url and not (s.pmid or s.doi) else text(s.locator)
            if s.url and (s.pmid or s.doi):
                loc += " " + link(s.url)
            out.append(f"\\[{n}\\] {text(s.heading)}. {text(s.publisher)}, {s.date.isoformat()}. {loc}  ")
        out.append("")
    if view.hint:
        out.append(text(view.hint))
        out.append("")
    out.append(f"_{text(DISCLAIMER)}_")
    return "\n".join(out) + "\n"

"""Plain text: no ANSI escapes, no box drawing; readable in a pipe and easy to grep."""

from __future__ import annotations

from typing import Any

from psycompare.views.base import Block, Cell, Footnotes, Row, View, marker


def row_suffix(row: Row) -> str:
    """Citation markers, a dated note and the origin directory of a row."""
    out = ""
    if row.cites:
        out += " " + marker(row.cites)
    if row.locator:
        out += f" ({row.locator})"
    if row.age:
        out += f" ({row.age})"
    elif row.as_of:
        out += f" (as of {row.as_of.isoformat()})"
    if row.origin:
        out += f" {{from {row.origin}}}"
    return out


def is_heading(line: str) -> bool:
    """A line of a multi-item cell that names a group (``In clinical:``), not an item."""
    return line.endswith(":") and not line.endswith("]:")


def flat(value: Cell) -> str:
    """A cell on one line: items joined with ``; ``."""
    if isinstance(value, str):
        return value
    return "; ".join(v for v in value if not is_heading(v))


TITLE_MIN = 40  # a title is never cut shorter than this: the locator goes on its own line instead


def source_line(n: int, src: Any, width: int | None = None) -> str:
    """``[n] title. publisher, date. locator`` on one line; with a width, the title is cut
    at a word boundary (never the locator, so a URL stays whole and clickable), and when
    that would leave less than `TITLE_MIN` characters the locator goes on a line of its own."""
    from psycompare.render.fit import cut

    locator = src.locator
    head = f"[{n}] "
    body = f"{src.heading}. {src.publisher}, {src.date.isoformat()}."
    if width:
        room = width - len(head) - len(locator) - 1
        if len(body) > room and room < TITLE_MIN:
            body = cut(body, max(TITLE_MIN, width - len(head)))
            return f"{head}{body}\n{' ' * len(head)}{locator}"
        body = cut(body, room)
    return f"{head}{body} {locator}"


def _wrap(text: str, width: int, first: str, rest: str, floor: int = 40) -> list[str]:
    import textwrap  # here, not at the top: the table renderer imports this module too

    return textwrap.wrap(
        text,
        width=max(width, floor),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [first.rstrip()]


def _grid(block: Block) -> list[str]:
    table = [block.columns] + [[flat(c) for c in r.cells] for r in block.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(block.columns))]
    lines = []
    for i, cells in enumerate(table):
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        lines.append(line + (row_suffix(block.rows[i - 1]) if i else ""))
    return lines


def _chart(block: Block, width: int) -> list[str]:
    """A chart of short marks; wider than ``width``, it is cut into panels of whole columns, each
    with the row labels and a header row, a blank line between them (as the table renderer does)."""
    table = [block.columns] + [[flat(c) for c in r.cells] for r in block.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(block.columns))]
    from psycompare.render.fit import chart_spans

    spans = chart_spans(widths, width, 2)
    lines: list[str] = []
    for a, b in spans or [(1, 1)]:
        if lines:
            lines.append("")
        for cells in table:
            part = [cells[0], *cells[a:b]]
            lines.append("  ".join(c.ljust(w) for c, w in zip(part, [widths[0], *widths[a:b]], strict=True)).rstrip())
    return lines


def _wrapped_rows(block: Block, width: int) -> list[str]:
    """Aligned columns with a header row, each line within ``width``: a long cell wraps inside
    its column (the widest columns give way first, as in render/fit.py), never past the edge."""
    from psycompare.render import fit

    rows = [[flat(c) for c in r.cells] for r in block.rows]
    for cells, r in zip(rows, block.rows, strict=True):
        cells[-1] += row_suffix(r).replace(" ", "\u00a0")  # markers and age notes stay whole
    kept, sizes = fit.widths(block.columns, rows, width, 2)
    lines = ["  ".join(block.columns[i].ljust(w) for i, w in zip(kept, sizes, strict=True)).rstrip()]
    for cells in rows:
        cols = [
            [x.replace("\u00a0", " ") for x in _wrap(cells[i], w, "", "", floor=1)]
            for i, w in zip(kept, sizes, strict=True)
        ]
        for k in range(max(len(c) for c in cols)):
            parts = [(c[k] if k < len(c) else "").ljust(w) for c, w in zip(cols, sizes, strict=True)]
            lines.append("  ".join(parts).rstrip())
    return lines


MIN_COLUMN = 24  # the narrowest readable side-by-side column


def _cell_lines(cell: Cell, width: int) -> list[str]:
    """One compare cell wrapped to a column: text, or bullets with a hanging indent."""
    if isinstance(cell, str):
        return _wrap(cell, width, "", "", floor=1)
    out: list[str] = []
    for item in cell:
        if is_heading(item):
            out.append(item)
        else:
            out.extend(_wrap(item, width, "- ", "  ", floor=1))
    return out


def _side_by_side(block: Block, width: int) -> list[str] | None:
    """Columns next to each other, as the table shows them, when each gets MIN_COLUMN."""
    names = block.columns[1:]
    label_w = min(max(len(flat(r.cells[0])) for r in block.rows), 16)
    col_w = (width - label_w - 2 * len(names)) // max(len(names), 1)
    if not names or col_w < MIN_COLUMN:
        return None
    widths = [label_w, *([col_w] * len(names))]
    lines = ["  ".join(n.ljust(w) for n, w in zip(["", *names], widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in block.rows:
        cols = [_wrap(flat(row.cells[0]), label_w, "", "", floor=1)]
        cols += [_cell_lines(c, col_w) for c in row.cells[1:]]
        for i in range(max(len(c) for c in cols)):
            parts = [(c[i] if i < len(c) else "").ljust(w) for c, w in zip(cols, widths, strict=True)]
            lines.append("  ".join(parts).rstrip())
    return lines


def _records(block: Block, width: int) -> list[str]:
    """compare: side by side when it fits, else each row's label then one line (or list) per substance."""
    side = _side_by_side(block, width)
    if side is not None:
        return side
    lines = []
    names = block.columns[1:]
    pad = max(len(n) for n in names) + 4 if names else 4
    for row in block.rows:
        lines.append(flat(row.cells[0]))
        for name, cell in zip(names, row.cells[1:], strict=True):
            head = f"  {name}: ".ljust(pad)
            if isinstance(cell, str):
                lines.extend(_wrap(cell, width, head, " " * pad))
                continue
            lines.append(head.rstrip())
            for item in cell:
                if is_heading(item):
                    lines.append("    " + item)
                else:
                    lines.extend(_wrap(item, width, "    - ", "      "))
    return lines


KEY_COLUMNS = ("field", "aspect", "")  # a two-column block headed by one of these is key: value pairs


def _fields(block: Block, width: int) -> list[str]:
    """One ``label: value`` line per field (wrapped with a hanging indent), rows a blank line apart:
    grep-able, one fact per line. A key/value block (``field``, ``value``) takes its labels
    from its first column; a one-column block is a list of ``label: value`` lines."""
    lines: list[str] = []
    cols = block.columns
    if len(cols) == 2 and cols[0] in KEY_COLUMNS:
        pad = max((len(flat(r.cells[0])) for r in block.rows), default=0) + 2
        for row in block.rows:
            wrapped = _wrap(flat(row.cells[1]), width, f"{flat(row.cells[0])}: ".ljust(pad), " " * pad)
            wrapped[-1] += row_suffix(row)
            lines.extend(wrapped)
        return lines
    pad = max((len(c) for c in cols), default=0) + 2
    for k, row in enumerate(block.rows):
        if k and len(cols) > 1:
            lines.append("")
        last = len(row.cells) - 1
        for i, (label, cell) in enumerate(zip(cols, row.cells, strict=True)):
            value = flat(cell)
            if not value:
                continue
            wrapped = _wrap(value, width, f"{label or 'value'}: ".ljust(pad), " " * pad)
            if i == last:
                wrapped[-1] += row_suffix(row)
            lines.extend(wrapped)
    return lines


def compact_source_lines(sources: list[tuple[int, Any]], width: int, indent: str = "") -> list[str]:
    """A summary's sources as ``[n] where`` pointers (the PMID or the host), as many to a line
    as fit; `--full` and `sources NAME` give titles and links."""
    from psycompare.views.base import where_short

    lines: list[str] = []
    line = indent
    for n, src in sources:
        item = f"[{n}] {where_short(src)}"
        if line.strip() and len(line) + 2 + len(item) > width:
            lines.append(line.rstrip())
            line = indent
        line += ("  " if line.strip() else "") + item
    if line.strip():
        lines.append(line.rstrip())
    return lines


def footnote_lines(notes: list[Footnotes], width: int | None = None) -> list[str]:
    lines: list[str] = []
    for fn in notes:
        if not fn.sources:
            continue
        lines.append(f"Sources ({fn.label}):" if fn.label else "Sources:")
        if fn.compact and width:
            lines.extend(compact_source_lines(fn.sources, width, "  "))
            continue
        lines.extend(f"  {source_line(n, s)}" for n, s in fn.sources)
    return lines


def render(view: View, width: int = 100) -> str:
    out: list[str] = []
    for block in view.blocks:
        # wrapped at a word, continued indented (data never starts a line), and underlined as
        # long as its longest line (audit 2026-12-04 UX Low list)
        title = _wrap(block.title, width, "", "  ") if len(block.title) > width else [block.title]
        out.extend(title)
        out.append("=" * max(len(line) for line in title))
        if block.one_line:
            from psycompare.render import fit

            rows = [[flat(c) for c in r.cells] for r in block.rows]
            for cells, r in zip(rows, block.rows, strict=True):
                cells[-1] += row_suffix(r)
            out.extend(fit.lines(block.columns, rows, width, block.drop))
        elif block.layout == "wrap":
            out.extend(_wrapped_rows(block, width))
        elif block.layout == "chart":
            out.extend(_chart(block, width))
        elif block.layout in ("grid", "rows"):
            out.extend(_grid(block))
        elif block.layout == "records":
            out.extend(_records(block, width))
        else:  # fields and items: `label: value` lines, never unlabelled fields joined by " | "
            out.extend(_fields(block, width))
        out.append("")
    out.extend(footnote_lines(view.footnotes, width))
    for part in view.hint.splitlines():
        out.extend(_wrap(part, width, "", ""))
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"

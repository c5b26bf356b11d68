"""Plain text: no ANSI escapes, no box drawing; readable in a pipe and easy to grep."""

from __future__ import annotations

from psycompare.views import Block, Footnotes, Row, View, marker


def row_suffix(row: Row) -> str:
    """Citation markers, a dated note and the origin directory of a row."""
    out = ""
    if row.cites:
        out += " " + marker(row.cites)
    if row.as_of:
        out += f" (as of {row.as_of.isoformat()})"
    if row.origin:
        out += f" {{from {row.origin}}}"
    return out


def _grid(block: Block) -> list[str]:
    table = [block.columns] + [r.cells for r in block.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(block.columns))]
    lines = []
    for i, cells in enumerate(table):
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        lines.append(line + (row_suffix(block.rows[i - 1]) if i else ""))
    return lines


def _records(block: Block, width: int) -> list[str]:
    import textwrap  # here, not at the top: the table renderer imports this module too

    lines = []
    names = block.columns[1:]
    for row in block.rows:
        lines.append(row.cells[0])
        for name, cell in zip(names, row.cells[1:], strict=True):
            head = f"  {name}: "
            for j, part in enumerate(cell.split("\n")):
                prefix = head if j == 0 else " " * 4
                lines.extend(
                    textwrap.wrap(
                        part,
                        width=max(width, 40),
                        initial_indent=prefix if j == 0 else "    - ",
                        subsequent_indent="      ",
                        break_on_hyphens=False,
                        break_long_words=False,
                    )
                    or [prefix.rstrip()]
                )
        lines.append("")
    return lines


def _items(block: Block, width: int) -> list[str]:
    import textwrap

    lines = []
    for row in block.rows:
        text = " | ".join(c for c in row.cells if c)
        wrapped = textwrap.wrap(
            text,
            width=max(width, 40),
            initial_indent="- ",
            subsequent_indent="  ",
            break_on_hyphens=False,
            break_long_words=False,
        ) or ["-"]
        wrapped[-1] += row_suffix(row)  # markers stay whole, even past the width
        lines.extend(wrapped)
    return lines


def footnote_lines(notes: list[Footnotes]) -> list[str]:
    lines: list[str] = []
    for fn in notes:
        if not fn.sources:
            continue
        lines.append(f"Sources ({fn.label}):")
        for n, s in fn.sources:
            lines.append(f"  [{n}] {s.title}. {s.publisher}, {s.date.isoformat()}. {s.locator}")
    return lines


def render(view: View, width: int = 100) -> str:
    out: list[str] = []
    for block in view.blocks:
        out.append(block.title)
        out.append("=" * min(len(block.title), width))
        if block.layout == "grid":
            out.extend(_grid(block))
        elif block.layout == "records":
            out.extend(_records(block, width))
        else:
            out.extend(_items(block, width))
        out.append("")
    out.extend(footnote_lines(view.footnotes))
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"

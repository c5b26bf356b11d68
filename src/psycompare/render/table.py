"""Rich tables for terminals. Data strings are always Text, never markup.

Columns are sized from their content (no word is broken unless it is longer than the
column, as a URL can be); multi-item cells are bullet lists with a hanging indent; when
columns would be narrower than `MIN_COLUMN` the block is stacked, one record after another.
"""

from __future__ import annotations

from typing import IO, Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from psycompare.encoding import fit_encoding
from psycompare.errors import StdoutClosed
from psycompare.render.plain import compact_source_lines, flat, is_heading, row_suffix, source_line
from psycompare.views.base import Block, Cell, View

MIN_COLUMN = 24  # below this a side-by-side column is unreadable: stack instead
SHORT_CELL = 16  # a grid column whose cells are all this short never wraps
MIN_WRAPPED = 16  # the least width a wrapping grid column gets before the block is stacked


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits with status 1 here; psycompare documents 0 for a reader that went away."""
        raise StdoutClosed


# Colour with meaning: a severity word or chart mark stands out; the word or mark itself
# says the same without colour (NO_COLOR, a pipe).
SEVERITY_STYLE = {
    "contraindicated": "bold red",
    "XX": "bold red",
    "major": "red",
    "!!": "red",
    "moderate": "yellow",
    "~": "yellow",
    "not reviewed": "dim",
    "?": "dim",
}
# Approval state: the word is the meaning, the colour only helps the eye find it.
APPROVAL_STYLE = {
    "Approved": "green",
    "Approved (other use)": "cyan",
    "Restricted access": "cyan",
    "Investigational": "yellow",
    "Not approved": "red",
    "no status recorded": "dim",
    "not recorded": "dim",
}
STYLE = {**SEVERITY_STYLE, **APPROVAL_STYLE}
STALE_STYLE = "yellow"  # "(as of D, N months before this dataset)": the words say it too


def render(view: View, file: IO[str], color: bool, width: int = 80, height: int = 24) -> None:
    """Write a view as Rich tables, ``width`` columns wide, in colour or not.

    Every terminal fact is given (the caller's `app.terminal.Terminal` read them once):
    Rich is told the width, height and colour so it reads no COLUMNS, LINES, NO_COLOR,
    FORCE_COLOR or TERM of its own.
    """
    console = _Console(
        file=file,
        no_color=not color,
        color_system="standard" if color else None,  # the 16 named colours the styles use
        force_terminal=color,
        force_interactive=False,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        height=height,
        soft_wrap=False,
    )
    enc = console.encoding
    ascii_only = not enc.lower().startswith("utf")
    r = _Renderer(console, color, ascii_only)
    for block in view.blocks:
        r.block(block)
    for fn in view.footnotes:
        r.sources(fn.label, fn.sources, fn.compact)
    if view.hint:
        console.print(Text(r.fit(view.hint), style="dim" if color else ""))


class _Renderer:
    def __init__(self, console: Console, color: bool, ascii_only: bool) -> None:
        self.console = console
        self.color = color
        self.ascii_only = ascii_only
        self.bullet = "* " if ascii_only else "• "

    def fit(self, text: str) -> str:
        return fit_encoding(text, self.console.encoding) if self.ascii_only else text

    def cell(self, value: Cell, suffix: str = "") -> Any:
        """A str as Text (a severity word or mark in its colour); a list as bullet points."""
        if isinstance(value, str):
            text = Text(self.fit(value), style=STYLE.get(value, "") if self.color else "")
            if suffix:
                text.append(self.fit(suffix), style=_suffix_style(suffix) if self.color else "")
            return text
        parts: list[Any] = []
        current: Table | None = None
        for line in value:
            if is_heading(line):
                parts.append(Text(self.fit(line), style="italic" if self.color else ""))
                current = None
                continue
            if current is None:
                current = Table.grid(padding=(0, 0))
                current.add_column(no_wrap=True)
                current.add_column(overflow="fold")
                parts.append(current)
            current.add_row(Text(self.bullet), Text(self.fit(line)))
        if suffix:
            parts.append(Text(self.fit(suffix.strip()), style="dim" if self.color else ""))
        return Group(*parts)

    def width(self) -> int:
        return self.console.width

    def block(self, block: Block) -> None:
        title = Text(self.fit(block.title), style="bold")
        if not block.rows:  # the title says it all (e.g. a pair with no interaction recorded)
            self.console.print(title)
        elif block.one_line:
            self.one_line(block, title)
        elif block.layout == "records":
            self.records(block, title)
        elif block.layout == "fields":
            self.stacked(block, title)
        else:
            self.grid(block, title, compact=block.layout in ("rows", "wrap", "chart"), tight=block.layout == "chart")

    def one_line(self, block: Block, title: Text) -> None:
        """An overview as `kubectl get` prints one: no frame, a rule under the header, one line
        per row, cells cut at a word boundary to the terminal's width (render/fit.py)."""
        from psycompare.render import fit

        rows = [[flat(c) for c in r.cells] for r in block.rows]
        for cells, r in zip(rows, block.rows, strict=True):
            cells[-1] += row_suffix(r)
        head, body, sizes = fit.fit(block.columns, rows, self.width() - 1, 2, block.drop)
        rule = "-" if self.ascii_only else "\u2500"
        self.console.print(title, crop=True, overflow="ellipsis", no_wrap=True)
        lines = [
            self._line(head, sizes, "bold" if self.color else ""),
            Text("  ".join(rule * w for w in sizes), style="dim" if self.color else ""),
        ]
        lines += [self._line(cells, sizes, "") for cells in body]
        for line in lines:
            line.rstrip()
            self.console.print(line, no_wrap=True, crop=True)

    def _line(self, cells: list[str], sizes: list[int], style: str) -> Text:
        line = Text()
        for k, (value, w) in enumerate(zip(cells, sizes, strict=True)):
            if k:
                line.append("  ")
            cell_style = style or (STYLE.get(value, "") if self.color else "")
            line.append(self.fit(value), style=cell_style)
            line.append(" " * (w - len(value)))
        return line

    def records(self, block: Block, title: Text) -> None:
        """Side by side (compare), or stacked when the columns would be too narrow."""
        names = block.columns[1:]
        label_w = max((len(r.cells[0]) for r in block.rows if isinstance(r.cells[0], str)), default=8)
        label_w = min(label_w, 16)
        free = self.width() - label_w - 2 * len(names)
        if names and free // len(names) >= MIN_COLUMN:
            # no frame, a rule under the names, rows apart by their bold labels: the most text per screen
            table = Table(
                title=title,
                title_justify="left",
                box=box.ASCII2 if self.ascii_only else box.SIMPLE_HEAD,
                show_edge=False,
                padding=(0, 1),
                pad_edge=False,
                header_style="bold" if self.color else "",
            )
            table.add_column(Text(""), style="bold" if self.color else "", width=label_w, overflow="fold")
            for name in names:
                table.add_column(Text(self.fit(name)), ratio=1, overflow="fold")
            for row in block.rows:
                table.add_row(*(self.cell(c) for c in row.cells))
            self.console.print(table)
            return
        self.console.print(title)
        for i, name in enumerate(names, 1):
            table = Table(
                title=Text(self.fit(name), style="bold"),
                title_justify="left",
                box=box.ASCII if self.ascii_only else box.ROUNDED,
                show_header=False,
                show_lines=True,
            )
            table.add_column(max_width=label_w, overflow="fold", style="bold" if self.color else "")
            table.add_column(overflow="fold")
            for row in block.rows:
                table.add_row(self.cell(row.cells[0]), self.cell(row.cells[i]))
            self.console.print(table)

    def grid(self, block: Block, title: Text, compact: bool = False, tight: bool = False) -> None:
        """A table whose columns take the width their content needs, or key: value records.

        Column widths are computed here, not left to Rich: a column never gets less than its
        longest word (up to `MIN_COLUMN`) or, when it wraps, `MIN_WRAPPED`; when that cannot
        fit the block is stacked. Rich's own minimums can add up past the screen and crop
        the right edge.
        """
        cols = block.columns
        suffixes = [row_suffix(r) for r in block.rows]
        last = len(cols) - 1
        hi = [
            max([len(c), *(_cell_len(r.cells[i], suffixes[k] if i == last else "") for k, r in enumerate(block.rows))])
            for i, c in enumerate(cols)
        ]
        words = [_longest_word([c, *(r.cells[i] for r in block.rows)]) for i, c in enumerate(cols)]
        short = [h <= SHORT_CELL for h in hi]
        floor = 8 if compact else MIN_WRAPPED  # a row table wraps a column down to its longest word
        lo = [h if s else min(h, max(floor, min(w, MIN_COLUMN))) for h, s, w in zip(hi, short, words, strict=True)]
        # a border and two spaces of padding a column; a compact row table (kubectl get) has a space
        # of padding and a space between columns; a chart of short marks only the space between
        gap = 1 if tight else 2
        room = self.width() - (gap * len(cols) - 1 if compact else 3 * len(cols) + 1)
        if sum(lo) > room and len(cols) > 2:
            if tight and self.panels(block, title, lo, room):
                return
            self.stacked(block, title)
            return
        widths = _share(lo, hi, room) if sum(lo) <= room else [None] * len(cols)
        if compact:
            table = Table(
                title=title,
                title_justify="left",
                box=box.ASCII2 if self.ascii_only else box.SIMPLE_HEAD,
                header_style="bold" if self.color else "",
                show_edge=False,
                pad_edge=False,
                padding=(0, 0 if tight else 1, 0, 0),
            )
        else:
            table = Table(
                title=title,
                title_justify="left",
                box=box.ASCII if self.ascii_only else box.ROUNDED,
                header_style="bold" if self.color else "",
            )
        for i, col in enumerate(cols):
            table.add_column(Text(self.fit(col)), overflow="fold", no_wrap=short[i], width=widths[i])
        for row, suffix in zip(block.rows, suffixes, strict=True):
            cells = list(row.cells)
            table.add_row(*(self.cell(c, suffix if j == last else "") for j, c in enumerate(cells)))
        self.console.print(table)

    def panels(self, block: Block, title: Text, lo: list[int], room: int) -> bool:
        """A chart too wide for the screen, cut into side panels of whole columns, each with
        the row labels (a matrix stays a matrix, as a wide spreadsheet prints on pages).
        False when not even one column fits beside the labels."""
        from psycompare.render.fit import chart_spans

        spans = chart_spans(lo, room, 1)
        if any(lo[0] + 1 + lo[a] > room for a, _ in spans):  # not even one column beside the labels
            return False
        for n, (a, b) in enumerate(spans, 1):
            part = block._replace(
                title=block.title if n == 1 else f"{block.title} ({n} of {len(spans)})",
                columns=[block.columns[0], *block.columns[a:b]],
                rows=[r._replace(cells=[r.cells[0], *r.cells[a:b]]) for r in block.rows],
            )
            self.grid(part, Text(self.fit(part.title), style="bold"), compact=True, tight=True)
        return True

    def stacked(self, block: Block, title: Text) -> None:
        """One small two-column table per row: field, value (as kubectl describe does)."""
        self.console.print(title)
        for row in block.rows:
            table = Table(box=box.ASCII if self.ascii_only else box.ROUNDED, show_header=False)
            table.add_column(style="bold" if self.color else "", no_wrap=True)
            table.add_column(overflow="fold")
            suffix = row_suffix(row)
            for j, (col, value) in enumerate(zip(block.columns, row.cells, strict=True)):
                if value in ("", "-"):
                    continue
                table.add_row(Text(self.fit(col or "-")), self.cell(value, suffix if j == len(row.cells) - 1 else ""))
            self.console.print(table)

    def sources(self, label: str, sources: list[tuple[int, Any]], compact: bool = False) -> None:
        if not sources:
            return
        style = "dim" if self.color else ""
        self.console.print(Text(self.fit(f"Sources{f' ({label})' if label else ''}:"), style=style))
        width = self.width()
        if compact:
            for line in compact_source_lines(sources, width - 1):
                self.console.print(Text(self.fit(line), style=style), no_wrap=True, crop=True)
            return
        for n, src in sources:
            line = source_line(n, src, width)
            self.console.print(Text(self.fit(line), style=style), no_wrap=True, overflow="ignore", crop=False)


def _suffix_style(suffix: str) -> str:
    """Citation markers dim; a stale fact's age note in the staleness colour."""
    return STALE_STYLE if "months before this dataset" in suffix else "dim"


def _share(lo: list[int], hi: list[int], room: int) -> list[int | None]:
    """Column widths between each minimum and maximum: the spare room goes to the columns
    that wrap, in proportion to what they lack."""
    if sum(hi) <= room:
        return list(hi)
    spare = room - sum(lo)
    lack = [h - low for h, low in zip(hi, lo, strict=True)]
    widths = [low + spare * k // sum(lack) for low, k in zip(lo, lack, strict=True)]
    for i in sorted(range(len(widths)), key=lambda i: -lack[i])[: room - sum(widths)]:
        widths[i] += 1  # what integer division left over
    return list(widths)


def _cell_len(value: Cell, suffix: str) -> int:
    """The width a cell takes on one line: a bullet list adds its bullets, a suffix its marker line."""
    if isinstance(value, str):
        return len(value) + len(suffix)
    return max([len(suffix.strip()), *(len(v) + 2 for v in value)])


def _plain_len(value: Cell) -> int:
    return len(value) if isinstance(value, str) else max((len(v) for v in value), default=0)


def _longest_word(values: list[Cell]) -> int:
    longest = 1
    for value in values:
        for text in [value] if isinstance(value, str) else value:
            for word in text.split():
                if not word.startswith(("http://", "https://")):
                    longest = max(longest, len(word))
    return longest

"""Rich tables for terminals. Data strings are always Text, never markup."""

from __future__ import annotations

from typing import IO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from psycompare.errors import StdoutClosed
from psycompare.output import fit_encoding
from psycompare.render.plain import footnote_lines, row_suffix
from psycompare.views import View


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits with status 1 here; psycompare documents 0 for a reader that went away."""
        raise StdoutClosed


def render(view: View, file: IO[str], color: bool, width: int | None = None) -> None:
    console = _Console(
        file=file,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )
    enc = console.encoding
    ascii_only = not enc.lower().startswith("utf")

    def fit(text: str) -> str:
        return fit_encoding(text, enc) if ascii_only else text

    for block in view.blocks:
        table = Table(
            title=Text(fit(block.title), style="bold"),
            box=box.ASCII if ascii_only else box.ROUNDED,
            show_lines=block.layout == "records",
            title_justify="left",
            header_style="bold" if color else "",
        )
        for i, col in enumerate(block.columns):
            table.add_column(
                Text(fit(col)), overflow="fold", style="bold" if (i == 0 and block.layout == "records") else ""
            )
        for row in block.rows:
            cells = [Text(fit(c)) for c in row.cells]
            suffix = row_suffix(row)
            if suffix:
                cells[-1].append(fit(suffix), style="dim" if color else "")
            table.add_row(*cells)
        console.print(table)
    lines = footnote_lines(view.footnotes)
    if lines:
        console.print(Text(fit("\n".join(lines)), style="dim" if color else ""))

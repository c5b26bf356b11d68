"""Regenerate docs/interactions-chart.svg, the README's picture of every substance against every
class: the `interactions --coverage` chart, rendered from the data by the real table renderer.

    python scripts/interactions_picture.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from psycompare.query import interactions as ix
from psycompare.render import table
from psycompare.store.dataset import Dataset
from psycompare.views import interactions as iv

WIDTH = 80
OUT = Path(__file__).resolve().parent.parent / "docs" / "interactions-chart.svg"


def main() -> int:
    ds = Dataset()
    data = ix.load(ds)
    view = iv.coverage_view(data, *ix.coverage(ds, data))
    buf = io.StringIO()
    table.render(view, buf, color=True, width=WIDTH)
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor", file=io.StringIO())
    console.print("$ psycompare interactions --coverage", style="bold green")
    for line in buf.getvalue().splitlines():
        console.print(Text.from_ansi(line), no_wrap=True, crop=True, overflow="crop")
    OUT.write_text(console.export_svg(title="psycompare interactions --coverage"), "utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Regenerate docs/compare.svg, the README's picture of `psycompare compare ketamine mdma`.

Renders the real view with the real table renderer at 80 columns, in colour, then
records it with Rich and saves SVG. Run after a change to the summary or its data:

    python scripts/readme_picture.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from psycompare.render import table
from psycompare.render.formats import DISCLAIMER
from psycompare.store.dataset import Dataset
from psycompare.views import compare as compare_view

WIDTH = 80
OUT = Path(__file__).resolve().parent.parent / "docs" / "compare.svg"


def main() -> int:
    ds = Dataset()
    subs = [ds.get("ketamine"), ds.get("mdma")]
    view = compare_view.compare_view(ds, subs, compare_view.parse_fields(None), "US")
    buf = io.StringIO()
    table.render(view, buf, color=True, width=WIDTH)
    lines = buf.getvalue().splitlines()
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor", file=io.StringIO())
    console.print("$ psycompare compare ketamine mdma", style="bold green")
    for line in lines:  # the whole summary with its sources and hint, exactly as a terminal shows it
        console.print(Text.from_ansi(line), no_wrap=True, crop=True, overflow="crop")
    console.print(Text(DISCLAIMER, style="dim"), no_wrap=True, crop=True)
    OUT.write_text(console.export_svg(title="psycompare compare ketamine mdma"), "utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Machine formats: JSON, CSV and TOML. No notes, no markers beyond the data itself."""

from __future__ import annotations

import io
from typing import Any

from psycompare.views.base import View


def render_json(view: View, meta: dict[str, Any] | None = None, ascii_only: bool = False) -> str:
    """One compact JSON document, opening with the `meta` object (contract.py) when given;
    ``ascii_only`` writes \\uXXXX escapes for a stdout that cannot encode UTF-8."""
    import json

    data = {"meta": meta, **view.data} if meta is not None else view.data
    # compact: the C encoder is only used without indent (5-10x faster); `jq .` pretty-prints.
    # Views build trees, never cycles, so the encoder's cycle check is skipped (-20% on big lists).
    return json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":"), check_circular=False) + "\n"


def render_jsonl(view: View, key: str, ascii_only: bool = False) -> str:
    """One compact JSON object per line: the items of the view's list ``key`` (no meta)."""
    import json

    enc = json.JSONEncoder(ensure_ascii=ascii_only, separators=(",", ":"), check_circular=False)
    return "".join(enc.encode(item) + "\n" for item in view.data[key])


def render_csv(view: View) -> str:
    import csv

    from psycompare.text import csv_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in view.csv_header])
    # a cell a spreadsheet would evaluate (=, +, -, @...) is neutralised (OWASP)
    writer.writerows([[csv_cell(c) if isinstance(c, str) else c for c in row] for row in view.csv_rows])
    return buf.getvalue()


def drop_none(value: Any) -> Any:
    """TOML has no null: drop None values (recursively)."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value if v is not None]
    return value


def render_toml(view: View, meta: dict[str, Any] | None = None) -> str:
    import tomli_w

    data = {"meta": meta, **view.data} if meta is not None else view.data
    return tomli_w.dumps(drop_none(data))

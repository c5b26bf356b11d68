"""The machine-output contract: the `meta` object, the jsonl streams, the schema names.

Light on purpose (no imports): it runs on every JSON/TOML call. The JSON Schemas
themselves are files in ``psycompare/schemas/`` (built by ``schema/jsonschema.py``).
"""

from __future__ import annotations

from typing import Any

from psycompare import __version__

# Bump on a breaking change to any command's JSON shape (see README "JSON contract").
OUTPUT_SCHEMA_VERSION = 1

# command -> the list a `--format jsonl` call streams, one object per line
STREAMS: dict[str, str] = {
    "list": "substances",
    "show": "substances",
    "status": "substances",
    "side-effects": "substances",
    "sources": "substances",
    "search": "matches",
    "timeline": "events",
    "data-diff": "changes",
}

# the schema that describes each command's JSON document (`psycompare schema NAME`)
OUTPUT_SCHEMAS = (
    "list",
    "show",
    "compare",
    "status",
    "side-effects",
    "sources",
    "search",
    "interactions",
    "interactions-coverage",
    "timeline",
    "data-diff",
)
DATA_SCHEMAS = ("record", "sources-file", "dataset-file", "partners-file", "interactions-file")


def meta(command: str, dataset: dict[str, str] | None) -> dict[str, Any]:
    """What every JSON (and TOML) document opens with."""
    return {
        "psycompare": __version__,
        "output_schema": OUTPUT_SCHEMA_VERSION,
        "command": command,
        "dataset": dataset,
    }

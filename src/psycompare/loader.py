"""Read data files: TOML parsing with located syntax errors, records, sources, dataset info."""

from __future__ import annotations

import os
from typing import Any

from psycompare import model, schema
from psycompare.errors import Problem

_TOML_POS = r"\(at line (\d+), column (\d+)\)"


def read_toml(
    path: str | os.PathLike[str], shown: str | None = None
) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse one TOML file. Returns (data or None, text, problems)."""
    import tomllib

    name = shown or os.fspath(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return None, "", [Problem(name, 1, 1, "(file)", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, "", [Problem(name, line, col, "(file)", "not valid UTF-8")]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as exc:
        import re

        msg = str(exc)
        m = re.search(_TOML_POS, msg)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
        else:  # "(at end of document)"
            lines = text.splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
        msg = re.sub(_TOML_POS, "", msg).replace("(at end of document)", "at end of file").strip()
        return None, text, [Problem(name, line, col, "(syntax)", f"TOML syntax error: {msg}")]


def load_record(
    path: str | os.PathLike[str], origin: str, partial: bool = False, shown: str | None = None
) -> tuple[dict[str, Any] | None, list[Problem], list[tuple[str, schema.Path_]], str]:
    """Read and validate one substance file.

    Returns (fields or None when invalid, problems, cited source ids with paths, text).
    """
    name = shown or os.fspath(path)
    data, text, problems = read_toml(path, name)
    if data is None:
        return None, problems, [], text
    fields, problems, cited = schema.validate_record(data, name, text, origin, partial=partial)
    expected = os.path.splitext(os.path.basename(path))[0]
    if "id" in fields and fields["id"] != expected:
        loc = schema.Locator(text).find(("id",))
        problems.append(
            Problem(name, loc[0], loc[1], "id", f"id {fields['id']!r} does not match the file name {expected!r}")
        )
    return (None if problems else fields), problems, cited, text


def load_sources(
    path: str | os.PathLike[str], origin: str, shown: str | None = None
) -> tuple[dict[str, model.Source], list[Problem]]:
    """Read and validate a ``sources.toml`` (a missing file is an empty registry)."""
    if not os.path.exists(path):
        return {}, []
    name = shown or os.fspath(path)
    data, text, problems = read_toml(path, name)
    if data is None:
        return {}, problems
    return schema.validate_sources(data, name, text, origin)


def load_info(path: str | os.PathLike[str], shown: str | None = None) -> tuple[model.DatasetInfo | None, list[Problem]]:
    """Read ``dataset.toml`` (optional in user directories)."""
    if not os.path.exists(path):
        return None, []
    name = shown or os.fspath(path)
    data, text, problems = read_toml(path, name)
    if data is None:
        return None, problems
    return schema.validate_info(data, name, text)

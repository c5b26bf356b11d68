"""Read data files: TOML parsing with located syntax errors, records, sources, dataset info."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from psycompare import model
from psycompare.errors import Problem
from psycompare.schema.checker import validate_info, validate_sources
from psycompare.schema.fields import Path_
from psycompare.store.records import check_record

_TOML_POS = r"\(at line (\d+), column (\d+)\)"
MAX_FILE_BYTES = 4 * 1024 * 1024  # a data file is a few KB; /dev/zero must not eat the memory
MAX_DEPTH = 32  # a record nests 4 deep; tomllib itself recurses once per level
_MAX_DIGITS = 4300  # int() refuses longer numbers (CVE-2020-10735)

if TYPE_CHECKING:
    from psycompare.schema.locate import Locator


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A data file's bytes: only a regular file, never more than `MAX_FILE_BYTES`.

    Opened with O_NONBLOCK so a FIFO cannot hang the call, then checked with fstat:
    FIFOs, devices and sockets (and symlinks to them, e.g. to /dev/zero) raise
    OSError with a message for the user.
    """
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a FIFO, device or socket)"
            raise OSError(0, kind)
        if st.st_size > MAX_FILE_BYTES:
            raise OSError(0, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew while we read it
                raise OSError(0, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str]) -> str:
    """A data file's text for locating problems ("" when it cannot be read)."""
    try:
        return read_bytes(path).decode("utf-8", "replace")
    except OSError:
        return ""


def read_toml(
    path: str | os.PathLike[str], shown: str | None = None
) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse one TOML file. Returns (data or None, text, problems).

    Whatever the file holds, the result is data or located problems, never an
    exception: unreadable or special files, invalid UTF-8, syntax errors, nesting
    deeper than `MAX_DEPTH`, integers too long for ``int()``, times of day.
    """
    import tomllib

    name = shown or os.fspath(path)
    try:
        raw = read_bytes(path)
    except OSError as exc:
        return None, "", [Problem(name, 1, 1, "(file)", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, "", [Problem(name, line, col, "(file)", "not valid UTF-8")]
    if text.startswith("\ufeff"):
        hint = "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"
        return None, text, [Problem(name, 1, 1, "(file)", hint)]
    try:
        data = tomllib.loads(text)
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
    except ValueError:  # int() refuses more than 4300 digits
        line, col = _long_number(text)
        return None, text, [Problem(name, line, col, "(syntax)", f"a number with more than {_MAX_DIGITS} digits")]
    except RecursionError:  # tomllib recurses once per level: about 300 levels is its limit here
        line, col = _deep_spot(text)
        return None, text, [Problem(name, line, col, "(syntax)", f"nested more than {MAX_DEPTH} levels deep")]
    where = _odd_value(data)
    if where is not None:
        from psycompare.schema.locate import Locator, dotted  # only when there is a problem to locate

        line, col = Locator(text).find(where[0])
        return None, text, [Problem(name, line, col, dotted(where[0]), where[1])]
    return data, text, []


def _deep_spot(text: str) -> tuple[int, int]:
    """Roughly where brackets first open more than MAX_DEPTH deep (strings not skipped: errors only)."""
    depth = 0
    line, start = 1, 0
    for i, c in enumerate(text):
        if c == "\n":
            line, start = line + 1, i + 1
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - start + 1
        elif c in "]}":
            depth = max(depth - 1, 0)
    return 1, 1


def _long_number(text: str) -> tuple[int, int]:
    """Where the first run of more than `_MAX_DIGITS` digits starts."""
    line, start, run = 1, 0, 0
    for i, c in enumerate(text):
        if "0" <= c <= "9" or (c == "_" and run):
            run += 1
            if run > _MAX_DIGITS:
                i0 = i - run + 1
                return line, i0 - start + 1
        else:
            run = 0
            if c == "\n":
                line, start = line + 1, i + 1
    return 1, 1


def _odd_value(data: dict[str, Any]) -> tuple[tuple[str | int, ...], str] | None:
    """The first value no data file may hold: a time of day, or nesting over MAX_DEPTH.

    Iterative, so depth costs no stack.
    """
    from datetime import time

    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[:1], f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, time):
            return path, f"a time of day ({value.isoformat()}) is not a value psycompare reads; use a date"
    return None


def load_record(
    path: str | os.PathLike[str],
    origin: str,
    partial: bool = False,
    shown: str | None = None,
    known: Callable[[str], bool] | None = None,
) -> tuple[dict[str, Any] | None, list[Problem], list[tuple[str, Path_]], str]:
    """Read and check one substance file (`check_record`).

    Returns (fields, or None when they are not whole; problems; cited source ids with paths; text).
    """
    name = shown or os.fspath(path)
    data, text, problems = read_toml(path, name)
    if data is None:
        return None, problems, [], text
    expected = os.path.splitext(os.path.basename(path))[0]
    fields, problems, cited, whole = check_record(data, name, text, origin, expected, known, partial=partial)
    return (fields if whole else None), problems, cited, text


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
    return validate_sources(data, name, text, origin)


def load_info(path: str | os.PathLike[str], shown: str | None = None) -> tuple[model.DatasetInfo | None, list[Problem]]:
    """Read ``dataset.toml`` (optional in user directories)."""
    if not os.path.exists(path):
        return None, []
    name = shown or os.fspath(path)
    data, text, problems = read_toml(path, name)
    if data is None:
        return None, problems
    return validate_info(data, name, text)


class Locators:
    """One `Locator` per file, built on first use: locating N problems is linear in N
    and the file size, never N scans of the file (audit 2026-12-04 H5)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._texts = dict(texts or {})
        self._found: dict[str, Locator] = {}

    def find(self, file: str, where: Path_) -> tuple[int, int]:
        loc = self._found.get(file)
        if loc is None:
            from psycompare.schema.locate import Locator

            text = self._texts.get(file)
            loc = self._found[file] = Locator(read_text(file) if text is None else text)
        return loc.find(where)

    def problem(self, file: str, where: Path_, message: str, field: str | None = None) -> Problem:
        """A problem at ``where`` in ``file``, its field named by the path unless ``field`` says."""
        line, col = self.find(file, where)
        from psycompare.schema.locate import dotted

        return Problem(file, line, col, dotted(where) if field is None else field, message)

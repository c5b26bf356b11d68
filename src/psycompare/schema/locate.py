"""Where a field path is in a TOML text (`Locator`: line and column, 1-based), and the path
as people read it (`dotted`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycompare.schema.fields import Path_


def dotted(path: Path_) -> str:
    """Render a field path as ``status[2].approval``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(file)"


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _header_of(line: str) -> tuple[bool, str] | None:
    """``(is_array, name)`` for a table header line such as ``[[status]]  # note``, else None.

    Plain string scanning, linear in the line: the regular expression it replaces was
    cubic on a line like ``[`` followed by thousands of spaces.
    """
    s = line.strip()
    if not s.startswith("["):
        return None
    array = s.startswith("[[")
    body = s[2:] if array else s[1:]
    end = body.find("]")
    if end < 0:
        return None
    name, rest = body[:end].strip(), body[end + 1 :]
    if rest.startswith("]"):
        rest = rest[1:]
    rest = rest.strip()
    if not name or (rest and not rest.startswith("#")):
        return None
    return array, name


def _key_of(line: str) -> tuple[str, int] | None:
    """``(key, 1-based column)`` for a line ``key = ...``, ``"key" = ...`` or ``'key' = ...``."""
    stripped = line.lstrip()
    if not stripped:
        return None
    start = len(line) - len(stripped)
    q = stripped[0]
    if q in "\"'":
        close = stripped.find(q, 1)
        if close < 0:
            return None
        key, rest = stripped[1:close], stripped[close + 1 :]
    else:
        key, eq, _ = stripped.partition("=")
        key = key.rstrip()
        if not eq or not key or not set(key) <= _BARE_KEY:
            return None
        return key, start + 1
    return (key, start + 1) if rest.lstrip().startswith("=") else None


class Locator:
    """Finds the line and column of a field path in a TOML text (1-based).

    A light scan of table headers and keys; it does not parse values, so for a key
    inside an inline table or a multi-line array it points at the enclosing key.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (line index, header name, index among same-named array headers or -1)
        self.headers: list[tuple[int, str, int]] = []
        # (header name, index) -> position in headers of its first occurrence: find() is O(1)
        # in the number of headers (4,000 located problems in one file cost 4,000 lookups,
        # not 4,000 scans; audit 2026-12-04 H5 and L7)
        self._at: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        for i, line in enumerate(self.lines):
            found = _header_of(line)
            if found and not _key_of(line):
                array, name = found
                name = name.strip("\"'")
                if array:
                    counts[name] = counts.get(name, -1) + 1
                    entry = (i, name, counts[name])
                else:
                    entry = (i, name, -1)
                self._at.setdefault((name, entry[2]), len(self.headers))
                self.headers.append(entry)

    def _block(self, pos: int) -> range:
        start = self.headers[pos][0]
        end = self.headers[pos + 1][0] if pos + 1 < len(self.headers) else len(self.lines)
        return range(start + 1, end)

    def _key_in(self, rows: range, key: str) -> tuple[int, int] | None:
        for i in rows:
            found = _key_of(self.lines[i])
            if found and found[0] == key:
                return i + 1, found[1]
        return None

    def find(self, path: Path_) -> tuple[int, int]:
        if not path:
            return 1, 1
        head, rest = path[0], path[1:]
        index = -1
        if rest and isinstance(rest[0], int):
            index, rest = rest[0], rest[1:]
        top = range(0, self.headers[0][0] if self.headers else len(self.lines))
        pos = self._at.get((str(head), index))
        if pos is not None:
            i = self.headers[pos][0]
            key = next((p for p in rest if isinstance(p, str)), None)
            if key is not None:
                found = self._key_in(self._block(pos), key)
                if found:
                    return found
            return i + 1, 1
        # a top-level key (or a table written inline / as a dotted key)
        found = self._key_in(top, str(head))
        if found:
            return found
        return (self.headers[-1][0] + 1 if self.headers else len(self.lines) or 1), 1

"""The checked interaction data, kept in the private cache folder as SQLite and read lazily.

`interactions.load_dirs` validates every rule and partner once per version of the files;
the result is written here (built in memory, written through the checked folder's
descriptor) and later calls open it through `index._sqlite_on`, which makes SQLite read the
very inode that was checked (audit 2026-12-04 H2). Reads are by key: a two-name query
reads the few partners, names and rules it needs, whatever the number of rules (M8).
Every value carries the index's CRC seal; a value that fails it switches that table to the
data built from the files (never a wrong answer, never an error).
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date as Date
from typing import Any, Generic, TypeVar

from psycompare.interaction_model import InteractionData, Partner, Rule
from psycompare.store.cache import Corrupt, _seal, _sqlite_on, _unseal, open_private_dir, read_private, write_private

V = TypeVar("V")
TABLES = ("partners", "subs", "keys", "key_from", "by_id", "rules", "cited")


class _Table(Mapping[Any, V], Generic[V]):
    """One table of the cache as a read-only mapping, each value unsealed on first use."""

    def __init__(self, db: Any, name: str, make: Callable[[Any], V], full: Callable[[], Mapping[Any, V]]) -> None:
        self._db, self._name, self._make, self._full_of = db, name, make, full
        self._memo: dict[Any, V] = {}
        self._all = False
        self._fallback: Mapping[Any, V] | None = None

    def _damaged(self) -> Mapping[Any, V]:
        if self._fallback is None:
            self._fallback = self._full_of()
        return self._fallback

    def _value(self, key: Any, blob: object) -> V:
        return self._make(_unseal(b"%s:%s" % (self._name.encode(), str(key).encode()), blob))

    def __getitem__(self, key: Any) -> V:
        if self._fallback is not None:
            return self._fallback[key]
        if key in self._memo:
            return self._memo[key]
        if self._all:
            raise KeyError(key)
        try:
            row = self._db.execute(f"SELECT v FROM {self._name} WHERE k=?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            value = self._memo[key] = self._value(key, row[0])
        except KeyError:
            raise
        except Exception:  # a damaged value or file: the data built from the files
            return self._damaged()[key]
        return value

    def prefetch(self, keys: Iterable[Any]) -> None:
        """Read many values in a few queries (a one-name query touches thousands of rules)."""
        if self._all or self._fallback is not None:
            return
        todo = [k for k in dict.fromkeys(keys) if k not in self._memo]
        try:
            for i in range(0, len(todo), 500):
                chunk = todo[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for k, v in self._db.execute(f"SELECT k, v FROM {self._name} WHERE k IN ({marks})", chunk):
                    self._memo[k] = self._value(k, v)
        except Exception:
            self._damaged()

    def __contains__(self, key: object) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def _fill(self) -> None:
        if self._all or self._fallback is not None:
            return
        try:
            ordered: dict[Any, V] = {}  # the file's order, whatever was read before by key
            for k, v in self._db.execute(f"SELECT k, v FROM {self._name} ORDER BY rowid"):
                ordered[k] = self._memo[k] if k in self._memo else self._value(k, v)
            self._memo = ordered
            self._all = True
        except Exception:
            self._damaged()

    def __iter__(self) -> Iterator[Any]:
        self._fill()
        return iter(self._fallback if self._fallback is not None else self._memo)

    def __len__(self) -> int:
        self._fill()
        return len(self._fallback if self._fallback is not None else self._memo)


class _Rows(Sequence[V], Generic[V]):
    """A table keyed 0..n-1 as a sequence (the rules, the citations)."""

    def __init__(self, table: _Table[V], count: int) -> None:
        self._table, self._count = table, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(i)
        return self._table[i]

    def prefetch(self, indices: Iterable[int]) -> None:
        self._table.prefetch(indices)

    def __iter__(self) -> Iterator[V]:
        self._table._fill()
        for i in range(self._count):
            yield self._table[i]


def _day(x: Date | None) -> int:
    return x.toordinal() if x else 0


def _undate(n: int) -> Date | None:
    return Date.fromordinal(n) if n else None


def _rows(data: InteractionData) -> dict[str, list[tuple[Any, Any]]]:
    return {
        "partners": [(k, tuple(p)) for k, p in data.partners.items()],
        "subs": [(k, tuple(p)) for k, p in data.substance_classes.items()],
        "keys": list(data.keys.items()),
        "key_from": list(data.key_from.items()),
        "by_id": list(data.by_id.items()),
        "by_id_n": [(k, len(v)) for k, v in data.by_id.items()],
        "rules": [(n, (*r[:10], _day(r.as_of), *r[11:])) for n, r in enumerate(data.rules)],
        "cited": list(enumerate(data.cited)),
    }


def _meta(data: InteractionData) -> dict[str, Any]:
    return {
        "reviewed": _day(data.reviewed),
        "problems": [tuple(p) for p in data.problems],
        "cycles": data.cycles,
        "cited_ids": sorted(data.cited_ids),
        "rule_subs": data.rule_subs,
        "counts": (len(data.rules), len(data.cited)),
    }


def write(dir_fd: int, name: str, head: bytes, data: InteractionData) -> None:
    import sqlite3

    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB)")
        for table, rows in _rows(data).items():
            kind = "INTEGER" if table in ("rules", "cited") else "TEXT"
            db.execute(f"CREATE TABLE {table}(k {kind} PRIMARY KEY, v BLOB)")
            tag = table.encode()
            db.executemany(
                f"INSERT INTO {table} VALUES (?, ?)",
                ((k, _seal(b"%s:%s" % (tag, str(k).encode()), v)) for k, v in rows),
            )
        meta = {**_meta(data), "head": head}
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)", ((k, _seal(b"meta:" + k.encode(), v)) for k, v in meta.items())
        )
        db.commit()
        blob = db.serialize()
    finally:
        db.close()
    write_private(dir_fd, name, blob)


def read(folder: str, name: str, head: bytes, build: Callable[[], InteractionData]) -> InteractionData | None:
    """The cached data if the file is ours and was written for ``head``, else None (``build``
    makes the data from the files, for a table whose values fail their check)."""
    from psycompare.errors import Problem
    from psycompare.store.cache import _open_private_file

    dir_fd = open_private_dir(folder)
    if dir_fd is None:
        return None
    try:
        found = _open_private_file(dir_fd, name)
        if found is None:
            return None
        fd, st = found
        try:
            db = _sqlite_on(os.path.join(folder, name), fd, st)
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)
    if db is None:
        return None
    try:
        meta = {k: _unseal(b"meta:" + k.encode(), v) for k, v in db.execute("SELECT k, v FROM meta")}
        if meta.get("head") != head:
            db.close()
            return None
    except Exception:
        db.close()
        return None
    built: list[InteractionData] = []

    def full() -> InteractionData:
        if not built:
            built.append(build())
        return built[0]

    new_partner, new_rule = Partner._make, Rule._make

    def table(name: str, make: Callable[[Any], Any], field: str) -> _Table[Any]:
        return _Table(db, name, make, lambda: getattr(full(), field))

    def rule(t: Any) -> Any:
        return new_rule((*t[:10], _undate(t[10]), *t[11:]))

    rules_t = table("rules", rule, "rules")
    cited_t = table("cited", tuple, "cited")
    n_rules, n_cited = meta["counts"]
    rules_t._full_of = lambda: dict(enumerate(full().rules))
    cited_t._full_of = lambda: dict(enumerate(full().cited))
    return InteractionData(
        table("partners", new_partner, "partners"),
        table("subs", new_partner, "substance_classes"),
        table("keys", str, "keys"),
        _Rows(rules_t, n_rules),
        _undate(meta["reviewed"]),
        tuple(Problem._make(p) for p in meta["problems"]),
        _Rows(cited_t, n_cited),
        table("key_from", tuple, "key_from"),
        table("by_id", tuple, "by_id"),
        tuple(tuple(c) for c in meta["cycles"]),
        frozenset(meta["cited_ids"]),
        tuple(meta["rule_subs"]),
        _Table(db, "by_id_n", int, lambda: {k: len(v) for k, v in full().by_id.items()}),
    )


def head_of(parts: Any) -> bytes:
    return marshal.dumps(parts)


__all__ = ["Corrupt", "read", "write", "head_of", "read_private"]

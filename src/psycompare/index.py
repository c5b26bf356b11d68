"""The per-directory index: name -> record file, list summaries, sources, raw record blobs.

A lookup must not depend on the size of the dataset, so each data directory gets
an index, cached in one SQLite file per directory under the user's cache folder.

Correctness rules (the cache must be invisible):
- The cache is keyed on the psycompare version and the (mtime_ns, size) of the
  directory's ``substances/`` folder, ``sources.toml`` and ``dataset.toml``:
  adding, removing or renaming a record, or editing the registry, rebuilds it.
- A record is re-checked against its file's (mtime_ns, size) when it is read; an
  in-place edit triggers a rebuild. A name that is not found triggers a full
  stat check of the directory before "not found" is reported.
- Nothing whose mtime is within two seconds of now is trusted (racy writes).
- Writes go to a temporary file and are renamed into place (atomic; two processes
  racing both write complete files). An unwritable, missing or corrupt cache
  folder silently falls back to an in-memory index.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from psycompare import __version__, model
from psycompare.errors import Problem
from psycompare.loader import load_info, load_sources, read_toml

INDEX_FORMAT = 7
RACY_NS = 2_000_000_000


def normalize(name: str) -> str:
    """The lookup key of a name: case-folded, whitespace collapsed."""
    return " ".join(name.casefold().split())


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def _freeze(value: Any) -> Any:
    """Make parsed TOML marshal-able: dates become ('d', iso) tuples."""
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    if isinstance(value, date):
        return ("d", value.isoformat()) if not hasattr(value, "hour") else ("t", value.isoformat())
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple):
        from datetime import datetime

        return date.fromisoformat(value[1]) if value[0] == "d" else datetime.fromisoformat(value[1])
    return value


class Entry(NamedTuple):
    """What the index knows about one record file."""

    id: str
    file: str
    stat: tuple[int, int]
    keys: tuple[str, ...]
    summary: dict[str, str | None]  # LIST_FIELDS
    blob: bytes | None = None  # marshalled raw TOML data, None if not cached
    problems: tuple[Problem, ...] = ()


LIST_FIELDS = ("id", "name", "generic_name", "class", "us_approval", "us_schedule", "us_as_of", "reviewed")


def _summary(data: dict[str, Any], file_id: str) -> dict[str, str | None]:
    """The row `list` shows (LIST_FIELDS, None where missing), read loosely from raw data.

    Built in JSON order at index time, so `list --format json` does no per-row work.
    """
    out: dict[str, str | None] = dict.fromkeys(LIST_FIELDS)
    out["id"] = file_id
    for key in ("name", "generic_name"):
        if isinstance(data.get(key), str):
            out[key] = data[key]
    cls = data.get("class")
    if isinstance(cls, dict) and isinstance(cls.get("text"), str):
        out["class"] = cls["text"]
    reviewed = data.get("reviewed")
    if isinstance(reviewed, date):
        out["reviewed"] = reviewed.isoformat()
    status = data.get("status")
    if isinstance(status, list):
        for entry in status:
            if isinstance(entry, dict) and entry.get("jurisdiction") == "US":
                for key in ("approval", "schedule"):
                    if isinstance(entry.get(key), str):
                        out["us_" + key] = entry[key]
                if isinstance(entry.get("as_of"), date):
                    out["us_as_of"] = entry["as_of"].isoformat()
    return out


def _keys(data: dict[str, Any], file_id: str) -> tuple[str, ...]:
    names = [file_id]
    for key in ("id", "name", "generic_name"):
        if isinstance(data.get(key), str):
            names.append(data[key])
    aliases = data.get("aliases")
    if isinstance(aliases, list):
        names.extend(a for a in aliases if isinstance(a, str))
    return tuple(dict.fromkeys(normalize(n) for n in names if n.strip()))


class IndexData:
    """A fully built index of one directory."""

    __slots__ = ("signature", "entries", "keys", "sources", "source_problems", "info", "info_problems")

    def __init__(self, signature: str) -> None:
        self.signature = signature
        self.entries: dict[str, Entry] = {}
        self.keys: dict[str, list[str]] = {}
        self.sources: dict[str, model.Source] = {}
        self.source_problems: list[Problem] = []
        self.info: model.DatasetInfo | None = None
        self.info_problems: list[Problem] = []


class DirIndex:
    """Index of one data directory, cached on disk when possible."""

    def __init__(self, root: str, origin: str, cache_dir: str | None) -> None:
        self.root = root
        self.origin = origin
        self.cache_dir = cache_dir
        self.subdir = os.path.join(root, "substances")
        self._mem: IndexData | None = None
        self._db: Any = None
        self._source_problems: list[Problem] | None = None

    # -- signature and cache file -----------------------------------------------------------

    def _signature(self) -> tuple[str, bool]:
        stats = [_stat(self.subdir), _stat(self._file("sources.toml")), _stat(self._file("dataset.toml"))]
        now = time.time_ns()
        racy = any(m > now - RACY_NS for m, _ in stats)
        sig = f"{__version__}|{INDEX_FORMAT}|{self.root}|" + "|".join(f"{m}:{s}" for m, s in stats)
        return sig, racy

    def _file(self, name: str) -> str:
        return os.path.join(self.root, name)

    def _cache_file(self) -> str | None:
        if self.cache_dir is None:
            return None
        from binascii import crc32  # zlib's crc32 costs 3x as much to import

        raw = self.root.encode("utf-8", "surrogateescape")
        key = f"{crc32(raw):08x}{len(raw):04x}"  # a collision only costs a rebuild: the signature names the root
        return os.path.join(self.cache_dir, f"index-v{INDEX_FORMAT}-{key}.sqlite")

    def _open(self) -> None:
        """Open a fresh cache, or build the index (and try to cache it)."""
        if self._db is not None or self._mem is not None:
            return
        sig, racy = self._signature()
        path = self._cache_file()
        if path is not None and not racy:
            import sqlite3

            try:
                if os.path.exists(path):
                    db = sqlite3.connect(path)
                    row = db.execute("SELECT value FROM meta WHERE key='signature'").fetchone()
                    if row and row[0] == sig:
                        self._db = db
                        return
                    db.close()
            except sqlite3.Error:
                pass
        data = self._build(sig)
        if path is not None and not racy:
            self._write(path, data)
        self._mem = data

    def rebuild(self) -> None:
        """Drop whatever is loaded and build again from the files."""
        if self._db is not None:
            self._db.close()
        self._db = None
        self._mem = None
        self._source_problems = None
        sig, racy = self._signature()
        data = self._build(sig)
        path = self._cache_file()
        if path is not None and not racy:
            self._write(path, data)
        self._mem = data

    def _build(self, sig: str) -> IndexData:
        data = IndexData(signature=sig)
        now = time.time_ns()
        try:
            names = sorted(e.name for e in os.scandir(self.subdir) if e.name.endswith(".toml"))
        except OSError:
            names = []
        for name in names:
            path = os.path.join(self.subdir, name)
            file_id = name[: -len(".toml")]
            st = _stat(path)
            raw, _, problems = read_toml(path)
            if raw is None:
                entry = Entry(file_id, name, st, (normalize(file_id),), _summary({}, file_id), None, tuple(problems))
            else:
                blob = marshal.dumps(_freeze(raw)) if st[0] <= now - RACY_NS else None
                entry = Entry(file_id, name, st, _keys(raw, file_id), _summary(raw, file_id), blob)
            data.entries[file_id] = entry
            for key in entry.keys:
                data.keys.setdefault(key, []).append(file_id)
        data.sources, data.source_problems = load_sources(self._file("sources.toml"), self.origin)
        data.info, data.info_problems = load_info(self._file("dataset.toml"))
        return data

    def _write(self, path: str, data: IndexData) -> None:
        import sqlite3

        folder, name = os.path.split(path)
        tmp = os.path.join(folder, f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        try:
            os.makedirs(folder, exist_ok=True)
            db = sqlite3.connect(tmp)
            try:
                db.executescript(
                    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
                    "CREATE TABLE entries(id TEXT PRIMARY KEY, value BLOB, raw BLOB);"
                    "CREATE TABLE keys(key TEXT, id TEXT);"
                    "CREATE INDEX keys_key ON keys(key);"
                    "CREATE TABLE sources(id TEXT PRIMARY KEY, value BLOB);"
                )
                db.executemany(
                    "INSERT INTO entries VALUES (?, ?, ?)",
                    ((e.id, marshal.dumps(_entry_tuple(e)), e.blob) for e in data.entries.values()),
                )
                db.executemany("INSERT INTO keys VALUES (?, ?)", ((k, i) for k, ids in data.keys.items() for i in ids))
                db.executemany(
                    "INSERT INTO sources VALUES (?, ?)",
                    ((s.id, marshal.dumps(_source_tuple(s))) for s in data.sources.values()),
                )
                meta = {
                    # `list` reads every record's file stat and row with one query and one marshal.loads
                    "listing": marshal.dumps(
                        ([(e.file, *e.stat) for e in data.entries.values()], [e.summary for e in data.entries.values()])
                    ),
                    "source_problems": marshal.dumps([_problem_tuple(p) for p in data.source_problems]),
                    "info": marshal.dumps((data.info.version, data.info.date.isoformat()) if data.info else None),
                    "info_problems": marshal.dumps([_problem_tuple(p) for p in data.info_problems]),
                    # written last: a reader trusts the file only when the signature matches
                    "signature": data.signature,
                }
                db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                db.commit()
            finally:
                db.close()
            os.replace(tmp, path)
            _remove_other_formats(folder, name)
        except (OSError, sqlite3.Error):
            try:
                os.unlink(tmp)
            except OSError:
                pass

    # -- queries ------------------------------------------------------------------------------

    def lookup(self, key: str) -> list[str]:
        """Ids of records with this normalized name, id or alias."""
        self._open()
        if self._mem is not None:
            return list(self._mem.keys.get(key, ()))
        return [r[0] for r in self._db.execute("SELECT id FROM keys WHERE key=? ORDER BY rowid", (key,))]

    def entry(self, file_id: str) -> Entry | None:
        self._open()
        if self._mem is not None:
            return self._mem.entries.get(file_id)
        row = self._db.execute("SELECT value FROM entries WHERE id=?", (file_id,)).fetchone()
        return _entry_from(marshal.loads(row[0])) if row else None

    def entries_unchecked(self) -> list[Entry]:
        """Every entry as indexed (for suggestions and completion, where stale is harmless)."""
        self._open()
        if self._mem is not None:
            return list(self._mem.entries.values())
        return [_entry_from(marshal.loads(r[0])) for r in self._db.execute("SELECT value FROM entries ORDER BY id")]

    def listing(self) -> list[dict[str, str | None]]:
        """The `list` row of every record (see `_summary`), sorted by id, stat-checked."""
        self._open()
        if self._mem is not None:
            return [e.summary for e in self._mem.entries.values()]
        stored: tuple[list[tuple[str, int, int]], list[dict[str, str | None]]] | None = self._meta("listing")
        if stored is None or not self._unchanged(stored[0]):
            self.rebuild()
            return self.listing()
        return stored[1]

    def is_fresh(self) -> bool:
        """True when every indexed file still has the stat it was indexed with."""
        self._open()
        if self._mem is not None:
            return True
        stored = self._meta("listing")
        return stored is not None and self._unchanged(stored[0])

    def _unchanged(self, files: Iterable[tuple[str, int, int]]) -> bool:
        """True when every (file name, mtime_ns, size) still matches its file in substances/."""
        try:
            fd = os.open(self.subdir, os.O_RDONLY) if os.stat in os.supports_dir_fd else None
        except OSError:
            return False
        base = "" if fd is not None else self.subdir + os.sep
        try:
            for name, mtime, size in files:  # names relative to an open directory: ~20% faster than paths
                try:
                    st = os.stat(base + name, dir_fd=fd)
                except OSError:
                    return False
                if st.st_mtime_ns != mtime or st.st_size != size:
                    return False
            return True
        finally:
            if fd is not None:
                os.close(fd)

    def raw(self, file_id: str) -> tuple[dict[str, Any] | None, list[Problem], str]:
        """The parsed TOML of one record (from the cache when its file is unchanged), problems, file path."""
        entry = self.entry(file_id)
        if entry is None:
            return None, [], os.path.join(self.subdir, f"{file_id}.toml")
        path = os.path.join(self.subdir, entry.file)
        blob = entry.blob
        if blob is None and self._db is not None:
            row = self._db.execute("SELECT raw FROM entries WHERE id=?", (file_id,)).fetchone()
            blob = row[0] if row else None
        if blob is not None and _stat(path) == entry.stat:
            return _thaw(marshal.loads(blob)), [], path
        raw, _, problems = read_toml(path)
        return raw, problems, path

    def stale(self, file_id: str) -> bool:
        entry = self.entry(file_id)
        return entry is None or _stat(os.path.join(self.subdir, entry.file)) != entry.stat

    def source(self, source_id: str) -> model.Source | None:
        self._open()
        if self._mem is not None:
            return self._mem.sources.get(source_id)
        row = self._db.execute("SELECT value FROM sources WHERE id=?", (source_id,)).fetchone()
        return _source_from(marshal.loads(row[0]), self.origin) if row else None

    def all_sources(self) -> dict[str, model.Source]:
        self._open()
        if self._mem is not None:
            return dict(self._mem.sources)
        return {
            r[0]: _source_from(marshal.loads(r[1]), self.origin)
            for r in self._db.execute("SELECT id, value FROM sources ORDER BY rowid")
        }

    def _meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return marshal.loads(row[0]) if row else None

    def source_problems(self) -> list[Problem]:
        self._open()
        if self._mem is not None:
            return self._mem.source_problems
        if self._source_problems is None:
            self._source_problems = [Problem(*p) for p in self._meta("source_problems") or ()]
        return self._source_problems

    def info(self) -> tuple[model.DatasetInfo | None, list[Problem]]:
        self._open()
        if self._mem is not None:
            return self._mem.info, self._mem.info_problems
        info = self._meta("info")
        problems = [Problem(*p) for p in self._meta("info_problems") or ()]
        return (model.DatasetInfo(info[0], date.fromisoformat(info[1])) if info else None), problems


def _remove_other_formats(folder: str, name: str) -> None:
    """Delete caches of the same data directory left by other index formats (older versions)."""
    same_dir = "-" + name.split("-", 2)[2]  # "-<key>.sqlite"
    try:
        for other in os.listdir(folder):
            if other != name and other.startswith("index-v") and other.endswith(same_dir):
                os.unlink(os.path.join(folder, other))
    except OSError:
        pass


def _problem_tuple(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line, p.col, p.field, p.message)


def _entry_tuple(e: Entry) -> tuple[Any, ...]:
    """Everything but the parsed record, which has its own column (``list`` never reads it).

    Laid out as an Entry, with tuples where Entry has tuples (marshal keeps them).
    """
    return (e.id, e.file, e.stat, e.keys, e.summary, None, tuple(_problem_tuple(p) for p in e.problems))


def _entry_from(t: tuple[Any, ...]) -> Entry:
    entry = _new_entry(t)  # no per-field work: 10,000 entries in ~2 ms
    if entry.problems:
        entry = entry._replace(problems=tuple(Problem(*p) for p in entry.problems))
    return entry


_new_entry = Entry._make


def _source_tuple(s: model.Source) -> tuple[str | bool, ...]:
    return (s.id, s.kind, s.title, s.publisher, s.date.isoformat(), s.url, s.pmid, s.doi, s.secondary, s.note)


def _source_from(t: tuple[Any, ...], origin: str) -> model.Source:
    return model.Source(t[0], t[1], t[2], t[3], date.fromisoformat(t[4]), t[5], t[6], t[7], t[8], t[9], origin)

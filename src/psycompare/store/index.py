# Over 500 lines: DirIndex is one class (~360 lines) whose build, cache checks and queries share one open cache file.
"""The per-directory index: name -> record file, list summaries, sources, raw record blobs.

The sealed values, the private folder and safe writes it stands on are `store.cache`; the
lookup-key rule and the list row are `store.names`.

A lookup must not depend on the size of the dataset, so each data directory gets
an index, cached in one SQLite file per directory under the user's cache folder.

The cache can never change an answer. A cached part is used only when it provably
matches its file; on any doubt the index is rebuilt from the files:
- Each file is known by its stat key (mtime_ns, size, inode, ctime_ns). The cache
  as a whole is keyed on the psycompare version, the index format, the directory
  and the stat keys of ``substances/``, ``sources.toml`` and ``dataset.toml``.
- A record's row, names and parsed data are re-checked against its file's stat key
  when used: ``list`` checks every file, a lookup checks the files its name points
  to, and a name that is not found triggers a full check before "not found".
- Racy timestamps (git's rule): a file whose mtime or ctime is within two seconds
  of the build is stored with a stat key that never matches, so every part of it
  (row, names, data) is read again from the file by a later call; a racy
  ``substances/``, ``sources.toml`` or ``dataset.toml`` is not cached at all.
- Every value read from the file carries a CRC-32 of its bytes and of what it is
  (which row, which bucket); names and sources sit in hash buckets that are all
  present, so a missing row is detected like a damaged one. A mismatch, or any
  SQLite or marshal error, drops the cache file and rebuilds from the files.
- The cache folder is created 0700 and used only when it is a directory owned by
  the user and not writable by group or others (else the index stays in memory);
  the cache file must be a regular file with the same owner. Files are 0600.
- Writes go to a temporary file (no journal) that is renamed into place; an
  interrupt (SIGINT, SIGTERM, SIGHUP) removes it, and temporary files of dead
  writers are swept later. The file name carries the version and index format,
  so two installed versions keep their own caches; another version's cache of
  the same directory is deleted only after 30 days without use.
"""

import marshal
import os
import time
from binascii import crc32  # zlib's crc32 costs 3x as much to import
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, NamedTuple

from psycompare import __version__, model
from psycompare.errors import Problem
from psycompare.store.cache import (
    INDEX_FORMAT,
    Corrupt,
    _b,
    _blob,
    _catch_signals,
    _digest,
    _open_private_file,
    _seal,
    _Signal,
    _sqlite_on,
    _sweep,
    _thaw,
    _unseal,
    open_private_dir,
    private_dir,
    read_private,
    read_toml_cached,
    write_private,
)
from psycompare.store.files import load_info, load_sources, read_toml
from psycompare.store.names import LIST_FIELDS, _keys, _summary, identifier_keys, normalize

# Imported from here by store/ix_cache.py, store/interactions.py and tests: the cache's parts they use.
__all__ = [
    "INDEX_FORMAT",
    "LIST_FIELDS",
    "Corrupt",
    "DirIndex",
    "Entry",
    "_b",
    "_digest",
    "_open_private_file",
    "_seal",
    "_sqlite_on",
    "_unseal",
    "normalize",
    "open_private_dir",
    "private_dir",
    "read_private",
    "read_toml_cached",
    "write_private",
]

RACY_NS = 2_000_000_000

Stat = tuple[int, int, int, int]  # (mtime_ns, size, inode, ctime_ns)
MISSING: Stat = (0, -1, 0, 0)
RACY: Stat = (-1, -1, -1, -1)  # stored for racy files: never equals a real stat


def _now() -> int:
    """The clock the racy rule reads (tests move it)."""
    return time.time_ns()


def _stat_key(st: os.stat_result) -> Stat:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def _stat(path: str) -> Stat:
    try:
        return _stat_key(os.stat(path))
    except (OSError, ValueError):
        return MISSING


def _racy(st: Stat, now: int) -> bool:
    """A file changed so recently that a later change could leave the same stat key.

    ctime is set by the kernel on every change; an mtime in the same window counts
    too (file systems that do not keep ctime), an mtime far in the future does not.
    """
    mtime, _, _, ctime = st
    return ctime > now - RACY_NS or now - RACY_NS < mtime < now + RACY_NS


def _bucket(key: str, count: int) -> int:
    return crc32(_b(key)) % count


class Entry(NamedTuple):
    """What the index knows about one record file."""

    id: str
    file: str
    stat: Stat
    keys: tuple[str, ...]
    summary: dict[str, str | None]  # LIST_FIELDS
    blob: bytes | None = None  # marshalled raw TOML data, None if not cached
    problems: tuple[Problem, ...] = ()


class IndexData:
    """A fully built index of one directory."""

    __slots__ = (
        "signature",
        "now",
        "entries",
        "keys",
        "sources",
        "source_problems",
        "info",
        "info_problems",
        "dir_problems",
        "identifiers",
    )

    def __init__(self, signature: tuple[Any, ...], now: int) -> None:
        self.signature = signature
        self.now = now  # when the files were read (the racy rule's reference)
        self.entries: dict[str, Entry] = {}
        self.keys: dict[str, list[str]] = {}
        self.sources: dict[str, model.Source] = {}
        self.source_problems: list[Problem] = []
        self.info: model.DatasetInfo | None = None
        self.info_problems: list[Problem] = []
        self.dir_problems: list[Problem] = []
        self.identifiers: dict[str, list[str]] = {}  # CAS, UNII, trial id key -> record ids


class DirIndex:
    """Index of one data directory, cached on disk when possible."""

    def __init__(self, root: str, origin: str, cache_dir: str | None) -> None:
        self.root = root
        self.origin = origin
        self.cache_dir = cache_dir
        self.subdir = os.path.join(root, "substances")
        self._mem: IndexData | None = None
        self._db: Any = None
        self._buckets = (1, 1)  # (name buckets, source buckets) of the open cache
        self._memo: dict[str, Any] = {}  # meta values read from the open cache (see `_kept`)
        self._seen: dict[str, Entry | None] = {}  # entries read from the open cache
        self._read: dict[tuple[str, int], dict[str, Any]] = {}  # checked buckets read from it

    # -- signature and cache file -----------------------------------------------------------

    def _signature(self) -> tuple[tuple[Any, ...], bool]:
        stats = (_stat(self.subdir), _stat(self._file("sources.toml")), _stat(self._file("dataset.toml")))
        now = _now()
        return (__version__, INDEX_FORMAT, self.root, stats), any(_racy(s, now) for s in stats)

    def _file(self, name: str) -> str:
        return os.path.join(self.root, name)

    def _cache_file(self) -> str | None:
        if self.cache_dir is None:
            return None
        raw = _b(self.root)
        key = f"{crc32(raw):08x}{len(raw):04x}"  # a collision only costs a rebuild: the signature names the root
        version = "".join(c if c.isascii() and (c.isalnum() or c in "._+") else "_" for c in __version__)
        return os.path.join(self.cache_dir, f"index-{version}-f{INDEX_FORMAT}-{key}.sqlite")

    def _open(self) -> None:
        """Open a fresh, trusted cache, or build the index (and try to cache it)."""
        if self._db is not None or self._mem is not None:
            return
        sig, racy = self._signature()
        path = self._cache_file()
        if path is not None and not racy:
            dir_fd = open_private_dir(self.cache_dir or "")
            if dir_fd is not None:
                try:
                    self._db = self._connect(dir_fd, path, sig)
                finally:
                    os.close(dir_fd)
                if self._db is not None:
                    return
        self._build_and_cache(sig, racy)

    def _connect(self, dir_fd: int, path: str, sig: tuple[Any, ...]) -> Any:
        """The cache at ``path`` (in the open folder ``dir_fd``) if it is ours and built for ``sig``."""
        found = _open_private_file(dir_fd, os.path.basename(path))
        if found is None:
            return None
        fd, st = found
        db = None
        try:
            db = _sqlite_on(path, fd, st)
            if db is None:
                return None
            row = db.execute("SELECT value FROM meta WHERE key='head'").fetchone()
            stored, buckets = _unseal(b"head", row[0] if row else None)
            if stored == sig:
                self._buckets = buckets
                return db
        except Exception:  # a damaged or foreign file: build from the files
            pass
        finally:
            os.close(fd)
        if db is not None:
            db.close()
        return None

    def _build_and_cache(self, sig: tuple[Any, ...], racy: bool) -> None:
        data = self._build(sig)
        path = self._cache_file()
        if path is not None and not racy:
            self._write(path, data)
        self._mem = data

    def rebuild(self) -> None:
        """Drop whatever is loaded and build again from the files."""
        if self._db is not None:
            self._db.close()
        self._db = None
        self._mem = None
        self._memo = {}
        self._seen = {}
        self._read = {}
        self._build_and_cache(*self._signature())

    def _damaged(self) -> IndexData:
        """The cache failed a check or a read: forget it and build from the files."""
        self.rebuild()
        assert self._mem is not None
        return self._mem

    def _build(self, sig: tuple[Any, ...]) -> IndexData:
        data = IndexData(sig, _now())
        try:
            from psycompare.text import bad_char

            # a file name with a control or bidi character (an escape sequence) is not indexed:
            # `data validate` reports it, and it never reaches output (audit 2026-12-04 L5)
            names = sorted(
                e.name
                for e in os.scandir(self.subdir)
                if e.name.endswith(".toml") and bad_char(e.name) is None and "\n" not in e.name and "\t" not in e.name
            )
        except (FileNotFoundError, NotADirectoryError):
            names = []
        except (OSError, ValueError) as exc:
            names = []
            why = getattr(exc, "strerror", None) or str(exc)
            data.dir_problems.append(Problem(self.subdir, 1, 1, "(directory)", f"cannot read: {why}"))
        for name in names:
            path = os.path.join(self.subdir, name)
            file_id = name[: -len(".toml")]
            st = _stat(path)
            raw, _, problems = read_toml(path)
            if raw is None:
                entry = Entry(file_id, name, st, (normalize(file_id),), _summary({}, file_id), None, tuple(problems))
            else:
                blob = None if _racy(st, data.now) else _blob(raw)
                entry = Entry(file_id, name, st, _keys(raw, file_id), _summary(raw, file_id), blob)
                for key in sorted(identifier_keys(raw)):
                    data.identifiers.setdefault(key, []).append(file_id)
            data.entries[file_id] = entry
            for key in entry.keys:
                data.keys.setdefault(key, []).append(file_id)
        data.sources, data.source_problems = load_sources(self._file("sources.toml"), self.origin)
        data.info, data.info_problems = load_info(self._file("dataset.toml"))
        return data

    def _write(self, path: str, data: IndexData) -> None:
        folder, name = os.path.split(path)
        dir_fd = open_private_dir(folder, create=True)
        if dir_fd is None:
            return
        import sqlite3

        restore = _catch_signals()
        try:
            # built in memory and written through the folder's descriptor: no path is
            # resolved again after the folder was checked (audit 2026-12-04 H2, L6)
            db = sqlite3.connect(":memory:")
            try:
                _fill(db, data)
                blob = db.serialize()
            finally:
                db.close()
            write_private(dir_fd, name, blob)
            _sweep(dir_fd, name)
        except (OSError, sqlite3.Error):
            pass
        except _Signal as sig:
            restore()
            sig.redeliver()
        finally:
            restore()
            os.close(dir_fd)

    # -- queries ------------------------------------------------------------------------------

    def lookup(self, key: str) -> list[str]:
        """Ids of records with this normalized name, id or alias."""
        self._open()
        if self._db is not None:
            try:
                return list(self._bucket_of("keys", key).get(key, ()))
            except Exception:
                self._damaged()
        assert self._mem is not None
        return list(self._mem.keys.get(key, ()))

    def _bucket_of(self, table: str, key: str) -> dict[str, Any]:
        """The checked hash bucket a name or source id lives in (every bucket exists)."""
        n = _bucket(key, self._buckets[0 if table == "keys" else 1])
        found = self._read.get((table, n))
        if found is None:  # a record cites the same sources many times: read each bucket once
            row = self._db.execute(f"SELECT value FROM {table} WHERE bucket=?", (n,)).fetchone()
            found = self._read[(table, n)] = _unseal(b"%s:%d" % (table.encode(), n), row[0] if row else None)
        return found

    def entry(self, file_id: str) -> Entry | None:
        self._open()
        if self._db is not None:
            try:
                if file_id not in self._seen:  # a lookup reads an entry 3-4 times: read and check it once
                    self._seen[file_id] = self._db_entry(file_id)
                return self._seen[file_id]
            except Exception:
                self._damaged()
        assert self._mem is not None
        return self._mem.entries.get(file_id)

    def _db_entry(self, file_id: str) -> Entry | None:
        row = self._db.execute("SELECT value FROM entries WHERE id=?", (_b(file_id),)).fetchone()
        if row is None:
            key = normalize(file_id)
            if key and file_id in self._bucket_of("keys", key).get(key, ()):
                raise Corrupt(file_id)  # the names say it exists: a row went missing
            return None
        return _entry_from(_unseal(b"entry:" + _b(file_id), row[0]))

    def entries_unchecked(self) -> list[Entry]:
        """Every entry as indexed (for suggestions and completion; stat-checked by ``is_fresh``)."""
        self._open()
        if self._db is not None:
            try:
                out = [
                    _entry_from(_unseal(b"entry:" + bytes(r[0]), r[1]))
                    for r in self._db.execute("SELECT id, value FROM entries ORDER BY id")
                ]
                if sorted(e.file for e in out) != sorted(f[0] for f in self._meta("listing")[0]):
                    raise Corrupt("entries")
                return out
            except Exception:
                self._damaged()
        assert self._mem is not None
        return list(self._mem.entries.values())

    def listing(self) -> list[dict[str, str | None]]:
        """The `list` row of every record (see `_summary`), sorted by id, stat-checked."""
        self._open()
        if self._db is not None:
            try:
                files, rows = self._meta("listing")
                if self._unchanged(files):
                    return rows  # type: ignore[no-any-return]
                self.rebuild()
            except Exception:
                self._damaged()
        assert self._mem is not None
        return [e.summary for e in self._mem.entries.values()]

    def is_fresh(self) -> bool:
        """True when every indexed file still has the stat it was indexed with."""
        self._open()
        if self._db is not None:
            try:
                return self._unchanged(self._meta("listing")[0])
            except Exception:
                self._damaged()
        return True

    def _unchanged(self, files: Iterable[tuple[str, Stat]]) -> bool:
        """True when every (file name, stat key) still matches its file in substances/."""
        files = list(files)
        if not files:  # nothing indexed (an overlay of interactions only): nothing can be stale
            return True
        try:
            fd = os.open(self.subdir, os.O_RDONLY) if os.stat in os.supports_dir_fd else None
        except (OSError, ValueError):
            return False
        base = "" if fd is not None else self.subdir + os.sep
        try:
            for name, key in files:  # names relative to an open directory: ~20% faster than paths
                try:
                    if _stat_key(os.stat(base + name, dir_fd=fd)) != key:
                        return False
                except (OSError, ValueError):
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
        if _stat(path) == entry.stat:
            blob = entry.blob
            if blob is None and self._db is not None:
                try:
                    row = self._db.execute("SELECT raw FROM entries WHERE id=?", (_b(file_id),)).fetchone()
                    if row is None:
                        raise Corrupt(file_id)
                    if row[0] is not None:
                        blob = _unseal(b"raw:" + _b(file_id), row[0])
                except Exception:
                    self._damaged()
                    return self.raw(file_id)
            if blob is not None:
                return _thaw(marshal.loads(blob)), [], path
        raw, _, problems = read_toml(path)
        return raw, problems, path

    def stale(self, file_id: str) -> bool:
        entry = self.entry(file_id)
        return entry is None or _stat(os.path.join(self.subdir, entry.file)) != entry.stat

    def source(self, source_id: str) -> model.Source | None:
        self._open()
        if self._db is not None:
            try:
                found = self._bucket_of("sources", source_id).get(source_id)
                return _source_from(found[1], self.origin) if found else None
            except Exception:
                self._damaged()
        assert self._mem is not None
        return self._mem.sources.get(source_id)

    def identified(self, key: str) -> list[str]:
        """Ids of records that give this normalized CAS number, UNII or trial registry id."""
        found: dict[str, list[str]] = self._kept("identifiers", lambda m: m.identifiers)
        return list(found.get(key, ()))

    def source_ids(self) -> frozenset[str]:
        """Every source id this directory's sources.toml defines (one read, no entry built)."""
        return self._kept("source_ids", lambda m: frozenset(m.sources), frozenset)  # type: ignore[no-any-return]

    def all_sources(self) -> dict[str, model.Source]:
        self._open()
        if self._db is not None:
            try:
                items: list[tuple[int, tuple[str, ...]]] = []
                for n in range(self._buckets[1]):
                    row = self._db.execute("SELECT value FROM sources WHERE bucket=?", (n,)).fetchone()
                    items.extend(_unseal(b"sources:%d" % n, row[0] if row else None).values())
                return {t[0]: _source_from(t, self.origin) for _, t in sorted(items)}
            except Exception:
                self._damaged()
        assert self._mem is not None
        return dict(self._mem.sources)

    def _meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return _unseal(key.encode(), row[0] if row else None)

    def _kept(self, key: str, built: Callable[[IndexData], Any], convert: Callable[[Any], Any] = lambda v: v) -> Any:
        """A value of this index: from the open cache's meta table (read and checked once per
        call), else from the data built from the files (``built``); a damaged value rebuilds."""
        self._open()
        if self._db is not None:
            if key not in self._memo:
                try:
                    self._memo[key] = convert(self._meta(key))
                except Exception:
                    self._damaged()
            if key in self._memo:
                return self._memo[key]
        assert self._mem is not None
        return built(self._mem)

    def source_problems(self) -> list[Problem]:
        return self._kept("source_problems", lambda m: m.source_problems, _problems)  # type: ignore[no-any-return]

    def dir_problems(self) -> list[Problem]:
        """Problems of the directory itself (an unreadable ``substances/``); asked once per name."""
        return self._kept("dir_problems", lambda m: m.dir_problems, _problems)  # type: ignore[no-any-return]

    def info(self) -> tuple[model.DatasetInfo | None, list[Problem]]:
        self._open()
        if self._db is not None:
            try:
                info = self._meta("info")
                problems = [Problem(*p) for p in self._meta("info_problems")]
                return (model.DatasetInfo(info[0], date.fromisoformat(info[1])) if info else None), problems
            except Exception:
                self._damaged()
        assert self._mem is not None
        return self._mem.info, self._mem.info_problems


def _fill(db: Any, data: IndexData) -> None:
    """Write a whole index into an empty SQLite file (no journal: the file is renamed in only when whole)."""
    db.executescript(
        "PRAGMA journal_mode=OFF;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);"
        "CREATE TABLE entries(id BLOB PRIMARY KEY, value BLOB, raw BLOB);"
        "CREATE TABLE keys(bucket INTEGER PRIMARY KEY, value BLOB);"
        "CREATE TABLE sources(bucket INTEGER PRIMARY KEY, value BLOB);"
    )
    entries = list(data.entries.values())
    # a file that changed too recently to tell two versions apart is stored as "always changed"
    stored = [e.stat if not _racy(e.stat, data.now) else RACY for e in entries]
    db.executemany(
        "INSERT INTO entries VALUES (?, ?, ?)",
        (
            (
                _b(e.id),
                _seal(b"entry:" + _b(e.id), _entry_tuple(e, st)),
                _seal(b"raw:" + _b(e.id), e.blob) if e.blob is not None else None,
            )
            for e, st in zip(entries, stored, strict=True)
        ),
    )
    name_buckets = max(1, len(data.keys) // 4)
    by_name: list[dict[str, list[str]]] = [{} for _ in range(name_buckets)]
    for key, ids in data.keys.items():
        by_name[_bucket(key, name_buckets)][key] = ids
    db.executemany("INSERT INTO keys VALUES (?, ?)", ((n, _seal(b"keys:%d" % n, b)) for n, b in enumerate(by_name)))
    source_buckets = max(1, len(data.sources) // 4)
    by_source: list[dict[str, tuple[int, tuple[str | bool, ...]]]] = [{} for _ in range(source_buckets)]
    for pos, s in enumerate(data.sources.values()):
        by_source[_bucket(s.id, source_buckets)][s.id] = (pos, _source_tuple(s))
    db.executemany(
        "INSERT INTO sources VALUES (?, ?)", ((n, _seal(b"sources:%d" % n, b)) for n, b in enumerate(by_source))
    )
    meta = {
        # `list` reads every record's file stat and row with one query and one marshal.loads
        "listing": ([(e.file, st) for e, st in zip(entries, stored, strict=True)], [e.summary for e in entries]),
        "source_problems": [_problem_tuple(p) for p in data.source_problems],
        # every source id at once: checking that a file's citations exist reads one value
        "source_ids": sorted(data.sources),
        # CAS numbers, UNII and trial ids: a name with a digit is looked up without reading records
        "identifiers": data.identifiers,
        "info": (data.info.version, data.info.date.isoformat()) if data.info else None,
        "info_problems": [_problem_tuple(p) for p in data.info_problems],
        "dir_problems": [_problem_tuple(p) for p in data.dir_problems],
        # a reader trusts the file only when this matches the directory it is reading
        "head": (data.signature, (name_buckets, source_buckets)),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", ((k, _seal(k.encode(), v)) for k, v in meta.items()))
    db.commit()


def _problem_tuple(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line, p.col, p.field, p.message)


def _entry_tuple(e: Entry, stat: Stat) -> tuple[Any, ...]:
    """Everything but the parsed record, which has its own column (``list`` never reads it).

    Laid out as an Entry, with tuples where Entry has tuples (marshal keeps them).
    """
    return (e.id, e.file, stat, e.keys, e.summary, None, tuple(_problem_tuple(p) for p in e.problems))


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


def _problems(stored: Any) -> list[Problem]:
    return [Problem(*p) for p in stored]

# Over 500 lines: the sealed cache and the index it serves share one integrity story; to split later.
"""The per-directory index: name -> record file, list summaries, sources, raw record blobs.

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
from collections.abc import Iterable
from datetime import date, datetime
from datetime import time as dtime
from typing import Any, NamedTuple

from psycompare import __version__, model
from psycompare.errors import Problem
from psycompare.store.files import load_info, load_sources, read_toml

INDEX_FORMAT = 14
RACY_NS = 2_000_000_000
STALE_TMP_NS = 60 * 1_000_000_000  # a temp file of a dead writer older than this is litter
ABANDONED_TMP_NS = 3600 * 1_000_000_000  # any temp file older than this is litter
DEAD_CACHE_NS = 30 * 86400 * 1_000_000_000  # another version's cache unused this long is dead
MAX_DEPTH = 64  # records nested deeper are not cached (read from the file each time)

Stat = tuple[int, int, int, int]  # (mtime_ns, size, inode, ctime_ns)
MISSING: Stat = (0, -1, 0, 0)
RACY: Stat = (-1, -1, -1, -1)  # stored for racy files: never equals a real stat


def _now() -> int:
    """The clock the racy rule reads (tests move it)."""
    return time.time_ns()


def normalize(name: str) -> str:
    """The lookup key of a name: NFKC-folded (fullwidth ＭＤＭＡ is MDMA), case-folded, whitespace collapsed."""
    if not name.isascii():
        import unicodedata  # only for non-ASCII names: a C module, but no need to load it for "mdma"

        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.casefold().split())


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


class Corrupt(Exception):
    """A cache value failed its integrity check (or is missing)."""


def _seal(tag: bytes, value: Any) -> bytes:
    payload = marshal.dumps(value)
    return crc32(payload, crc32(tag)).to_bytes(4, "little") + payload


def _unseal(tag: bytes, blob: object) -> Any:
    """The value of a sealed blob, checked against its CRC and its tag (what it must be)."""
    if type(blob) is not bytes or len(blob) < 5:
        raise Corrupt(tag)
    payload = memoryview(blob)[4:]
    if crc32(payload, crc32(tag)) != int.from_bytes(blob[:4], "little"):
        raise Corrupt(tag)
    return marshal.loads(payload)


def _b(text: str) -> bytes:
    """A str as bytes for SQLite and CRCs (file names may hold surrogates)."""
    return text.encode("utf-8", "surrogatepass")


def _bucket(key: str, count: int) -> int:
    return crc32(_b(key)) % count


class _TooDeep(Exception):
    pass


def _freeze(value: Any, depth: int = 0) -> Any:
    """Make parsed TOML marshal-able: dates, datetimes and times become tagged tuples."""
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, dict):
        return {k: _freeze(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v, depth + 1) for v in value]
    if isinstance(value, datetime):
        return ("t", value.isoformat())
    if isinstance(value, date):
        return ("d", value.isoformat())
    if isinstance(value, dtime):
        return ("h", value.isoformat())
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple):
        kind, text = value
        if kind == "d":
            return date.fromisoformat(text)
        return datetime.fromisoformat(text) if kind == "t" else dtime.fromisoformat(text)
    return value


def _blob(raw: dict[str, Any]) -> bytes | None:
    """The parsed record, marshalled; None when it cannot be (then it is read from its file)."""
    try:
        return marshal.dumps(_freeze(raw))
    except (_TooDeep, ValueError, RecursionError):
        return None


class Entry(NamedTuple):
    """What the index knows about one record file."""

    id: str
    file: str
    stat: Stat
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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_private_dir(path: str, create: bool = False) -> int | None:
    """A descriptor of ``path`` when it is a directory owned by this user and not writable by
    others, else None. The caller closes it.

    The folder is opened once, without following a symlink at its last component, and the
    checks are made on the open descriptor: everything read or written afterwards goes
    through it, so nobody can swap the folder between the check and the use (audit
    2026-12-04 H2, L6). With ``create``, a missing folder is made (mode 0700) first.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        if not create:
            return None
        try:
            parent = os.path.dirname(path)
            if parent:
                os.makedirs(parent, exist_ok=True)
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except (OSError, ValueError):
            return None
        return open_private_dir(path)
    except (OSError, ValueError):  # a symlink (ELOOP), not a directory, unreadable
        return None
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o170000 == 0o040000 and _owned(st):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def private_dir(path: str, create: bool = False) -> bool:
    """True when ``path`` is a directory (not a symlink) owned by this user and not writable by others."""
    fd = open_private_dir(path, create)
    if fd is None:
        return False
    os.close(fd)
    return True


def _open_private_file(dir_fd: int, name: str) -> tuple[int, os.stat_result] | None:
    """A regular file of ours in an open private folder (never through a symlink), and its stat."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o170000 == 0o100000 and _owned(st):
            return fd, st
    except OSError:
        pass
    os.close(fd)
    return None


def _sqlite_on(path: str, fd: int, st: os.stat_result) -> Any:
    """A read-only SQLite connection to the very file open as ``fd`` (checked by the caller).

    SQLite opens files by name, so on Linux the connection's own descriptor is found in
    /proc/self/fd and must be the same inode as ``fd``; elsewhere the bytes read through
    ``fd`` are loaded into memory. Either way what was checked is what is read.
    """
    import sqlite3

    proc = "/proc/self/fd"
    if os.path.isdir(proc):
        before = _fds_on(proc, st)
        uri = "file:" + _uri_path(path) + "?mode=ro"
        db = sqlite3.connect(uri, uri=True)
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the file
            if _fds_on(proc, st) - before:  # SQLite's own descriptor is on the checked inode
                return db
        except Exception:
            pass
        db.close()
        return None
    blob = b"".join(iter(lambda: os.read(fd, 1 << 20), b""))
    db = sqlite3.connect(":memory:")
    db.deserialize(blob)
    return db


def _fds_on(proc: str, st: os.stat_result) -> set[str]:
    """The descriptors of this process open on the inode of ``st``."""
    out = set()
    for n in os.listdir(proc):
        try:
            other = os.stat(f"{proc}/{n}")
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            out.add(n)
    return out


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path), safe="/")


def _owned(st: os.stat_result) -> bool:
    geteuid = getattr(os, "geteuid", None)
    return (geteuid is None or st.st_uid == geteuid()) and not st.st_mode & 0o022


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
        self._source_problems: list[Problem] | None = None
        self._identifiers: dict[str, list[str]] | None = None
        self._seen: dict[str, Entry | None] = {}  # entries read from the open cache
        self._read: dict[tuple[str, int], dict[str, Any]] = {}  # checked buckets read from it
        self._dir_problems: list[Problem] | None = None

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
        self._source_problems = None
        self._identifiers = None
        self._dir_problems = None
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
        self._open()
        if self._db is not None:
            try:
                if self._identifiers is None:
                    self._identifiers = self._meta("identifiers")
                return list(self._identifiers.get(key, ()))
            except Exception:
                self._damaged()
        assert self._mem is not None
        return list(self._mem.identifiers.get(key, ()))

    def source_ids(self) -> frozenset[str]:
        """Every source id this directory's sources.toml defines (one read, no entry built)."""
        self._open()
        if self._db is not None:
            try:
                return frozenset(self._meta("source_ids"))
            except Exception:
                self._damaged()
        assert self._mem is not None
        return frozenset(self._mem.sources)

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

    def source_problems(self) -> list[Problem]:
        self._open()
        if self._db is not None:
            if self._source_problems is None:
                try:
                    self._source_problems = [Problem(*p) for p in self._meta("source_problems")]
                except Exception:
                    self._damaged()
            if self._source_problems is not None:
                return self._source_problems
        assert self._mem is not None
        return self._mem.source_problems

    def dir_problems(self) -> list[Problem]:
        """Problems of the directory itself (an unreadable ``substances/``)."""
        self._open()
        if self._db is not None:
            if self._dir_problems is None:  # asked once per name: read it once
                try:
                    self._dir_problems = [Problem(*p) for p in self._meta("dir_problems")]
                except Exception:
                    self._damaged()
            if self._dir_problems is not None:
                return self._dir_problems
        assert self._mem is not None
        return self._mem.dir_problems

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


class _Signal(BaseException):
    """SIGTERM or SIGHUP arrived during a cache write."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def redeliver(self) -> None:
        """Die of the signal as if it had not been caught (after the temp file is gone)."""
        import signal

        signal.signal(self.signum, signal.SIG_DFL)
        os.kill(os.getpid(), self.signum)
        raise SystemExit(128 + self.signum)  # not reached where the default action is to terminate


def _catch_signals() -> Any:
    """Turn SIGTERM and SIGHUP into `_Signal` during a write; returns a function that restores them."""
    import signal

    def handler(signum: int, frame: object) -> None:
        raise _Signal(signum)

    old: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous = signal.getsignal(signum)
            if previous in (signal.SIG_IGN, None):  # nohup and the like: keep ignoring it
                continue
            signal.signal(signum, handler)
            old[signum] = previous
        except (ValueError, OSError):  # not the main thread
            pass

    def restore() -> None:
        while old:
            signum, previous = old.popitem()
            try:
                signal.signal(signum, previous)
            except (ValueError, OSError):
                pass

    return restore


def write_private(dir_fd: int, name: str, blob: bytes) -> None:
    """Write ``name`` (mode 0600) in an open private folder: a temporary file, then a rename."""
    tmp = f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=dir_fd)
    done = False
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        done = True
    finally:
        if not done:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass


def read_private(dir_fd: int, name: str, limit: int) -> bytes | None:
    """The bytes of a regular file of ours in an open private folder (None: missing, foreign, too big)."""
    found = _open_private_file(dir_fd, name)
    if found is None:
        return None
    fd, st = found
    try:
        if st.st_size > limit:
            return None
        return b"".join(iter(lambda: os.read(fd, 1 << 16), b""))
    except OSError:
        return None
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    if not path:
        return
    for p in (path, path + "-journal"):
        try:
            os.unlink(p)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # exists but not ours, or unknowable: assume alive
    return True


def _sweep(folder: int, name: str) -> None:
    """Remove litter next to a freshly written cache.

    - temporary files of writers that died (older than a minute and their process is
      gone) or that are older than an hour whatever their process;
    - caches of the same data directory written by another version or index format
      that nobody has read or written for 30 days (atime/mtime);
    - parsed files (``read_toml_cached``) of other versions unused for 30 days.
    Caches of other directories, and recent ones of other versions, are kept.
    """
    same_dir = "-" + name.rsplit("-", 1)[1]  # "-<key>.sqlite"
    parsed_prefix = _parsed_prefix()
    now = time.time_ns()
    try:
        with os.scandir(folder) as it:
            for e in it:
                n = e.name
                try:
                    if n.startswith((".index-", ".parsed-", "parsed-")) and n.endswith((".tmp", ".tmp-journal")):
                        age = now - e.stat(follow_symlinks=False).st_mtime_ns
                        parts = n.split(".")
                        # .<cache name>.<pid>.<ns>.tmp[-journal], or parsed-<...>.bin.<pid>.tmp
                        pid = int(parts[-3] if n[0] == "." else parts[-2])
                        if age > ABANDONED_TMP_NS or (age > STALE_TMP_NS and not _alive(pid)):
                            os.unlink(e.name, dir_fd=folder)
                    elif n.startswith("parsed-") and not n.startswith(parsed_prefix):
                        st = e.stat(follow_symlinks=False)  # another version's parsed file
                        if now - max(st.st_atime_ns, st.st_mtime_ns) > DEAD_CACHE_NS:
                            os.unlink(e.name, dir_fd=folder)
                    elif n != name and n.startswith("index-") and n.endswith(same_dir):
                        st = e.stat(follow_symlinks=False)
                        if now - max(st.st_atime_ns, st.st_mtime_ns) > DEAD_CACHE_NS:
                            os.unlink(e.name, dir_fd=folder)
                except (OSError, ValueError, IndexError):
                    continue
    except OSError:
        pass


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


# -- parsed files other than records (interactions, partners) -------------------------------------


def _digest(raw: bytes) -> bytes:
    """A content key for a file: BLAKE2b-128 of its bytes (the C module imports in ~0.2 ms)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(raw, digest_size=16).digest()


def _parsed_prefix() -> str:
    """The name every parsed-file cache of this version and format starts with."""
    version = "".join(c if c.isascii() and (c.isalnum() or c in "._+") else "_" for c in __version__)
    return f"parsed-{version}-f{INDEX_FORMAT}-"


def read_toml_cached(path: str, cache_dir: str | None) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """`loader.read_toml`, keeping the parsed value in the private cache folder.

    The cache entry is keyed on the file's own bytes (a BLAKE2b digest, read every call),
    so no timestamp can make it stale; it carries a CRC-32 like every index value, and it
    is used only from a folder and file that belong to this user. Files with problems are
    never cached: they are parsed again, so their problems are always located afresh.
    """
    from psycompare.store.files import read_bytes

    if cache_dir is None:
        return read_toml(path)
    try:
        raw = read_bytes(path)
    except OSError:
        return read_toml(path)
    dir_fd = open_private_dir(cache_dir, create=True)
    if dir_fd is None:
        return read_toml(path)
    try:
        digest = _digest(raw)
        where = crc32(_b(os.path.abspath(path)))
        name = f"{_parsed_prefix()}{where:08x}.bin"
        tag = b"parsed:" + digest
        blob = read_private(dir_fd, name, 8 * 1024 * 1024)
        if blob is not None:
            try:
                return _thaw(_unseal(tag, blob)), raw.decode("utf-8"), []
            except (Corrupt, ValueError, TypeError, EOFError, UnicodeDecodeError):
                pass  # damaged or for other content: parse and rewrite
        data, text, problems = read_toml(path)
        if data is None or problems:
            return data, text, problems
        try:
            sealed = _seal(tag, _freeze(data))
        except (_TooDeep, ValueError, RecursionError):
            return data, text, problems
        try:
            write_private(dir_fd, name, sealed)
        except OSError:
            pass
        return data, text, problems
    finally:
        os.close(dir_fd)


def identifier_keys(raw: dict[str, Any]) -> set[str]:
    """The lookup keys of a parsed record's CAS numbers, UNII and trial registry ids."""
    found: list[Any] = []
    ids = raw.get("identifiers")
    if isinstance(ids, dict):
        found += [ids.get("cas"), ids.get("unii")]
        salts = ids.get("cas_salts")
        found += salts if isinstance(salts, list) else []
    trials = raw.get("trials")
    for trial in trials if isinstance(trials, list) else []:
        reg = trial.get("registry_ids") if isinstance(trial, dict) else None
        found += reg if isinstance(reg, list) else []
    return {normalize(v) for v in found if isinstance(v, str) and v.strip()}

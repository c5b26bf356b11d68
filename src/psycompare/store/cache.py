"""The sealed cache under the user's cache folder: what the index (`store.index`) and the
parsed-file cache stand on.

- Every value is sealed: a CRC-32 of its marshalled bytes and of what it is (its tag);
  `_unseal` raises `Corrupt` on any mismatch, and the caller rebuilds from the files.
- The folder is used only when it is a directory owned by the user and not writable by
  group or others, opened once without following a symlink; files in it are regular
  files of the same owner, read and written through the folder's descriptor (0600).
- Writes go to a temporary file that is renamed into place; SIGTERM and SIGHUP during a
  write remove it, and litter of dead writers and long-unused caches of other versions
  is swept after a write.
- Parsed files other than records (partners.toml, interactions.toml) are cached by the
  BLAKE2b digest of their bytes (`read_toml_cached`).
"""

from __future__ import annotations

import marshal
import os
import time
from binascii import crc32  # zlib's crc32 costs 3x as much to import
from datetime import date, datetime
from datetime import time as dtime
from typing import Any

from psycompare import __version__
from psycompare.errors import Problem
from psycompare.store.files import read_toml

INDEX_FORMAT = 14  # the layout of every cache file; in their names, so formats never mix
STALE_TMP_NS = 60 * 1_000_000_000  # a temp file of a dead writer older than this is litter
ABANDONED_TMP_NS = 3600 * 1_000_000_000  # any temp file older than this is litter
DEAD_CACHE_NS = 30 * 86400 * 1_000_000_000  # another version's cache unused this long is dead
MAX_DEPTH = 64  # records nested deeper are not cached (read from the file each time)


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

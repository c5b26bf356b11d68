"""Writing data files without losing any: the only module that writes into a user's folder.

- Files are named relative to an open directory (``dir_fd``), and a directory inside
  the output folder is opened with O_NOFOLLOW: nothing is written through a symlink
  or outside the folder the user named.
- A new file is created with O_CREAT | O_EXCL (which also refuses a dangling symlink):
  an existing file is never overwritten unless the caller asks to replace it.
- A replacement is written to a temporary file in the same directory, fsynced and
  renamed over the old name (the rename replaces a symlink itself, never its target):
  a failed write leaves the old file whole.
- A replacement keeps the old file's permission bits and (when allowed) its owner and
  group: a private 0600 file stays private; a file without write permission is refused.
- Writers of one folder are serialised by `OutDir.lock` (an flock on a lock file in
  it): concurrent exports each read, merge and write in turn, and none loses another's
  sources.
- Every failure is a `WriteError` ("cannot write PATH: reason") or, for a file that
  exists, a `UsageError` that suggests ``--force``.
"""

from __future__ import annotations

import os
import time

from psycompare.errors import UsageError, WriteError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class OutDir:
    """An output folder held open by file descriptor (use as a context manager)."""

    def __init__(self, path: str, create: bool = True) -> None:
        self.path = path
        if os.path.lexists(path) and not os.path.isdir(path):
            raise WriteError(path, "it exists and is not a directory")
        try:
            if create:
                os.makedirs(path, exist_ok=True)
            self.fd = os.open(path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        except OSError as exc:
            raise WriteError(path, exc) from exc

    def __enter__(self) -> OutDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        lock = getattr(self, "_lock_fd", -1)
        if lock >= 0:
            os.close(lock)  # releases the flock
            self._lock_fd = -1
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    LOCK = ".psycompare.lock"

    def lock(self) -> None:
        """Wait for, then hold until `close`, the folder's writer lock (audit 2026-12-04 H3).

        An advisory ``flock`` on ``.psycompare.lock`` in the folder (created if needed, never
        through a symlink): every `write_dir` into this folder takes it before it reads
        anything, so read-merge-write runs one writer at a time.
        """
        import fcntl

        try:
            fd = os.open(self.LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o666, dir_fd=self.fd)
        except OSError as exc:
            raise WriteError(self.shown(self.LOCK), exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(fd)
            raise WriteError(self.shown(self.LOCK), exc) from exc
        self._lock_fd = fd

    def shown(self, name: str) -> str:
        return os.path.join(self.path, name)

    def subdir(self, name: str, create: bool = True) -> OutDir:
        """A folder inside this one; a symlink in its place is refused."""
        sub = OutDir.__new__(OutDir)
        sub.path = self.shown(name)
        try:
            if create:
                try:
                    os.mkdir(name, 0o777, dir_fd=self.fd)
                except FileExistsError:
                    pass
            sub.fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=self.fd)
        except OSError as exc:
            if os.path.islink(sub.path):
                raise WriteError(sub.path, "it is a symbolic link; refusing to write through it") from exc
            raise WriteError(sub.path, exc) from exc
        return sub

    def exists(self, name: str) -> bool:
        """True when anything, even a dangling symlink, has this name."""
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise WriteError(self.shown(name), exc) from exc
        return True

    def read(self, name: str, limit: int) -> bytes | None:
        """A regular file's bytes (None when absent); a symlink, FIFO or device is refused."""
        import stat

        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if os.path.islink(self.shown(name)):
                raise WriteError(self.shown(name), "it is a symbolic link; refusing to merge into it") from exc
            raise WriteError(self.shown(name), exc) from exc
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                raise WriteError(self.shown(name), "not a regular data file")
            chunks = []
            while chunk := os.read(fd, 1 << 16):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError as exc:
            raise WriteError(self.shown(name), exc) from exc
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes, replace: bool = False) -> None:
        """Write a file whole: a new name with O_EXCL, or (``replace``) temp + fsync + rename."""
        if not replace:
            self._create(name, data)
            return
        import stat

        try:
            old = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            old = None
        except OSError as exc:
            raise WriteError(self.shown(name), exc) from exc
        if old is not None and stat.S_ISREG(old.st_mode) and not old.st_mode & stat.S_IWUSR:
            raise WriteError(self.shown(name), "it is read-only; refusing to change it")
        keep = old if old is not None and stat.S_ISREG(old.st_mode) else None
        tmp = f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
        self._create(tmp, data, keep)
        try:
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as exc:
            _unlink(tmp, self.fd)
            raise WriteError(self.shown(name), exc) from exc
        try:
            os.fsync(self.fd)  # the rename itself survives a crash
        except OSError:
            pass

    def _create(self, name: str, data: bytes, keep: os.stat_result | None = None) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            fd = os.open(name, flags, 0o600 if keep is not None else 0o666, dir_fd=self.fd)
        except FileExistsError as exc:
            raise UsageError(f"{self.shown(name)} already exists; use --force to replace it") from exc
        except OSError as exc:
            raise WriteError(self.shown(name), exc) from exc
        try:
            if keep is not None:  # the file it replaces: same owner, group and mode (audit L4)
                try:
                    os.fchown(fd, keep.st_uid, keep.st_gid)
                except OSError:
                    pass  # not allowed (another owner): the mode still carries over
                os.fchmod(fd, keep.st_mode & 0o7777)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException as exc:  # a full disk, Ctrl-C: leave no half-written file
            os.close(fd)
            _unlink(name, self.fd)
            if isinstance(exc, OSError):
                raise WriteError(self.shown(name), exc) from exc
            raise
        os.close(fd)


def _unlink(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:
        pass

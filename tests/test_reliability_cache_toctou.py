"""Reliability audit 2026-12-04 H2 and L6: the cache opens what it checked (descriptors, never a
path resolved again), and a symlinked cache folder is neither read nor written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from psycompare.store import index

from .conftest import Run


def _db(path: Path, value: str) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t(x)")
    db.execute("INSERT INTO t VALUES (?)", (value,))
    db.commit()
    db.close()


def test_H2_sqlite_reads_only_the_inode_that_was_checked(tmp_path: Path) -> None:
    """H2: if the name is swapped after the check, SQLite's file is not the checked one: refused."""
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    good, forged = folder / "index.sqlite", tmp_path / "forged.sqlite"
    _db(good, "genuine")
    _db(forged, "FORGED")
    dir_fd = index.open_private_dir(str(folder))
    assert dir_fd is not None
    found = index._open_private_file(dir_fd, "index.sqlite")
    assert found is not None
    fd, st = found
    try:
        os.replace(good, tmp_path / "moved.sqlite")  # the checked inode moves away...
        os.symlink(forged, good)  # ...and a forged file takes its name
        assert index._sqlite_on(str(good), fd, st) is None
        db = index._sqlite_on(str(tmp_path / "moved.sqlite"), fd, st)
        assert db is not None and db.execute("SELECT x FROM t").fetchone() == ("genuine",)
        db.close()
    finally:
        os.close(fd)
        os.close(dir_fd)


def test_H2_without_proc_the_checked_bytes_are_deserialized(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """H2: where /proc/self/fd is missing the database is read through the checked descriptor."""
    good = tmp_path / "i.sqlite"
    _db(good, "genuine")
    fd = os.open(good, os.O_RDONLY)
    st = os.fstat(fd)
    real_isdir = os.path.isdir
    monkeypatch.setattr(os.path, "isdir", lambda p: False if p == "/proc/self/fd" else real_isdir(p))
    os.unlink(good)
    _db(good, "FORGED")
    db = index._sqlite_on(str(good), fd, st)
    os.close(fd)
    assert db.execute("SELECT x FROM t").fetchone() == ("genuine",)


def test_L6_a_symlinked_cache_folder_is_not_used(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """L6/H2: PSYCOMPARE_CACHE_DIR -> a symlink (even to a private folder of ours): nothing written there."""
    real = tmp_path / "home"
    real.mkdir(mode=0o700)
    link = tmp_path / "shared-psycompare"
    link.symlink_to(real)
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", str(link))
    code, out, _ = run("status", "mdma", "-j", "US", "-f", "csv")
    assert code == 0 and "Schedule I" in out
    assert list(real.iterdir()) == []
    assert index.open_private_dir(str(link)) is None
    assert index.private_dir(str(real))


def test_H2_cache_writes_go_through_the_folder_descriptor(tmp_path: Path) -> None:
    """H2: write_private/read_private name files relative to an open folder, mode 0600."""
    folder = tmp_path / "c"
    fd = index.open_private_dir(str(folder), create=True)
    assert fd is not None
    try:
        index.write_private(fd, "x.bin", b"data")
        assert index.read_private(fd, "x.bin", 100) == b"data"
        assert index.read_private(fd, "x.bin", 2) is None  # over the limit
        assert (folder / "x.bin").stat().st_mode & 0o777 == 0o600
        (folder / "y.bin").symlink_to(folder / "x.bin")
        assert index.read_private(fd, "y.bin", 100) is None  # never through a symlink
    finally:
        os.close(fd)

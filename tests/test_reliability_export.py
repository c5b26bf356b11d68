"""Reliability audit 2026-12-04: concurrent `export --out` into one folder loses nothing (H3), and
a replaced `sources.toml` keeps its mode and owner (L4)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED, Run

NAMES = sorted(p.stem for p in (BUNDLED / "substances").glob("*.toml"))


@pytest.mark.slow  # eight processes at once
def test_H3_concurrent_exports_into_one_folder_lose_no_source(tmp_path: Path) -> None:
    """H3: every record exported at once into one new folder; each exits 0 and the folder validates."""
    out = tmp_path / "cn"
    env = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "cache")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "psycompare", "export", name, "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for name in NAMES[:8]
    ]
    errors = [(p.wait(), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in errors), errors
    found = [str(p) for p in validate_dirs([out]) if "not cited" not in p.message]
    assert found == [], found
    assert sorted(p.stem for p in (out / "substances").glob("*.toml")) == NAMES[:8]


def test_H3_the_writer_lock_is_taken_before_anything_is_read(tmp_path: Path) -> None:
    """H3: a second writer waits for the folder's lock (flock on .psycompare.lock)."""
    import fcntl

    from psycompare.store.writer import OutDir

    with OutDir(str(tmp_path / "d")) as root:
        root.lock()
        fd = os.open(tmp_path / "d" / OutDir.LOCK, os.O_RDWR)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                raise AssertionError("the lock was not held")
            except BlockingIOError:
                pass
        finally:
            os.close(fd)
    fd = os.open(tmp_path / "d" / OutDir.LOCK, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released on close
    os.close(fd)


def test_L4_a_private_sources_file_stays_private(run: Run, tmp_path: Path) -> None:
    """L4: exporting into a folder with a 0600 sources.toml keeps it 0600 (and its owner)."""
    out = tmp_path / "d"
    code, _, err = run("export", "ketamine", "--out", str(out))
    assert code == 0, err
    src = out / "sources.toml"
    src.chmod(0o600)
    before = src.stat()
    code, _, err = run("export", "mdma", "--out", str(out))
    assert code == 0, err
    after = src.stat()
    assert after.st_ino != before.st_ino  # replaced, not edited in place
    assert stat.S_IMODE(after.st_mode) == 0o600
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_L4_a_read_only_sources_file_is_not_rewritten(run: Run, tmp_path: Path) -> None:
    """L4: a 0400 sources.toml is refused with one line, not silently replaced."""
    out = tmp_path / "d"
    assert run("export", "ketamine", "--out", str(out))[0] == 0
    src = out / "sources.toml"
    text = src.read_text()
    src.chmod(0o400)
    code, _, err = run("export", "mdma", "--out", str(out))
    assert code == 1 and "read-only" in err and err.count("\n") == 1
    assert src.read_text() == text and stat.S_IMODE(src.stat().st_mode) == 0o400

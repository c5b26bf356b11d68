"""The reliability audit's cache and index findings (issue 10): the cache never changes an answer.

One regression test per finding, named after it, and a fuzz test that damages the cache file.
Findings that need a second user or an ext2 image are simulated: a folder others can write,
another euid, and a stat key with whole-second times.
"""

from __future__ import annotations

import marshal
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psycompare.store import cache as sealed
from psycompare.store import index
from psycompare.store.dataset import Dataset, default_cache_dir

from .conftest import Run, make_dir

pytestmark = pytest.mark.cold_cache  # these tests watch the cache folder from empty

DAY_NS = 86400 * 1_000_000_000


@pytest.fixture
def clock_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's clock runs a minute ahead: files a test just wrote count as old (ctime cannot be backdated)."""
    monkeypatch.setattr(index, "_now", lambda: time.time_ns() + 60_000_000_000)


def cache_dir() -> Path:
    return Path(os.environ["PSYCOMPARE_CACHE_DIR"])


def cache_files() -> list[Path]:
    return sorted(cache_dir().glob("index-*.sqlite"))


def uncached(run: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    with monkeypatch.context() as m:
        m.setenv("PSYCOMPARE_CACHE_DIR", "off")
        return run(*args)


def rewrite(path: Path, old: str, new: str) -> None:
    """An in-place edit (same inode), as nano or VS Code save."""
    text = path.read_text("utf-8")
    assert old in text
    with open(path, "r+", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))
        fh.truncate()


def test_finding_03_cache_folder_others_can_write_is_not_used(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o700)
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", str(shared))
    args = ("status", "mdma", "-j", "US", "-f", "csv")
    truth = run(*args)
    assert truth[0] == 0 and "Schedule I" in truth[1]
    (cache,) = shared.glob("index-*.sqlite")
    # what an attacker who can write the folder does: rewrite the parsed record, checksum and all
    db = sqlite3.connect(cache)
    (blob,) = db.execute("SELECT raw FROM entries WHERE id=?", (b"mdma",)).fetchone()
    raw = marshal.loads(index._unseal(b"raw:mdma", blob))
    for entry in raw["status"]:
        if entry["jurisdiction"] == "US":
            entry.update(schedule="", approval="approved", note="Approved by FDA.")
    db.execute("UPDATE entries SET raw=? WHERE id=?", (index._seal(b"raw:mdma", marshal.dumps(raw)), b"mdma"))
    db.commit()
    db.close()
    forged = run(*args)
    assert "Approved by FDA." in forged[1]  # a CRC is no signature: only the folder's owner may write it
    shared.chmod(0o777)  # a folder others can write: not ours to trust, run uncached
    assert run(*args) == truth
    shared.chmod(0o700)
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)  # the folder (and file) of another user
    assert run(*args) == truth
    monkeypatch.setattr(os, "geteuid", lambda: real)
    os.chmod(cache, 0o666)  # a cache file others can write
    assert run(*args) == truth
    assert "Approved by FDA." not in run(*args)[1]  # and it was replaced by one of ours


def test_finding_03_cache_folder_is_created_private(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    folder = tmp_path / "home" / ".cache" / "psycompare"
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", str(folder))
    old = os.umask(0o022)
    try:
        assert run("show", "molly", "-f", "json")[0] == 0
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o700
    files = list(folder.iterdir())
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)


def test_finding_05_racy_names_and_rows_on_whole_second_timestamps(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file system with whole-second mtime and ctime (ext2 with 128-byte inodes, FAT, HFS+)
    def coarse(st: os.stat_result) -> index.Stat:
        sec = st.st_mtime_ns // 1_000_000_000 * 1_000_000_000
        return (sec, st.st_size, st.st_ino, sec)

    monkeypatch.setattr(index, "_stat_key", coarse)
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"]), "beta": ("Beta", ["bb"])})
    old = 1_700_000_000 * 1_000_000_000
    for p in [root, *root.rglob("*")]:
        os.utime(p, ns=(old, old))
    rec = root / "substances" / "alpha.toml"
    tick = time.time_ns() // 1_000_000_000 * 1_000_000_000  # this second
    rewrite(rec, 'name = "Alpha"', 'name = "Alph1"')
    rewrite(rec, 'aliases = ["aa"]', 'aliases = ["a1"]')
    os.utime(rec, ns=(tick, tick))
    argv = ("--no-bundled", "--data", str(root))
    assert "alpha,Alph1," in run(*argv, "list", "-f", "csv")[1]  # cached while alpha.toml is racy
    assert cache_files()
    rewrite(rec, 'name = "Alph1"', 'name = "Alph2"')
    rewrite(rec, 'aliases = ["a1"]', 'aliases = ["a2"]')
    os.utime(rec, ns=(tick, tick))  # the same second, the same size: the same stat key
    monkeypatch.setattr(index, "_now", lambda: time.time_ns() + 60_000_000_000)  # much later
    assert "alpha,Alph2," in run(*argv, "list", "-f", "csv")[1]
    assert run(*argv, "show", "a2", "-f", "json")[0] == 0
    assert run(*argv, "show", "a1")[0] == 1


def test_finding_06_same_size_edit_with_kept_mtime(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    root = make_dir(tmp_path / "pack", {"alpha": ("Alpha", ["aa"])})
    rec = root / "substances" / "alpha.toml"
    argv = ("--no-bundled", "--data", str(root))
    assert "investigational" in run(*argv, "status", "alpha", "-f", "csv")[1]
    assert "investigational" in run(*argv, "list", "-f", "csv")[1]
    before = rec.stat()
    rewrite(rec, 'approval = "investigational"', 'approval = "not-approved"   ')  # same size
    os.utime(rec, ns=(before.st_atime_ns, before.st_mtime_ns))  # cp -p, touch -r, tar, unzip
    assert rec.stat().st_size == before.st_size and rec.stat().st_mtime_ns == before.st_mtime_ns
    assert "not-approved" in run(*argv, "status", "alpha", "-f", "csv")[1]
    assert "not-approved" in run(*argv, "list", "-f", "csv")[1]
    # unpacked again (a new file, the folder's times restored as tar does)
    sub = root / "substances"
    folder = sub.stat()
    text = rec.read_text("utf-8").replace('"not-approved"   ', '"approved"       ')
    rec.unlink()
    rec.write_text(text, "utf-8")
    os.utime(rec, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.utime(sub, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    expected = uncached(run, monkeypatch, *argv, "status", "alpha", "-f", "csv")
    assert '"approved"' not in expected[1] and ",approved," in expected[1]
    assert run(*argv, "status", "alpha", "-f", "csv") == expected
    assert run(*argv, "list", "-f", "csv") == uncached(run, monkeypatch, *argv, "list", "-f", "csv")


def test_finding_07_moving_an_alias_in_place_resolves_right_at_once(
    run: Run, tmp_path: Path, clock_ahead: None
) -> None:
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["zz"]), "beta": ("Beta", ["yy"])})
    argv = ("--no-bundled", "--data", str(root))
    assert run(*argv, "show", "zz", "-f", "csv")[1].splitlines()[1].startswith("alpha,")
    rewrite(root / "substances" / "alpha.toml", '["zz"]', '["yy"]')
    rewrite(root / "substances" / "beta.toml", '["yy"]', '["zz"]')
    assert run(*argv, "show", "zz", "-f", "csv")[1].splitlines()[1].startswith("beta,")  # the first call
    assert run(*argv, "show", "yy", "-f", "csv")[1].splitlines()[1].startswith("alpha,")


@pytest.mark.slow
def test_finding_08_bit_flip_or_zeroed_page_rebuilds_from_files(
    run: Run, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    args = ("status", "mdma", "-j", "US", "-f", "csv")
    truth = uncached(run, monkeypatch, *args)
    assert run(*args) == truth
    (path,) = cache_files()
    good = path.read_bytes()
    needle = b"Schedule I (Controlled Substances Act)"
    assert needle in good
    flipped = bytearray(good)
    i = flipped.find(needle)
    while i >= 0:  # 'I' -> 'A', one bit per copy
        flipped[i + 9] ^= 8
        i = flipped.find(needle, i + 1)
    path.write_bytes(bytes(flipped))
    assert run(*args) == truth
    assert path.read_bytes() == good  # rebuilt and rewritten
    for page in range(len(good) // 4096):
        path.write_bytes(good[: page * 4096] + bytes(4096) + good[(page + 1) * 4096 :])
        assert run("show", "molly", "-f", "json") == uncached(run, monkeypatch, "show", "molly", "-f", "json")
        assert run(*args) == truth


FUZZ_CALLS = [
    ("show", "molly", "-f", "json"),
    ("list", "-f", "json"),
    ("status", "lsd", "-f", "csv"),
    ("sources", "ketamine", "-f", "json"),
    ("show", "ketamin"),  # not found, with suggestions
]


@pytest.fixture
def fuzz_cache(run: Run, monkeypatch: pytest.MonkeyPatch, clock_ahead: None) -> Iterator[tuple[Path, bytes, list]]:
    expected = [uncached(run, monkeypatch, *c) for c in FUZZ_CALLS]
    assert [run(*c) for c in FUZZ_CALLS] == expected
    (path,) = cache_files()
    good = path.read_bytes()
    yield path, good, expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["flip", "truncate", "zero"]),
    spots=st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 7)), min_size=1, max_size=12),
)
@pytest.mark.slow
def test_finding_08_fuzz_damaged_cache_gives_the_uncached_output(
    run: Run, fuzz_cache: tuple[Path, bytes, list], kind: str, spots: list[tuple[int, int]]
) -> None:
    path, good, expected = fuzz_cache
    bad = bytearray(good)
    if kind == "flip":
        for pos, bit in spots:
            bad[pos % len(bad)] ^= 1 << bit
    elif kind == "truncate":
        del bad[spots[0][0] % len(bad) :]
    else:
        start = spots[0][0] % len(bad)
        bad[start : start + 512] = bytes(len(bad[start : start + 512]))
    for call, want in zip(FUZZ_CALLS, expected, strict=True):
        path.write_bytes(bytes(bad))
        assert run(*call) == want, call


def test_finding_13_unreadable_substances_folder_is_a_located_problem(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_dir(tmp_path / "unread", {"alpha": ("Alpha", ["aa"])})
    sub = str(root / "substances")
    real_scandir, real_listdir = os.scandir, os.listdir

    def denied(real):  # type: ignore[no-untyped-def]
        def call(path=".", *a, **k):  # type: ignore[no-untyped-def]
            if (
                not isinstance(path, int) and os.fspath(path) == sub
            ):  # chmod 000 (root reads it anyway, so it is simulated)
                raise PermissionError(13, "Permission denied", sub)
            return real(path, *a, **k)

        return call

    monkeypatch.setattr(os, "scandir", denied(real_scandir))
    monkeypatch.setattr(os, "listdir", denied(real_listdir))
    where = f"{sub}:1:1: (directory): cannot read: Permission denied"
    code, out, err = run("--data", str(root), "list", "-f", "csv")
    assert (code, out) == (1, "") and where in err
    code, out, err = run("--data", str(root), "show", "aa")
    assert code == 1 and where in err
    code, out, err = run("data", "validate", str(root))
    assert code == 1 and where in out + err


def test_finding_17_odd_file_and_folder_names_and_local_times_with_the_cache_on(
    tmp_path: Path, clock_ahead: None
) -> None:
    import tomllib

    root = make_dir(tmp_path / os.fsdecode(b"p\xff"), {"alpha": ("Alpha", ["aa"]), "beta": ("Beta", ["bb"])})
    odd = root / "substances" / os.fsdecode(b"caf\xe9.toml")  # a Latin-1 file name
    (root / "substances" / "beta.toml").rename(odd)
    # date-times with an offset reach the index; times of day and local date-times are refused
    # earlier, by the loader, as located problems (tests/test_io_safety.py, finding 17)
    times = "odt = 1979-05-27T07:32:00-08:00\nz = 1979-05-27T07:32:00Z\n"
    deep = "[" * 30 + "1" + "]" * 30  # within the loader's nesting limit (32)
    for path, extra in ((root / "substances" / "alpha.toml", times), (odd, f"deep = {deep}\n")):
        path.write_text(path.read_text("utf-8").replace("reviewed = 2025-05-05\n", "reviewed = 2025-05-05\n" + extra))
    parsed = {p.name: tomllib.loads(p.read_text("utf-8")) for p in (root / "substances").iterdir()}
    first = Dataset([root], bundled=False)
    rows = first.summaries()
    assert [r["id"] for r in rows] == ["alpha", os.fsdecode(b"caf\xe9")]
    (cache,) = cache_files()  # written, not crashed
    again = Dataset([root], bundled=False)
    assert again.summaries() == rows
    idx = again.indexes[0]
    assert idx._db is not None  # served from the cache
    cached = dict(idx._db.execute("SELECT id, raw IS NOT NULL FROM entries"))
    assert cached == {b"alpha": 1, index._b(odd.stem): 1}
    for file_id, name in (("alpha", "alpha.toml"), (os.fsdecode(b"caf\xe9"), odd.name)):
        assert first.indexes[0].raw(file_id)[0] == parsed[name]
        assert idx.raw(file_id)[0] == parsed[name]
    assert again.resolve("aa") == "alpha" and again.resolve("bb") == os.fsdecode(b"caf\xe9")
    assert Dataset([root]).get("ketamine").id == "ketamine"


@pytest.mark.slow  # starts psycompare as a process
def test_finding_23_interrupted_cache_writes_leave_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    real_fill = index._fill

    def interrupted(db, data):  # type: ignore[no-untyped-def]
        db.execute("CREATE TABLE partly(x)")
        raise KeyboardInterrupt

    monkeypatch.setattr(index, "_fill", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Dataset().get("molly")
    assert list(cache_dir().iterdir()) == []
    monkeypatch.setattr(index, "_fill", real_fill)
    code = (
        "import os, signal, time, sys\n"
        "from psycompare.store import index\n"
        "index._now = lambda: time.time_ns() + 60_000_000_000\n"
        "def fill(db, data):\n"
        "    db.execute('CREATE TABLE partly(x)')\n"
        "    os.kill(os.getpid(), getattr(signal, sys.argv[1]))\n"
        "    time.sleep(30)\n"
        "index._fill = fill\n"
        "from psycompare.store.dataset import Dataset\n"
        "Dataset().get('molly')\n"
    )
    for name in ("SIGTERM", "SIGHUP"):
        folder = tmp_path / name
        env = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(folder)}
        r = subprocess.run([sys.executable, "-c", code, name], env=env, capture_output=True, timeout=60)
        assert r.returncode == -getattr(signal, name), r.stderr  # it still dies of the signal
        assert list(folder.iterdir()) == []


@pytest.mark.slow  # starts psycompare as a process
def test_finding_23_temporary_files_of_dead_writers_are_swept(clock_ahead: None) -> None:
    folder = cache_dir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = time.time_ns()

    def plant(name: str, age_ns: int) -> str:
        (folder / name).write_bytes(b"partial")
        os.utime(folder / name, ns=(now - age_ns, now - age_ns))
        return name

    minute = 60_000_000_000
    gone = {
        plant(f".index-x.sqlite.{dead.pid}.1.tmp", 2 * minute),
        plant(f".index-x.sqlite.{dead.pid}.1.tmp-journal", 2 * minute),
        plant(f".index-x.sqlite.{os.getpid()}.2.tmp", 61 * minute),  # alive, but no write takes an hour
        plant(f"parsed-0.0.1-f1-0000abcd.bin.{dead.pid}.tmp", 2 * minute),  # the parsed-file cache's
        plant("parsed-0.0.1-f1-0000abcd.bin", 31 * 24 * 60 * minute),  # another version's, unused 31 days
    }
    kept = {
        plant(f".index-x.sqlite.{dead.pid}.3.tmp", 0),  # maybe a writer in another pid namespace
        plant(f".index-x.sqlite.{os.getpid()}.4.tmp", 2 * minute),  # a live writer
        plant(f"parsed-0.0.1-f1-0000abcd.bin.{os.getpid()}.tmp", 2 * minute),
        plant("parsed-0.0.2-f1-0000abcd.bin", minute),  # another version's, in use
    }
    Dataset().get("molly")  # a cold cache: a write, then a sweep
    (written,) = cache_files()
    assert {p.name for p in folder.iterdir()} == kept | {written.name}
    assert not gone & {p.name for p in folder.iterdir()}


def test_finding_24_two_versions_share_a_cache_without_evicting_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: None
) -> None:
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"])})
    builds: list[str] = []
    real_build = index.DirIndex._build

    def counting(self, sig):  # type: ignore[no-untyped-def]
        builds.append(index.__version__)
        return real_build(self, sig)

    monkeypatch.setattr(index.DirIndex, "_build", counting)
    versions = [index.__version__, "0.0.9"]
    for v in versions * 3:
        monkeypatch.setattr(index, "__version__", v)
        assert Dataset([root], bundled=False).get("aa").id == "alpha"
    assert sorted(builds) == sorted(versions)  # each version built once, then both stayed warm
    mine, other = (p.name for p in sorted(cache_files(), key=lambda p: "0.0.9" in p.name))
    assert "0.0.9" in other and f"-f{index.INDEX_FORMAT}-" in mine
    key = mine.rsplit("-", 1)[1]
    folder = cache_dir()
    old = time.time_ns() - 31 * DAY_NS
    for name in (f"index-v5-{key}", f"index-0.0.1-f4-{key}", "index-0.0.1-f4-00000000ffff.sqlite"):
        (folder / name).write_bytes(b"an older version's cache")
        os.utime(folder / name, ns=(old, old))
    (folder / f"index-0.0.8-f6-{key}").write_bytes(b"recently used by another version")
    (folder / mine).unlink()  # the next call writes, then sweeps
    monkeypatch.setattr(index, "__version__", versions[0])
    Dataset([root], bundled=False).get("aa")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [mine, other, f"index-0.0.8-f6-{key}", "index-0.0.1-f4-00000000ffff.sqlite"]
    )  # only the same directory's caches unused for 30 days went


def test_finding_25_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSYCOMPARE_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relcache")
    assert default_cache_dir() == os.path.join(str(tmp_path), ".cache", "psycompare")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == os.path.join(str(tmp_path / "xdg"), "psycompare")


def test_parsed_interaction_files_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Partners and rules are parsed once; the cached value is keyed on the file's bytes and sealed."""
    import tomllib

    cache = tmp_path / "cache"
    src = tmp_path / "rules.toml"
    src.write_text('reviewed = 2026-11-21\n[[rule]]\na = "x"\nb = "y"\n', "utf-8")
    first = index.read_toml_cached(str(src), str(cache))
    assert first[0] == tomllib.loads(src.read_text("utf-8")) and first[2] == []
    (blob,) = cache.glob("parsed-*.bin")
    assert blob.stat().st_mode & 0o777 == 0o600
    calls: list[str] = []
    real = sealed.read_toml  # read_toml_cached lives in store/cache.py (index re-exports it)
    monkeypatch.setattr(sealed, "read_toml", lambda p: calls.append(p) or real(p))
    assert index.read_toml_cached(str(src), str(cache))[0] == first[0] and calls == []  # served from the cache
    # same size, same mtime, other bytes: the content key sees it
    st = src.stat()
    src.write_text('reviewed = 2026-11-22\n[[rule]]\na = "x"\nb = "y"\n', "utf-8")
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert index.read_toml_cached(str(src), str(cache))[0]["reviewed"].day == 22 and len(calls) == 1
    # a flipped byte in the cache is damage: parse again, same answer
    data = bytearray(blob.read_bytes())
    data[-3] ^= 0x20
    blob.write_bytes(bytes(data))
    assert index.read_toml_cached(str(src), str(cache))[0]["reviewed"].day == 22 and len(calls) == 2
    # a cache file others can write is never read
    blob.chmod(0o666)
    assert index.read_toml_cached(str(src), str(cache))[0]["reviewed"].day == 22 and len(calls) == 3

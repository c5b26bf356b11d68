"""Core library: name resolution, overlays and the index cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from psycompare.errors import DataError, NotFoundError
from psycompare.store.dataset import Dataset

from .conftest import MINIMAL_RECORD, make_dir


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("MDMA", "mdma"),
        ("molly", "mdma"),
        ("Ecstasy", "mdma"),
        ("midomafetamine", "mdma"),
        ("Spravato", "esketamine"),
        ("  ketamine ", "ketamine"),
        ("lysergide", "lsd"),
        ("COMP360", "psilocybin"),
        ("Zoloft", "sertraline"),
        ("Paxil", "paroxetine"),
    ],
)
def test_aliases_resolve_case_insensitively(name: str, sid: str) -> None:
    assert Dataset().resolve(name) == sid


def test_near_miss_suggests() -> None:
    with pytest.raises(NotFoundError) as info:
        Dataset().resolve("ketamin")
    assert "ketamine" in info.value.suggestions
    assert "; did you mean 'ketamine'" in str(info.value)


@pytest.mark.parametrize("name", ["", " ", "../../etc/passwd", "/etc/passwd", "x" * 5000, "a\x00b", "\udcff"])
def test_hostile_names_are_not_found(name: str) -> None:
    with pytest.raises(NotFoundError) as info:
        Dataset().resolve(name)
    assert "\n" not in str(info.value)


def test_core_is_usable_without_cli() -> None:
    ds = Dataset()
    mdma = ds.get("molly")
    us = mdma.status_for("US")
    assert us is not None and us.schedule.startswith("Schedule I")
    assert [s.id for s in ds.sources_of(mdma)][:1]  # numbered sources exist
    assert len(ds.ids()) >= 13


def test_overlay_overrides_and_adds(tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"mdma": ("MDMA", ["test-mdma"]), "newdrug": ("Newdrug", ["nd"])})
    ds = Dataset([user])
    mdma = ds.get("test-mdma")
    assert mdma.id == "mdma"
    assert mdma.mechanism.text.startswith("Binds the")  # overridden by the user file
    assert mdma.mechanism.origin == str(user.resolve())
    assert mdma.summary.origin == str(user.resolve())
    assert {e.jurisdiction for e in mdma.status} >= {"US", "AU", "GB"}  # other jurisdictions kept
    assert mdma.status_for("US").approval == "investigational"  # same jurisdiction replaced
    assert "molly" in mdma.aliases and "test-mdma" in mdma.aliases
    assert ds.get("nd").name == "Newdrug"
    only_user = Dataset([user], bundled=False)
    with pytest.raises(NotFoundError):
        only_user.resolve("ketamine")


def test_broken_user_record_does_not_break_others(tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"newdrug": ("Newdrug", [])})
    (user / "substances" / "broken.toml").write_text('id = "broken"\nname = [\n')
    ds = Dataset([user])
    assert ds.get("ketamine").id == "ketamine"
    assert ds.get("newdrug").id == "newdrug"
    with pytest.raises(DataError) as info:
        ds.get("broken")
    assert str(info.value).startswith(str(user.resolve() / "substances" / "broken.toml") + ":2:")


@pytest.fixture(autouse=True)
def _clock_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache never trusts a file changed in the last 2 s, and ctime cannot be backdated:
    the index's clock runs a minute ahead, so files written by a test count as old."""
    from psycompare.store import index

    monkeypatch.setattr(index, "_now", lambda: time.time_ns() + 60_000_000_000)


def _age(path: Path, seconds: float = 10) -> None:
    """Backdate files so the cache trusts them (it never trusts files younger than 2 s)."""
    past = time.time() - seconds
    for p in [path, *path.rglob("*")]:
        os.utime(p, (past, past))


@pytest.mark.cold_cache  # counts the cache files it writes
def test_cache_sees_edits_and_new_files(tmp_path: Path) -> None:
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"])})
    _age(root)
    assert Dataset([root], bundled=False).get("aa").name == "Alpha"
    cache_files = list(Path(os.environ["PSYCOMPARE_CACHE_DIR"]).glob("index-*.sqlite"))
    assert len(cache_files) == 1
    # in-place edit of the same size range: the alias changes, directory mtime does not
    rec = root / "substances" / "alpha.toml"
    rec.write_text(rec.read_text().replace('aliases = ["aa"]', 'aliases = ["bb"]'))
    _age(rec, 5)
    ds = Dataset([root], bundled=False)
    assert ds.get("bb").id == "alpha"
    with pytest.raises(NotFoundError):
        Dataset([root], bundled=False).resolve("aa")
    # an added record is found at once
    make_dir(root, {"gamma": ("Gamma", ["gg"])})
    assert Dataset([root], bundled=False).get("gg").id == "gamma"


def test_unusable_cache_folder_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", str(blocker / "cache"))
    assert Dataset().get("molly").id == "mdma"
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", "off")
    assert Dataset().get("molly").id == "mdma"
    monkeypatch.delenv("PSYCOMPARE_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    assert Dataset().get("molly").id == "mdma"


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"])})
    _age(root)
    Dataset([root], bundled=False).get("aa")
    for f in Path(os.environ["PSYCOMPARE_CACHE_DIR"]).glob("index-*.sqlite"):
        f.write_bytes(b"not a database at all")
    assert Dataset([root], bundled=False).get("aa").id == "alpha"


def test_dangling_source_is_located_on_lookup(tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"newdrug": ("Newdrug", [])})
    rec = user / "substances" / "newdrug.toml"
    text = rec.read_text().replace(
        'text = "A made-up record for tests."\nsources = ["test-label"]',
        'text = "A made-up record for tests."\nsources = ["nope"]',
    )
    rec.write_text(text)
    with pytest.raises(DataError) as info:
        Dataset([user]).get("newdrug")
    line = text.splitlines().index('sources = ["nope"]') + 1
    assert str(info.value).startswith(f"{rec}:{line}:1: summary.sources: source id 'nope' is not in sources.toml")


def test_list_rows_are_fresh_and_merged(tmp_path: Path) -> None:
    """`list` reads rows from the cache: an in-place edit shows at once; layers merge per field."""
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"])})
    for sid, name in (("beta", "Beta"), ("mdma", "MDMA user")):  # no US status entry
        text = MINIMAL_RECORD.format(id=sid, name=name, aliases="[]").replace('"US"', '"GB"')
        (root / "substances" / f"{sid}.toml").write_text(text, "utf-8")
    _age(root)
    rows = {r["id"]: r for r in Dataset([root], bundled=False).summaries()}
    assert rows["alpha"]["name"] == "Alpha" and rows["beta"]["us_approval"] is None
    rec = root / "substances" / "alpha.toml"
    rec.write_text(rec.read_text().replace('name = "Alpha"', 'name = "Alpha2"'))
    _age(rec, 5)
    assert Dataset([root], bundled=False).summaries()[0]["name"] == "Alpha2"
    merged = {r["id"]: r for r in Dataset([root]).summaries()}
    assert merged["mdma"]["name"] == "MDMA user"  # the later layer wins where it has a value
    assert merged["mdma"]["us_approval"] == "not-approved"  # and the earlier one fills the gaps
    assert merged["beta"]["us_approval"] is None and merged["ketamine"]["name"] == "Ketamine"


@pytest.mark.cold_cache  # counts the cache files it writes
def test_cache_without_listing_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["aa"])})
    _age(root)
    Dataset([root], bundled=False).get("aa")
    (cache,) = Path(os.environ["PSYCOMPARE_CACHE_DIR"]).glob("index-*.sqlite")
    with sqlite3.connect(cache) as db:
        db.execute("DELETE FROM meta WHERE key='listing'")
    db.close()
    assert [r["id"] for r in Dataset([root], bundled=False).summaries()] == ["alpha"]

"""Reliability audit 2026-12-04 (../shared/audits/2026-12-04-reliability.md), interaction findings:
names are owned (H1, M7), class chains and problem locating are linear (H4, H5, L2), an overlay's
`reviewed` date is its own (H6), non-regular files are problems (M5), the in-process cache sees
same-size, mtime-restored edits (M9), and rules are indexed by partner (M8)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from psycompare.query import interactions as ix
from psycompare.store import interactions as ix_store
from psycompare.store.dataset import Dataset
from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED, MINIMAL_RECORD, MINIMAL_SOURCES, Run

RULE = (
    '[[rule]]\na = "{a}"\nb = "{b}"\nseverity = "{sev}"\neffect = "{effect}"\ntext = "t"\n'
    'setting = "any"\nevidence = "label"\nsources = ["{src}"]\n'
)


def overlay(tmp_path: Path, partners: str = "", rules: str = "", reviewed: str = "2025-01-01") -> Path:
    d = tmp_path / "ovl"
    d.mkdir(exist_ok=True)
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    if partners:
        (d / "partners.toml").write_text(partners)
    if rules or reviewed:
        (d / "interactions.toml").write_text((f"reviewed = {reviewed}\n" if reviewed else "") + rules)
    return d


def severity(run: Run, *args: str) -> str | None:
    code, out, err = run(*args, "-f", "json")
    assert code == 0, err
    return json.loads(out)["pairs"][0]["severity"]  # type: ignore[no-any-return]


HIJACK = '[drug.street-mdma]\nname = "MDMA"\naliases = ["mdma", "molly", "Zoloft"]\nsources = ["test-label"]\n'


def test_H1_a_user_partner_cannot_take_a_substance_name(run: Run, tmp_path: Path) -> None:
    """H1: an overlay partner named "MDMA" with alias "mdma" leaves MDMA's interactions in place."""
    d = overlay(tmp_path, HIJACK)
    bundled = severity(run, "interactions", "mdma", "phenelzine")
    assert bundled in ("major", "contraindicated")
    assert severity(run, "--data", str(d), "interactions", "mdma", "phenelzine") == bundled
    assert severity(run, "--data", str(d), "interactions", "molly", "zoloft") == severity(
        run, "interactions", "molly", "zoloft"
    )
    code, out, _ = run("--data", str(d), "show", "mdma", "--section", "interactions", "-f", "plain")
    assert code == 0 and "phenelzine" in out.lower() or "maoi" in out.lower()
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("partners.toml:2:" in p and "'mdma' is a name of substance 'mdma'" in p for p in found), found
    assert any("'zoloft' is a name of substance 'sertraline'" in p for p in found), found


def test_H1_a_user_partner_cannot_take_a_bundled_partner_name(run: Run, tmp_path: Path) -> None:
    """H1: a later partner's alias equal to a bundled partner's name: the bundled one keeps it."""
    d = overlay(tmp_path, '[drug.fake]\nname = "fake"\naliases = ["Nardil"]\nsources = ["test-label"]\n')
    data = ix.load_dirs([(str(BUNDLED), "bundled"), (str(d), str(d))])
    assert data.keys["nardil"] == "phenelzine"
    assert any(
        "'Nardil' is also a name of 'phenelzine'" in str(p) and "partners.toml:3:" in str(p) for p in data.problems
    )


def test_H1_a_bundled_partner_name_is_not_taken_by_an_overlay_record(run: Run, tmp_path: Path) -> None:
    """H1: an overlay record aliased "Nardil" does not turn phenelzine into that record."""
    d = overlay(tmp_path)
    (d / "substances").mkdir()
    (d / "substances" / "evil.toml").write_text(
        MINIMAL_RECORD.format(id="evil", name="Evil", aliases='["Nardil"]').replace("[class]", "[class]", 1)
    )
    ds = Dataset([d])
    data = ix.load_dirs([(idx.root, idx.origin) for idx in ds.indexes])
    assert ix.resolve(ds, data, "nardil").id == "phenelzine"
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("evil.toml" in p and "'nardil' is already the name of drug 'phenelzine'" in p for p in found), found


def test_M7_an_overlay_alias_cannot_take_a_bundled_identifier(tmp_path: Path) -> None:
    """M7: an overlay alias equal to ketamine's CAS number or MDMA's trial id does not take it over."""
    d = overlay(tmp_path)
    (d / "substances").mkdir()
    (d / "substances" / "evil.toml").write_text(
        MINIMAL_RECORD.format(id="evil", name="Evil", aliases='["6740-88-1", "nct03537014"]')
    )
    ds = Dataset([d])
    assert ds.resolve("6740-88-1") == "ketamine"
    assert ds.resolve("NCT03537014") == "mdma"
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("'6740-88-1' is the CAS number of 'ketamine'" in p and "evil.toml:" in p for p in found), found
    assert any("'nct03537014' is the trial id of 'mdma'" in p for p in found), found


def test_M7_a_cas_number_given_to_two_records_is_reported(tmp_path: Path) -> None:
    """M7: a duplicated [identifiers] cas is a located validation problem, not only a lookup error."""
    d = overlay(tmp_path)
    (d / "substances").mkdir()
    rec = MINIMAL_RECORD.format(id="evil", name="Evil", aliases="[]")
    rec += '\n[identifiers]\ncas = "6740-88-1"\nsources = ["test-label"]\n'
    (d / "substances" / "evil.toml").write_text(rec)
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("CAS number '6740-88-1' is also given to 'ketamine'" in p for p in found), found


def test_H4_a_long_class_chain_is_linear_and_reported(tmp_path: Path) -> None:
    """H4: a chain of 5,000 classes resolves in linear time and memory; validate reports its depth."""
    n = 5_000
    body = "".join(
        f'[class.c{i}]\nname = "C{i}"\n' + (f'classes = ["c{i + 1}"]\n' if i < n else "") for i in range(1, n + 1)
    )
    body += '[substance.mdma]\nclasses = ["c1"]\n'
    d = overlay(tmp_path, body, RULE.format(a=f"c{n}", b="lithium", sev="minor", effect="other", src="test-label"))
    ds = Dataset([d])
    start = time.perf_counter()
    data = ix.load(ds)
    pair = ix.pair(data, ix.resolve(ds, data, "mdma"), ix.resolve(ds, data, "lithium"))
    assert time.perf_counter() - start < 20
    (hit,) = [h for h in pair.hits if h.rule.origin != "bundled"]
    assert len(hit.via) == n and hit.via[0] == "c1" and hit.via[-1] == f"c{n}"
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("nested" in p and "deep" in p for p in found), found


def test_L2_class_cycles_are_reported(tmp_path: Path) -> None:
    """L2: a class membership cycle (and self-membership) is a located problem; lookups still end."""
    body = '[class.ca]\nname = "A"\nclasses = ["cb"]\n[class.cb]\nname = "B"\nclasses = ["ca"]\n'
    body += '[class.cc]\nname = "C"\nclasses = ["cc"]\n'
    d = overlay(tmp_path, body)
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("class membership cycle: ca > cb > ca" in p and "partners.toml:3:" in p for p in found), found
    assert any("class membership cycle: cc > cc" in p for p in found), found


@pytest.mark.slow  # scale: thousands of rules
def test_H5_locating_many_problems_is_linear(tmp_path: Path) -> None:
    """H5: 3,000 rules citing a misspelled source: one located error, fast (was 46 s at 4,000)."""
    body = "".join(
        RULE.format(a="mdma", b=f"d{i}", sev="minor", effect="other", src="no-such-source") for i in range(3000)
    )
    partners = "".join(f'[drug.d{i}]\nname = "D{i}"\nsources = ["test-label"]\n' for i in range(3000))
    d = overlay(tmp_path, partners, body)
    start = time.perf_counter()
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    with pytest.raises(Exception, match="no-such-source"):
        ix.load(Dataset([d]))
    assert time.perf_counter() - start < 20
    assert sum("no-such-source" in p for p in found) == 3000
    assert any("interactions.toml:10:" in p and "no-such-source" in p for p in found)  # rule[0].sources


def test_H6_an_overlay_reviewed_date_does_not_redate_bundled_rules(run: Run, tmp_path: Path) -> None:
    """H6: `reviewed = 2020-01-01` in an overlay leaves bundled rules with the bundled date."""
    before = json.loads(run("interactions", "mdma", "maoi", "-f", "json")[1])
    d = overlay(tmp_path, "", "", reviewed="2020-01-01")
    code, out, err = run("--data", str(d), "interactions", "mdma", "maoi", "-f", "json")
    assert code == 0, err
    after = json.loads(out)
    assert after["reviewed"] == before["reviewed"]
    assert after["pairs"][0]["rules"][0]["as_of"] == before["pairs"][0]["rules"][0]["as_of"]


def test_H6_an_overlay_rule_carries_its_own_directory_date(tmp_path: Path) -> None:
    """H6: the overlay's `reviewed` dates its own rules; a future date is refused."""
    d = overlay(tmp_path, "", RULE.format(a="mdma", b="lsd", sev="minor", effect="other", src="test-label"))
    data = ix.load(Dataset([d]))
    mine = [r for r in data.rules if r.origin != "bundled"]
    assert [r.as_of.isoformat() for r in mine if r.as_of] == ["2025-01-01"]
    assert all(r.as_of != mine[0].as_of for r in data.rules if r.origin == "bundled")
    (d / "interactions.toml").write_text("reviewed = 2099-01-01\n")
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("reviewed 2099-01-01 is in the future" in p for p in found), found


@pytest.mark.parametrize("kind", ["fifo", "directory", "dangling"])
def test_M5_a_non_regular_rules_file_is_a_problem(tmp_path: Path, kind: str) -> None:
    """M5: a FIFO, folder or dangling link named interactions.toml is reported, never ignored."""
    d = overlay(tmp_path, reviewed="")
    target = d / "interactions.toml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        target.symlink_to(d / "nowhere.toml")
    found = [str(p) for p in validate_dirs([BUNDLED, d])]
    assert any("interactions.toml" in p and "cannot read" in p for p in found), found


def test_M9_the_in_process_cache_sees_a_same_size_mtime_restored_edit(tmp_path: Path) -> None:
    """M9: a library user sees an edit that keeps the size and restores the mtime."""
    d = overlay(tmp_path, "", RULE.format(a="mdma", b="lsd", sev="minor", effect="other", src="test-label"))
    path = d / "interactions.toml"
    st = path.stat()
    first = ix.load(Dataset([d]))
    assert any(r.severity == "minor" and r.b == "lsd" for r in first.rules)
    path.write_text(path.read_text().replace('"minor"', '"major"'))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    again = ix.load(Dataset([d]))
    assert any(r.severity == "major" and r.b == "lsd" for r in again.rules)


@pytest.mark.slow  # scale: thousands of rules
def test_M8_one_name_queries_read_only_the_rules_of_that_name(tmp_path: Path) -> None:
    """M8: 5,000 rules on one name: `involving` is linear (was O(R^2)), `pair` reads the smaller side."""
    n = 5000
    partners = "".join(f'[drug.d{i}]\nname = "D{i}"\nsources = ["test-label"]\n' for i in range(n))
    body = "".join(RULE.format(a="mdma", b=f"d{i}", sev="minor", effect="other", src="test-label") for i in range(n))
    d = overlay(tmp_path, partners, body)
    ds = Dataset([d])
    data = ix.load(ds)
    mdma = ix.resolve(ds, data, "mdma")
    start = time.perf_counter()
    found = ix.involving(ds, data, mdma)
    assert time.perf_counter() - start < 5
    assert sum(1 for p in found if p.b.id in {f"d{i}" for i in range(n)}) == n
    assert len(data.by_id["mdma"]) >= n


def test_M8_the_checked_rules_are_cached_and_read_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """M8: a second process-equivalent call reads the validated data from the private cache (SQLite,
    through the checked descriptor) by key, gives the same answers, and a damaged value falls back
    to the files."""
    import sqlite3

    from psycompare.store import index

    monkeypatch.setattr(index, "_now", lambda: time.time_ns() + 60_000_000_000)  # files count as settled
    n = 300
    partners = "".join(f'[drug.d{i}]\nname = "D{i}"\nsources = ["test-label"]\n' for i in range(n))
    body = "".join(RULE.format(a="mdma", b=f"d{i}", sev="minor", effect="other", src="test-label") for i in range(n))
    d = overlay(tmp_path, partners, body)
    ds = Dataset([d])
    fresh = ix.load(ds)
    want = ix.pair(fresh, ix.resolve(ds, fresh, "mdma"), ix.resolve(ds, fresh, "d7"))
    (cache,) = Path(os.environ["PSYCOMPARE_CACHE_DIR"]).glob("interactions-*.sqlite")
    ix_store._CACHE.clear()
    cached = ix.load(Dataset([d]))
    assert not isinstance(cached.rules, tuple)  # lazy, from the cache
    got = ix.pair(cached, ix.resolve(ds, cached, "mdma"), ix.resolve(ds, cached, "d7"))
    assert got == want and cached.keys["d7"] == "d7" and len(cached.rules) == len(fresh.rules)
    # read by key first, then iterated: the file's order, as built (the one-name view lists in it)
    assert list(cached.partners) == list(fresh.partners) and list(cached.rules) == list(fresh.rules)
    assert ix.involving(ds, cached, ix.resolve(ds, cached, "mdma")) == ix.involving(
        ds, fresh, ix.resolve(ds, fresh, "mdma")
    )
    db = sqlite3.connect(cache)  # damage one rule's value: the answer still comes from the files
    db.execute("UPDATE rules SET v = x'00000000ff' WHERE k = (SELECT max(k) FROM rules)")
    db.commit()
    db.close()
    ix_store._CACHE.clear()
    damaged = ix.load(Dataset([d]))
    assert list(damaged.rules) == list(fresh.rules)


def test_H1_a_name_with_two_meanings_in_one_directory_is_reported(tmp_path: Path) -> None:
    """H1 within one directory: a drug named like a record of the same directory is a located problem,
    unless the drug says it contains that substance (the bundled ayahuasca brew and DMT)."""
    d = tmp_path / "d"
    shutil.copytree(BUNDLED, d)
    partners = d / "partners.toml"
    text = partners.read_text("utf-8")
    assert 'contains = ["dmt"]' in text  # the bundled brew declares the overlap
    assert [str(p) for p in validate_dirs([d])] == []
    partners.write_text(text.replace('contains = ["dmt"]\n', ""), "utf-8")
    found = [str(p) for p in validate_dirs([d])]
    assert any("drug.ayahuasca: 'ayahuasca' is also a name of substance 'dmt'" in p for p in found), found
    partners.write_text(text + '\n[drug.molly-pill]\nname = "molly"\nsources = ["fda-cyp-table"]\n', "utf-8")
    found = [str(p) for p in validate_dirs([d])]
    assert any("'molly' is also a name of substance 'mdma'" in p and "partners.toml:" in p for p in found), found
    partners.write_text(text.replace('contains = ["dmt"]', 'contains = ["nope"]'), "utf-8")
    found = [str(p) for p in validate_dirs([d])]
    assert any("drug.ayahuasca.contains: no substance record 'nope'" in p for p in found), found

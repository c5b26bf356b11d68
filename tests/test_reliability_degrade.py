"""Reliability audit 2026-12-04: degrade, never collapse. A broken user interaction file costs only
its own facts in `show` and `compare` (M1); a broken user record costs only itself in the
all-records commands (M10); each with one located note on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import MINIMAL_RECORD, MINIMAL_SOURCES, Run

DUP = (
    'reviewed = 2026-01-01\n[[rule]]\na = "maoi"\nb = "mdma"\nseverity = "minor"\neffect = "serotonin-toxicity"\n'
    'text = "x"\nsetting = "nonmedical"\nevidence = "label"\nsources = ["test-label"]\n'
)


@pytest.fixture
def broken_rules(tmp_path: Path) -> Path:
    d = tmp_path / "dg"
    d.mkdir()
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    (d / "interactions.toml").write_text(DUP)
    return d


def test_M1_a_broken_user_interaction_file_does_not_break_show(run: Run, broken_rules: Path) -> None:
    """M1: `show` of a bundled substance works, with the bundled interactions and one located note."""
    code, out, err = run("--data", str(broken_rules), "show", "mdma", "-f", "plain")
    plain = run("show", "mdma", "-f", "plain")[1]
    assert code == 0 and out == plain
    notes = [line for line in err.splitlines() if "skipped your interaction file" in line]
    assert len(notes) == 1 and "interactions.toml:3:1:" in notes[0] and "duplicate rule" in notes[0]


def test_M1_a_broken_user_interaction_file_does_not_break_compare(run: Run, broken_rules: Path) -> None:
    """M1: `compare --full` keeps working; the bundled MAOI rule stands (the overlay cannot lower it)."""
    code, out, err = run("--data", str(broken_rules), "compare", "ketamine", "mdma", "--full", "-f", "json")
    assert code == 0, err
    assert out == run("compare", "ketamine", "mdma", "--full", "-f", "json")[1]
    assert err.count("skipped your interaction file") == 1


def test_M1_interactions_itself_still_refuses_the_broken_file(run: Run, broken_rules: Path) -> None:
    """M1: the `interactions` command reports the broken file and exits 1 (as documented)."""
    code, out, err = run("--data", str(broken_rules), "interactions", "mdma", "maoi")
    assert code == 1 and not out and "duplicate rule" in err


@pytest.fixture
def broken_record(tmp_path: Path) -> Path:
    d = tmp_path / "br"
    (d / "substances").mkdir(parents=True)
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    for sid in ("alpha", "beta"):
        (d / "substances" / f"{sid}.toml").write_text(MINIMAL_RECORD.format(id=sid, name=sid.title(), aliases="[]"))
    with open(d / "substances" / "beta.toml", "a") as fh:
        fh.write("oops = = 1\n")
    return d


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "-f", "json"],
        ["status", "--all", "-f", "json"],
        ["list", "-j", "GB", "-f", "json"],
        ["list", "--schedule", "C-I", "-f", "json"],
        ["export", "--format", "json"],
    ],
    ids=" ".join,
)
def test_M10_one_broken_record_costs_only_itself(run: Run, broken_record: Path, args: list[str]) -> None:
    """M10: the all-records commands show every record that loads, and name the broken file once."""
    code, out, err = run("--data", str(broken_record), *args)
    assert code == 0, err
    assert out and json.loads(out)
    notes = [line for line in err.splitlines() if "skipped a record" in line]
    assert len(notes) == 1 and "beta.toml:" in notes[0], err
    if args[0] in ("status", "export"):
        assert "alpha" in out and "ketamine" in out


def test_L1_old_13_list_names_a_broken_record_file(run: Run, broken_record: Path) -> None:
    """L1 (rest of old finding 13): `list` keeps the row but says on stderr which file did not load."""
    code, out, err = run("--data", str(broken_record), "list", "-f", "csv")
    assert code == 0 and "alpha," in out
    notes = [line for line in err.splitlines() if "could not read a record" in line]
    assert len(notes) == 1 and "beta.toml:" in notes[0]


@pytest.mark.parametrize("value", ["2026-W01-1", "2026W01-1x", "２０２６-01-01"])
def test_L3_as_of_takes_only_yyyy_mm_dd(run: Run, value: str) -> None:
    """L3: an ISO week date (or other digits) is a usage error naming --as-of."""
    code, _, err = run("status", "esketamine", "--as-of", value)
    assert code == 2 and "--as-of expects a date as YYYY-MM-DD" in err


def test_L5_a_record_file_name_that_is_not_an_id_never_reaches_csv(run: Run, broken_record: Path) -> None:
    """L5: a file name carrying an escape sequence is not indexed (data validate reports it): no raw ESC."""
    (broken_record / "substances" / "\x1b]0;pwned\x07.toml").write_text("id = 'x'\n")
    code, out, _ = run("--data", str(broken_record), "list", "-f", "csv")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    code, out, err = run("data", "validate", str(broken_record))
    assert code == 1 and "file name must be the record id" in out + err


def test_L8_stale_checks_rules_and_measures_each_directory_by_its_own_date(run: Run, tmp_path: Path) -> None:
    """L8: an interaction rule dated 2001 is stale; an overlay dated 2099 does not age bundled facts."""
    d = tmp_path / "ovl"
    d.mkdir()
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    (d / "dataset.toml").write_text('version = "x"\ndate = 2099-01-01\n')
    code, out, _ = run("--data", str(d), "data", "stale")
    assert code == 0 and out == ""
    (d / "dataset.toml").write_text('version = "x"\ndate = 2026-01-01\n')
    (d / "interactions.toml").write_text(
        'reviewed = 2025-12-01\n[[rule]]\na = "mdma"\nb = "lsd"\nseverity = "minor"\neffect = "other"\ntext = "t"\n'
        'setting = "any"\nevidence = "label"\nsources = ["test-label"]\nas_of = 2001-01-01\n'
    )
    code, out, _ = run("--data", str(d), "data", "stale")
    assert code == 1 and "interactions.toml:11:1: rule[0].as_of: as of 2001-01-01" in out


def test_L3_a_date_after_the_dataset_date_says_where_the_data_ends(run: Run) -> None:
    """L3: `--as-of 9999-12-31` answers with the last recorded state and says the data ends earlier."""
    code, out, err = run("status", "esketamine", "--as-of", "9999-12-31", "-f", "csv")
    assert code == 0 and out and "the data ends on" in err
    assert "the data ends on" not in run("status", "esketamine", "--as-of", "2020-01-01", "-f", "csv")[2]

"""The completeness rule (issue 20, items 3 and 4): every record has six or more mild side
effects, a serious risk and a status in every covered jurisdiction, or a stated gap in gaps.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from psycompare.store import completeness
from psycompare.store.dataset import Dataset, bundled_root

from .conftest import cli

BUNDLED = Path(bundled_root())


def test_bundled_data_passes_the_completeness_rule() -> None:
    assert completeness.check_dirs([BUNDLED]) == []


def test_data_validate_complete_exits_zero_on_the_bundled_data() -> None:
    result = cli(["data", "validate", "--complete", str(BUNDLED)])
    assert result.exit_code == 0, result.output


def test_every_stated_gap_gives_a_reason_and_names_a_real_record() -> None:
    gaps, problems = completeness.load_gaps([BUNDLED])
    assert problems == []
    ids = set(Dataset().ids())
    assert gaps and all(g.reason.strip() and g.record in ids for g in gaps)


def _copy_record(tmp: Path, sid: str, gaps: str = "") -> Path:
    """A one-record data directory built from the bundled record and the sources it needs."""
    d = tmp / "data"
    (d / "substances").mkdir(parents=True)
    (d / "substances" / f"{sid}.toml").write_text((BUNDLED / "substances" / f"{sid}.toml").read_text("utf-8"))
    (d / "sources.toml").write_text((BUNDLED / "sources.toml").read_text("utf-8"))
    if gaps:
        (d / "gaps.toml").write_text(gaps)
    return d


def test_a_record_short_of_the_rule_is_reported(tmp_path: Path) -> None:
    # methylone has four mild side effects and no CH, EU or INTL entry: without gaps.toml all show.
    d = _copy_record(tmp_path, "methylone")
    found = {p.field for p in completeness.check_dirs([d])}
    assert {"side_effects", "status[CH]", "status[EU]", "status[INTL]"} <= found


def test_a_stated_gap_silences_its_cell_only(tmp_path: Path) -> None:
    gaps = '[[gap]]\nrecord = "methylone"\nwhat = "status"\njurisdiction = "CH"\nreason = "not read"\n'
    d = _copy_record(tmp_path, "methylone", gaps)
    found = {p.field for p in completeness.check_dirs([d])}
    assert "status[CH]" not in found and "status[EU]" in found


def test_a_gap_that_is_no_longer_missing_is_reported(tmp_path: Path) -> None:
    gaps = '[[gap]]\nrecord = "methylone"\nwhat = "status"\njurisdiction = "US"\nreason = "stale"\n'
    d = _copy_record(tmp_path, "methylone", gaps)
    messages = [p.message for p in completeness.check_dirs([d])]
    assert any("now has status US" in m for m in messages)


def test_a_gap_without_a_reason_is_refused(tmp_path: Path) -> None:
    gaps = '[[gap]]\nrecord = "methylone"\nwhat = "side_effects"\nreason = " "\n'
    _, problems = completeness.load_gaps([_copy_record(tmp_path, "methylone", gaps)])
    assert problems and "why" in problems[0].message


def test_gaps_file_lists_only_what_the_data_lacks() -> None:
    # The gap list and the records agree both ways (the rule reports stale gaps too).
    data = tomllib.loads((BUNDLED / "gaps.toml").read_text("utf-8"))
    assert {g["what"] for g in data["gap"]} <= {"status", "schedule", "side_effects", "serious"}


def test_an_unknown_schedule_in_a_covered_jurisdiction_needs_a_stated_gap(tmp_path: Path) -> None:
    # psilocybin's NZ entry exists but its class is unknown (audit row 14): reported without a gap.
    found = {p.field for p in completeness.check_dirs([_copy_record(tmp_path, "psilocybin")])}
    assert "schedule[NZ]" in found


# Regression rows for the thin records named in issue 20.
def test_thin_records_are_filled() -> None:
    ds = Dataset()
    for sid in ("dmt", "mescaline", "mdma", "dextromethorphan-bupropion", "ketamine", "ibogaine", "lsd"):
        sub = ds.load(sid)
        assert sum(s.severity == "mild" for s in sub.side_effects) >= 6, sid
        assert any(s.severity == "serious" for s in sub.side_effects), sid


def test_mdma_phase_3_adverse_events_carry_rates() -> None:
    notes = {s.text: s.note for s in Dataset().load("mdma").side_effects}
    assert "63% vs 11%" in notes["Muscle tightness"]
    assert "52% vs 11%" in notes["Decreased appetite"]
    assert any("Jaw clenching" in t for t in notes)


def test_mapp2_result_gives_primary_and_key_secondary_outcomes() -> None:
    mapp2 = next(t for t in Dataset().load("mdma").trials if t.name == "MAPP2")
    assert "-23.7" in mapp2.result and "-26.94" in mapp2.result and "Sheehan" in mapp2.result
    assert "d 0.4" in mapp2.result and "Sheehan" in mapp2.primary_endpoint

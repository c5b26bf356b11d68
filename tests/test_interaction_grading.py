"""The interaction scale, enforced (`ix_validate.severity_floor`, `grading_problems`) and
properties: what a drug does reaches a rule the way a class does, and the output says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psycompare.query import interactions as ix
from psycompare.store import ix_validate
from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED, MINIMAL_SOURCES, Run

PARTNERS = """
[property.test-releaser]
name = "test releasers"
sources = ["test-label"]

[property.test-broad]
name = "broad test property"
sources = ["test-label"]

[class.test-inhibitors]
name = "test inhibitors"
properties = ["test-broad"]
sources = ["test-label"]

[drug.testzine]
name = "testzine"
aliases = ["Testil"]
classes = ["test-inhibitors"]
sources = ["test-label"]

[substance.mdma]
properties = ["test-releaser"]
sources = ["test-label"]
"""


def _rule(a: str, b: str, severity: str, text: str = "test", effect: str = "other", extra: str = "") -> str:
    return (
        f'\n[[rule]]\na = "{a}"\nb = "{b}"\nseverity = "{severity}"\neffect = "{effect}"\n'
        f'text = "{text}"\nsetting = "any"\nevidence = "review"\nsources = ["test-label"]\n{extra}'
    )


def _overlay(tmp_path: Path, rules: str, partners: str = PARTNERS) -> Path:
    d = tmp_path / "overlay"
    d.mkdir(parents=True)
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    (d / "partners.toml").write_text(partners)
    (d / "interactions.toml").write_text("reviewed = 2025-01-01\n" + rules)
    return d


def _problems(tmp_path: Path, rules: str, partners: str = PARTNERS) -> str:
    return "\n".join(str(p) for p in validate_dirs([BUNDLED, _overlay(tmp_path, rules, partners)]))


# -- properties --------------------------------------------------------------------------------------


def test_a_property_rule_reaches_its_members_and_says_so(run: Run, tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, _rule("test-releaser", "test-broad", "major", "Two test effects add up"))
    code, out, err = run("--data", str(overlay), "interactions", "mdma", "testil", "--format", "json")
    assert code == 0, err
    (pair,) = json.loads(out)["pairs"]
    assert pair["severity"] == "major"
    rule = pair["rules"][0]
    assert rule["via"] == ["test-releaser", "test-inhibitors", "test-broad"]
    code, out, err = run("--data", str(overlay), "interactions", "mdma", "testil", "--format", "plain", "--full")
    flat = " ".join(out.split())
    assert "via property: test releasers" in flat and "class: test inhibitors" in flat


def test_property_membership_is_checked(tmp_path: Path) -> None:
    partners = PARTNERS + '\n[drug.other]\nname = "otherzine"\nproperties = ["nosuch", "test-inhibitors"]\n'
    partners += 'classes = ["test-releaser"]\nsources = ["test-label"]\n'
    found = _problems(tmp_path, "", partners)
    assert "unknown property 'nosuch'" in found
    assert "unknown property 'test-inhibitors' (it is a class: list it under classes)" in found
    assert "unknown class 'test-releaser' (it is a property: list it under properties)" in found


def test_a_property_needs_a_source(tmp_path: Path) -> None:
    found = _problems(tmp_path, "", PARTNERS + '\n[property.bare]\nname = "bare"\n')
    assert "a property needs at least one source id" in found


# -- severity floors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("Two deaths were reported", "major"),
        ("Fatal arrhythmias followed", "major"),
        ("Serotonin syndrome was described", "major"),
        ("Seizures in 7 of 62 reports", "major"),
        ("Risk of hypertensive crisis", "major"),
        ("Profound sedation, respiratory depression, coma", "major"),
        ("Do not co-administer", "contraindicated"),
        ("The label contraindicates the pair", "contraindicated"),
    ],
)
def test_each_floor_refuses_a_milder_rule(tmp_path: Path, text: str, floor: str) -> None:
    assert ix_validate.severity_floor(text) is not None and ix_validate.severity_floor(text)[0] == floor  # type: ignore[index]
    below = "minor" if floor == "major" else "major"
    found = _problems(tmp_path, _rule("mdma", "testzine", below, text))
    assert f"{below!r} is below the scale" in found and f"at least {floor!r}" in found
    assert "interactions.toml:6:" in found  # located on the rule's severity line


def test_a_floor_met_or_explained_passes(tmp_path: Path) -> None:
    met = _rule("mdma", "testzine", "major", "Two deaths were reported")
    assert "below the scale" not in _problems(tmp_path, met)
    explained = _rule("lsd", "testzine", "minor", "Seizures", extra='grading_note = "Only at ten times the dose"\n')
    assert "below the scale" not in _problems(tmp_path / "b", explained)


def test_negated_mentions_set_no_floor() -> None:
    assert ix_validate.severity_floor("No seizures were reported in 40 sessions") is None
    assert ix_validate.severity_floor("The label does not contraindicate it") is None
    assert ix_validate.severity_floor("Raised levels; no serotonin toxicity was seen") is None


def test_a_substance_rule_milder_than_its_property_rule_is_flagged(tmp_path: Path) -> None:
    rules = _rule("test-releaser", "testzine", "contraindicated") + _rule("mdma", "testzine", "moderate")
    found = _problems(tmp_path, rules)
    assert "'moderate' is milder than the 'contraindicated' rule test-releaser + testzine" in found
    other_effect = _rule("test-releaser", "testzine", "contraindicated") + _rule(
        "mdma", "testzine", "moderate", effect="blunted-effect"
    )
    assert "is milder than" not in _problems(tmp_path / "b", other_effect)


def test_bundled_rules_meet_the_scale() -> None:
    found = [str(p) for p in validate_dirs([BUNDLED])]
    assert not [p for p in found if "below the scale" in p or "is milder than" in p], found


@given(st.text(max_size=80))
def test_floor_is_one_of_the_scale_or_none(text: str) -> None:
    got = ix_validate.severity_floor(text)
    assert got is None or (got[0] in ix.SEVERITIES and got[1].lower() in text.lower())

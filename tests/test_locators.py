"""Locators (issue 20, item 6): label and statute facts say where in their first-listed source the
claim is, so a reader checks it in seconds. A floor on how many facts carry one, per record and in
all, and a check that every locator on a label points at a section, table, the boxed warning or the
highlights, and every locator on a rule at a schedule, paragraph, section or page."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUNDLED, Run

SOURCES: dict[str, dict[str, Any]] = tomllib.loads((BUNDLED / "sources.toml").read_text("utf-8"))

# A label locator: "section 5.1", "sections 1 and 9.1", "section 6.1, Table 4", "Table 2",
# "boxed warning", "Highlights (initial US approval); section 1"; an SmPC's "section 4.3".
LABEL_PART = (
    r"(sections? \d+(\.\d+)*(, \d+(\.\d+)*)*( (and|to) \d+(\.\d+)*)?( \([^)]*\))?(, Table \d+)?"
    r"|Table \d+|boxed warning|Highlights( \([^)]*\))?)"
)
LABEL_LOCATOR = re.compile(rf"^{LABEL_PART}(; {LABEL_PART})*$")
# A rule locator: a CFR paragraph, a Federal Register page, a schedule or its part, an Anlage,
# a section of an Act, a named paragraph of a rule.
RULE_LOCATOR = re.compile(
    r"^(\d+ CFR \d+\.\d+(\([a-z0-9]+\))*"
    r"|\d+ FR \d+"
    r"|Schedule [0-9IVX]+(, Part [IVX0-9]+)?"
    r"|Anlage [IVX]+"
    r"|sections? \d+.*"
    r"|the [A-Z]+ paragraph)$"
)

# Floors: the label and schedule facts of these records carry locators (raise, never lower).
FLOORS = {
    "ketamine": 30,
    "esketamine": 25,
    "sertraline": 30,
    "paroxetine": 30,
    "dextromethorphan-bupropion": 18,
}
TOTAL_FLOOR = 185


def facts() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(record id, section[index], fact) for every sourced fact of every bundled record."""
    for path in sorted((BUNDLED / "substances").glob("*.toml")):
        rec = tomllib.loads(path.read_text("utf-8"))
        for key, value in rec.items():
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if isinstance(item, dict) and "sources" in item:
                    yield rec["id"], f"{key}[{i}]", item


def test_locator_floor_per_record_and_in_all() -> None:
    counts = Counter(rid for rid, _, fact in facts() if fact.get("locator"))
    for rid, floor in FLOORS.items():
        assert counts[rid] >= floor, (rid, counts[rid])
    assert sum(counts.values()) >= TOTAL_FLOOR, sum(counts.values())


def test_every_us_schedule_i_status_from_the_cfr_names_its_paragraph() -> None:
    for rid, where, fact in facts():
        if where.startswith("status[") and fact["sources"][0] == "cfr-21-1308":
            assert fact.get("locator", "").startswith("21 CFR 1308."), (rid, where)


@pytest.mark.parametrize("kind", ["label", "rule"])
def test_locators_look_like_section_table_or_schedule_references(kind: str) -> None:
    pattern = LABEL_LOCATOR if kind == "label" else RULE_LOCATOR
    checked = 0
    for rid, where, fact in facts():
        loc = fact.get("locator")
        if loc and SOURCES[fact["sources"][0]]["kind"] == kind:
            assert pattern.match(loc), (rid, where, loc)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    ("loc", "ok"),
    [
        ("section 5.1", True),
        ("sections 9.2 and 9.3", True),
        ("section 6.1, Table 4", True),
        ("boxed warning; section 5.1", True),
        ("Highlights (initial US approval); sections 1 and 9.1", True),
        ("section 1 (Limitations of Use)", True),
        ("sections 5.7, 5.8, 5.10 and 5.12", True),
        ("see the label", False),
        ("p. 12", False),
        ("", False),
    ],
)
def test_label_locator_pattern(loc: str, ok: bool) -> None:
    assert bool(LABEL_LOCATOR.match(loc)) is ok


# ----------------------------------------------------------------------------- interaction rules


def test_label_interaction_rules_carry_a_locator_in_json_and_full(run: Run) -> None:
    code, out, _ = run("interactions", "sertraline", "phenelzine", "--format", "json")
    assert code == 0
    rules = [r for p in json.loads(out)["pairs"] for r in p["rules"]]
    maoi = next(r for r in rules if r["a"] == "sertraline" and r["b"] == "maoi")
    assert maoi["locator"] == "section 4" and maoi["sources"][0] == "fda-zoloft-label-2023-08"
    assert all("locator" in r for r in rules)
    code, out, _ = run("interactions", "sertraline", "phenelzine", "--full", "--format", "plain")
    assert re.search(r"\(see section 4 in \[\d+\]\)", " ".join(out.split()))


def test_rule_locators_on_labels_look_like_section_references() -> None:
    rules = tomllib.loads((BUNDLED / "interactions.toml").read_text("utf-8"))["rule"]
    located = [r for r in rules if r.get("locator")]
    assert len(located) >= 45
    for r in located:
        assert SOURCES[r["sources"][0]]["kind"] == "label", r
        assert LABEL_LOCATOR.match(r["locator"]), r


def test_data_validate_limits_a_rule_locator_to_80_characters(run: Run, data_copy: Path) -> None:
    rules = data_copy / "interactions.toml"
    text = rules.read_text("utf-8")
    assert 'locator = "section 4"' in text
    rules.write_text(text.replace('locator = "section 4"', f'locator = "{"x" * 81}"', 1), "utf-8")
    code, out, err = run("data", "validate", str(data_copy))
    assert code != 0 and "locator" in out + err

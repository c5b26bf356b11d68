"""`query.jurisdiction.matches`: the one `-j` rule of `status` and `timeline` (audit 1.5, 3.2)."""

from __future__ import annotations

from psycompare.query.jurisdiction import matches


def test_no_filter_matches_everything() -> None:
    assert matches("US-OR", None) and matches("gb", None)


def test_a_country_includes_its_subdivisions_only() -> None:
    assert matches("US", "US") and matches("us-or", "US") and matches("US-NM", "US")
    assert not matches("USA", "US") and not matches("GB", "US") and not matches("US", "US-OR")

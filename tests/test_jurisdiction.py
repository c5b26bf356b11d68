"""`query.jurisdiction.matches`: the one `-j` rule of `status` and `timeline` (audit 1.5, 3.2)."""

from __future__ import annotations

import json

from psycompare.query.jurisdiction import matches

from .conftest import Run


def test_no_filter_matches_everything() -> None:
    assert matches("US-OR", None) and matches("gb", None)


def test_a_country_includes_its_subdivisions_only() -> None:
    assert matches("US", "US") and matches("us-or", "US") and matches("US-NM", "US")
    assert not matches("USA", "US") and not matches("GB", "US") and not matches("US", "US-OR")


def test_status_lists_jurisdictions_in_one_order(run: Run) -> None:
    """Audit 2026-12-04 UX Low list: `status mdma` listed US, AU, CA, EU, GB, INTL, DE, CH (the file's
    order). Now: US, CA, GB, EU, AU, NZ, CH, DE... as `-j` names them, INTL last, states after their
    country; with `-j B,A` the order asked for."""
    from psycompare.query.jurisdiction import order

    def shown(*args: str) -> list[str]:
        data = json.loads(run("status", *args, "-f", "json")[1])
        return [e["jurisdiction"] for e in data["substances"][0]["status"]]

    assert shown("mdma") == ["US", "CA", "GB", "EU", "AU", "CH", "DE", "INTL"]
    assert shown("psilocybin", "-j", "GB,US") == ["GB", "US", "US-CO", "US-NM", "US-OR"]
    codes = ["INTL", "US-OR", "ZZ", "CA", "US", "GB"]
    assert sorted(codes, key=order) == ["US", "US-OR", "CA", "GB", "ZZ", "INTL"]

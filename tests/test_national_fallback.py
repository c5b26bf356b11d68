"""A subdivision with no entry of its own shows the national status, labelled as such
(`query.jurisdiction.national`, `fallback_note`), in status, status --all, compare and JSON."""

from __future__ import annotations

import json

from psycompare.query.jurisdiction import fallback_note, national

from .conftest import Run


def test_national_of_a_subdivision() -> None:
    assert national("US-CO") == "US" and national("us-or") == "US"
    assert national("US") is None and national("GB") is None
    assert fallback_note("US-CO", "US") == "no US-CO law recorded; federal (US)"
    assert fallback_note("CA-BC", "CA") == "no CA-BC law recorded; national (CA)"


def test_status_falls_back_to_federal_and_says_so(run: Run) -> None:
    code, out, _ = run("status", "mdma", "-j", "US-CO", "-f", "plain")
    assert code == 0 and "no US-CO law recorded; federal (US)" in " ".join(out.split())
    assert "Schedule I" in out and "no status recorded" not in out
    data = json.loads(run("status", "mdma", "-j", "US-CO", "-f", "json")[1])
    (sub,) = data["substances"]
    assert sub["fallback"] == {"asked": "US-CO", "shown": "US", "note": "no US-CO law recorded; federal (US)"}
    assert [s["jurisdiction"] for s in sub["status"]] == ["US"]


def test_a_state_entry_of_its_own_wins(run: Run) -> None:
    data = json.loads(run("status", "psilocybin", "-j", "US-CO", "-f", "json")[1])
    (sub,) = data["substances"]
    assert sub["fallback"] is None and all(s["jurisdiction"] == "US-CO" for s in sub["status"])


def test_fallback_on_a_date(run: Run) -> None:
    data = json.loads(run("status", "mdma", "-j", "US-CO", "--as-of", "2000-01-01", "-f", "json")[1])
    (sub,) = data["substances"]
    assert sub["fallback"]["shown"] == "US" and sub["not_recorded"] == []


def test_compare_and_status_all_fall_back(run: Run) -> None:
    out = " ".join(run("compare", "mdma", "ketamine", "-j", "US-CO", "-f", "plain")[1].split())
    assert out.count("no US-CO law recorded; federal (US)") >= 2 and "No US-CO status recorded" not in out
    data = json.loads(run("status", "--all", "-j", "US-CO", "-f", "json")[1])
    mdma = next(s for s in data["substances"] if s["id"] == "mdma")
    assert mdma["jurisdiction"] == "US" and mdma["short"].startswith("no US-CO law recorded; federal (US)")
    psilo = next(s for s in data["substances"] if s["id"] == "psilocybin")
    assert psilo["jurisdiction"] == "US-CO"

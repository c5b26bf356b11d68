"""Record sweep of 2026-12-04 (issue 20, item 2): the dated facts it added exist, with their
date, jurisdiction, kind and a source of the right kind (docs/dataset/sweep-2026-12-04.md)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from psycompare.query import jurisdiction as jurisdictions
from psycompare.store.dataset import Dataset

from .conftest import cli

D = dt.date
PRIMARY = {"label", "regulator", "rule", "trial", "registry", "sponsor"}

# (record, date, jurisdiction, kind, a source id it must cite, needs a primary source)
EVENTS = [
    ("5-meo-dmt", D(2025, 7, 1), "US", "other", "atai-bpl003-btd-2025-10-16", True),
    ("5-meo-dmt", D(2025, 9, 23), "US", "other", "atai-bpl003-phase2a-2025-09-23", True),
    ("5-meo-dmt", D(2025, 10, 16), "US", "designation", "atai-bpl003-btd-2025-10-16", True),
    ("dextromethorphan-bupropion", D(2025, 12, 31), "US", "submission", "axsome-8k-ad-agitation-snda-2025-12-31", True),
    (
        "dextromethorphan-bupropion",
        D(2026, 4, 30),
        "US",
        "approval",
        "axsome-8k-auvelity-ad-agitation-approval-2026-04-30",
        True,
    ),
    ("ketamine", D(2025, 1, 16), "GB", "other", "gov-uk-ketamine-acmd-commission-2025", True),
    ("ketamine", D(2026, 1, 28), "GB", "other", "gov-uk-acmd-ketamine-review-2026", True),
    ("esketamine", D(2023, 4, 20), "CN", "approval", "cn-esketamine-nasal-spray-label", True),
    ("lsd", D(2026, 5, 12), "US", "other", "definium-8k-ascend-fpi-2026-05-12", True),
    ("mdma", D(2024, 5, 1), "US-UT", "programme", "ut-sb266-2024", True),
    ("mdma", D(2024, 6, 6), "NL", "other", "nl-staatscommissie-mdma-2024", True),
    ("psilocybin", D(2024, 5, 1), "US-UT", "programme", "ut-sb266-2024", True),
    ("psilocybin", D(2024, 11, 5), "US-MA", "other", "ballotpedia-ma-question-4-2024", False),
    ("psilocybin", D(2025, 6, 18), "NZ", "programme", "nz-medsafe-psilocybin-2025", True),
    ("psilocybin", D(2025, 7, 3), "CZ", "other", "cz-act-270-2025", True),
    ("psilocybin", D(2025, 7, 11), "DE", "programme", "zi-mannheim-psilocybin-cup-2025", True),
    ("psilocybin", D(2026, 1, 1), "CZ", "programme", "cz-decree-552-2025", True),
    ("psilocybin", D(2026, 4, 18), "US", "other", "eo-14401-2026-04-18", True),
    ("psilocybin", D(2026, 4, 24), "US", "designation", "rize-fda-psychedelic-vouchers-2026", False),
    ("ibogaine", D(2024, 11, 5), "US-MA", "other", "ballotpedia-ma-question-4-2024", False),
    ("ibogaine", D(2026, 4, 18), "US", "other", "eo-14401-2026-04-18", True),
    ("dmt", D(2024, 11, 5), "US-MA", "other", "ballotpedia-ma-question-4-2024", False),
    ("mescaline", D(2024, 11, 5), "US-MA", "other", "ballotpedia-ma-question-4-2024", False),
    ("psilocybin", D(2025, 7, 16), "GB", "other", "gov-uk-barriers-to-research-response-2025", True),
    ("lsd", D(2025, 7, 16), "GB", "other", "gov-uk-barriers-to-research-response-2025", True),
    ("mdma", D(2025, 7, 16), "GB", "other", "gov-uk-barriers-to-research-response-2025", True),
    ("psilocybin", D(2026, 6, 23), "US-NM", "programme", "nm-register-7-35-2-nmac-2026", True),
    ("sertraline", D(2025, 7, 21), "US", "other", "mhw-fda-ssri-pregnancy-panel-2025", False),
    ("paroxetine", D(2025, 7, 21), "US", "other", "mhw-fda-ssri-pregnancy-panel-2025", False),
]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return Dataset()


@pytest.mark.parametrize(("sid", "date", "where", "kind", "source", "primary"), EVENTS)
def test_sweep_event_exists_with_date_and_source(
    ds: Dataset, sid: str, date: dt.date, where: str, kind: str, source: str, primary: bool
) -> None:
    hits = [e for e in ds.load(sid).events if e.date == date and e.jurisdiction == where and e.kind == kind]
    assert len(hits) == 1, (sid, date, where, kind)
    ev = hits[0]
    assert source in ev.sources
    srcs = {s: ds.source(s) for s in ev.sources}
    assert all(v is not None for v in srcs.values())
    if primary:
        assert any(v is not None and v.kind in PRIMARY for v in srcs.values()), ev.sources


def test_auvelity_us_status_has_the_alzheimer_indication_and_history(ds: Dataset) -> None:
    sub = ds.load("dextromethorphan-bupropion")
    us = sub.status_for("US")
    assert us.approval == "approved" and us.since == D(2026, 4, 30)
    assert any("Alzheimer" in i for i in us.indications) and any("Major depressive" in i for i in us.indications)
    old = [h for h in sub.status_history if h.jurisdiction == "US"]
    assert len(old) == 1 and old[0].since == D(2022, 8, 18) and old[0].until == D(2026, 4, 30)
    assert list(old[0].indications) == ["Major depressive disorder in adults"]


def test_auvelity_as_of_2024_shows_mdd_only() -> None:
    r = cli(["status", "dextromethorphan-bupropion", "--as-of", "2024-01-01", "-f", "json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)["substances"][0]["status"][0]
    assert row["indications"] == ["Major depressive disorder in adults"] and row["until"] == "2026-04-30"


def test_czech_psilocybin_status_is_a_new_sourced_jurisdiction(ds: Dataset) -> None:
    cz = ds.load("psilocybin").status_for("CZ")
    assert cz.approval == "restricted-access" and cz.since == D(2026, 1, 1)
    assert cz.schedule_code == "unknown" and "cz-decree-552-2025" in cz.sources
    src = ds.source("cz-decree-552-2025")
    assert src is not None and src.kind == "rule"
    assert jurisdictions.NAMES["CZ"] == "Czech Republic"


def test_china_esketamine_status_is_a_new_sourced_jurisdiction(ds: Dataset) -> None:
    cn = ds.load("esketamine").status_for("CN")
    assert cn.approval == "approved" and cn.since == D(2023, 4, 20)
    assert any("suicidal" in i for i in cn.indications)
    src = ds.source("cn-esketamine-nasal-spray-label")
    assert src is not None and src.kind == "label"
    assert jurisdictions.NAMES["CN"] == "China"


def test_german_psilocybin_status_names_the_compassionate_use_programme(ds: Dataset) -> None:
    de = ds.load("psilocybin").status_for("DE")
    assert de.approval == "not-approved" and "ompassionate" in de.programme
    assert "zi-mannheim-psilocybin-cup-2025" in de.sources and "de-btmg-anlagen" in de.sources


def test_ketamine_gb_note_records_the_2026_acmd_advice(ds: Dataset) -> None:
    gb = ds.load("ketamine").status_for("GB")
    assert gb.schedule_code == "Class B, Sch 2" and "2026" in gb.note
    assert "gov-uk-acmd-ketamine-review-2026" in gb.sources


@pytest.mark.parametrize("code", ["CZ", "CN"])
def test_new_codes_answer_in_status_all(code: str) -> None:
    r = cli(["status", "--all", "-j", code, "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in json.loads(r.output)["substances"]}
    expect = "psilocybin" if code == "CZ" else "esketamine"
    assert rows[expect]["approval"] in {"restricted-access", "approved"}

"""Identifiers on every bundled record (issue 13, point 5)."""

from __future__ import annotations

import json

import pytest

from psycompare.schema import rules as schema
from psycompare.store.dataset import Dataset

from .conftest import Run

# Records with no CAS number or UNII yet, and why. The test fails when one of them gains one,
# so the list cannot go stale.
NOT_YET = {
    # Its [identifiers] carry only the combination's ATC code; the components' identifiers
    # belong to the components, which are not records here.
    "dextromethorphan-bupropion": "a fixed-dose combination has no single CAS number or UNII",
}


def _has_cas_or_unii(sid: str) -> bool:
    ids = Dataset().load(sid).identifiers
    return ids is not None and bool(ids.cas or ids.unii)


def test_every_bundled_record_has_a_cas_number_or_unii() -> None:
    missing = {sid for sid in Dataset().ids() if not _has_cas_or_unii(sid)}
    assert missing == set(NOT_YET)


def test_every_bundled_identifier_table_cites_a_source() -> None:
    for sid in Dataset().ids():
        ids = Dataset().load(sid).identifiers
        assert ids is None or ids.sources, sid


def test_bundled_registry_ids_and_applications_are_well_formed() -> None:
    ds = Dataset()
    seen = 0
    for sid in ds.ids():
        sub = ds.load(sid)
        for trial in sub.trials:
            for reg in trial.registry_ids:
                assert schema._registry_id_ok(reg), (sid, reg)
                seen += 1
        for ev in sub.events:
            if ev.application:
                kind, _, number = ev.application.partition(" ")
                assert kind in {"NDA", "BLA", "ANDA"} and number.isdigit(), (sid, ev.application)
    assert seen > 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("42542-10-9", "mdma"),  # a CAS number of the bundled data
        ("2rv7212bp0", "psilocybin"),  # a UNII, in any case
        ("NCT03537014", "mdma"),  # a trial's ClinicalTrials.gov id (MAPP1)
        ("nct03113968", "ketamine"),  # ELEKT-D, in any case
        ("NCT03039192", "esketamine"),  # ASPIRE I
        ("NCT02493868", "esketamine"),  # SUSTAIN-1
        ("NCT04019704", "dextromethorphan-bupropion"),  # GEMINI
        ("1019-45-0", "5-meo-dmt"),  # CAS number added in round 4
        ("NCT05741710", "methylone"),  # IMPACT-1
        ("nct05407064", "lsd"),  # MMED008, in any case
        ("NCT05800860", "5-meo-dmt"),  # GH001-TRD-201
        ("EUCTR2018-004208-20-NL", "5-meo-dmt"),  # a non-NCT registry id (GH001-TRD-102)
    ],
)
def test_names_resolve_through_bundled_cas_unii_and_nct(run: Run, name: str, expected: str) -> None:
    code, out, err = run("show", name, "-f", "json")
    assert code == 0, err
    assert [s["id"] for s in json.loads(out)["substances"]] == [expected]


def test_show_prints_round_4_identifiers_registry_ids_and_applications(run: Run) -> None:
    _, out, _ = run("show", "5-meo-dmt", "-s", "identity,trials", "-f", "plain")
    assert "CAS 1019-45-0; PubChem CID 1832" in out and "ChEBI 2086" in out
    assert "NCT04698603; EUCTR2018-004208-20-NL" in out and "NCT05800860" in out
    _, out, _ = run("show", "paroxetine", "-s", "milestones", "-f", "json")
    apps = {e["application"] for e in json.loads(out)["substances"][0]["events"] if e.get("application")}
    assert apps == {"NDA 020031"}


def test_show_prints_round_5_identifiers(run: Run) -> None:
    _, out, _ = run("show", "ketamine", "-s", "identity", "-f", "json")
    ids = json.loads(out)["substances"][0]["identifiers"]
    assert (ids["pubchem_cid"], ids["chebi"], ids["drugbank"]) == ("3821", "CHEBI:6121", "DB01221")
    _, out, _ = run("show", "auvelity", "-s", "identity", "-f", "plain")
    assert "ATC N06AX62" in out
    ids = Dataset().load("dextromethorphan-bupropion").identifiers
    assert ids is not None and ids.atc == ("N06AX62",) and not (ids.cas or ids.unii)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("1867-66-9", "ketamine"), ("690g0d6v8h", "ketamine")],  # salt CAS and a lower-case UNII
)
def test_ketamine_resolves_through_salt_cas_and_unii(run: Run, name: str, expected: str) -> None:
    code, out, err = run("show", name, "-f", "json")
    assert code == 0, err
    assert [s["id"] for s in json.loads(out)["substances"]] == [expected]

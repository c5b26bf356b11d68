"""Coverage round (issue 18 item 5): one test per high-risk cell decided in the round, through
the core API (`interactions.for_pair`). cellsa: test_a_ (classic psychedelics, MDMA, methylone,
ibogaine rows); cellsb: test_b_."""

from __future__ import annotations

import pytest

from psycompare.query import interactions as ix
from psycompare.store.dataset import Dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return Dataset()


@pytest.mark.parametrize("sub", ["dmt", "mescaline", "5-meo-dmt"])
def test_a_classic_psychedelic_alcohol_minor(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "alcohol").severity == "minor"


@pytest.mark.parametrize("sub", ["lsd", "psilocybin", "mescaline", "5-meo-dmt"])
def test_a_classic_psychedelic_stimulants_moderate(ds: Dataset, sub: str) -> None:
    pair = ix.for_pair(ds, sub, "stimulants")
    assert pair.severity == "moderate"
    assert ix.for_pair(ds, sub, "cocaine").severity == "moderate"


def test_a_dmt_stimulants_stays_major(ds: Dataset) -> None:
    # the ayahuasca (harmala MAO-A inhibitor) rule is stricter than the group rule and wins
    assert ix.for_pair(ds, "dmt", "stimulants").severity == "major"


def test_a_psilocybin_opioids_none(ds: Dataset) -> None:
    assert ix.for_pair(ds, "psilocybin", "opioids").severity == "none"
    assert ix.for_pair(ds, "psilocybin", "buprenorphine").severity == "none"


def test_a_psilocybin_tramadol_keeps_serotonergic_rule(ds: Dataset) -> None:
    # the serotonergic-opioid rule (minor) is more severe than the buprenorphine-only "none"
    assert ix.for_pair(ds, "psilocybin", "tramadol").severity == "minor"


def test_a_methylone_alcohol_moderate(ds: Dataset) -> None:
    assert ix.for_pair(ds, "methylone", "alcohol").severity == "moderate"


@pytest.mark.parametrize("partner", ["cns-depressants", "ghb", "zolpidem", "alcohol", "diazepam", "heroin"])
def test_a_ibogaine_cns_depressants_major(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "ibogaine", partner).severity == "major"


@pytest.mark.parametrize("partner", ["tcas", "triptans", "dxm", "bupropion"])
def test_a_dmt_as_ayahuasca_major(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "dmt", partner).severity == "major"


@pytest.mark.parametrize("sub", ["psilocybin", "mescaline", "5-meo-dmt"])
@pytest.mark.parametrize("partner", ["triptans", "dxm"])
def test_a_classic_psychedelic_non_maoi_serotonergic_minor(ds: Dataset, sub: str, partner: str) -> None:
    assert ix.for_pair(ds, sub, partner).severity == "minor"


def test_a_ibogaine_tcas_major(ds: Dataset) -> None:
    assert ix.for_pair(ds, "ibogaine", "amitriptyline").severity == "major"


@pytest.mark.parametrize("partner", ["antipsychotics", "haloperidol"])
def test_a_ibogaine_antipsychotics_major(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "ibogaine", partner).severity == "major"


def test_a_methylone_cannabis_moderate(ds: Dataset) -> None:
    assert ix.for_pair(ds, "methylone", "cannabis").severity == "moderate"


# -- cellsb: sertraline, paroxetine with stimulants; paroxetine with alcohol and CNS depressants ---


def test_b_sertraline_stimulants_major(ds: Dataset) -> None:
    assert ix.for_pair(ds, "sertraline", "stimulants").severity == "major"


def test_b_paroxetine_stimulants_major(ds: Dataset) -> None:
    p = ix.for_pair(ds, "paroxetine", "stimulants")
    assert p.severity == "major"
    assert "serotonin-toxicity" in {h.rule.effect for h in p.hits}


def test_b_paroxetine_alcohol_decided(ds: Dataset) -> None:
    # graded like sertraline + alcohol: no measured added impairment; the label advises avoiding alcohol
    p = ix.for_pair(ds, "paroxetine", "alcohol")
    assert p.severity == "minor"
    assert any("avoid alcohol" in (h.rule.management or "").lower() for h in p.hits)


def test_b_paroxetine_benzodiazepines_minor(ds: Dataset) -> None:
    assert ix.for_pair(ds, "paroxetine", "benzodiazepines").severity == "minor"
    assert ix.for_pair(ds, "paroxetine", "alprazolam").severity == "minor"


def test_b_paroxetine_cns_depressants_minor(ds: Dataset) -> None:
    assert ix.for_pair(ds, "paroxetine", "cns-depressants").severity == "minor"


def test_b_releaser_psychedelic_pairs_moderate(ds: Dataset) -> None:
    for a, b in (("mdma", "mescaline"), ("methylone", "lsd"), ("methylone", "psilocybin"), ("mdma", "5-meo-dmt")):
        assert ix.for_pair(ds, a, b).severity == "moderate", (a, b)

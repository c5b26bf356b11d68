"""Coverage round (issue 18 item 5): one test per high-risk cell decided in the round, through
the core API (`interactions.for_pair`). cellsa: test_a_ (classic psychedelics, MDMA, methylone,
ibogaine rows); cellsb: test_b_; cellsc: test_c_ (round C, high-risk cells first)."""

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
    # round C: the classic-psychedelic x CNS-depressant group rule (minor) now also fires for
    # opioids and is the more severe answer; the buprenorphine-only "none" rule still fires
    for partner in ("opioids", "buprenorphine"):
        pair = ix.for_pair(ds, "psilocybin", partner)
        assert pair.severity == "minor"
        assert any(h.rule.severity == "none" and "opioids" in (h.rule.a, h.rule.b) for h in pair.hits)


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


# -- cellsc: coverage round C (the 13 high-risk cells, then the psychedelic and entactogen rows) --


@pytest.mark.parametrize("sub", ["lsd", "psilocybin", "mescaline", "dmt", "5-meo-dmt"])
def test_c_classic_psychedelic_cns_depressants_minor(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "cns-depressants").severity == "minor"
    assert ix.for_pair(ds, sub, "ghb").severity == "minor"
    assert ix.for_pair(ds, sub, "zolpidem").severity == "minor"


@pytest.mark.parametrize("sub", ["lsd", "mescaline", "5-meo-dmt"])
def test_c_classic_psychedelic_opioids_minor(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "opioids").severity == "minor"
    assert ix.for_pair(ds, sub, "morphine").severity == "minor"


def test_c_classic_psychedelic_keeps_serotonergic_opioid_rule(ds: Dataset) -> None:
    # tramadol is a serotonergic opioid: its minor review rule and the group rule agree
    assert ix.for_pair(ds, "lsd", "tramadol").severity == "minor"


def test_c_dmt_opioids_moderate_as_ayahuasca(ds: Dataset) -> None:
    assert ix.for_pair(ds, "dmt", "opioids").severity == "moderate"
    assert ix.for_pair(ds, "dmt", "oxycodone").severity == "moderate"
    # the serotonergic opioids keep their major ayahuasca rule
    assert ix.for_pair(ds, "dmt", "tramadol").severity == "major"


@pytest.mark.parametrize("sub", ["mdma", "methylone"])
@pytest.mark.parametrize("partner", ["cns-depressants", "benzodiazepines", "diazepam", "ghb", "zolpidem"])
def test_c_releaser_cns_depressants_moderate(ds: Dataset, sub: str, partner: str) -> None:
    assert ix.for_pair(ds, sub, partner).severity == "moderate"


@pytest.mark.parametrize("sub", ["mdma", "methylone"])
def test_c_releaser_opioids_stays_major(ds: Dataset, sub: str) -> None:
    # the opioid class warning with serotonergic drugs is stricter than the masking rule
    assert ix.for_pair(ds, sub, "heroin").severity == "major"


@pytest.mark.parametrize("sub", ["lsd", "mescaline", "5-meo-dmt"])
def test_c_classic_psychedelic_st_johns_wort_minor(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "st-johns-wort").severity == "minor"


def test_c_dmt_st_johns_wort_major(ds: Dataset) -> None:
    assert ix.for_pair(ds, "dmt", "st-johns-wort").severity == "major"


@pytest.mark.parametrize("sub", ["dmt", "mescaline", "5-meo-dmt"])
def test_c_classic_psychedelic_antipsychotics_minor(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "antipsychotics").severity == "minor"


def test_c_psilocybin_antipsychotics_stays_moderate(ds: Dataset) -> None:
    assert ix.for_pair(ds, "psilocybin", "antipsychotics").severity == "moderate"


@pytest.mark.parametrize("partner", ["cyp3a4-inhibitors", "cyp3a4-inducers", "antiretrovirals", "ritonavir"])
def test_c_lsd_cyp3a4_minor(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "lsd", partner).severity == "minor"


@pytest.mark.parametrize("partner", ["qt-prolonging", "antiretrovirals"])
def test_c_psilocybin_minor(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "psilocybin", partner).severity == "minor"


@pytest.mark.parametrize(
    "partner", ["cyp2d6-inhibitors", "bupropion", "cyp3a4-inhibitors", "cyp3a4-inducers", "antiretrovirals"]
)
def test_c_mescaline_cyp_minor(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "mescaline", partner).severity == "minor"


@pytest.mark.parametrize("sub", ["dmt", "5-meo-dmt"])
@pytest.mark.parametrize("partner", ["cyp3a4-inhibitors", "cyp3a4-inducers"])
def test_c_tryptamines_cyp3a4_minor(ds: Dataset, sub: str, partner: str) -> None:
    assert ix.for_pair(ds, sub, partner).severity == "minor"


@pytest.mark.parametrize("partner", ["cyp3a4-inhibitors", "cyp3a4-inducers", "clarithromycin"])
def test_c_mdma_cyp3a4_minor(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "mdma", partner).severity == "minor"


def test_c_mdma_ritonavir_stays_major(ds: Dataset) -> None:
    assert ix.for_pair(ds, "mdma", "ritonavir").severity == "major"


# -- cellsd (coverage round D): ketamine, esketamine, ibogaine, sertraline, paroxetine, Auvelity ---


@pytest.mark.parametrize("sub", ["ketamine", "esketamine"])
@pytest.mark.parametrize("psychedelic", ["lsd", "psilocybin", "mescaline", "dmt", "5-meo-dmt"])
def test_d_ketamines_classic_psychedelics_moderate(ds: Dataset, sub: str, psychedelic: str) -> None:
    p = ix.for_pair(ds, sub, psychedelic)
    assert p.severity == "moderate"
    assert "cardiovascular" in {h.rule.effect for h in p.hits}


def test_d_esketamine_bupropion_reaches_auvelity(ds: Dataset) -> None:
    assert ix.for_pair(ds, "esketamine", "bupropion").severity == "moderate"
    assert ix.for_pair(ds, "esketamine", "dextromethorphan-bupropion").severity == "moderate"


@pytest.mark.parametrize("partner", ["dxm", "st-johns-wort"])
def test_d_ibogaine_serotonergic_partners_major(ds: Dataset, partner: str) -> None:
    assert ix.for_pair(ds, "ibogaine", partner).severity == "major"


def test_d_ibogaine_ticlopidine_class_major_ritonavir_class_moderate(ds: Dataset) -> None:
    assert ix.for_pair(ds, "ibogaine", "antithrombotics").severity == "major"
    assert ix.for_pair(ds, "ibogaine", "antiretrovirals").severity == "moderate"


def test_d_sertraline_cyp3a4_and_bupropion(ds: Dataset) -> None:
    assert ix.for_pair(ds, "sertraline", "cyp3a4-inhibitors").severity == "major"
    assert ix.for_pair(ds, "sertraline", "clarithromycin").severity == "major"
    assert ix.for_pair(ds, "sertraline", "cyp3a4-inducers").severity == "moderate"
    assert ix.for_pair(ds, "sertraline", "bupropion").severity == "major"


@pytest.mark.parametrize("sub", ["sertraline", "paroxetine"])
def test_d_gabapentinoids_antidepressants_moderate(ds: Dataset, sub: str) -> None:
    assert ix.for_pair(ds, sub, "gabapentinoids").severity == "moderate"
    assert ix.for_pair(ds, sub, "pregabalin").severity == "moderate"


def test_e_auvelity_gabapentinoids_major_via_bupropion_seizure_rule(ds: Dataset) -> None:
    # round E: gabapentinoids are CNS depressants (FDA 2019), so the bupropion x CNS-depressant
    # seizure rule (major) now fires for Auvelity; round D's moderate rule still fires beneath it
    for partner in ("gabapentinoids", "pregabalin", "gabapentin"):
        pair = ix.for_pair(ds, "dextromethorphan-bupropion", partner)
        assert pair.severity == "major"
        assert "moderate" in {h.rule.severity for h in pair.hits}


def test_d_ketamine_cannabis_via_cns_depressant_rule(ds: Dataset) -> None:
    assert ix.for_pair(ds, "ketamine", "cannabis").severity == "moderate"
    assert ix.for_pair(ds, "esketamine", "cannabis").severity == "moderate"


def test_d_paroxetine_qt_milder_than_its_contraindications(ds: Dataset) -> None:
    assert ix.for_pair(ds, "paroxetine", "qt-prolonging").severity == "moderate"
    # thioridazine keeps the label's contraindication (its own rule)
    assert ix.for_pair(ds, "paroxetine", "thioridazine").severity == "contraindicated"


def test_d_auvelity_warfarin_moderate(ds: Dataset) -> None:
    assert ix.for_pair(ds, "dextromethorphan-bupropion", "warfarin").severity == "moderate"


@pytest.mark.parametrize(
    ("sub", "severity"),
    [
        ("lsd", "minor"),
        ("psilocybin", "minor"),
        ("mescaline", "minor"),
        ("dmt", "minor"),
        ("5-meo-dmt", "minor"),
        ("mdma", "moderate"),
        ("methylone", "moderate"),
        ("ibogaine", "major"),
    ],
)
def test_e_gabapentinoids_via_cns_depressant_property(ds: Dataset, sub: str, severity: str) -> None:
    # round E: class.gabapentinoids has the cns-depressants property (FDA 2019 safety
    # communication), so the substances' CNS-depressant rules decide their gabapentinoid cells
    for partner in ("gabapentinoids", "gabapentin", "pregabalin"):
        assert ix.for_pair(ds, sub, partner).severity == severity


def test_e_sertraline_cyp2d6_inhibitors_minor_but_ssri_rules_win(ds: Dataset) -> None:
    assert ix.for_pair(ds, "sertraline", "cyp2d6-inhibitors").severity == "minor"
    assert ix.for_pair(ds, "sertraline", "quinidine").severity == "minor"
    # fluoxetine is an SSRI as well: the serotonin-syndrome rule stays the answer
    assert ix.for_pair(ds, "sertraline", "fluoxetine").severity == "major"


def test_e_methylone_cyp_rules(ds: Dataset) -> None:
    assert ix.for_pair(ds, "methylone", "cyp2d6-inhibitors").severity == "moderate"
    assert ix.for_pair(ds, "methylone", "bupropion").severity == "moderate"  # via its CYP2D6 property
    assert ix.for_pair(ds, "methylone", "quinidine").severity == "moderate"
    assert ix.for_pair(ds, "methylone", "cyp3a4-inhibitors").severity == "minor"
    assert ix.for_pair(ds, "methylone", "cyp3a4-inducers").severity == "minor"
    # MDMA keeps its stricter, study-based CYP2D6 rule
    assert ix.for_pair(ds, "mdma", "cyp2d6-inhibitors").severity == "major"


def test_e_ibogaine_cyp3a4_rules(ds: Dataset) -> None:
    assert ix.for_pair(ds, "ibogaine", "cyp3a4-inhibitors").severity == "moderate"
    assert ix.for_pair(ds, "ibogaine", "ketoconazole").severity == "moderate"
    assert ix.for_pair(ds, "ibogaine", "cyp3a4-inducers").severity == "minor"
    # CYP2D6 inhibitors keep the stricter QT rule
    assert ix.for_pair(ds, "ibogaine", "quinidine").severity == "major"


@pytest.mark.parametrize(
    ("sub", "severity"),
    [("esketamine", "minor"), ("dmt", "minor"), ("5-meo-dmt", "minor"), ("methylone", "moderate")],
)
def test_e_antiretrovirals(ds: Dataset, sub: str, severity: str) -> None:
    assert ix.for_pair(ds, sub, "antiretrovirals").severity == severity

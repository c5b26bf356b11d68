"""Interaction rules against the 2026-12-04 accuracy audit (§1, §4) and its six dangerous gaps
(§2, G1-G6), one test per row or gap, through the core API (`interactions.for_pair`), plus the
"what to do" rule: every major or contraindicated rule says what its source says is done."""

from __future__ import annotations

import tomllib

import pytest

from psycompare.query import interactions as ix
from psycompare.store.dataset import Dataset

from .conftest import BUNDLED

AT_LEAST_MAJOR = {"major", "contraindicated"}


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return Dataset()


def _rule(ds: Dataset, a: str, b: str, effect: str | None = None) -> ix.Rule:
    """The one rule written for exactly this pair (either order), optionally with this effect."""
    data = ix.load(ds)
    found = [r for r in data.rules if {r.a, r.b} == {a, b} and (effect is None or r.effect == effect)]
    assert len(found) == 1, found
    return found[0]


def _effects(pair: ix.Pair) -> set[str]:
    return {h.rule.effect for h in pair.hits}


# -- §1 rows -------------------------------------------------------------------------------------


def test_audit_1_mdma_auvelity_major(ds: Dataset) -> None:
    for name in ("dextromethorphan-bupropion", "Auvelity"):
        p = ix.for_pair(ds, "mdma", name)
        assert p.severity == "major", p
        assert "serotonin-toxicity" in _effects(p)  # not only the raised-levels rule
    # the rule is written for serotonin releasers, so it reaches methylone too
    assert ix.for_pair(ds, "methylone", "Auvelity").severity == "major"


def test_audit_2_ibogaine_cyp2d6_inhibitors_major(ds: Dataset) -> None:
    rule = _rule(ds, "ibogaine", "cyp2d6-inhibitors")
    assert rule.severity == "major" and rule.management
    assert "belgers-ibogaine-pk-pd" in rule.sources
    assert ix.for_pair(ds, "ibogaine", "cyp2d6-inhibitors").severity == "major"
    assert ix.for_pair(ds, "ibogaine", "paroxetine").severity == "major"


def test_audit_5_mdma_ssri_no_phase3_claim(ds: Dataset) -> None:
    rule = _rule(ds, "mdma", "ssri")
    assert "phase 3 trials recent SSRI" not in rule.text
    assert rule.evidence == "controlled-study"
    assert "liechti-2000-citalopram-mdma-psychological" in rule.sources
    assert rule.severity == "moderate"  # the blunting rule itself
    # the pair is graded higher by the SSRI label's serotonergic-drugs rule that MDMA falls under
    assert ix.RANK[ix.for_pair(ds, "mdma", "sertraline").severity or "none"] >= ix.RANK["moderate"]


def test_audit_6_ketamine_theophylline_do_not_coadminister(ds: Dataset) -> None:
    # the label says "do not co-administer": contraindicated on the scale (docs/schema.md)
    p = ix.for_pair(ds, "ketamine", "theophylline")
    assert p.severity == "contraindicated"
    assert "co-administer" in p.hits[0].rule.management


def test_audit_7_mdma_maoi_contraindicated(ds: Dataset) -> None:
    for maoi in ("maoi", "phenelzine", "Parnate", "moclobemide"):
        p = ix.for_pair(ds, "mdma", maoi)
        assert p.severity == "contraindicated", maoi
    rule = _rule(ds, "mdma", "maoi")
    assert "tranylcypromine" in rule.text and "pfizer-nardil-label" in rule.sources
    assert "Do not combine" in rule.management


def test_audit_8_esketamine_cns_depressants_major_current_label(ds: Dataset) -> None:
    rule = _rule(ds, "esketamine", "cns-depressants")
    assert rule.severity == "major"
    assert "fda-spravato-label-2026-03" in rule.sources
    assert "fda-spravato-label-2019" not in rule.sources
    for other in ("benzodiazepines", "alcohol", "opioids"):
        assert ix.for_pair(ds, "esketamine", other).severity == "major", other


def test_audit_9_rules_part_bupropion_reaches_ibogaine(ds: Dataset) -> None:
    # the partner half (bupropion, fluoxetine in the CYP2D6-inhibitor group) is partners.toml's;
    # the rule half: ibogaine has its own rule with bupropion, so "Wellbutrin" is answered
    for name in ("bupropion", "Wellbutrin"):
        assert ix.for_pair(ds, "ibogaine", name).severity == "major", name


def test_audit_12_mdma_cyp2d6_severity_matches_text(ds: Dataset) -> None:
    rule = _rule(ds, "mdma", "cyp2d6-inhibitors")
    assert "serotonin" in rule.text  # its words name serotonin syndrome...
    assert rule.severity in AT_LEAST_MAJOR  # ...so it is at least major
    assert rule.management


# -- §4 rows marked wrong / too weak / too strong ---------------------------------------------------


def test_audit_s4_rows_too_weak_are_raised(ds: Dataset) -> None:
    # §4 rule 1 (mdma + maoi), 13 (ketamine + theophylline), 57 (ibogaine + CYP2D6): too weak
    assert ix.for_pair(ds, "mdma", "maoi").severity == "contraindicated"
    assert ix.for_pair(ds, "ketamine", "theophylline").severity == "contraindicated"
    assert ix.for_pair(ds, "ibogaine", "cyp2d6-inhibitors").severity == "major"
    # §4 rule 6 (esketamine + CNS depressants): outdated source
    assert "fda-spravato-label-2026-03" in _rule(ds, "esketamine", "cns-depressants").sources


# -- §2 dangerous gaps ----------------------------------------------------------------------------


def test_gap_g1_ayahuasca_mdma(ds: Dataset) -> None:
    for name in ("ayahuasca", "dmt"):
        p = ix.for_pair(ds, "mdma", name)
        assert p.severity in AT_LEAST_MAJOR, name
        assert "serotonin-toxicity" in _effects(p)
    assert ix.for_pair(ds, "methylone", "ayahuasca").severity in AT_LEAST_MAJOR


def test_gap_g2_ayahuasca_stimulants(ds: Dataset) -> None:
    for other in ("stimulants", "amphetamine", "Adderall", "methylphenidate"):
        p = ix.for_pair(ds, "ayahuasca", other)
        assert p.severity in AT_LEAST_MAJOR, other
        assert "hypertensive-reaction" in _effects(p)


def test_gap_g3_mdma_tramadol(ds: Dataset) -> None:
    for sub in ("mdma", "methylone"):
        for other in ("tramadol", "Ultram", "serotonergic-opioids"):
            assert ix.for_pair(ds, sub, other).severity in AT_LEAST_MAJOR, (sub, other)


@pytest.mark.parametrize("sub", ["dmt", "mescaline", "5-meo-dmt", "lsd", "psilocybin"])
def test_gap_g4_classic_psychedelics_lithium(ds: Dataset, sub: str) -> None:
    p = ix.for_pair(ds, sub, "lithium")
    assert p.severity in AT_LEAST_MAJOR
    assert "seizures" in _effects(p)
    assert any(h.rule.management for h in p.hits)


def test_gap_g5_methylone_is_answered(ds: Dataset) -> None:
    assert ix.for_pair(ds, "methylone", "maoi").severity == "contraindicated"
    assert ix.for_pair(ds, "methylone", "Nardil").severity == "contraindicated"
    for other in ("ssri", "snri", "stimulants", "serotonergic-opioids"):
        assert ix.for_pair(ds, "methylone", other).severity is not None, other
    assert ix.for_substance(ds, "methylone")  # `interactions methylone` no longer prints nothing


def test_gap_g6_ibogaine_bupropion(ds: Dataset) -> None:
    p = ix.for_pair(ds, "ibogaine", "bupropion")
    assert p.severity in AT_LEAST_MAJOR
    assert "qt-prolongation" in _effects(p)


# -- literature rules ------------------------------------------------------------------------------


def test_ayahuasca_5_meo_dmt_death_is_answered(ds: Dataset) -> None:
    # UX audit finding 1: the 5-MeO-DMT + MAOI rule's own source is a death in an ayahuasca preparation
    assert ix.for_pair(ds, "ayahuasca", "5-meo-dmt").severity in AT_LEAST_MAJOR


def test_ketamine_literature_rules(ds: Dataset) -> None:
    assert ix.for_pair(ds, "ketamine", "maoi").severity == "moderate"  # monitored blood pressure
    assert ix.for_pair(ds, "ketamine", "lithium").severity == "none"
    assert ix.for_pair(ds, "ketamine", "lamotrigine").severity == "minor"
    # benzodiazepines: the CNS-depressant label rule stays on top of the blunting finding
    p = ix.for_pair(ds, "ketamine", "benzodiazepines")
    assert p.severity == "major" and {"cns-depression", "blunted-effect"} <= _effects(p)


def test_lamotrigine_with_classic_psychedelics_none(ds: Dataset) -> None:
    for sub in ("lsd", "psilocybin", "dmt", "mescaline", "5-meo-dmt"):
        assert ix.for_pair(ds, sub, "Lamictal").severity == "none", sub


# -- what to do --------------------------------------------------------------------------------------


def test_every_major_rule_says_what_to_do() -> None:
    with (BUNDLED / "interactions.toml").open("rb") as f:
        rules = tomllib.load(f)["rule"]
    bare = [
        (r["a"], r["b"])
        for r in rules
        if r["severity"] in AT_LEAST_MAJOR and r.get("management", "").strip().lower() in ("", "none recorded")
    ]
    assert bare == []


def test_5_meo_dmt_maoi_contraindicated(ds: Dataset) -> None:
    # raised after the chart comparison (docs/dataset/interactions-vs-charts.md): the phenelzine
    # label contraindicates serotonergic drugs with an MAOI, and a death is reported
    assert ix.for_pair(ds, "5-meo-dmt", "maoi").severity == "contraindicated"
    assert ix.for_pair(ds, "5-meo-dmt", "phenelzine").severity == "contraindicated"


def test_mdma_dextromethorphan_major(ds: Dataset) -> None:
    for name in ("dextromethorphan", "dxm"):
        assert ix.for_pair(ds, "mdma", name).severity in AT_LEAST_MAJOR, name

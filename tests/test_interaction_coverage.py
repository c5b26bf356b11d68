"""Coverage round (issue 18 item 5): one test per high-risk cell decided in the round, through the
core API (`interactions.for_pair`). cellsa's tests are prefixed test_a_, cellsb's test_b_."""

from __future__ import annotations

import pytest

from psycompare.store import interactions as ix
from psycompare.store.dataset import Dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return Dataset()


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

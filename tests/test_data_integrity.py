"""The bundled dataset: every fact sourced and dated, every source used and locatable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from psycompare.store.dataset import Dataset, cited_ids, iter_facts
from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED

IDS = ["ketamine", "esketamine", "mdma", "psilocybin", "lsd", "sertraline", "paroxetine"]


def test_bundled_dataset_has_no_problems() -> None:
    assert [str(p) for p in validate_dirs([BUNDLED])] == []


def test_checks_can_fail(data_copy: Path) -> None:
    """Each integrity rule really fires on a broken copy of the bundled data."""
    rec = data_copy / "substances" / "mdma.toml"
    text = rec.read_text()
    first_src = re.search(r'sources = \["([^"]+)"', text)
    assert first_src
    text = text.replace(f'sources = ["{first_src.group(1)}"', 'sources = ["no-such-source"', 1)
    text = text.replace("reviewed = ", "reviewed = 2026-02-30\nold_reviewed = ", 1)
    rec.write_text(text)
    with (data_copy / "sources.toml").open("a") as fh:
        fh.write('\n[unused-src]\nkind = "news"\ntitle = "t"\npublisher = "p"\ndate = 2020-01-01\n')
    found = "\n".join(str(p) for p in validate_dirs([data_copy]))
    assert "TOML syntax error" in found or "no-such-source" in found
    rec.write_text(rec.read_text().replace("reviewed = 2026-02-30\nold_reviewed = ", "reviewed = "))
    found = "\n".join(str(p) for p in validate_dirs([data_copy]))
    assert "source id 'no-such-source' is not in sources.toml" in found
    assert "unused-src" in found and "needs at least one of url, pmid, doi" in found


@pytest.mark.parametrize("sid", IDS)
def test_record_is_complete(sid: str) -> None:
    ds = Dataset()
    sub = ds.load(sid)
    assert {e.jurisdiction for e in sub.status} >= {"US", "AU", "CA", "EU", "GB"}
    assert sub.effects and sub.uses and sub.side_effects and sub.cautions and sub.events
    for path, item in iter_facts(sub):
        assert item.sources, path
        for s in item.sources:
            assert ds.source(s) is not None, (path, s)
    for src in ds.sources_of(sub):
        assert src.url or src.pmid or src.doi
    assert len(cited_ids(sub)) == len(ds.sources_of(sub))


@pytest.mark.parametrize("sid", IDS)
def test_trials_and_numbers_are_typed(sid: str) -> None:
    sub = Dataset().load(sid)
    for t in sub.trials:
        assert t.n > 0 and (t.pmid or t.doi)
    for tr in (sub.onset, sub.duration):
        if tr is not None:
            assert 0 <= tr.low <= tr.high


def test_key_facts() -> None:
    """A few facts the product is built around, checked against what the sources say."""
    ds = Dataset()
    esk = ds.get("spravato")
    assert any(e.kind == "approval" and e.date.isoformat() == "2019-03-05" for e in esk.events)
    assert esk.status_for("US").programme.upper().find("REMS") >= 0
    mdma = ds.get("mdma")
    assert any(e.kind == "advisory-vote" and e.date.isoformat() == "2024-06-04" for e in mdma.events)
    assert any(e.kind == "letter" and e.date.isoformat() == "2024-08-09" for e in mdma.events)
    assert mdma.status_for("US").approval == "not-approved"
    assert mdma.status_for("AU").approval == "restricted-access"
    assert any(t.pmid == "33972795" and t.n == 90 for t in mdma.trials)
    assert any(t.pmid == "37709999" and t.n == 104 for t in mdma.trials)
    assert ds.get("ketamine").status_for("US").approval == "approved-other-use"

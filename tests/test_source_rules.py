"""Accuracy rules: primary sources for regulatory facts, mirror hosts, freshness (issue 11)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from psycompare.query import freshness as stale
from psycompare.schema.rules import mirror_host
from psycompare.store.dataset import Dataset
from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED, cli


def _problems(d: Path) -> str:
    return "\n".join(str(p) for p in validate_dirs([d]))


def test_mirror_host_needs_secondary_and_note(data_copy: Path) -> None:
    src = data_copy / "sources.toml"
    text = src.read_text()
    # an unmarked mirror URL fails, located at the url line
    text = text.replace(
        'url = "https://www.ecfr.gov/current/title-21/chapter-II/part-1308"', 'url = "https://www.scribd.com/doc/1"', 1
    )
    src.write_text(text)
    found = _problems(data_copy)
    assert re.search(r"sources\.toml:\d+:\d+: cfr-21-1308\.url: www\.scribd\.com is a mirror/aggregator host", found)
    # marked secondary without a note still fails; with a note it passes
    src.write_text(
        text.replace(
            'url = "https://www.scribd.com/doc/1"', 'url = "https://www.scribd.com/doc/1"\nsecondary = true', 1
        )
    )
    assert "needs a note" in _problems(data_copy)
    src.write_text(
        text.replace(
            'url = "https://www.scribd.com/doc/1"',
            'url = "https://www.scribd.com/doc/1"\nsecondary = true\nnote = "copy"',
            1,
        )
    )
    assert "cfr-21-1308" not in _problems(data_copy)


def test_mirror_host_matching() -> None:
    assert mirror_host("https://vdocuments.mx/x") == "vdocuments.mx"
    assert mirror_host("https://dev.funandflip.com/a") == "dev.funandflip.com"
    assert mirror_host("https://notdrugs.com/a") == ""
    assert mirror_host("https://www.fda.gov/x") == ""


def test_status_entry_without_primary_source_fails(data_copy: Path) -> None:
    rec = data_copy / "substances" / "sertraline.toml"
    text = rec.read_text()
    # make every source the US entry cites a news item
    src = data_copy / "sources.toml"
    ids = re.findall(r'"([^"]+)"', re.search(r"(?s)jurisdiction = \"US\".*?\nsources = \[([^\]]*)\]", text).group(1))
    stext = src.read_text()
    for sid in ids:
        stext = re.sub(rf'(?m)(^\[{re.escape(sid)}\]\nkind = )"[^"]*"', r'\1"news"', stext)
    src.write_text(stext)
    found = _problems(data_copy)
    assert re.search(
        r"sertraline\.toml:\d+:\d+: status\[0\]\.sources: the US status entry cites no primary source", found
    )


def test_regulatory_event_without_primary_source_fails(data_copy: Path) -> None:
    src = data_copy / "sources.toml"
    stext = src.read_text()
    for sid in ("fda-crl-release-2025-09-04", "fda-crl-nda-215455"):
        stext = re.sub(rf'(?m)(^\[{sid}\]\nkind = )"[^"]*"', r'\1"news"', stext)
    src.write_text(stext)
    found = _problems(data_copy)
    assert re.search(
        r"mdma\.toml:\d+:\d+: events\[\d+\]\.sources: the letter event of 2024-08-09 cites no primary", found
    )


def test_scheduling_event_ignores_sponsor(data_copy: Path) -> None:
    rec = data_copy / "substances" / "mdma.toml"
    text = rec.read_text()
    text = text.replace(
        'sources = ["ap-1985-05-31-dea-ecstasy-ban", "dea-mdma-temporary-order-1985"]',
        'sources = ["ap-1985-05-31-dea-ecstasy-ban", "maps-pbc-nda-submission-2023-12-12"]',
    )
    rec.write_text(text)
    assert "the scheduling event of 1985-07-01 cites no primary source" in _problems(data_copy)


def test_every_kind_is_used_and_bundled_sources_are_classified() -> None:
    ds = Dataset()
    kinds = {s.kind for sub in ds.all()[0] for s in ds.sources_of(sub)}
    assert {"sponsor", "registry", "news", "database", "label", "regulator", "rule", "trial"} <= kinds


def test_age_arithmetic() -> None:
    ref = date(2026, 11, 21)
    assert stale.months_between(date(2024, 4, 24), ref) == 31
    assert stale.age_note(date(2024, 4, 24), ref) == "as of 2024-04-24, 31 months before this dataset"
    assert stale.age_note(date(2025, 11, 21), ref) == ""
    assert stale.is_stale(date(2025, 11, 20), ref)
    assert stale.is_stale(date(2024, 2, 29), date(2025, 3, 1), 12)
    assert not stale.is_stale(date(2024, 2, 29), date(2025, 2, 28), 12)
    assert stale.parse_age("18m") == 18 and stale.parse_age("2y") == 24 and stale.parse_age("6") == 6


def test_bundled_status_entries_are_fresh() -> None:
    """Measured against the dataset's own date, so the test does not depend on today."""
    ds = Dataset()
    info = ds.info()
    assert info is not None
    old = [
        (sub.id, e.jurisdiction, e.as_of)
        for sub in ds.all()[0]
        for e in sub.status
        if stale.is_stale(e.as_of, info.date)
    ]
    assert old == []


def test_data_stale_lists_and_exits_1(data_copy: Path) -> None:
    rec = data_copy / "substances" / "psilocybin.toml"
    rec.write_text(rec.read_text().replace("as_of = 2026-11-21", "as_of = 2024-04-24", 1))
    r = cli(["data", "stale", str(data_copy)])
    assert r.exit_code == 1
    assert re.search(r"psilocybin\.toml:\d+:1: status\[\d+\]\.as_of: as of 2024-04-24 \(3[12] months old\)", r.stdout)
    ok = cli(["data", "stale", str(BUNDLED)])
    assert ok.exit_code == 0 and ok.stdout == ""
    bad = cli(["data", "stale", "--older-than", "soon", str(BUNDLED)])
    assert bad.exit_code == 2 and "expected an age such as 12m" in bad.stderr  # a usage error, one line


def test_stale_fact_is_marked_in_human_views(data_copy: Path) -> None:
    rec = data_copy / "substances" / "psilocybin.toml"
    rec.write_text(rec.read_text().replace("as_of = 2026-11-21", "as_of = 2024-04-24", 1))
    r = cli(["--no-bundled", "--data", str(data_copy), "status", "psilocybin", "-f", "plain", "--wide"])
    assert r.exit_code == 0, r.output
    assert re.search(r"\(as of 2024-04-24, 3[12] months before this dataset\)", " ".join(r.stdout.split()))


def test_compare_never_prints_a_dash_for_nothing() -> None:
    r = cli(["compare", "ketamine", "mdma", "--full", "-f", "plain"])
    assert r.exit_code == 0
    assert not [line for line in r.stdout.splitlines() if line.strip().endswith(": -") or line.strip() == "-"]

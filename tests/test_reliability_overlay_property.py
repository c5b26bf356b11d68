"""Hypothesis (issue 22, audit 2026-12-04 H1, H6, M7): any user overlay (names, aliases, identifiers,
partners, class memberships, rules, dates) never changes the answer for a bundled name unless the
output says so.

For bundled names and pairs, with and without a generated overlay:
- every name resolves to the same substance, drug or class (the first directory owns a name);
- every bundled rule that fired still fires, with the same date (an overlay's `reviewed` is its own);
- the severity is never lower;
- anything added is marked: a rule from the overlay carries its origin (shown as "from FILE" in
  layered output), and a rule reached through a class membership shows the class path (via).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psycompare.errors import PsycompareError
from psycompare.query import interactions as ix
from psycompare.schema import interactions as ixs
from psycompare.store.dataset import Dataset

from .conftest import MINIMAL_RECORD, MINIMAL_SOURCES

EXAMPLES = max(int(os.environ.get("PSYCOMPARE_HYPOTHESIS_EXAMPLES", "1500")) // 25, 25)

NAME_POOL = [
    "mdma", "MDMA", "molly", "ecstasy", "Zoloft", "sertraline", "phenelzine", "Nardil", "maoi", "MAOIs",
    "ssri", "ketamine", "Spravato", "6740-88-1", "NCT03537014", "lithium", "street drug", "my class",
]  # fmt: skip
PARTNER_IDS = ["street-x", "mdma", "phenelzine", "maoi", "ssri", "newclass", "newdrug", "sertraline"]
CLASS_POOL = ["maoi", "ssri", "lithium", "newclass", "cns-depressants"]
RULE_IDS = ["mdma", "ketamine", "sertraline", "phenelzine", "maoi", "ssri", "newdrug", "newclass", "street-x", "lsd"]
NAMES = ["mdma", "molly", "zoloft", "6740-88-1", "nct03537014", "phenelzine", "nardil", "maoi", "ssri", "spravato"]
PAIRS = [("mdma", "phenelzine"), ("mdma", "sertraline"), ("ketamine", "maoi"), ("molly", "zoloft"), ("mdma", "ssri")]

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 11, 30))
partner = st.fixed_dictionaries(
    {"name": st.sampled_from(NAME_POOL), "sources": st.just(["test-label"])},
    optional={
        "aliases": st.lists(st.sampled_from(NAME_POOL), max_size=3, unique=True),
        "classes": st.lists(st.sampled_from(CLASS_POOL), max_size=2, unique=True),
    },
)
rule = st.fixed_dictionaries(
    {
        "a": st.sampled_from(RULE_IDS),
        "b": st.sampled_from(RULE_IDS),
        "severity": st.sampled_from(ix.SEVERITIES),
        "effect": st.sampled_from(["other", "serotonin-toxicity", "cns-depression"]),
        "text": st.just("overlay rule"),
        "setting": st.sampled_from(ixs.SETTINGS),
        "evidence": st.just("label"),
        "sources": st.just(["test-label"]),
    },
    optional={"as_of": dates},
)
overlays = st.fixed_dictionaries(
    {
        "drug": st.dictionaries(st.sampled_from(PARTNER_IDS), partner, max_size=2),
        "class": st.dictionaries(st.sampled_from(PARTNER_IDS), partner, max_size=2),
        "substance": st.dictionaries(
            st.sampled_from(["mdma", "ketamine"]),
            st.fixed_dictionaries({"classes": st.lists(st.sampled_from(CLASS_POOL), max_size=2, unique=True)}),
            max_size=1,
        ),
        "rules": st.lists(rule, max_size=3),
        "reviewed": dates,
        "record_aliases": st.lists(st.sampled_from(NAME_POOL), max_size=3, unique=True),
        "cas": st.sampled_from(["", "6740-88-1", "42542-10-9", "50-00-0"]),
    }
)


def _write(d: Path, o: dict[str, object]) -> None:
    (d / "substances").mkdir(parents=True)
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    partners = {k: o[k] for k in ("drug", "class", "substance") if o[k]}
    if partners:
        (d / "partners.toml").write_text(tomli_w.dumps(partners))
    rules = [r for r in o["rules"] if r["a"] != r["b"]]  # type: ignore[attr-defined]
    for r in rules:
        if (r["severity"] == "none") != (r["effect"] == "none"):
            r["effect"] = "none" if r["severity"] == "none" else r["effect"]
            r["severity"] = "minor" if r["effect"] != "none" else r["severity"]
    (d / "interactions.toml").write_text(tomli_w.dumps({"reviewed": o["reviewed"], "rule": rules}))
    rec = MINIMAL_RECORD.format(id="evil", name="Evil", aliases=tomli_w.dumps({"a": o["record_aliases"]})[4:].strip())
    if o["cas"]:
        rec += f'\n[identifiers]\ncas = "{o["cas"]}"\nsources = ["test-label"]\n'
    (d / "substances" / "evil.toml").write_text(rec)


def _answers(ds: Dataset) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], ix.Pair]]:
    data = ix.for_views(ds)
    names = {}
    for n in NAMES:
        try:
            p = ix.resolve(ds, data, n)
            names[n] = (p.id, p.kind)
        except PsycompareError as exc:
            names[n] = ("error", type(exc).__name__)
    pairs = {(a, b): ix.pair(data, ix.resolve(ds, data, a), ix.resolve(ds, data, b)) for a, b in PAIRS}
    return names, pairs


BASE = _answers(Dataset())


def _key(h: ix.Hit) -> tuple[object, ...]:
    # the rule itself (with its date and origin): an overlay class link can add a second path
    # to a rule that already fired, and the path it shows then says so (via ...)
    return (h.rule,)


@pytest.mark.slow  # hypothesis, many examples
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overlays)
def test_an_overlay_never_silently_changes_a_bundled_answer(o: dict[str, object]) -> None:
    d = Path(tempfile.mkdtemp(prefix="ovl-"))
    try:
        _write(d / "ovl", o)
        names, pairs = _answers(Dataset([d / "ovl"]))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    base_names, base_pairs = BASE
    assert names == base_names  # H1, M7: the first directory owns a name or an identifier
    for q, before in base_pairs.items():
        after = pairs[q]
        kept = {_key(h) for h in after.hits}
        assert all(_key(h) in kept for h in before.hits), q  # nothing removed, nothing re-dated (H6)
        if before.severity is not None:
            assert after.severity is not None and ix.RANK[after.severity] >= ix.RANK[before.severity], q
        old = {_key(h) for h in before.hits}
        for h in after.hits:
            if _key(h) not in old:  # what the overlay added says where it came from
                assert h.rule.origin != "bundled" or h.via, (q, h)

"""`interactions` as people read it (`interaction_view`): one line per pair, most severe first, a
chart for three to six names, one name grouped by severity with what was not reviewed, labelled
plain text, the scale's legend; and the answer's invariants over every pair of names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psycompare.query import interactions as ix
from psycompare.store.dataset import Dataset

from .conftest import Run

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "two": ["mdma", "sertraline"],
    "three": ["mdma", "sertraline", "lsd"],
    "one": ["mdma"],
}


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(run: Run, monkeypatch: pytest.MonkeyPatch, case: str, fmt: str) -> None:
    """Regenerate with PSYCOMPARE_UPDATE_GOLDEN=1 after a reviewed data change."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run("interactions", *CASES[case], "-f", fmt)
    assert code == 0, err
    golden = GOLDEN / f"interactions-{case}.{fmt}"
    if os.environ.get("PSYCOMPARE_UPDATE_GOLDEN") == "1":
        golden.write_text(out, "utf-8")
    assert out == golden.read_text("utf-8")


def _summary_lines(out: str) -> list[str]:
    """The rows of the plain summary table (after its header line)."""
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("severity"))) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line)
    return rows


def test_one_line_per_pair_most_severe_first(run: Run) -> None:
    code, out, _ = run("interactions", "lsd", "mdma", "nardil", "sertraline", "-f", "plain")
    assert code == 0
    rows = _summary_lines(out)
    assert len(rows) == 6  # four names, six pairs, one line each
    order = [r.split("  ")[0].strip() for r in rows]
    ranks = [ix.RANK.get(s, -1) for s in order]
    assert ranks == sorted(ranks, reverse=True), order
    # MDMA + Nardil is contraindicated too since issue 18 (MAOI labels x sympathomimetics); ties keep the order asked
    assert order[:2] == ["contraindicated", "contraindicated"]
    assert "mdma + nardil" in rows[0] and "nardil + sertraline" in rows[1]
    assert " | " not in out


def test_chart_for_three_to_six_names_only(run: Run) -> None:
    assert "Chart" not in run("interactions", "mdma", "sertraline", "-f", "plain")[1]
    code, out, _ = run("interactions", "mdma", "sertraline", "lsd", "-f", "plain")
    assert code == 0 and "Chart\n" in out and "Chart: XX contraindicated" in out
    seven = ["mdma", "sertraline", "lsd", "ketamine", "dmt", "psilocybin", "ibogaine"]
    assert "Chart\n" not in run("interactions", *seven, "-f", "plain")[1]


def test_full_gives_labelled_lines_with_what_to_do(run: Run) -> None:
    code, out, _ = run("interactions", "sertraline", "nardil", "--full", "-f", "plain")
    assert code == 0 and " | " not in out
    assert "\nwhat to do:" in out and "\nevidence:" in out and "\nrule:" in out
    assert "psycompare interactions sertraline phenelzine --full" not in out  # no hint to what is shown


def test_every_answer_carries_the_scale(run: Run) -> None:
    for names in (["mdma"], ["mdma", "lithium"], ["mdma", "sertraline", "lsd"]):
        out = run("interactions", *names, "-f", "plain")[1]
        assert "contraindicated = avoid" in out and "No interaction recorded does not mean safe" in out


def test_help_explains_the_scale(run: Run) -> None:
    code, out, _ = run("interactions", "--help")
    flat = " ".join(out.split())
    assert code == 0 and "contraindicated = avoid" in flat and "moderate = monitor" in flat
    assert "does not mean the combination is safe" in flat


@pytest.mark.parametrize("sid", ["methylone", "5-meo-dmt", "mdma", "ketamine"])
def test_one_name_is_never_an_empty_screen(run: Run, sid: str) -> None:
    code, out, _ = run("interactions", sid, "-f", "plain")
    assert code == 0
    assert "Not reviewed:" in out or any(f"{s.capitalize()}:" in out for s in ix.SEVERITIES)
    data = json.loads(run("interactions", sid, "-f", "json")[1])
    assert isinstance(data["not_reviewed"], list)


def test_one_name_groups_by_severity(run: Run) -> None:
    out = run("interactions", "sertraline", "-f", "plain")[1]
    heads = [line.split(":")[0] for line in out.splitlines() if line.split(":")[0].lower() in ix.SEVERITIES]
    assert heads and [ix.RANK[h.lower()] for h in heads] == sorted((ix.RANK[h.lower()] for h in heads), reverse=True)


@pytest.mark.parametrize("width", ["60", "80", "100"])
def test_summary_and_chart_fit_the_terminal(run: Run, monkeypatch: pytest.MonkeyPatch, width: str) -> None:
    monkeypatch.setenv("COLUMNS", width)
    for argv in (["mdma", "sertraline", "lsd", "nardil"], ["--coverage"]):
        code, out, _ = run("interactions", *argv, "-f", "table")
        table = out.split("Sources (")[0].split("Scale:")[0].split("Marks:")[0]
        assert code == 0 and max(len(line) for line in table.splitlines()) <= int(width)


def test_compare_full_shows_every_interaction(run: Run) -> None:
    data = json.loads(run("compare", "ketamine", "mdma", "--full", "-f", "json")[1])
    (row,) = [r for r in data["rows"] if r["field"] == "interactions"]
    groups = ix.most_severe_class_rules(Dataset(), "mdma", limit=None)
    assert len(groups) > 3 and len(row["values"]["mdma"]) == len(groups) + 1  # + the pair with ketamine
    assert not any(v["text"].startswith("+") for v in row["values"]["mdma"])


# -- invariants over every pair of names -------------------------------------------------------------

_DS = Dataset()
_DATA = ix.load(_DS)
_NAMES = sorted({*_DS.ids(), *_DATA.partners})


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_NAMES), st.sampled_from(_NAMES))
def test_pair_answer_is_symmetric_and_the_maximum(a: str, b: str) -> None:
    pa, pb = ix.resolve(_DS, _DATA, a), ix.resolve(_DS, _DATA, b)
    ab, ba = ix.pair(_DATA, pa, pb), ix.pair(_DATA, pb, pa)
    assert ab.severity == ba.severity and len(ab.hits) == len(ba.hits)
    assert {h.rule for h in ab.hits} == {h.rule for h in ba.hits}
    if ab.hits:
        assert ab.severity == max((h.rule.severity for h in ab.hits), key=ix.RANK.__getitem__)


def test_a_group_rule_reaches_every_member() -> None:
    """A rule naming a class or property fires for every substance and drug that has it."""
    members = [ix.substance_partner(_DS, _DATA, sid) for sid in _DS.ids()]
    members += [p for p in _DATA.partners.values() if p.kind == "drug"]
    checked = 0
    for rule in _DATA.rules:
        for side, other in ((rule.a, rule.b), (rule.b, rule.a)):
            group = _DATA.partners.get(side)
            target = _DATA.partners.get(other)
            if group is None or group.kind not in ("class", "property") or target is None:
                continue
            for m in members:
                if m.id != target.id and side in ix.expand(_DATA, m):
                    assert rule in {h.rule for h in ix.pair(_DATA, m, target).hits}, (m.id, rule.a, rule.b)
                    checked += 1
    assert checked > 20


def test_did_you_mean_names_the_partner_and_the_substance(run: Run) -> None:
    code, out, err = run("interactions", "methadon", "mdma")
    assert code != 0 and not out and err.count("\n") == 1
    assert "'methadone'" in err and "'methylone'" in err  # the drug and the record, both
    assert "'xanax'" in run("interactions", "xanex", "mdma")[2]

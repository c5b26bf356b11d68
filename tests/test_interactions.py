"""`psycompare interactions`: resolution through brands and classes, symmetry, severity, coverage,
every format, the validator's rules, and the fast path printing what Typer prints."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from psycompare.cli.fastpath import parse
from psycompare.query import interactions as ix
from psycompare.store.dataset import Dataset
from psycompare.store.validate import validate_dirs

from .conftest import BUNDLED, MINIMAL_SOURCES, Run, cli
from .test_fastpath import call, modules_after

FORMATS = ["table", "plain", "json", "csv", "markdown", "toml"]


def pairs_of(run: Run, *names: str) -> dict[str, object]:
    code, out, err = run("interactions", *names, "--format", "json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


@pytest.mark.parametrize("other", ["nardil", "Nardil", "phenelzine", "maoi", "MAOIs", "monoamine oxidase inhibitors"])
def test_brand_generic_and_class_names_resolve(run: Run, other: str) -> None:
    data = pairs_of(run, "mdma", other)
    (pair,) = data["pairs"]  # type: ignore[misc]
    # the MAOI labels' property rules (MAOIs x sympathomimetics / serotonergic drugs) make it
    # contraindicated (issue 18); the moclobemide case series still fires beside them
    assert pair["severity"] == "contraindicated" and pair["status"] == "interaction"
    (rule,) = [r for r in pair["rules"] if "pmid-21570786" in r["sources"] and r["a"] == "mdma"]
    assert rule["effect"] == "serotonin-toxicity"
    assert (rule["a"], rule["b"]) == ("mdma", "maoi")
    # a drug reaches the MAOI rule through its class; the class itself matches directly
    assert rule["via"] == ([] if other.lower().startswith(("maoi", "monoamine")) else ["maoi"])
    assert data["names"][1]["query"] == other  # type: ignore[index]


def test_via_class_is_said_in_human_output(run: Run) -> None:
    code, out, err = run("interactions", "mdma", "nardil", "-f", "plain", "--full")
    flat = " ".join(out.split())  # plain text wraps long rows
    assert code == 0 and "via class: MAOIs" in flat and "MDMA + phenelzine: contraindicated" in out
    assert "not medical advice" in err


def test_rules_are_symmetric(run: Run) -> None:
    ab, ba = pairs_of(run, "mdma", "nardil"), pairs_of(run, "nardil", "mdma")
    p, q = ab["pairs"][0], ba["pairs"][0]  # type: ignore[index]
    assert (p["a"], p["b"]) == (q["b"], q["a"])
    assert p["severity"] == q["severity"] and len(p["rules"]) == len(q["rules"])
    # each rule is turned to face the pair as asked
    assert ("maoi", "mdma") in {(r["a"], r["b"]) for r in q["rules"]}
    assert all(r["b"] in ("mdma", "sympathomimetic", "serotonergic", "serotonin-releaser") for r in q["rules"])
    assert ix.for_pair(Dataset(), "sertraline", "Parnate").severity == "contraindicated"
    assert ix.for_pair(Dataset(), "Parnate", "sertraline").severity == "contraindicated"


def test_several_rules_all_shown_and_the_highest_severity_wins(run: Run, tmp_path: Path) -> None:
    data = pairs_of(run, "mdma", "paroxetine")
    rules = data["pairs"][0]["rules"]  # type: ignore[index]
    assert {(r["b"], tuple(r["via"])) for r in rules} >= {
        ("ssri", ("ssri",)),
        ("cyp2d6-inhibitors", ("cyp2d6-inhibitors",)),
    }
    # an overlay adds a direct, milder rule: both fire, the class rule's severity stands
    overlay = tmp_path / "more"
    overlay.mkdir()
    (overlay / "sources.toml").write_text(MINIMAL_SOURCES)
    (overlay / "interactions.toml").write_text(
        'reviewed = 2025-01-01\n[[rule]]\na = "phenelzine"\nb = "mdma"\nseverity = "minor"\neffect = "other"\n'
        'text = "A made-up milder rule"\nsetting = "clinical"\nevidence = "pharmacology"\nsources = ["test-label"]\n'
    )
    code, out, err = run("--data", str(overlay), "interactions", "mdma", "nardil", "-f", "json")
    assert code == 0, err
    (pair,) = json.loads(out)["pairs"]
    assert pair["severity"] == "contraindicated"  # the MAOI labels' property rules (issue 18)
    ranked = [(r["severity"], r["via"]) for r in pair["rules"]]
    assert ("contraindicated", ["maoi"]) in ranked and ranked[-1] == ("minor", [])
    assert pair["rules"][-1]["origin"] == str(overlay.resolve())
    code, out, _ = run("--data", str(overlay), "interactions", "mdma", "nardil", "-f", "plain", "--full")
    assert f"most severe of {len(ranked)} rules" in out


def test_no_record_is_not_safe_and_exits_0(run: Run) -> None:
    code, out, err = run("interactions", "5-meo-dmt", "digoxin", "-f", "plain")
    assert code == 0, err
    assert "no interaction recorded; this does not mean the combination is safe" in out
    data = pairs_of(run, "digoxin", "5-meo-dmt")
    assert data["pairs"][0]["status"] == "no-record" and data["pairs"][0]["severity"] is None  # type: ignore[index]


def test_reviewed_no_known_interaction_is_worded_as_such(run: Run) -> None:
    data = pairs_of(run, "spravato", "zoloft")
    pair = data["pairs"][0]  # type: ignore[index]
    assert pair["status"] == "no-known-interaction" and pair["severity"] == "none"
    assert "does not mean the combination is safe" in pair["message"]


def test_pairs_come_most_severe_first(run: Run) -> None:
    data = pairs_of(run, "mdma", "ketamine", "sertraline", "nardil")
    severities = [p["severity"] for p in data["pairs"]]  # type: ignore[attr-defined]
    assert len(severities) == 6
    ranks = [ix.RANK[s] if s else -1 for s in severities]
    assert severities[0] == "contraindicated" and ranks == sorted(ranks, reverse=True)


def test_one_name_lists_what_is_recorded(run: Run) -> None:
    data = pairs_of(run, "molly")
    others = [p["b"] for p in data["pairs"]]  # type: ignore[attr-defined]
    assert others[0] == "maoi" and {"ssri", "snri", "bupropion", "cyp2d6-inhibitors"} <= set(others)


def test_unknown_names_and_usage(run: Run) -> None:
    code, out, err = run("interactions", "mdma", "nardill")
    assert code == 1 and not out and "nardil" in err and "Traceback" not in err
    assert run("interactions")[0] == 2
    assert run("interactions", "mdma", "--coverage")[0] == 2


def test_coverage_matrix_and_gaps(run: Run) -> None:
    code, out, err = run("interactions", "--coverage", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    subs, classes = data["substances"], data["classes"]
    assert len(subs) >= 13 and len(classes) >= 17  # the new records are gaps until reviewed
    assert data["total"] == len(subs) * len(classes) + len(subs) * (len(subs) - 1) // 2 == len(data["cells"])
    assert data["covered"] + len(data["gaps"]) == data["total"]
    cells = {(c["substance"], c["partner"]): c["severity"] for c in data["cells"]}
    assert cells[("sertraline", "maoi")] == "contraindicated"
    assert cells[("esketamine", "ssri")] == "none"
    assert cells[("ketamine", "benzodiazepines")] == "major"  # through the CNS-depressant class
    # round E: gabapentinoids are CNS depressants, so the classic-psychedelic group rule decides it
    assert cells[("lsd", "gabapentinoids")] == "minor"
    assert data["gaps"] and all(cells[(g["substance"], g["partner"])] is None for g in data["gaps"])
    # issue 12 point 4: the reviewed share only grows (76 of 325 on 2026-11-21; the SSRI + amphetamine
    # label rule applies to amphetamines only, not to every stimulant)
    assert data["covered"] >= 258  # coverage round B (cellsb), 2026-12-05; was 115
    # issue 18: at least 90% of cells decided, and no undecided cell in a high-risk class
    assert data["covered"] >= 0.9 * data["total"], (data["covered"], data["total"])
    assert data["high_risk_gaps"] == []
    assert cells[("lsd", "mescaline")] == "minor"  # cross-tolerance (Wolbach et al. 1962)
    assert cells[("paroxetine", "sertraline")] == "major"  # another SSRI, from both labels
    assert cells[("dextromethorphan-bupropion", "maoi")] == "contraindicated"
    assert cells[("dextromethorphan-bupropion", "mdma")] == "major"  # CYP2D6 rule, raised (audit 2026-12-04 §1 row 12)
    # through the SSRI class (serotonin syndrome, GITA guideline) above the CYP2D6-inhibitor rule
    assert cells[("ibogaine", "paroxetine")] == "major"
    assert cells[("ibogaine", "sertraline")] == "major"  # round 4: was a gap
    assert cells[("mdma", "stimulants")] == "moderate"  # round 4: methylphenidate study
    # QT-prolonging drugs and CYP3A4 inducers are properties since issue 18, not coverage columns
    assert ix.for_pair(Dataset(), "sertraline", "qt-prolonging").severity == "moderate"  # round 5: Zoloft label
    assert cells[("sertraline", "alcohol")] == "minor"  # round 5: no potentiation in a study, still advised against
    assert cells[("sertraline", "benzodiazepines")] == "minor"  # round 5: through the CNS-depressant class
    assert ix.for_pair(Dataset(), "paroxetine", "cyp3a4-inducers").severity == "minor"  # round 5: phenobarbital
    assert cells[("ketamine", "antipsychotics")] == "major"  # round 5: phenothiazines as CNS depressants
    code, out, _ = run("interactions", "--coverage", "-f", "plain")
    assert "? not reviewed" in out
    # coverage round C (cellsc) closed the last high-risk cells: the section shows only while any are open
    assert "High-risk cells not yet reviewed" in out or "0 high-risk cells undecided" in out


def test_api_for_compare_and_show() -> None:
    ds = Dataset()
    pair = ix.for_pair(ds, "mdma", "sertraline")
    # the SSRI labels' serotonergic-drugs warning reaches MDMA as a serotonin releaser (issue 18)
    assert pair.severity == "major" and ("ssri",) in [h.via for h in pair.hits]
    worst = ix.most_severe_class_rules(ds, "mdma", 2)
    assert [p.b.id for p in worst] == ["maoi", "ssri"] or worst[0].b.id == "maoi"
    assert all(p.b.kind in ("class", "property") for p in worst) and len(worst) == 2
    assert ix.for_substance(ds, "lsd")[0].severity == "major"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "args", [["interactions", "mdma", "nardil", "ketamine"], ["interactions", "--coverage"]], ids=" ".join
)
def test_every_format(args: list[str], fmt: str) -> None:
    result = cli([*args, "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.strip() and "\x1b[" not in out
    if fmt == "json":
        json.loads(out)
    elif fmt == "toml":
        data = tomllib.loads(out)
        assert data.get("pairs") or data.get("cells")
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len({len(r) for r in rows}) == 1 and len(rows) >= 2
    elif fmt == "markdown":
        assert out.startswith("## ")
    if fmt in ("json", "csv", "toml"):
        assert "medical advice" not in out


# -- validator -------------------------------------------------------------------------------------

RULE = """
[[rule]]
a = "{a}"
b = "{b}"
severity = "{severity}"
effect = "other"
text = "test"
setting = "any"
evidence = "label"
{sources}
"""


def _overlay(tmp_path: Path, rules: list[dict[str, str]], partners: str = "") -> Path:
    d = tmp_path / "overlay"
    d.mkdir()
    (d / "sources.toml").write_text(MINIMAL_SOURCES)
    body = "reviewed = 2025-01-01\n" + "".join(
        RULE.format(**{"severity": "minor", "sources": 'sources = ["test-label"]', **r}) for r in rules
    )
    (d / "interactions.toml").write_text(body)
    if partners:
        (d / "partners.toml").write_text(partners)
    return d


def test_bundled_interaction_data_is_valid() -> None:
    assert [str(p) for p in validate_dirs([BUNDLED])] == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"a": "mdma", "b": "nosuchdrug"}, "rule[0].b: unknown partner 'nosuchdrug'"),
        ({"a": "mdma", "b": "lsd", "severity": "severe"}, "'severe' is not one of: contraindicated, major"),
        ({"a": "mdma", "b": "lsd", "sources": ""}, "rule[0].sources: missing required field 'sources'"),
        ({"a": "mdma", "b": "lsd", "sources": "sources = []"}, "a fact needs at least one source id"),
        ({"a": "mdma", "b": "lsd", "sources": 'sources = ["nope"]'}, "source id 'nope' is not in sources.toml"),
        ({"a": "mdma", "b": "mdma"}, "a rule needs two different partners"),
    ],
)
def test_validator_rules_fire(tmp_path: Path, rule: dict[str, str], message: str) -> None:
    overlay = _overlay(tmp_path, [rule])
    found = [str(p) for p in validate_dirs([BUNDLED, overlay])]
    assert any(message in p and "interactions.toml:" in p for p in found), found
    assert all(":0:" not in p for p in found)


def test_validator_finds_asymmetric_duplicates(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, [{"a": "mdma", "b": "lsd"}, {"a": "lsd", "b": "mdma"}])
    found = [str(p) for p in validate_dirs([BUNDLED, overlay])]
    dup = [p for p in found if "duplicate rule" in p]
    assert len(dup) == 1 and "the other way round" in dup[0] and "rule[1]" in dup[0]
    assert ":14:" in dup[0]  # the second rule's `a` line


def test_validator_checks_partners(tmp_path: Path) -> None:
    partners = (
        '[drug.fakezine]\nname = "fakezine"\naliases = ["Nardil"]\nclasses = ["nosuchclass"]\n'
        'sources = ["test-label"]\n\n[drug.mdma]\nname = "x"\nsources = ["test-label"]\n\n'
        '[drug.nosource]\nname = "nosource"\n'
    )
    overlay = _overlay(tmp_path, [{"a": "mdma", "b": "fakezine"}], partners)
    found = "\n".join(str(p) for p in validate_dirs([BUNDLED, overlay]))
    assert "'Nardil' is also a name of 'phenelzine'" in found
    assert "unknown class 'nosuchclass'" in found
    assert "'mdma' is already a substance id" in found
    assert "a drug needs at least one source id" in found
    assert "unknown partner" not in found  # fakezine is a partner now


def test_invalid_overlay_fails_the_command_with_one_line(run: Run, tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, [{"a": "mdma", "b": "lsd", "severity": "severe"}])
    code, out, err = run("--data", str(overlay), "interactions", "mdma", "lsd")
    assert code == 1 and not out and "interactions.toml:" in err and "severe" in err
    assert err.count("\n") == 1


# -- fast path ---------------------------------------------------------------------------------------

FAST = [
    ["interactions", "mdma", "sertraline", "--format", "json"],
    ["interactions", "mdma", "nardil", "maoi", "-f", "plain"],
    ["interactions", "Zoloft", "Parnate", "--format=csv"],
    ["interactions", "mdma", "ketamine"],
    ["interactions", "molly", "-f", "markdown"],
    ["interactions", "--coverage"],
    ["interactions", "--coverage", "-f", "toml"],
    ["interactions"],  # our usage error, same function
    ["interactions", "mdma", "--coverage"],
    ["interactions", "mdma", "nosuch"],
]
TYPER = [
    ["interactions", "--help"],
    ["interactions", "mdma", "lsd", "--format", "JSON"],
    ["interactions", "--coverage", "--coverage"],
    ["interactions", "mdma", "-x"],
]


@pytest.mark.parametrize("argv", FAST, ids=" ".join)
def test_fast_path_takes_plain_lines_and_matches_typer(argv: list[str]) -> None:
    assert parse(argv) is not None
    fast, typer = call(argv, True), call(argv, False)
    assert fast == typer
    if argv[1:2] == ["mdma"] and argv[2:3] == ["sertraline"]:
        assert fast[0] == 0 and json.loads(fast[1])["pairs"]


@pytest.mark.parametrize("argv", TYPER, ids=" ".join)
def test_other_lines_go_to_typer_and_match(argv: list[str]) -> None:
    assert parse(argv) is None
    assert call(argv, True) == call(argv, False)


def _modules_after(argv: list[str], tmp_path: Path) -> str:
    return modules_after(argv, tmp_path, ("typer", "rich", "pathlib", "psycompare.store.interactions"))


def test_interactions_load_only_when_asked(tmp_path: Path) -> None:
    assert _modules_after(["interactions", "mdma", "sertraline", "--format", "json"], tmp_path) == (
        "['psycompare.store.interactions']"
    )
    assert _modules_after(["status", "mdma", "--format", "json"], tmp_path) == "[]"
    assert _modules_after(["compare", "ketamine", "mdma"], tmp_path) == "[]"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["mdma", "molly"], "'mdma' and 'molly' name the same substance (MDMA); use 'interactions mdma'"),
        (["zoloft", "sertraline"], "'zoloft' and 'sertraline' name the same substance (Sertraline)"),
        (["maoi", "maois"], "'maoi' and 'maois' name the same class (MAOIs)"),
    ],
)
def test_two_names_for_one_thing_are_a_usage_error(run: Run, names: list[str], message: str) -> None:
    """As compare does (audit 2026-12-04 UX, Low list): not a pair, and not silently one name's list."""
    code, out, err = run("interactions", *names)
    assert (code, out) == (2, "") and err.startswith(f"psycompare: {message}") and len(err.splitlines()) == 1
    assert call(["interactions", *names], True) == call(["interactions", *names], False)


def test_one_rule_is_not_the_most_severe_of_one(run: Run) -> None:
    """Audit 2026-12-04 UX Low list: "major (most severe of 1 rule)"."""
    pair = json.loads(run("interactions", "lsd", "lithium", "-f", "json")[1])["pairs"][0]
    assert pair["message"] == "major (1 rule)"
    pair = json.loads(run("interactions", "mdma", "maoi", "-f", "json")[1])["pairs"][0]
    assert pair["message"].startswith("contraindicated (most severe of ") and pair["message"].endswith(" rules)")

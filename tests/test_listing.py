"""`list`: one list view, whether filtered or not (audit 3.2: `list` said `not recorded`
where `list --class X` said `-`)."""

from __future__ import annotations

from pathlib import Path

from .conftest import MINIMAL_RECORD, MINIMAL_SOURCES, Run


def test_list_and_list_with_a_filter_print_the_same_rows(run: Run) -> None:
    code, plain, _ = run("list", "-f", "plain")
    assert code == 0
    assert run("list", "--class", "", "-f", "plain")[1] == plain  # a filter that keeps every row


def test_missing_values_are_words_in_every_list(tmp_path: Path, run: Run) -> None:
    """A record whose only status is GB: its US cells are words, filtered or not."""
    root = tmp_path / "d"
    (root / "substances").mkdir(parents=True)
    (root / "sources.toml").write_text(MINIMAL_SOURCES, "utf-8")
    record = MINIMAL_RECORD.format(id="testine", name="Testine", aliases='["tst"]')
    record = record.replace('jurisdiction = "US"\nregulator = "FDA"', 'jurisdiction = "GB"\nregulator = "MHRA"')
    (root / "substances" / "testine.toml").write_text(record, "utf-8")
    outputs = [
        run("--no-bundled", "--data", str(root), "list", *extra, "-f", "plain")[1]
        for extra in ([], ["--class", "test"], ["--class", ""])
    ]
    assert outputs[0] == outputs[1] == outputs[2]
    assert "not recorded" in outputs[0]
    assert " - " not in outputs[0] and not any(line.rstrip().endswith(" -") for line in outputs[0].splitlines())


def test_not_controlled_is_one_phrase(run: Run) -> None:
    """Audit 2026-12-04 UX Low list: "none", "not listed" and "not controlled" said one thing three
    ways; the short forms now say "not controlled" (the full text keeps the data's wording)."""
    out = run("list", "-j", "GB", "-f", "plain")[1]
    row = next(line for line in out.splitlines() if line.startswith("dextromethorphan-bupropion"))
    assert "not controlled" in row and "not listed" not in out
    out = run("compare", "sertraline", "paroxetine", "-j", "GB", "--fields", "schedule", "-f", "csv")[1]
    assert "Not controlled" in out and "not listed" not in out.lower()

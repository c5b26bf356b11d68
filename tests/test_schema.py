"""Unit tests for validation and problem locations."""

from __future__ import annotations

import tomllib
from pathlib import Path

from psycompare.schema import rules as schema
from psycompare.store.files import load_record
from psycompare.store.validate import validate_dirs

from .conftest import MINIMAL_RECORD, make_dir


def _record(**subs: str) -> str:
    return MINIMAL_RECORD.format(id="testdrug", name="Testdrug", aliases='["td"]')


def test_minimal_record_validates() -> None:
    text = _record()
    fields, problems, cited = schema.validate_record(tomllib.loads(text), "f.toml", text, "x")
    assert problems == []
    assert fields["id"] == "testdrug"
    assert {c[0] for c in cited} == {"test-label"}


def test_problems_name_file_line_and_field(tmp_path: Path) -> None:
    text = (
        _record()
        .replace('approval = "investigational"', 'approval = "maybe"')
        .replace("reviewed = 2025-05-05", 'reviewed = "2025-05-05"')
    )
    path = tmp_path / "testdrug.toml"
    path.write_text(text)
    _, problems, _, _ = load_record(path, "x")
    shown = [str(p) for p in problems]
    lines = text.splitlines()
    approval_line = next(i for i, line in enumerate(lines, 1) if line.startswith("approval"))
    reviewed_line = next(i for i, line in enumerate(lines, 1) if line.startswith("reviewed"))
    assert any(s.startswith(f"{path}:{approval_line}:1: status[0].approval: 'maybe' is not one of") for s in shown)
    assert any(s.startswith(f"{path}:{reviewed_line}:1: reviewed: expected a TOML date") for s in shown)


def test_fact_without_sources_is_an_error() -> None:
    text = _record().replace(
        '[summary]\ntext = "A made-up record for tests."\nsources = ["test-label"]',
        '[summary]\ntext = "A made-up record for tests."\nsources = []',
    )
    _, problems, _ = schema.validate_record(tomllib.loads(text), "f", text, "x")
    assert [p.field for p in problems] == ["summary.sources"]
    assert problems[0].line == text.splitlines().index("sources = []") + 1


def test_unknown_and_missing_fields() -> None:
    text = _record().replace('name = "Testdrug"\n', 'nmae = "Testdrug"\n')
    _, problems, _ = schema.validate_record(tomllib.loads(text), "f", text, "x")
    messages = {p.field: p.message for p in problems}
    assert messages["nmae"] == "unknown field"
    assert "missing required field 'name'" in messages["name"]
    assert [p.line for p in problems if p.field == "nmae"] == [3]


def test_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('id = "bad"\nname = \n')
    _, problems, _, _ = load_record(path, "x")
    assert len(problems) == 1 and problems[0].line == 2 and "TOML syntax error" in problems[0].message


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'id = "bad"\nname = "\xff"\n')
    _, problems, _, _ = load_record(path, "x")
    assert (problems[0].line, problems[0].message) == (2, "not valid UTF-8")


def test_directory_checks_dangling_unused_and_aliases(tmp_path: Path) -> None:
    root = make_dir(tmp_path / "d", {"alpha": ("Alpha", ["shared"]), "beta": ("Beta", ["shared", "alpha"])})
    with (root / "sources.toml").open("a") as fh:
        fh.write(
            '\n[never-cited]\nkind = "news"\ntitle = "t"\npublisher = "p"\ndate = 2020-01-01\nurl = "https://x.org"\n'
        )
    text = (root / "substances" / "alpha.toml").read_text().replace('["test-label"]', '["missing-src"]', 1)
    (root / "substances" / "alpha.toml").write_text(text)
    found = [str(p) for p in validate_dirs([root])]
    assert any("class.sources: source id 'missing-src' is not in sources.toml" in s for s in found)
    assert any("never-cited: source is not cited by any record" in s for s in found)
    assert any("'shared' is also a name of 'alpha'" in s for s in found)
    assert any("'alpha' shadows the id of another substance" in s for s in found)


def test_source_needs_a_locator(tmp_path: Path) -> None:
    root = make_dir(
        tmp_path / "d",
        {"alpha": ("Alpha", [])},
        sources='[test-label]\nkind = "label"\ntitle = "t"\npublisher = "p"\ndate = 2020-01-01\n',
    )
    found = [str(p) for p in validate_dirs([root])]
    assert any("needs at least one of url, pmid, doi" in s for s in found)


def test_record_round_trips_through_dict() -> None:
    text = _record()
    fields, _, _ = schema.validate_record(tomllib.loads(text), "f", text, "x")
    from psycompare.model import Substance

    sub = Substance(**fields)
    again = schema.record_to_dict(sub)
    fields2, problems, _ = schema.validate_record(again, "f", "", "x")
    assert problems == [] and Substance(**fields2) == sub

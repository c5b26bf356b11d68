"""The JSON contract: meta on every document, schemas for every command and data file, jsonl streams."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from psycompare import __version__, contract
from psycompare.schema import jsonschema as schemagen
from psycompare.store.dataset import Dataset

from .conftest import BUNDLED, Run

SCHEMAS = Path(schemagen.__file__).parent.parent / "schemas"

# every command that prints JSON, with the schema that describes it
COMMANDS: list[tuple[str, list[str]]] = [
    ("list", ["list"]),
    ("list", ["list", "-j", "GB", "--schedule", "Class A"]),
    ("list", ["list", "--class", "tryptamine"]),
    ("status", ["status", "--all", "-j", "uk"]),
    ("show", ["show", "mdma", "esketamine", "ketamine", "lsd", "psilocybin", "sertraline", "paroxetine"]),
    ("compare", ["compare", "ketamine", "mdma", "psilocybin"]),
    ("compare", ["compare", "ketamine", "mdma", "--full", "-j", "GB"]),
    ("compare", ["compare", "esketamine", "mdma", "--as-of", "2019-01-01"]),
    ("status", ["status", "mdma", "esketamine", "psilocybin", "ketamine", "lsd", "sertraline", "paroxetine"]),
    ("status", ["status", "mdma", "esketamine", "--as-of", "1986-01-01"]),
    ("status", ["status", "psilocybin", "-j", "US", "--as-of", "2023-01-01"]),
    ("side-effects", ["side-effects", "mdma", "ketamine"]),
    ("side-effects", ["side-effects", "mdma", "--setting", "nonmedical", "--serious"]),
    ("sources", ["sources", "mdma", "sertraline"]),
    ("search", ["search", "blood pressure"]),
    ("interactions", ["interactions", "mdma", "sertraline", "nardil"]),
    ("interactions", ["interactions", "mdma"]),
    ("interactions-coverage", ["interactions", "--coverage"]),
    ("timeline", ["timeline"]),
    ("timeline", ["timeline", "mdma", "--since", "2020-01-01", "-j", "US", "--kind", "approval,letter"]),
    ("data-diff", ["data", "diff", str(BUNDLED), str(BUNDLED)]),
]


def load_schema(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text("utf-8"))
    return result


@functools.cache  # one check and compile per schema for the whole run (validators are stateless)
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_shipped_schemas_are_what_the_generator_builds() -> None:
    built = schemagen.build()
    assert sorted(built) == sorted(p.name for p in SCHEMAS.glob("*.json"))
    for name, text in built.items():
        assert (SCHEMAS / name).read_text("utf-8") == text, f"{name}: run python -m psycompare.schema.jsonschema"


@pytest.mark.parametrize(("name", "argv"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_every_command_json_matches_its_schema(run: Run, name: str, argv: list[str]) -> None:
    code, out, err = run(*argv, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    errors = sorted(validator(name).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    assert doc["meta"]["command"] == name
    assert doc["meta"]["psycompare"] == __version__
    assert doc["meta"]["output_schema"] == contract.OUTPUT_SCHEMA_VERSION
    info = Dataset().info()
    assert info is not None
    assert doc["meta"]["dataset"] == {"version": info.version, "date": info.date.isoformat()}


def test_a_schema_rejects_a_document_that_breaks_it(run: Run) -> None:
    _, out, _ = run("status", "mdma", "-f", "json")
    doc = json.loads(out)
    del doc["substances"][0]["status"][0]["approval"]
    assert list(validator("status").iter_errors(doc))
    doc = json.loads(out)
    doc["meta"]["output_schema"] = 99
    assert list(validator("status").iter_errors(doc))


def test_toml_output_carries_the_same_meta(run: Run) -> None:
    _, out_json, _ = run("status", "mdma", "-f", "json")
    _, out_toml, _ = run("status", "mdma", "-f", "toml")
    assert tomllib.loads(out_toml)["meta"] == json.loads(out_json)["meta"]


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


@pytest.mark.parametrize("path", sorted((BUNDLED / "substances").glob("*.toml")), ids=lambda p: p.name)
def test_bundled_records_match_the_record_schema(path: Path) -> None:
    doc = _iso(tomllib.loads(path.read_text("utf-8")))
    errors = list(validator("record").iter_errors(doc))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("sources-file", "sources.toml"),
        ("dataset-file", "dataset.toml"),
        ("partners-file", "partners.toml"),
        ("interactions-file", "interactions.toml"),
    ],
)
def test_bundled_data_files_match_their_schemas(name: str, file: str) -> None:
    doc = _iso(tomllib.loads((BUNDLED / file).read_text("utf-8")))
    assert not list(validator(name).iter_errors(doc))


def test_record_schema_rejects_an_unknown_field_and_a_bad_enum() -> None:
    doc = _iso(tomllib.loads((BUNDLED / "substances" / "mdma.toml").read_text("utf-8")))
    doc["colour"] = "blue"
    assert list(validator("record").iter_errors(doc))
    doc = _iso(tomllib.loads((BUNDLED / "substances" / "mdma.toml").read_text("utf-8")))
    doc["status"][0]["approval"] = "maybe"
    assert list(validator("record").iter_errors(doc))


@pytest.mark.parametrize("name", [*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS])
def test_schema_command_prints_the_shipped_file(run: Run, name: str) -> None:
    code, out, _ = run("schema", name)
    assert code == 0
    assert json.loads(out) == load_schema(name)


def test_schema_command_lists_names_and_rejects_unknown(run: Run) -> None:
    code, out, _ = run("schema")
    assert code == 0 and out.split() == [*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS]
    code, _, err = run("schema", "nosuch")
    assert code == 2 and "unknown schema" in err


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (["list"], "substances"),
        (["status", "mdma", "lsd"], "substances"),
        (["show", "mdma", "lsd"], "substances"),
        (["side-effects", "mdma"], "substances"),
        (["sources", "mdma", "lsd"], "substances"),
        (["search", "serotonin"], "matches"),
        (["timeline", "mdma"], "events"),
    ],
)
def test_jsonl_streams_one_object_per_line(run: Run, argv: list[str], key: str) -> None:
    code, out, err = run(*argv, "-f", "jsonl")
    assert code == 0 and err == ""
    lines = out.splitlines()
    _, whole, _ = run(*argv, "-f", "json")
    assert [json.loads(line) for line in lines] == json.loads(whole)[key]
    assert len(lines) >= 1


def test_jsonl_is_refused_for_documents_that_are_not_lists(run: Run) -> None:
    code, out, err = run("compare", "ketamine", "mdma", "-f", "jsonl")
    assert code == 2 and out == "" and "jsonl" in err


@pytest.mark.slow
def test_schema_files_ship_in_the_wheel(tmp_path: Path) -> None:
    """A normal (non-editable) build carries the schemas; `psycompare schema` then reads them from the wheel."""
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(root)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    import zipfile

    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in [*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS]:
        assert f"psycompare/schemas/{name}.json" in names
    assert "psycompare/schema/jsonschema.py" in names


def test_runtime_never_imports_jsonschema(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom psycompare.cli.entry import main\n"
        "try:\n    main(['status', 'mdma', '-f', 'json'])\nexcept SystemExit:\n    pass\n"
        "print('jsonschema' in sys.modules, 'psycompare.schema.jsonschema' in sys.modules, file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.stderr.strip().splitlines()[-1] == "False False"

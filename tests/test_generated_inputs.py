"""Hypothesis: generated command lines and generated data never produce a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psycompare.cli.entry import main
from psycompare.schema import rules as schema
from psycompare.store.dataset import Dataset
from psycompare.views.show import show_view

from .conftest import MINIMAL_SOURCES

EXAMPLES = int(os.environ.get("PSYCOMPARE_HYPOTHESIS_EXAMPLES", "1500"))
ALLOWED = {0, 1, 2, 130}

NAMES = [
    "ketamine",
    "mdma",
    "Spravato",
    "molly",
    "lsd",
    "zoloft",
    "ketamin",
    "",
    " ",
    "../../etc/passwd",
    "/etc/passwd",
    "a" * 300,
    "\x00",
    "\x1b[31m",
    "名前",
    "[bold]x[/bold]",
    "\udcff",
]
OPTIONS = [
    "--format",
    "-f",
    "json",
    "csv",
    "toml",
    "plain",
    "markdown",
    "table",
    "yaml",
    "--fields",
    "status,schedule",
    "bogus",
    "--jurisdiction",
    "-j",
    "GB",
    "US-OR",
    "zz",
    "--setting",
    "clinical",
    "nonmedical",
    "--serious",
    "--no-color",
    "--help",
    "--version",
    "--data",
    "/nonexistent",
    "--no-bundled",
    "--out",
    "-x",
    "--",
]
COMMANDS = [
    "list",
    "show",
    "compare",
    "status",
    "side-effects",
    "sources",
    "search",
    "export",
    "data",
    "validate",
    "new",
    "nosuch",
]
token = st.one_of(st.sampled_from(NAMES + OPTIONS + COMMANDS), st.text(max_size=12))


def call(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(token, max_size=6), st.sampled_from(COMMANDS[:7]))
def test_generated_command_lines(tail: list[str], command: str) -> None:
    # --debug shows tracebacks on purpose (it is read anywhere before `--`)
    argv = [command, *[t for t in tail if t not in ("--out", "export", "new", "--debug")]]
    code, out, err = call(argv)
    assert code in ALLOWED, (argv, code, err)
    assert "Traceback" not in err and "Traceback" not in out
    if code == 0 and "json" in argv and argv[argv.index("json") - 1] in ("--format", "-f") and "--help" not in argv:
        json.loads(out)
    if code != 0:
        assert len(err.strip().splitlines()) <= 1 or "--help" in argv or "--version" in argv, err


def _valid_record(sid: str, name: str, text: str, alias: str) -> dict[str, object]:
    return {
        "schema": 1,
        "id": sid,
        "name": name,
        "generic_name": name + " g",
        "aliases": [alias],
        "reviewed": __import__("datetime").date(2025, 1, 2),
        "class": {"text": text, "sources": ["test-label"]},
        "summary": {"text": text, "sources": ["test-label"]},
        "mechanism": {"text": text, "sources": ["test-label"]},
        "status": [
            {
                "jurisdiction": "US",
                "regulator": "FDA",
                "approval": "investigational",
                "schedule": "",
                "as_of": __import__("datetime").date(2025, 1, 2),
                "sources": ["test-label"],
            }
        ],
        "side_effects": [
            {"text": text, "frequency": "common", "severity": "mild", "setting": "clinical", "sources": ["test-label"]}
        ],
    }


# valid text: no surrogates, and no control or format characters (`data validate` refuses those)
nonempty = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)
ids = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def data_dirs(draw: st.DrawFn) -> tuple[dict[str, str | bytes], bool]:
    """A user data directory: mostly valid records, some mutated into broken ones."""
    files: dict[str, str | bytes] = {}
    broken = False
    for sid in draw(st.lists(ids, min_size=1, max_size=3, unique=True)):
        # names are prefixed by the (unique) id so valid records never collide
        rec = _valid_record(sid, f"{sid} {draw(nonempty)}", draw(nonempty), f"{sid} alias")
        mutation = draw(st.sampled_from(["none", "none", "drop", "type", "bytes", "syntax", "dangling"]))
        if mutation == "drop":
            rec.pop(draw(st.sampled_from(["name", "class", "status", "reviewed"])))
        elif mutation == "type":
            rec[draw(st.sampled_from(["name", "aliases", "reviewed", "status"]))] = draw(
                st.one_of(st.integers(), st.text(max_size=5), st.booleans())
            )
        elif mutation == "dangling":
            rec["summary"] = {"text": "x", "sources": ["nope"]}
        text: str | bytes = tomli_w.dumps(rec)
        if mutation == "bytes":
            text = draw(st.binary(max_size=60))
        elif mutation == "syntax":
            text = str(text)[: draw(st.integers(0, 80))] + "= ["
        broken |= mutation != "none"
        files[sid] = text
    return files, broken


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 5, 50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_dirs(), st.sampled_from(["show", "status", "list", "search", "validate"]))
def test_generated_data_directories(spec: tuple[dict[str, str | bytes], bool], command: str) -> None:
    files, broken = spec
    root = Path(tempfile.mkdtemp())
    try:
        (root / "substances").mkdir()
        (root / "sources.toml").write_text(MINIMAL_SOURCES)
        for sid, text in files.items():
            path = root / "substances" / f"{sid}.toml"
            path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, "utf-8")
        first = next(iter(files))
        argv = {
            "show": ["--data", str(root), "show", first, "-f", "json"],
            "status": ["--data", str(root), "--no-bundled", "status", *files, "-f", "json"],
            "list": ["--data", str(root), "list", "-f", "json"],
            "search": ["--data", str(root), "search", "a", "-f", "json"],
            "validate": ["data", "validate", str(root)],
        }[command]
        code, out, err = call(argv)
        assert code in ALLOWED and "Traceback" not in err, (argv, err)
        if code == 0 and "json" in argv:
            json.loads(out)
        if command == "validate":
            if not broken:
                assert code == 0, out
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 10, 30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ids, nonempty, nonempty), min_size=1, max_size=3, unique_by=lambda t: t[0]))
def test_export_then_import_is_identical(records: list[tuple[str, str, str]]) -> None:
    src = Path(tempfile.mkdtemp())
    dst = Path(tempfile.mkdtemp())
    try:
        (src / "substances").mkdir()
        (src / "sources.toml").write_text(MINIMAL_SOURCES)
        for sid, name, text in records:
            rec = _valid_record(sid, name, text, f"{sid} alias")
            (src / "substances" / f"{sid}.toml").write_text(tomli_w.dumps(rec), "utf-8")
        code, _, err = call(["--no-bundled", "--data", str(src), "export", "--out", str(dst)])
        assert code == 0, err
        for sid, _, _ in records:
            a = call(["--no-bundled", "--data", str(src), "show", sid, "-f", "json"])
            b = call(["--no-bundled", "--data", str(dst), "show", sid, "-f", "json"])
            assert a[0] == 0 and a[1] == b[1]
    finally:
        shutil.rmtree(src, ignore_errors=True)
        shutil.rmtree(dst, ignore_errors=True)


@pytest.mark.slow
def test_bundled_export_round_trip(tmp_path: Path) -> None:
    """Every bundled record: export -> --data --no-bundled gives identical show JSON."""
    ds = Dataset()
    code, _, err = call(["export", "--out", str(tmp_path / "x")])
    assert code == 0, err
    again = Dataset([tmp_path / "x"], bundled=False)
    for sid in ds.ids():
        a, b = ds.load(sid), again.load(sid)
        assert show_view(ds, [a]).data == show_view(again, [b]).data
        assert schema.record_to_dict(a) == schema.record_to_dict(b)

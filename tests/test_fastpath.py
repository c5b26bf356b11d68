"""The argv fast path: which lines it takes, and that it prints exactly what the Typer app prints."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psycompare.cli.entry import main
from psycompare.cli.fastpath import parse

from .conftest import BUNDLED

EXAMPLES = int(os.environ.get("PSYCOMPARE_HYPOTHESIS_EXAMPLES", "1500")) // 3

FAST = [
    ["list"],
    ["list", "--format", "json"],
    ["show", "mdma"],
    ["show", "mdma", "molly", "-f", "csv"],
    ["show", "--format=toml", "ketamine"],
    ["compare", "ketamine", "mdma"],
    ["compare", "ketamine", "mdma", "--fields", "status,schedule", "-j", "gb", "-f", "markdown"],
    ["compare", "ketamine"],  # our own usage error, same function
    ["status", "mdma", "--jurisdiction=US-OR"],
    ["status", "nosuch"],
    ["side-effects", "ketamine", "--setting", "nonmedical", "--serious"],
    ["sources", "esketamine", "-f", "plain"],
    ["search", "hyponatraemia"],
    ["--no-color", "--no-bundled", "--data", str(BUNDLED), "show", "lsd"],
    [f"--data={BUNDLED}", "--debug", "status", "lsd"],
]
FAST += [
    ["side-effects", "mdma", "--setting", "Clinical"],  # the command reads setting words itself
    ["search", "blood", "pressure"],  # words are one query
    ["compare", "ketamine", "mdma", "--full"],
    ["show", "spravato", "--section", "delivery,cautions"],
    ["timeline"],
    ["timeline", "mdma", "lsd", "--since", "2020-01-01", "--until", "2025-01-01", "-j", "us", "-f", "csv"],
    ["timeline", "--kind", "approval,letter", "--format=json"],
    ["timeline", "--since", "nonsense"],
    ["status", "esketamine", "--as-of", "2019-01-01", "-j", "US"],
    ["status", "mdma", "--as-of=1985-01-01", "-f", "jsonl"],
    ["compare", "mdma", "psilocybin", "-j", "AU", "--as-of", "2023-03-01"],
    ["compare", "mdma", "psilocybin", "-f", "jsonl"],
    ["timeline", "-j", "US,GB", "--since", "2025"],  # several codes; a year alone
    ["timeline", "--until", "2019"],
    ["interactions", "mdma", "molly"],  # one substance twice: a usage error either way
    ["timeline", "--kind", "approvals"],  # did-you-mean, from the command either way
]

TYPER = [
    [],
    ["--help"],
    ["-h"],
    ["--version"],
    ["show"],
    ["show", "--help"],
    ["show", "mdma", "-x"],
    ["show", "mdma", "--format", "JSON"],  # Typer's case-insensitive choice
    ["show", "mdma", "--format", "yaml"],
    ["show", "mdma", "-fjson"],
    ["show", "mdma", "-f"],
    ["show", "mdma", "-f", "json", "-f", "csv"],
    ["show", "--", "-mdma"],
    ["show", "-"],
    ["status", "mdma", "--no-color"],  # global option after the command
    ["status", "mdma", "-j", ""],
    ["side-effects", "mdma", "--serious", "--serious"],
    ["search"],
    ["list", "mdma"],
    ["export"],
    ["data", "validate"],
    ["nosuch", "mdma"],
    ["--data", "", "list"],
    ["--data"],
    ["--no-color", "--no-color", "list"],
    ["help", "compare"],
    ["help", "comprae"],
    ["schema", "-f", "json"],
    ["status", "mdma", "-f", "JSN"],
]


@pytest.mark.parametrize("argv", FAST, ids=" ".join)
def test_plain_lines_take_the_fast_path(argv: list[str]) -> None:
    assert parse(argv) is not None


@pytest.mark.parametrize("argv", TYPER, ids=" ".join)
def test_other_lines_go_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PSYCOMPARE_COMPLETE", "bash_complete")
    assert parse(["list"]) is None


def call(argv: list[str], fast: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv, fast=fast)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", FAST + TYPER, ids=" ".join)
def test_same_result_either_way(argv: list[str]) -> None:
    if "--debug" in argv:
        argv = [a for a in argv if a != "--debug"]
    fast, typer = call(argv, True), call(argv, False)
    assert fast == typer
    if argv and argv[-1] == "mdma" and argv[0] == "show":
        assert fast[0] == 0 and fast[1]  # the comparison is not between two empty results


NAMES = [
    "mdma",
    "ketamine",
    "Spravato",
    "molly",
    "lsd",
    "psilocybin",
    "zoloft",
    "ketamin",
    "",
    " ",
    "名前",
    "nardil",
    "maoi",
]
VALUES = ["json", "csv", "toml", "plain", "markdown", "table", "JSON", "GB", "us", "US-OR", "zz", "status,schedule"]
VALUES += ["bogus", "clinical", "nonmedical", ""]
OPTIONS = ["--format", "-f", "--fields", "--jurisdiction", "-j", "--setting", "--serious", "--format=json", "-x"]
OPTIONS += ["-j=GB", "--", "-", "--no-color", "--help", "--coverage", "--as-of", "--since", "--until", "--kind"]
VALUES += ["2023-07-01", "1985-06-30", "approval", "jsonl"]
COMMANDS = [
    "list",
    "show",
    "compare",
    "status",
    "side-effects",
    "sources",
    "search",
    "interactions",
    "timeline",
    "export",
    "nosuch",
]
GLOBALS = ["--no-color", "--no-bundled", "--data", str(BUNDLED), f"--data={BUNDLED}", "--data=", "-x", "--help"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(GLOBALS), max_size=3),
    st.sampled_from(COMMANDS),
    st.lists(st.one_of(st.sampled_from(NAMES + VALUES + OPTIONS), st.text(max_size=8)), max_size=6),
)
@pytest.mark.slow
def test_generated_lines_print_the_same_either_way(head: list[str], command: str, tail: list[str]) -> None:
    argv = [*head, command, *tail]
    assert call(argv, True) == call(argv, False), argv


def modules_after(argv: list[str], tmp_path: Path, watch: tuple[str, ...] = ("typer", "rich", "pathlib")) -> str:
    """Run argv in a fresh interpreter; which of ``watch`` it imported, as a sorted list's repr."""
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print(sorted(m for m in {watch!r} if m in sys.modules), file=sys.stderr))\n"
        "from psycompare.cli.entry import main\n"
        f"main({argv!r})\n"
    )
    env = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "cache")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stderr.strip().splitlines()[-1]


def test_hot_commands_import_neither_typer_nor_rich(tmp_path: Path) -> None:
    assert modules_after(["status", "mdma", "--format", "json"], tmp_path) == "[]"
    assert modules_after(["compare", "ketamine", "mdma"], tmp_path) == "[]"
    assert modules_after(["compare", "ketamine", "mdma", "-f", "table"], tmp_path) == "['rich']"
    assert modules_after(["show", "mdma", "--help"], tmp_path) == "['pathlib', 'typer']"


def test_typer_choices_match_the_core() -> None:
    """The Typer enums and the fast path accept the same values as the renderers and the schema."""
    from psycompare import model
    from psycompare.cli import typer_app as cli
    from psycompare.render.formats import FORMATS

    assert cli.complete_format("") == list(FORMATS)  # --format is a str the command checks; completion offers these
    from psycompare.app.options import SETTING_WORDS

    assert set(SETTING_WORDS.values()) == set(model.SETTINGS)
    for value in (*FORMATS, *model.SETTINGS):
        option = "--format" if value in FORMATS else "--setting"
        assert parse(["side-effects", "mdma", option, value]) is not None

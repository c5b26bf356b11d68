"""Help (audit 2026-12-04 UX finding 20, Low list): examples in every command's --help, `help CMD`,
one metavar style, the sections and fields each command takes, did-you-mean for option values."""

from __future__ import annotations

import re

import pytest
import typer

from psycompare.cli.typer_app import app

from .conftest import Run


def _paths() -> list[list[str]]:
    """Every command and data subcommand, as the words that name it."""
    root = typer.main.get_command(app)
    out: list[list[str]] = []
    for name, cmd in getattr(root, "commands", {}).items():
        out.append([name])
        out.extend([name, sub] for sub in getattr(cmd, "commands", {}))
    return out


PATHS = _paths()


def test_the_tree_is_what_the_readme_lists() -> None:
    names = {" ".join(p) for p in PATHS}
    assert {"interactions", "export", "data", "data validate", "data diff", "data stale", "data new"} <= names
    assert {"schema", "changes", "config", "search", "sources", "timeline", "help"} <= names


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_help_has_examples(run: Run, path: list[str]) -> None:
    code, out, err = run(*path, "--help")
    assert code == 0 and err == ""
    examples = out.split("Examples:\n", 1)
    assert len(examples) == 2, f"no examples in {' '.join(path)} --help"
    assert all("psycompare " in line for line in examples[1].splitlines() if line.strip())


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_help_cmd_is_cmd_dash_dash_help(run: Run, path: list[str]) -> None:
    assert run("help", *path) == run(*path, "--help")


def test_help_alone_is_the_main_help(run: Run) -> None:
    assert run("help") == run("--help")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["help", "comprae"], "psycompare: unknown command 'comprae'; did you mean 'compare'?\n"),
        (["help", "data", "vaildate"], "psycompare: unknown command 'vaildate'; did you mean 'validate'?\n"),
        (["help", "list", "mdma"], "psycompare: 'list' has no subcommands\n"),
    ],
)
def test_help_of_an_unknown_command_is_one_line_exit_2(run: Run, args: list[str], message: str) -> None:
    assert run(*args) == (2, "", message)


_METAVAR = re.compile(r"^\[?[A-Z]+(\[,[A-Z]+\]|\|[A-Z]+)?\]?(\.\.\.)?$")  # NAME, [NAME]..., CODE[,CODE], VERSION|DATE


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_one_metavar_style(run: Run, path: list[str]) -> None:
    """Upper case words, `[X]` when optional, `...` when repeated: no `{name}`, `<path>`, `<str>` or `[names]...`."""
    out = run(*path, "--help")[1]
    usage = out.splitlines()[0]
    assert usage.startswith(f"Usage: psycompare {' '.join(path)} [OPTIONS]")
    pieces = usage.split("[OPTIONS]", 1)[1].split()
    if pieces[:2] == ["COMMAND", "[ARGS]..."]:
        pieces = []
    assert all(_METAVAR.match(p) for p in pieces), usage
    options = re.findall(r"^  (?:-\w, )?--[\w-]+ (\S+)", out, flags=re.M)
    assert all(_METAVAR.match(m) for m in options), options
    assert "<" not in out.split("Examples:")[0].replace("<=", "")


def test_show_and_compare_help_name_every_section_and_field(run: Run) -> None:
    from psycompare.views.compare import FIELD_LABELS
    from psycompare.views.show import SHOW_SECTIONS

    show = " ".join(run("show", "--help")[1].split())
    assert all(s in show for s in SHOW_SECTIONS) and "--section interactions" in show
    compare = " ".join(run("compare", "--help")[1].split())
    assert all(f in compare for f in FIELD_LABELS)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["timeline", "--kind", "approvals"], "unknown event kind 'approvals'; did you mean 'approval'?"),
        (["show", "mdma", "--section", "side-effect"], "unknown section 'side-effect'; did you mean 'side-effects'?"),
        (["schema", "statuss"], "unknown schema 'statuss'; did you mean 'status'?"),
        (["list", "-f", "jsn"], "unknown --format value 'jsn'; did you mean 'json'?"),
        (["status", "mdma", "--format=JSN"], "unknown --format value 'jsn'; did you mean 'json'?"),
        (["export", "mdma", "-f", "jsn"], "unknown --format value 'jsn'; did you mean 'json'?"),
        (["list", "--approval", "aproved"], "unknown approval state 'aproved'; did you mean 'approved'?"),
        (["side-effects", "mdma", "--setting", "clinicl"], "unknown setting 'clinicl'; did you mean 'clinical'?"),
        (["--color", "alway", "list"], "unknown --color value 'alway'; did you mean 'always'?"),
        (["timeline", "--kind", "zzz"], "unknown event kind 'zzz'; choose from: scheduling, approval"),
    ],
)
def test_option_values_get_a_did_you_mean(run: Run, args: list[str], hint: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.startswith(f"psycompare: {hint}") and len(err.splitlines()) == 1


def test_format_is_any_case(run: Run) -> None:
    assert run("status", "mdma", "-f", "JSON") == run("status", "mdma", "-f", "json")


def test_schema_takes_format(run: Run) -> None:
    import json

    code, out, _ = run("schema", "-f", "json")
    assert code == 0 and "status" in json.loads(out)
    assert run("schema", "status", "-f", "json") == run("schema", "status")
    code, out, err = run("schema", "-f", "csv")
    assert (code, out) == (2, "") and "use -f json or plain" in err

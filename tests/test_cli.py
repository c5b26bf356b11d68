"""Every command and format through the real entry point (entry.main: fast path or Typer), and error mapping."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from .conftest import Run, cli, make_dir

FORMATS = ["table", "plain", "json", "csv", "markdown", "toml"]
COMMANDS = [
    ["list"],
    ["show", "mdma"],
    ["show", "ketamine", "Spravato"],
    ["compare", "ketamine", "mdma"],
    ["compare", "ketamine", "esketamine", "mdma", "--fields", "status,schedule", "--jurisdiction", "GB"],
    ["status", "mdma"],
    ["status", "psilocybin", "-j", "US"],
    ["side-effects", "ketamine", "--setting", "nonmedical"],
    ["side-effects", "mdma", "--serious"],
    ["sources", "esketamine"],
    ["search", "hyponatraemia"],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_command_and_format(args: list[str], fmt: str) -> None:
    result = cli([*args, "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.strip()
    assert "\x1b[" not in out
    if fmt == "json":
        json.loads(out)
    elif fmt == "toml":
        tomllib.loads(out)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len({len(r) for r in rows}) == 1, "CSV must be rectangular"
        assert len(rows) >= 2
    elif fmt == "markdown":
        assert out.startswith("## ") and "not medical advice" in out
    if fmt in ("json", "csv", "toml"):
        assert "medical advice" not in out


def test_compare_reproduces_seed_rows() -> None:
    data = json.loads(cli(["compare", "ketamine", "mdma", "--full", "-f", "json"]).stdout)
    assert data["mode"] == "full"
    rows = {r["field"]: r["values"] for r in data["rows"]}
    for field in ("status", "schedule", "effects", "serious_risks", "common_side_effects", "delivery"):
        assert rows[field]["ketamine"] and rows[field]["mdma"], field
    assert rows["schedule"]["ketamine"][0]["text"].startswith("Schedule III")
    assert rows["schedule"]["mdma"][0]["text"].startswith("Schedule I ")
    risks = " ".join(f["text"] for f in rows["serious_risks"]["mdma"]).lower()
    assert "hyperthermia" in risks and ("hyponatr" in risks or "sodium" in risks)
    bladder = " ".join(f["text"] for f in rows["serious_risks"]["ketamine"]).lower()
    assert "bladder" in bladder or "urinary" in bladder or "cystitis" in bladder
    for cells in rows.values():
        for facts in cells.values():
            for fact in facts:
                if "no interaction recorded" in fact["text"]:  # an absence, said as such, cites nothing
                    continue
                assert fact["sources"] and fact["as_of"]
    # one numbering for the whole output: every cited id listed once, numbered 1..n in order
    assert [s["n"] for s in data["sources"]] == list(range(1, len(data["sources"]) + 1))
    cited = {sid for cells in rows.values() for facts in cells.values() for f in facts for sid in f["sources"]}
    assert cited == {s["id"] for s in data["sources"]}


def test_compare_json_shape_is_documented() -> None:
    data = json.loads(cli(["compare", "ketamine", "mdma", "-f", "json", "--fields", "schedule"]).stdout)
    assert set(data) == {"meta", "substances", "jurisdiction", "mode", "on", "rows", "sources"}
    assert data["rows"][0]["field"] == "schedule"


def test_status_json_shape() -> None:
    data = json.loads(cli(["status", "molly", "ecstasy", "ketamine", "-f", "json"]).stdout)
    assert [s["id"] for s in data["substances"]] == ["mdma", "ketamine"]  # duplicates collapse
    mdma = data["substances"][0]
    assert {e["jurisdiction"] for e in mdma["status"]} >= {"US", "AU", "CA", "EU", "GB"}
    for entry in mdma["status"]:
        assert set(entry) >= {"jurisdiction", "regulator", "approval", "schedule", "as_of", "sources"}
    dates = [e["date"] for e in mdma["events"]]
    assert dates == sorted(dates)


def test_sources_numbering_matches_show() -> None:
    shown = json.loads(cli(["show", "mdma", "-f", "json"]).stdout)["substances"][0]
    listed = json.loads(cli(["sources", "mdma", "-f", "json"]).stdout)["substances"][0]
    assert [s["id"] for s in shown["sources"]] == [s["id"] for s in listed["sources"]]
    assert shown["sources"][0]["id"] in shown["class"]["sources"]


def test_toml_output_reads_back_unchanged() -> None:
    as_json = json.loads(cli(["show", "esketamine", "-f", "json"]).stdout)
    as_toml = tomllib.loads(cli(["show", "esketamine", "-f", "toml"]).stdout)

    def strip_none(v: object) -> object:
        if isinstance(v, dict):
            return {k: strip_none(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [strip_none(x) for x in v]
        return v

    assert as_toml == strip_none(as_json)


def test_brackets_are_not_markup(tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"testdrug": ("Testdrug", [])})
    for fmt in ("table", "plain", "markdown"):
        result = cli(["--data", str(user), "show", "testdrug", "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "[bold]test[/bold]" in result.stdout  # Markdown too: brackets alone are not a link
        assert "[not markup]" in result.stdout


def test_show_marks_user_facts(tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"mdma": ("MDMA", [])})
    result = cli(["--data", str(user), "show", "mdma", "-f", "plain"])
    assert f"{{from {user.resolve()}}}" in result.stdout
    data = json.loads(cli(["--data", str(user), "show", "mdma", "-f", "json"]).stdout)
    rec = data["substances"][0]
    assert rec["mechanism"]["origin"] == str(user.resolve())
    assert rec["events"][0]["origin"] == "bundled"


def test_list_json() -> None:
    data = json.loads(cli(["list", "-f", "json"]).stdout)["substances"]
    ids = [d["id"] for d in data]
    assert ids == sorted(ids) and {"ketamine", "esketamine", "mdma", "psilocybin", "lsd"} <= set(ids)
    assert {d["us_schedule"] for d in data if d["id"] == "mdma"} == {"Schedule I (Controlled Substances Act)"}


def test_version() -> None:
    result = cli(["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("psycompare 0.") and "dataset 20" in result.stdout


def test_search_finds_fields() -> None:
    data = json.loads(cli(["search", "REMS", "-f", "json"]).stdout)
    assert any(m["substance"] == "esketamine" for m in data["matches"])
    assert all("rems" in m["snippet"].lower() for m in data["matches"])


def test_side_effect_filters() -> None:
    data = json.loads(cli(["side-effects", "ketamine", "--setting", "nonmedical", "--serious", "-f", "json"]).stdout)
    effects = data["substances"][0]["side_effects"]
    assert effects and all(e["setting"] == "nonmedical" and e["severity"] == "serious" for e in effects)


def test_data_new_template_validates_once_filled(run: Run, tmp_path: Path) -> None:
    code, _, err = run("data", "new", "newdrug", "--out", str(tmp_path))
    assert code == 0, err
    path = tmp_path / "substances" / "newdrug.toml"
    (tmp_path / "sources.toml").write_text(
        '[my-src]\nkind = "label"\ntitle = "t"\npublisher = "p"\ndate = 2024-01-01\nurl = "https://x.org"\n'
    )
    code, out, _ = run("data", "validate", str(tmp_path))
    assert code == 1 and "TODO-source-id" in out  # unfilled template does not validate
    path.write_text(path.read_text().replace("TODO-source-id", "my-src"))
    code, out, err = run("data", "validate", str(tmp_path))
    assert code == 0, out + err
    code, out, _ = run("--data", str(tmp_path), "show", "newdrug", "-f", "json")
    assert code == 0 and json.loads(out)["substances"][0]["id"] == "newdrug"


def test_validate_bundled_is_clean(run: Run) -> None:
    code, out, err = run("data", "validate")
    assert code == 0, out
    assert out == ""


# -- errors through the real entry function -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["show", "ketamin"], 1, "did you mean 'ketamine'"),
        (["status", "mdma", "nosuchthing"], 1, "unknown substance 'nosuchthing'"),
        (["compare", "ketamine"], 2, "at least two names"),
        (["compare", "ketamine", "mdma", "--fields", "mechansim"], 2, "did you mean 'mechanism'"),
        (["show", "mdma", "--format", "yaml"], 2, "--format"),
        (["show", "mdma", "--bogus"], 2, "No such option"),
        (["status", "mdma", "-j", "not a code"], 2, "unknown jurisdiction"),
        (["nosuchcommand"], 2, "No such command"),
        (["--data", "/nonexistent/dir", "list"], 1, "data directory not found"),
        (["show", "../../etc/passwd"], 1, "unknown substance"),
        (["search", ""], 2, "must not be empty"),
    ],
)
def test_user_errors_are_one_line(run: Run, args: list[str], code: int, needle: str) -> None:
    got, out, err = run(*args)
    assert got == code, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err
    assert "Traceback" not in err


def test_broken_data_names_file_and_line(run: Run, tmp_path: Path) -> None:
    user = make_dir(tmp_path / "u", {"newdrug": ("Newdrug", [])})
    bad = user / "substances" / "newdrug.toml"
    bad.write_text(bad.read_text().replace("reviewed = 2025-05-05", "reviewed = 2025-13-05"))
    code, out, err = run("--data", str(user), "show", "newdrug")
    assert code == 1 and f"{bad}:6:" in err and "Traceback" not in err
    code, out, _ = run("--data", str(user), "show", "ketamine", "-f", "json")
    assert code == 0 and json.loads(out)


def test_interrupt_exits_130(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from psycompare.views import listing as views

    def boom(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(views, "index_list_view", boom)
    code, out, err = run("list")
    assert code == 130 and err.strip() == "psycompare: interrupted"


def test_debug_shows_traceback(run: Run) -> None:
    with pytest.raises(Exception, match="unknown substance"):
        run("--debug", "show", "nosuch")


class _ClosedPipe(io.StringIO):
    """A stdout whose reader has gone: every write fails like a closed pipe."""

    encoding = "utf-8"

    def write(self, s: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "typer"])
@pytest.mark.parametrize("args", [[*a, "-f", f] for a in (["show", "mdma"], ["list"]) for f in FORMATS] + [["export"]])
def test_closed_stdout_is_quiet_exit_0(
    args: list[str], fast: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from psycompare.cli.entry import main

    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    with pytest.raises(SystemExit) as info:
        main(args, fast=fast)
    assert info.value.code == 0
    assert capsys.readouterr().err == ""

"""Issue 9, at a glance: the first screen answers the four questions; pager; layout; help."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from psycompare.app.terminal import pager_command
from psycompare.cli.typer_app import complete_fields, complete_jurisdiction, complete_name

from .conftest import Run, cli

EXE = shutil.which("psycompare")
GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]|\r")

# What a reader must find on the first screen, for each substance.
FIRST_SCREEN = {
    "status": ["Approved as an anaesthetic", "Not approved: FDA complete"],
    "schedule": ["C-III since 1999", "C-I since 1988"],
    "effects": ["Dissociation", "Less fear when recalling"],
    "concerns": [
        "Raised blood pressure and",
        "Misuse and dependence",
        "Bladder damage",
        "Overheating",
        "Serotonin toxicity",
    ],
}


def run_in_pty(argv: list[str], env: dict[str, str], cols: int = 80, rows: int = 24, keys: bytes = b"") -> str:
    """Run argv on a pseudo-terminal of cols x rows; return what the terminal received (escapes removed)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    out = b""
    deadline = time.monotonic() + 20
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if keys and not sent and out:  # the pager waits: answer it
                os.write(fd, keys)
                sent = True
                continue
            if sent or not keys:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    else:
        os.kill(pid, signal.SIGKILL)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)
    return ANSI.sub("", out.decode("utf-8", "replace"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PAGER", "PSYCOMPARE_PAGER")}
    env.update(TERM="xterm", PSYCOMPARE_CACHE_DIR=str(tmp_path / "cache"), **extra)
    return env


def _first_screen_holds_the_answer(screen: list[str]) -> None:
    text = "\n".join(screen)
    for row, needles in FIRST_SCREEN.items():
        for needle in needles:
            assert needle in text, f"{row}: {needle!r} not on the first screen:\n{text}"


@pytest.mark.slow  # a process on a pseudo-terminal
@pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH")
def test_first_screen_at_80x24_answers_the_four_questions(tmp_path: Path) -> None:
    """A pager that shows exactly one screen (rows - 1 lines, as less does) stands in for the reader."""
    shows_one_screen = f"{sys.executable} -c \"import sys; sys.stdout.write(''.join(sys.stdin.readlines()[:23]))\""
    out = run_in_pty([EXE, "compare", "ketamine", "mdma"], _env(tmp_path, PSYCOMPARE_PAGER=shows_one_screen))
    screen = out.splitlines()[:23]
    _first_screen_holds_the_answer(screen)


@pytest.mark.slow  # a process on a pseudo-terminal
@pytest.mark.skipif(EXE is None or shutil.which("less") is None, reason="needs the installed command and less")
def test_first_screen_through_real_less(tmp_path: Path) -> None:
    out = run_in_pty([EXE, "compare", "ketamine", "mdma"], _env(tmp_path), keys=b"q")
    _first_screen_holds_the_answer(out.splitlines()[:24])
    assert "\n:" in out  # less waited at its prompt: the rest was behind the pager


@pytest.mark.slow
@pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH")
def test_no_pager_and_short_output_print_straight(tmp_path: Path) -> None:
    marker = tmp_path / "paged"
    fake = f"sh -c 'cat > {marker}'"
    out = run_in_pty([EXE, "--no-pager", "compare", "ketamine", "mdma"], _env(tmp_path, PSYCOMPARE_PAGER=fake))
    assert not marker.exists() and "Key evidence" in out
    out = run_in_pty([EXE, "compare", "ketamine", "mdma", "--no-pager"], _env(tmp_path, PSYCOMPARE_PAGER=fake))
    assert not marker.exists() and "Key evidence" in out  # a global option after the command
    out = run_in_pty([EXE, "status", "mdma", "-j", "GB"], _env(tmp_path, PSYCOMPARE_PAGER=fake), rows=200)
    assert not marker.exists() and "Class A" in out  # fits the screen: no pager
    run_in_pty([EXE, "compare", "ketamine", "mdma"], _env(tmp_path, PSYCOMPARE_PAGER=fake))
    assert marker.exists() and "Top concerns" in marker.read_text()


@pytest.mark.slow  # a process on a pseudo-terminal
@pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH")
def test_missing_pager_prints_instead(tmp_path: Path) -> None:
    out = run_in_pty([EXE, "compare", "ketamine", "mdma"], _env(tmp_path, PSYCOMPARE_PAGER="no-such-pager-here"))
    assert "Key evidence" in out and "Top concerns" in out


@pytest.mark.slow  # starts psycompare as a process
@pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH")
def test_never_pages_into_a_pipe(tmp_path: Path) -> None:
    marker = tmp_path / "paged"
    env = _env(tmp_path, PSYCOMPARE_PAGER=f"sh -c 'cat > {marker}'")
    r = subprocess.run([EXE, "compare", "ketamine", "mdma"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0 and "Top concerns" in r.stdout and not marker.exists()


def test_pager_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSYCOMPARE_PAGER", "most")
    monkeypatch.setenv("PAGER", "more")
    assert pager_command() == "most"
    monkeypatch.delenv("PSYCOMPARE_PAGER")
    assert pager_command() == "more"
    monkeypatch.setenv("PAGER", "cat")
    assert pager_command() is None
    monkeypatch.setenv("PAGER", "")
    assert pager_command() is None
    monkeypatch.delenv("PAGER")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pager_command() is None
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/less")
    assert pager_command() == "less -FRX"


# -- the summary, byte for byte --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
def test_summary_golden(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regenerate with PSYCOMPARE_UPDATE_GOLDEN=1 after a reviewed data change."""
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", "off")
    result = cli(["compare", "ketamine", "mdma", "-f", fmt], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"compare-ketamine-mdma.{fmt}"
    if os.environ.get("PSYCOMPARE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, "utf-8")
    assert result.stdout == golden.read_text("utf-8")


def test_plain_summary_is_short() -> None:
    result = cli(["compare", "ketamine", "mdma", "-f", "plain"], env={"COLUMNS": "100"})
    lines = result.stdout.splitlines()
    assert len(lines) <= 42, len(lines)  # with its sources, one line each
    assert lines[-1] == "More: psycompare compare ketamine mdma --full (every row)"


def test_full_gives_every_detailed_row() -> None:
    out = cli(["compare", "ketamine", "mdma", "--full", "-f", "plain"]).stdout
    for label in ("Approved uses", "Off-label uses", "Uses under study", "Serious risks", "Timing", "Interactions"):
        assert label in out
    assert "Established uses" not in out
    assert "time to peak" not in out or "onset of anaesthesia" in out
    assert "(heavy non-medical use)" not in out


def test_fields_pick_rows_in_either_mode() -> None:
    for extra in ([], ["--full"]):
        out = cli(["compare", "ketamine", "mdma", "--fields", "schedule", *extra, "-f", "plain"])
        assert "Schedule (US)" in out.stdout and "Top concerns" not in out.stdout
    out = cli(["compare", "lsd", "psilocybin", "--fields", "established_uses,schedule"]).stdout
    assert "Approved uses" in out  # the 0.1 row name still works


def test_one_numbering_per_output() -> None:
    """Every marker in the output points into the one source list, and each source is listed once."""
    out = cli(["compare", "ketamine", "spravato", "-f", "plain"]).stdout
    body, _, sources = out.partition("\nSources:\n")
    listed = re.findall(r"\[(\d+)\] ", sources)  # a summary lists several pointers to a line
    assert listed == [str(i) for i in range(1, len(listed) + 1)]
    cited = {int(n) for group in re.findall(r"\[([\d,]+)\]", body) for n in group.split(",")}
    assert cited == set(range(1, len(listed) + 1))
    assert sources.count("dea-fr-1999") == 0 and len(set(listed)) == len(listed)
    full = cli(["compare", "ketamine", "spravato", "--full", "-f", "plain"]).stdout
    assert full.partition("\nSources:\n")[2].count("Placement of Ketamine into Schedule III") == 1


def test_schedule_row_cites_the_schedule() -> None:
    import json

    data = json.loads(cli(["compare", "ketamine", "mdma", "-f", "json"]).stdout)
    sched = next(r for r in data["rows"] if r["field"] == "schedule")["values"]
    assert "fda-compounded-ketamine-2023" not in sched["ketamine"][0]["sources"]
    assert sched["ketamine"][0]["schedule_code"] == "C-III" and sched["mdma"][0]["schedule_code"] == "C-I"
    status = next(r for r in data["rows"] if r["field"] == "status")["values"]
    assert status["mdma"][0]["approval"] == "not-approved"


def test_markdown_citations_survive_rendering() -> None:
    out = cli(["compare", "ketamine", "mdma", "-f", "markdown"]).stdout
    assert not re.search(r"^\d+\. ", out, re.M)  # no ordered list a renderer would renumber
    assert re.search(r"^\\\[1\\\] ", out, re.M)
    assert "<https://dailymed.nlm.nih.gov/" in out and "](http" not in out


def test_csv_carries_labels_jurisdiction_and_sources() -> None:
    import csv
    import io

    out = cli(["compare", "ketamine", "mdma", "-j", "uk", "-f", "csv"]).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["field", "label", "ketamine", "mdma"]
    assert ["schedule", "Schedule (GB)"] == rows[2][:2]
    assert rows[-1][0] == "sources" and "PMID" in rows[-1][2] and "https://" in rows[-1][2]
    assert len({len(r) for r in rows}) == 1  # rectangular


def test_empty_cells_are_words_not_dashes() -> None:
    out = cli(["compare", "lsd", "mdma", "--full", "-f", "plain"]).stdout
    assert "none approved" in out
    assert "\n  LSD: -\n" not in out


# -- tables --------------------------------------------------------------------------------------


def test_table_words_are_never_broken_and_narrow_terminals_stack() -> None:
    wide = cli(["compare", "ketamine", "mdma", "-f", "table"], env={"COLUMNS": "80"}).stdout
    for word in ("anaesthetic", "psychiatric", "hyponatraemia)", "dependence"):
        assert word in wide
    assert "Ketamine (Ketalar)" in wide.splitlines()[1]  # side by side: both names on one line
    narrow = cli(["compare", "ketamine", "mdma", "-f", "table"], env={"COLUMNS": "60"}).stdout
    names = [i for i, line in enumerate(narrow.splitlines()) if line.strip() in ("Ketamine (Ketalar)", "MDMA")]
    assert len(names) == 2  # one record after another
    four = cli(["compare", "ketamine", "mdma", "lsd", "psilocybin", "-f", "table"]).stdout
    assert "psychiatric" in four


def test_table_bullets_multi_item_cells() -> None:
    out = cli(["compare", "ketamine", "mdma", "-f", "table"], env={"COLUMNS": "100"}).stdout
    assert "• Raised blood pressure" in out and "In non-medical use:" in out


def test_status_table_columns_fit_their_content() -> None:
    out = cli(["status", "mdma", "-f", "table"], env={"COLUMNS": "160"}).stdout
    assert "Not approved" in out and "not-appro" not in out


# -- first contact -------------------------------------------------------------------------------


def test_bare_command_prints_help_and_succeeds(run: Run) -> None:
    for args in ([], ["--help"]):
        code, out, _ = run(*args)
        assert code == 0
        assert "Examples:" in out and "psycompare compare ketamine mdma" in out
        assert "Commands:" in out and "\n" in out.strip()


@pytest.mark.parametrize("command", ["list", "show", "compare", "status", "side-effects", "sources", "search"])
def test_every_command_help_has_examples(command: str) -> None:
    out = cli([command, "--help"], env={"COLUMNS": "200"}).stdout
    assert "Examples:" in out and out.count(f"psycompare {command}") >= 2
    assert "..." not in out.split("Options")[0].replace("[NAME]...", "").replace("NAME...", "").replace("TEXT...", "")


def test_show_section_answers_one_question() -> None:
    out = cli(["show", "spravato", "--section", "delivery"]).stdout
    assert "Esketamine (Spravato): delivery" in out and "Blood pressure" in out
    assert "regulatory status" not in out and "side effects" not in out


def test_show_unknown_section_is_a_usage_error(run: Run) -> None:
    code, _, err = run("show", "spravato", "--section", "deliveries")
    assert code == 2 and "did you mean 'delivery'?" in err  # a near miss names the one meant
    code, _, err = run("show", "spravato", "--section", "xyzzy")
    assert code == 2 and "choose from" in err


def test_enum_tokens_become_words() -> None:
    out = cli(["status", "ketamine", "mdma", "--wide", "-f", "plain"]).stdout
    assert "Approved (other use)" in out and "Not approved" in out
    assert "approved-other-use" not in out and "not-approved" not in out


# -- forgiving input -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["uk", "UK", "gb", "Gb"])
def test_jurisdiction_codes_are_forgiving(code: str) -> None:
    result = cli(["status", "mdma", "-j", code, "-f", "csv"])
    assert result.exit_code == 0 and ",GB," in result.stdout


def test_unknown_jurisdiction_is_a_usage_error_listing_known_codes(run: Run) -> None:
    code, _, err = run("compare", "ketamine", "mdma", "-j", "XX")
    assert code == 2
    assert "US, CA, GB" in err and "US-XX" in err


@pytest.mark.parametrize(
    ("query", "expect"),
    [("anesthesia", "anaesth"), ("hyponatremia", "yponatraemia"), ("blood pressure", "blood pressure")],
)
def test_search_spellings_and_words(query: str, expect: str) -> None:
    result = cli(["search", *query.split(), "-f", "plain"])
    assert result.exit_code == 0, result.output
    assert expect in result.stdout.lower()
    assert "side_effects[" not in result.stdout  # section names people know


def test_search_without_matches_exits_1(run: Run) -> None:
    code, out, err = run("search", "unicorn")
    assert code == 1 and "no matches" in err and not out
    code, out, _ = run("search", "unicorn", "-f", "json")
    assert code == 1 and '"matches":[]' in out


@pytest.mark.parametrize("word", ["non-medical", "Nonmedical", "recreational", "NON_MEDICAL"])
def test_setting_words(word: str) -> None:
    result = cli(["side-effects", "ketamine", "--setting", word, "-f", "json"])
    assert result.exit_code == 0 and '"setting":"nonmedical"' in result.stdout


def test_global_options_after_the_command_and_debug_on_usage_errors() -> None:
    from psycompare.cli.entry import main

    for argv in (["list", "--no-color", "-f", "csv"], ["list", "--debug", "--bogus"]):
        try:
            main(argv)
        except SystemExit as exc:
            assert exc.code == (0 if "--bogus" not in argv else 2)


def test_compare_argument_surprises(run: Run) -> None:
    code, _, err = run("compare", "mdma", "ecstasy")
    assert code == 2 and "same substance" in err
    code, _, err = run("compare", "ketamine,mdma")
    assert code == 2 and "spaces" in err
    code, out, _ = run("compare", "ketamine", "vs", "mdma", "-f", "csv")
    assert code == 0 and out.startswith("field,label,ketamine,mdma")


def test_completion_quotes_ignores_case_and_completes_values() -> None:
    assert "'special k'" in complete_name("spe")
    assert "Spravato" in complete_name("Spra")  # in the typed case: the shell keeps only what starts with it
    assert "gb" in complete_jurisdiction("g")
    assert "status,schedule" in complete_fields("status,sch")


@pytest.mark.parametrize(
    ("typed", "sid"), [("ＭＤＭＡ", "mdma"), ("ｋｅｔａｍｉｎｅ", "ketamine"), ("Ｓｐｒａｖａｔｏ", "esketamine")]
)
def test_finding_25_fullwidth_names_resolve(typed: str, sid: str) -> None:
    from psycompare.store.dataset import Dataset

    assert Dataset().resolve(typed) == sid


def test_finding_25_empty_data_dir_is_a_usage_error(run: Run) -> None:
    code, _, err = run("--data", "", "list")
    assert code == 2 and "--data needs a directory" in err


# -- tables never crop: a grid that cannot fit is stacked ----------------------------------------

RIGHT_EDGE = "│╮╯┤|+"


@pytest.mark.parametrize("width", [60, 80, 100, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["interactions", "mdma", "sertraline", "phenelzine"],
        ["status", "--all", "-j", "GB"],
        ["status", "mdma"],
        ["list"],
        ["timeline", "mdma"],
        ["interactions", "--coverage"],
    ],
    ids=" ".join,
)
def test_table_lines_keep_their_right_edge(args: list[str], width: int) -> None:
    out = cli([*args, "-f", "table"], env={"COLUMNS": str(width)}).stdout
    for line in out.splitlines():
        line = line.rstrip()
        if line.lstrip().startswith("http"):
            continue  # a source's URL is never cut, so it stays whole for copying
        assert len(line) <= width, line
        if line[:1] in "│╭╰├┏┃┡└":  # a table row: its right border is on screen, not cropped
            assert line[-1] in RIGHT_EDGE + "┓┃┩┘", line


@pytest.mark.parametrize("fmt", ["table", "plain", "markdown"])
def test_a_pair_with_no_record_is_a_heading_not_an_empty_row(fmt: str) -> None:
    # MDMA + lithium has a rule since issue 18 (lithium + serotonergic drugs); LSD + digoxin has none
    out = cli(["interactions", "lsd", "digoxin", "-f", fmt], env={"COLUMNS": "100"}).stdout
    out = " ".join(out.split())  # a table wraps the long cell (beside the row's other columns)
    assert "no interaction recorded; this does not mean the" in out and "combination is safe" in out
    assert out.count("no interaction recorded") == 1  # one line in the summary, never repeated
    assert "not reviewed" in out and "lsd + digoxin" in out

"""Issue 21: every view at a glance. Overviews one line per row at any width, labelled plain
text, colour with meaning, search that finds, what changed, defaults set once."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from psycompare.app import config, output
from psycompare.app.terminal import Terminal
from psycompare.render.fit import cut, lines
from psycompare.store.dataset import bundled_dir

from .conftest import Run

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WIDTHS = (60, 80, 120, 200)

# (command, most lines at 80 columns (before any source list), what each line is)
OVERVIEWS = [
    (("list",), 20),
    (("status", "--all"), 20),
    (("status", "--all", "-j", "GB"), 20),
    (("sources", "mdma"), None),  # one line per source: counted below
    (("timeline",), None),  # one line per event: counted below
    (("status", "mdma"), 60),
]


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No config file or environment setting of the person running the tests leaks in."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for var in ("PSYCOMPARE_JURISDICTION", "PSYCOMPARE_COLOR", "PSYCOMPARE_PAGER", "COLUMNS", "TERM"):
        monkeypatch.delenv(var, raising=False)


def _count(run: Run, *args: str) -> int:
    code, out, err = run(*args, "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    if "events" in data:
        return len(data["events"])
    return sum(len(s["sources"]) for s in data["substances"])


def _before_sources(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if line.startswith("Sources"):
            break
        out.append(line)
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("fmt", ["table", "plain"])
@pytest.mark.parametrize(("args", "most"), OVERVIEWS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_overview_fits_the_width(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int, fmt: str, args: tuple[str, ...], most: int | None
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run(*args, "-f", fmt)
    assert code == 0, err
    body = _before_sources(out)
    for line in body:  # no line wider than the terminal (source URLs below are kept whole)
        assert len(line.rstrip()) <= width, (width, line)
    if most is not None and width >= 80:
        assert len(body) <= most, (args, width, len(body))
    if most is None:  # title, underline or rule, header, one line per item, the hint
        items = _count(run, *args)
        assert len(body) <= items + 6, (args, width, len(body), items)  # a hint may wrap at 60


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_coverage_chart_stays_a_matrix_at_every_width(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int, fmt: str
) -> None:
    """A chart wider than the terminal is cut into side panels of whole columns, each with the
    row labels, never stacked into one card per row; every substance column appears once."""
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run("interactions", "--coverage", "-f", fmt)
    assert code == 0, err
    body = _before_sources(out)
    assert all(len(line.rstrip()) <= width for line in body), width
    assert not any(line.startswith(("│", "|")) for line in body)  # no stacked cards
    heads = [line.split() for line in body if line.startswith(" ") and all(len(t) == 3 for t in line.split())]
    shown = [h for head in heads for h in head]
    assert sorted(shown) == sorted(set(shown)) and {"5me", "mdm", "ser", "psi"} <= set(shown), heads
    rows = [line for line in body if line.startswith("maoi ")]
    assert len(rows) == len(heads) and all(len(r.split()) >= 2 for r in rows)  # the row in every panel


@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_timeline_is_one_line_per_event_at_80(run: Run, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    events = _count(run, "timeline")
    out = run("timeline", "-f", fmt)[1]
    dated = [line for line in out.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert len(dated) == events
    assert not any(line.startswith("Sources") for line in out.splitlines())  # --wide has them


def test_wide_shows_full_text_and_sources(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("status", "--all", "--wide", "-f", "plain")[1]
    assert "Sources:" in out and "[1]" in out
    short = run("list", "-f", "plain")[1]
    wide = run("list", "--wide", "-f", "plain")[1]
    assert "Sonoran Desert toad" in wide and "Sonoran Desert toad" not in short


def test_markdown_is_always_whole(run: Run) -> None:
    out = run("status", "--all", "-f", "markdown")[1]
    assert "### Sources" in out and "…" not in out


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("list", ("list",)),
        ("status-all", ("status", "--all")),
        ("timeline", ("timeline",)),
        ("coverage", ("interactions", "--coverage")),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_overview_golden(run: Run, monkeypatch: pytest.MonkeyPatch, name: str, args: tuple[str, ...], fmt: str) -> None:
    """Regenerate with PSYCOMPARE_UPDATE_GOLDEN=1 after a reviewed data or layout change."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(*args, "-f", fmt)
    assert code == 0, err
    golden = GOLDEN / f"{name}-80.{fmt}"
    if os.environ.get("PSYCOMPARE_UPDATE_GOLDEN") == "1":
        golden.write_text(out, "utf-8")
    assert out == golden.read_text("utf-8")


# -- the cutting rule ------------------------------------------------------------------------------


def test_cut_is_at_a_word_boundary() -> None:
    assert cut("Placement of Ketamine into Schedule III", 30) == "Placement of Ketamine into…"
    assert cut("short", 10) == "short"
    assert cut("dextromethorphan-bupropion", 20) == "dextromethorphan-…"
    assert cut("Approved; Schedule I", 12) == "Approved…"  # no dangling punctuation


def test_lines_drop_optional_columns_before_cutting_names() -> None:
    rows = [["2024-01-01", "Dextromethorphan-bupropion", "US", "advisory vote", "x " * 60]]
    out = lines(["date", "substance", "where", "kind", "what"], rows, 80, drop=(3,))
    assert all(len(line) <= 80 for line in out)
    assert "kind" not in out[0] and "Dextromethorphan-bupropion" in out[1]


def test_source_titles_are_cut_at_a_word_and_never_short(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("compare", "ketamine", "mdma", "-f", "table")[1]
    titles = [line for line in out.splitlines() if re.match(r"\[\d+\] ", line)]
    assert titles
    for line in titles:
        head = line.split(" https://")[0]
        if head.endswith("…"):
            assert len(head) >= 40, line
            assert head[-2] != " "


# -- labelled plain text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("status", "mdma", "--wide"),
        ("status", "psilocybin", "-j", "US-OR"),
        ("interactions", "mdma", "sertraline"),
        ("timeline", "--wide"),
        ("show", "mdma"),
        ("side-effects", "ketamine"),
        ("sources", "lsd", "--wide"),
    ],
)
def test_plain_fields_are_labelled(run: Run, args: tuple[str, ...]) -> None:
    code, out, _ = run(*args, "-f", "plain")
    assert code == 0
    assert " | " not in out


def test_plain_status_detail_says_what_each_field_is(run: Run) -> None:
    out = run("status", "mdma", "-j", "US", "-f", "plain")[1]
    assert re.search(r"^regulator: +FDA$", out, re.MULTILINE)
    assert re.search(r"^indications: +none approved", out, re.MULTILINE)


# -- colour ----------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_always_colours_a_pipe(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = run("--color", "always", "status", "--all", "-f", "table")[1]
    assert ANSI.search(out)
    assert "\x1b[32m" in out  # approved: green
    out = run("status", "--all", "-f", "table", "--color=always")[1]  # after the command too
    assert ANSI.search(out)


def test_color_never_and_auto_in_a_pipe(run: Run) -> None:
    assert not ANSI.search(run("--color", "never", "status", "--all", "-f", "table")[1])
    assert not ANSI.search(run("status", "--all", "-f", "table")[1])


def test_color_bad_value_is_a_usage_error(run: Run) -> None:
    code, _, err = run("--color", "sometimes", "list")
    assert code == 2 and "auto, always, never" in err


def test_severity_has_a_colour_and_a_word(run: Run) -> None:
    out = run("--color", "always", "interactions", "mdma", "maoi", "-f", "table")[1]
    red = re.search(r"\x1b\[(?:1;)?31m(contraindicated|major)\x1b", out)  # red, and the word itself
    assert red and red.group(1) in ANSI.sub("", out)


def test_auto_colour_on_a_terminal_unless_no_color_or_dumb() -> None:
    xterm = {"TERM": "xterm-256color"}
    assert Terminal.detect(_Tty(), xterm).color
    assert not Terminal.detect(_Tty(), {**xterm, "NO_COLOR": "1"}).color
    assert Terminal.detect(_Tty(), {**xterm, "NO_COLOR": "1"}, color="always").color  # the option wins, as in git
    dumb = Terminal.detect(_Tty(), {"TERM": "dumb"})
    assert not dumb.color and not dumb.paging  # less cannot run on a dumb terminal
    assert Terminal.detect(_Tty(), {"TERM": "xterm"}).paging
    assert output.Output("table", terminal=Terminal(tty=True, paging=True)).pager
    assert not output.Output("json", terminal=Terminal(tty=True, paging=True)).pager  # machine formats never page


# -- config file and precedence --------------------------------------------------------------------


def _write_config(tmp_path: Path, text: str) -> None:
    where = tmp_path / "xdg" / "psycompare"
    where.mkdir(parents=True, exist_ok=True)
    (where / "config.toml").write_text(text, "utf-8")


def test_config_path_follows_xdg(tmp_path: Path) -> None:
    assert config.path() == str(tmp_path / "xdg" / "psycompare" / "config.toml")


def test_jurisdiction_precedence_flag_env_config_default(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def where(*extra: str) -> str:
        code, out, err = run("compare", "ketamine", "mdma", "--fields", "status", "-f", "json", *extra)
        assert code == 0, err
        return str(json.loads(out)["jurisdiction"])

    assert where() == "US"  # default
    _write_config(tmp_path, 'jurisdiction = "GB"\n')
    assert where() == "GB"  # config file
    monkeypatch.setenv("PSYCOMPARE_JURISDICTION", "CA")
    assert where() == "CA"  # environment over the file
    assert where("-j", "AU") == "AU"  # the option over both


def test_config_colour_and_its_precedence(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(tmp_path, 'color = "always"\n')
    assert ANSI.search(run("status", "--all", "-f", "table")[1])
    monkeypatch.setenv("PSYCOMPARE_COLOR", "never")
    assert not ANSI.search(run("status", "--all", "-f", "table")[1])
    assert ANSI.search(run("--color", "always", "status", "--all", "-f", "table")[1])


def test_config_pager_sits_between_psycompare_pager_and_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psycompare.app.terminal import pager_command

    monkeypatch.setenv("PAGER", "more")
    assert pager_command() == "more"
    _write_config(tmp_path, 'pager = "most"\n')
    assert pager_command() == "most"
    monkeypatch.setenv("PSYCOMPARE_PAGER", "cat")
    assert pager_command() is None


def test_config_command_shows_values_and_origins(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(tmp_path, 'jurisdiction = "GB"\n')
    monkeypatch.setenv("PSYCOMPARE_COLOR", "never")
    code, out, _ = run("config")
    assert code == 0
    assert str(tmp_path / "xdg" / "psycompare" / "config.toml") in out
    assert re.search(r"jurisdiction: +GB +\[config file\]", out)
    assert re.search(r"color: +never +\[env PSYCOMPARE_COLOR\]", out)


def test_bad_config_file_is_named(run: Run, tmp_path: Path) -> None:
    _write_config(tmp_path, 'colour = "always"\n')
    code, _, err = run("status", "--all", "-f", "table")
    assert code == 2 and "config.toml" in err and "colour" in err


def test_several_jurisdictions(run: Run) -> None:
    data = json.loads(run("compare", "ketamine", "mdma", "-j", "US,GB", "-f", "json")[1])
    labels = [r["label"] for r in data["rows"]]
    assert "Status (US)" in labels and "Status (GB)" in labels
    data = json.loads(run("status", "--all", "-j", "us,uk", "-f", "json")[1])
    assert {s["jurisdiction"] for s in data["substances"]} == {"US", "GB"}
    data = json.loads(run("status", "mdma", "-j", "US,GB", "-f", "json")[1])
    assert {e["jurisdiction"] for e in data["substances"][0]["status"]} == {"US", "GB"}


def test_status_all_as_of(run: Run) -> None:
    code, out, err = run("status", "--all", "-j", "US", "--as-of", "2019-01-01", "-f", "json")
    assert code == 0, err
    rows = {s["id"]: s for s in json.loads(out)["substances"]}
    assert rows["esketamine"]["approval"] == "not-approved"  # approved 5 March 2019
    assert rows["ketamine"]["approval"] == "approved-other-use"


# -- search ----------------------------------------------------------------------------------------


def _synonym_groups() -> list[list[str]]:
    import tomllib

    with open(os.path.join(bundled_dir(), "synonyms.toml"), "rb") as fh:
        return [g["terms"] for g in tomllib.load(fh)["group"]]


@pytest.mark.parametrize("terms", _synonym_groups(), ids=lambda t: t[0])
def test_each_synonym_finds_the_same_places(run: Run, terms: list[str]) -> None:
    found = []
    for term in terms:
        code, out, _ = run("search", term, "-f", "json")
        found.append({m["substance"] for m in json.loads(out)["matches"]})
    assert found[0] and all(f == found[0] for f in found), terms


def test_serotonin_syndrome_finds_mdma(run: Run) -> None:
    data = json.loads(run("search", "serotonin", "syndrome", "-f", "json")[1])
    assert "mdma" in {m["substance"] for m in data["matches"]}


def test_search_reads_interaction_rules_and_partners(run: Run) -> None:
    data = json.loads(run("search", "tramadol", "-f", "json")[1])
    sections = {m["section"] for m in data["matches"]}
    assert "interaction partners" in sections and "interactions" in sections
    data = json.loads(run("search", "moclobemide", "-f", "json")[1])
    assert any(m["substance"] == "mdma" and m["section"] == "interactions" for m in data["matches"])


def test_search_never_breaks_a_word(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("search", "serotonin", "-f", "table")[1]
    assert "dextromethorphan-bupropion" in out
    for line in out.splitlines():
        assert len(line) <= 80
    for m in json.loads(run("search", "serotonin", "-f", "json")[1])["matches"]:
        snip = m["snippet"].split(": ", 1)[-1]
        assert not re.match(r"[a-z]", snip[:1]) or not snip.startswith(("erotonin", "rotonin")), snip


# -- what changed ----------------------------------------------------------------------------------


def test_changes_prints_the_changelog_for_readers(run: Run) -> None:
    code, out, _ = run("changes")
    assert code == 0
    assert "Dataset 2026.11.21" in out
    assert not re.search(r"\([0-9a-f]{7,40}\)", out)  # no commit hashes
    assert "(issue" not in out


def test_changes_since(run: Run) -> None:
    out = run("changes", "--since", "2026.11.21")[1]
    assert "Dataset 2026.11.21" not in out and "Dataset 2026.12.04" in out
    assert "Dataset 2026.11.21" in run("changes", "--since", "2025")[1]
    assert run("changes", "--since", "last week")[0] == 2


def test_export_then_diff_is_empty(run: Run, tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    code, _, err = run("export", "--out", str(snap))
    assert code == 0, err
    assert (snap / "interactions.toml").is_file() and (snap / "partners.toml").is_file()
    code, out, err = run("data", "diff", str(snap), str(bundled_dir()), "-f", "json")
    assert code == 0, err
    assert json.loads(out)["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_export_json_has_interactions(run: Run) -> None:
    doc = json.loads(run("export", "-f", "json")[1])
    assert doc["interactions"]["rule"] and doc["partners"]["class"]


def test_old_dataset_warns_in_the_footer(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    monkeypatch.setattr(output, "today", lambda: date(2028, 1, 10))
    err = run("list", "-f", "plain")[2]
    assert "this dataset is dated 2026-12-04, 13 months ago" in err
    monkeypatch.setattr(output, "today", lambda: date(2027, 12, 4))
    assert "months ago" not in run("list", "-f", "plain")[2]
    monkeypatch.setattr(output, "today", lambda: date(2028, 1, 10))
    assert "months ago" not in run("list", "-f", "json")[2]


# -- small fixes -----------------------------------------------------------------------------------


def test_brand_is_named_once(run: Run) -> None:
    out = run("compare", "ketamine", "auvelity", "-f", "plain")[1]
    assert "(Auvelity) (Auvelity)" not in out


def test_list_with_no_match_exits_1(run: Run) -> None:
    code, out, err = run("list", "--schedule", "C-9", "-f", "plain")
    assert code == 1 and "no substance matches" in err and out == ""


@pytest.mark.parametrize("width", WIDTHS)
def test_plain_titles_wrap_at_a_word_and_are_underlined_in_full(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Audit 2026-12-04 UX Low list: at 60 columns the compare title ran past the screen and its
    `====` underline was shorter than it."""
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run("compare", "ketamine", "mdma", "lsd", "-f", "plain")
    assert code == 0
    head = out.split("\n=")[0].splitlines()
    underline = out.splitlines()[len(head)]
    assert set(underline) == {"="} and len(underline) == max(len(line) for line in head) <= width
    title = " ".join(line.strip() for line in head)
    assert all(line.startswith("  ") for line in head[1:])  # a continuation, never a line of its own
    assert title.startswith("Ketamine (Ketalar) vs MDMA vs LSD: US, facts as of ") and title.endswith(" unless dated")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_disclaimer_wraps_at_a_word(run: Run, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    from psycompare.render.formats import DISCLAIMER

    monkeypatch.setenv("COLUMNS", str(width))
    err = run("status", "mdma", "-j", "US", "-f", "plain")[2]
    lines = [line for line in err.splitlines() if not line.startswith("psycompare:")]
    assert " ".join(lines) == DISCLAIMER and all(len(line) <= width for line in lines)
    assert len(lines) == (1 if len(DISCLAIMER) <= width else 2)

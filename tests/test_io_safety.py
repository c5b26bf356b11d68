"""Regression tests for the files / IO / output findings of the reliability audit (issue 10).

One test (or a few) per finding, named after it. Stream cases run the installed entry
point in a real shell; the rest call `main` in-process.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psycompare.app.output import Output, for_people
from psycompare.app.terminal import Terminal
from psycompare.cli.entry import wants_debug
from psycompare.model import Source
from psycompare.render import machine, markdown, plain
from psycompare.schema import rules as schema
from psycompare.schema.rules import is_http_url
from psycompare.store.dataset import Dataset
from psycompare.text import clean, csv_cell, md_link
from psycompare.views.base import Block, Footnotes, Row, View
from tests.conftest import BUNDLED, MINIMAL_RECORD, Run, make_dir

EXE = shutil.which("psycompare")
needs_exe = pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH")
EVIL = "Evil\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]8;;https://evil.example\x1b\\click\x9b31m\x00\u202eRLO\r\nfake"


def sh(cmd: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "cache"), **env}
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, text=True, env=full, cwd=tmp_path, timeout=60
    )


def record(sid: str, extra: str = "", **replace: str) -> str:
    text = MINIMAL_RECORD.format(id=sid, name=sid.title(), aliases="[]")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text + extra


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- 1. no data loss -----------------------------------------------------------------------------


def test_finding_01_export_does_not_overwrite(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "mydata"
    assert run("export", "mdma", "--out", str(out))[0] == 0
    code, _, err = run("export", "ketamine", "--out", str(out))
    assert code == 0, err
    # both records read back: sources.toml was merged, not replaced
    assert run("--no-bundled", "--data", str(out), "show", "mdma", "-f", "json")[0] == 0
    assert run("--no-bundled", "--data", str(out), "show", "ketamine", "-f", "json")[0] == 0
    assert run("data", "validate", str(out))[0] == 0
    before = tree(out)
    code, _, err = run("export", "mdma", "--out", str(out))
    assert code == 2 and "already exists" in err and "--force" in err
    assert tree(out) == before  # refused before anything was written
    code, _, err = run("export", "mdma", "--out", str(out), "--force")
    assert code == 0, err
    assert tree(out) == before  # the same record again: same bytes, no duplicate sources


def test_finding_01_export_into_own_overlay_keeps_user_files(run: Run, tmp_path: Path) -> None:
    my = tmp_path / "my"
    (my / "substances").mkdir(parents=True)
    overlay = '# my notes\nid = "mdma"\n'
    (my / "substances" / "mdma.toml").write_text(overlay)
    private = '# mine\n[my-private-source]\nkind = "trial"\ntitle = "Mine"\npublisher = "Me"\ndate = 2024-01-01\nurl = "https://example.org/mine"\n'
    (my / "sources.toml").write_text(private)
    (my / "dataset.toml").write_text('version = "mine-1"\ndate = 2025-01-01\n')
    code, _, err = run("--data", str(my), "export", "mdma", "--out", str(my))
    assert code == 2 and "already exists" in err
    assert (my / "substances" / "mdma.toml").read_text() == overlay
    code, _, err = run("export", "lsd", "--out", str(my))
    assert code == 0, err
    sources = (my / "sources.toml").read_text()
    assert sources.startswith(private)  # the user's text, comment and entry kept as written
    assert "[fda-" in sources or "[pmid-" in sources  # lsd's sources appended
    assert (my / "dataset.toml").read_text() == 'version = "mine-1"\ndate = 2025-01-01\n'


def test_finding_01_failed_write_leaves_old_file_whole(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "d"
    assert run("export", "lsd", "--out", str(out))[0] == 0
    before = tree(out)
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if len(data) > 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    code, _, err = run("export", "lsd", "--out", str(out), "--force")
    monkeypatch.undo()
    assert code == 1
    assert err.strip().startswith("psycompare: cannot write ") and "No space left on device" in err
    assert "internal error" not in err
    assert tree(out) == before  # old file whole, no temporary file left behind


# -- 2. symlinks and paths -----------------------------------------------------------------------


def test_finding_02_no_write_through_symlinks(run: Run, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("outside precious\n")
    ex = tmp_path / "ex1"
    (ex / "substances").mkdir(parents=True)
    (ex / "substances" / "lsd.toml").symlink_to(outside)
    assert run("export", "lsd", "--out", str(ex))[0] == 2
    assert outside.read_text() == "outside precious\n"
    assert run("export", "lsd", "--out", str(ex), "--force")[0] == 0
    assert outside.read_text() == "outside precious\n"  # the link was replaced, not written through
    assert not (ex / "substances" / "lsd.toml").is_symlink()
    # a dangling link: data new must not create its target
    dn = tmp_path / "dn"
    (dn / "substances").mkdir(parents=True)
    (dn / "substances" / "dmt.toml").symlink_to(tmp_path / "victim_new.txt")
    code, _, err = run("data", "new", "dmt", "--out", str(dn))
    assert code == 2 and "already exists" in err
    assert not (tmp_path / "victim_new.txt").exists()
    # substances/ itself a symlink to a folder outside DIR
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sl = tmp_path / "sl"
    sl.mkdir()
    (sl / "substances").symlink_to(elsewhere)
    code, _, err = run("data", "new", "dmt", "--out", str(sl))
    assert code == 1 and "symbolic link" in err
    assert list(elsewhere.iterdir()) == []


def test_finding_02_sources_symlink_not_merged_through(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "their-sources.toml"
    target.write_text("")
    d = tmp_path / "d"
    d.mkdir()
    (d / "sources.toml").symlink_to(target)
    code, _, err = run("export", "lsd", "--out", str(d))
    assert code == 1 and "symbolic link" in err
    assert target.read_text() == ""


# -- 4. data is never code -----------------------------------------------------------------------


def _evil_view() -> View:
    src = Source(
        "s1", "paper", EVIL, "Pub <script>", date(2024, 1, 2), "https://ok.example/)<img/src=x>[x](javascript:alert(1)"
    )
    rows = [Row([EVIL, '=HYPERLINK("http://evil.example","x")', "a|b_*c*"], (1,), None, "dir\x1b[31m")]
    block = Block(f"Title {EVIL}", ["id", "na\x1bme", "x"], rows, layout="grid")
    return View(
        {},
        [block],
        ["id", "@SUM(A1)"],
        [["-", "-5", "=1+1", "+cmd|' /C calc'!A0", "\tx", "-2+3"]],
        [Footnotes(EVIL, [(1, src)])],
    )


BAD = ("\x1b", "\x9b", "\x00", "\u202e", "\r", "\x07")


def test_finding_04_human_formats_carry_no_controls() -> None:
    for render in (lambda v: plain.render(v), lambda v: markdown.render(v)):
        text = render(for_people(_evil_view()))
        assert not any(c in text for c in BAD), repr(text)
        assert "x1b" in text and "2J" in text  # made visible, not silently dropped
        assert "fake" in text and "\nfake" not in text  # a newline in data does not forge a line
    stream = io.StringIO()
    out = Output("table", stdout=stream, stderr=io.StringIO())
    out.emit(_evil_view(), disclaimer=False)
    assert not any(c in stream.getvalue() for c in BAD)


def test_finding_04_csv_formulas_neutralised() -> None:
    rows = list(__import__("csv").reader(io.StringIO(machine.render_csv(_evil_view()))))
    assert rows[0] == ["id", "'@SUM(A1)"]
    assert rows[1] == ["-", "-5", "'=1+1", "'+cmd|' /C calc'!A0", "'\tx", "'-2+3"]
    assert csv_cell("+1.5") == "+1.5" and csv_cell("-") == "-" and csv_cell("-1e3") == "-1e3"
    assert csv_cell("-x") == "'-x" and csv_cell("@") == "'@" and csv_cell("\rA") == "'\rA"


def test_finding_04_markdown_escapes_html_and_links_only_http() -> None:
    text = markdown.render(for_people(_evil_view()))
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<img" not in text and text.count("](javascript:") == text.count("\\](javascript:")  # only escaped
    assert "&lt;img/src=x&gt;[x\\](javascript:alert(1)" in text  # shown as text, not a link
    assert "a\\|b\\_\\*c\\*" in text
    assert md_link("https://example.org/a_b?x=1&y=2", "t") == "<https://example.org/a_b?x=1&y=2>"
    assert md_link("javascript:alert(1)", "javascript:alert(1)") == "javascript:alert(1)"
    assert (
        not is_http_url("https://ok.example/)<img/src=x>") and not is_http_url("https://") and is_http_url("http://a.b")
    )


def test_finding_04_validate_reports_controls_and_bad_urls(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "esc", {})
    (d / "substances" / "evil.toml").write_text(
        record("evil", **{'name = "Evil"': 'name = "Evil\\u001b[31mRED\\u202e"'})
    )
    with (d / "sources.toml").open("a") as fh:
        fh.write(
            '\n[bad-url]\nkind = "label"\ntitle = "t"\npublisher = "p"\ndate = 2024-01-02\n'
            'url = "javascript:alert(1)"\n'
        )
    code, out, _ = run("data", "validate", str(d))
    assert code == 1
    assert f"{d}/substances/evil.toml:3:1: name: control character U+001B" in out
    assert "bad-url.url: 'javascript:alert(1)' is not an http(s) URL" in out
    # and `list`, which shows the raw row of a broken record, shows it defanged
    code, out, _ = run("--no-bundled", "--data", str(d), "list", "-f", "plain")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "Evil\\x1b[31mRED" in out


# -- 9. exact layering ---------------------------------------------------------------------------


def test_finding_09_same_dir_twice_counts_once(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ovl = tmp_path / "ovl"
    (ovl / "substances").mkdir(parents=True)
    (ovl / "substances" / "mdma.toml").write_text(
        'id = "mdma"\n[[side_effects]]\ntext = "my note"\nfrequency = "rare"\nseverity = "mild"\n'
        'setting = "clinical"\nsources = ["cfr-21-1308"]\n'
    )
    monkeypatch.setenv("PSYCOMPARE_DATA", str(ovl))
    code, out, _ = run("--data", str(ovl), "side-effects", "mdma", "-f", "csv")
    assert code == 0 and out.count("my note") == 1
    monkeypatch.delenv("PSYCOMPARE_DATA")
    alone = run("side-effects", "mdma", "-f", "json")[1]
    assert run("--data", str(BUNDLED), "side-effects", "mdma", "-f", "json")[1] == alone
    assert len(Dataset([BUNDLED, BUNDLED]).indexes) == 1


def test_finding_09_overlay_repeating_facts_does_not_duplicate(run: Run, tmp_path: Path) -> None:
    assert run("export", "mdma", "--out", str(tmp_path / "x"))[0] == 0
    for fmt in ("plain", "csv"):
        assert run("--data", str(tmp_path / "x"), "show", "mdma", "-f", fmt)[1] == run("show", "mdma", "-f", fmt)[1]


# -- 10. sources cannot be re-pointed ------------------------------------------------------------


def test_finding_10_user_sources_cannot_repoint_bundled(run: Run, tmp_path: Path) -> None:
    ov2 = tmp_path / "ov2"
    ov2.mkdir()
    (ov2 / "sources.toml").write_text(
        '[cfr-21-1308]\nkind = "rule"\ntitle = "Totally different document"\npublisher = "Someone else"\n'
        'date = 2020-01-01\nurl = "https://evil.example/"\n'
    )
    code, out, _ = run("--data", str(ov2), "sources", "mdma", "-f", "csv")
    assert code == 0 and "Totally different" not in out and "evil.example" not in out
    code, out, _ = run("--data", str(ov2), "data", "validate")
    assert code == 1
    assert f"{ov2}/sources.toml:1:1: cfr-21-1308: redefines source 'cfr-21-1308'" in out


# -- 11, 21. COLUMNS ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-5", "²", "¹²⁰", "٨٠", " 80", "abc", "", "9999999999"])
def test_finding_11_21_bad_columns_are_ignored(value: str, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setenv("COLUMNS", value)
    assert Terminal.detect(io.StringIO(), {"COLUMNS": value}).columns is None
    code, out, err = run("list", "-f", "table")
    assert code == 0 and "internal error" not in err
    assert "ketamine" in out and "Schedule" in out  # never an empty table or zero-width columns


def test_finding_11_narrow_columns_never_zero_width(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    term = Terminal.detect(io.StringIO(), {"COLUMNS": "20"})
    assert term.columns == 40 and term.width == 40
    code, out, _ = run("list", "-f", "table")
    assert code == 0 and "esk" in out


# -- 12. NaN and infinity --------------------------------------------------------------------------


def test_finding_12_nan_and_inf_are_located_problems(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "n", {})
    onset = '\n[onset]\nlow = nan\nhigh = inf\nunit = "hours"\nsources = ["test-label"]\n'
    (d / "substances" / "x.toml").write_text(record("x", onset))
    code, out, _ = run("data", "validate", str(d))
    assert code == 1
    assert f"{d}/substances/x.toml:29:1: onset.low: expected a finite number, got nan" in out
    assert "onset.high: expected a finite number, got inf" in out
    code, out, err = run("--data", str(d), "show", "x", "-f", "json")
    assert code == 1 and "NaN" not in out and "x.toml:29:1" in err


# -- 14, 15. only regular files, with a size limit ----------------------------------------------


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
@pytest.mark.parametrize("where", ["substances/zz.toml", "sources.toml", "dataset.toml"])
def test_finding_14_fifo_is_a_located_problem(tmp_path: Path, where: str) -> None:
    d = make_dir(tmp_path / "fifod", {"alpha": ("Alpha", ["aa"])})
    (d / where).unlink(missing_ok=True)
    os.mkfifo(d / where)
    r = sh("psycompare --data fifod show ketamine -f json", tmp_path)  # times out (fails) if it hangs
    assert r.returncode == 0 and json.loads(r.stdout)
    r = sh("psycompare data validate fifod", tmp_path)
    assert r.returncode == 1 and f"{where}:1:1: (file): cannot read: not a regular file" in r.stdout


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_finding_15_device_symlink_is_a_located_problem(tmp_path: Path, device: str) -> None:
    d = make_dir(tmp_path / "dev", {"alpha": ("Alpha", [])})
    (d / "substances" / "x.toml").symlink_to(device)
    r = sh("ulimit -v 2000000; psycompare --data dev show alpha -f json && psycompare data validate dev", tmp_path)
    assert r.returncode == 1 and "x.toml:1:1: (file): cannot read: not a regular file" in r.stdout
    assert "MemoryError" not in r.stderr


def test_finding_15_oversized_file_is_a_located_problem(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "big", {"alpha": ("Alpha", [])})
    (d / "substances" / "x.toml").write_text(record("x", f'\n[[notes]]\nclaim = "{"a" * (5 << 20)}"\n'))
    code, out, _ = run("data", "validate", str(d))
    assert code == 1 and "x.toml:1:1: (file): cannot read: larger than 4 MiB" in out
    assert run("--data", str(d), "show", "alpha", "-f", "json")[0] == 0


# -- 16. linear-time locator ---------------------------------------------------------------------


def test_finding_16_locator_is_linear(run: Run, tmp_path: Path) -> None:
    # The old header regex took ~2.4 s at 2,000 spaces and grew cubically: 100,000 would not end.
    line = "[" + " " * 100_000 + "x"
    loc = schema.Locator(f'id = "x"\ntext = """\n{line}\n"""\n[class]\nbogus = 1\n')
    assert loc.find(("class", "bogus")) == (6, 1)
    for part in Path(schema.__file__).parent.glob("*.py"):  # the schema's parts (rules.py is their door)
        assert "import re" not in part.read_text(), part
    d = make_dir(tmp_path / "redos", {})
    (d / "substances" / "x.toml").write_text(
        record(
            "x",
            **{
                'text = "A made-up record for tests."': f'text = """valid\n{line}\n"""',
                "as_of = 2025-05-05": "as_of = 2025-05-05\nbogus = 1",
            },
        )
    )
    code, out, _ = run("data", "validate", str(d))
    assert code == 1 and "status[0].bogus: unknown field" in out


# -- 17. one bad user file breaks only itself ----------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        ("t = 07:32:00\n", "t", "a time of day (07:32:00)"),
        ("v = " + "[" * 1000 + "1" + "]" * 1000 + "\n", "(syntax)", "nested more than 32 levels deep"),
        ("v = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n", "(syntax)", "nested more than 32 levels deep"),
        ("v = " + "[" * 100 + "1" + "]" * 100 + "\n", "v", "nested more than 32 levels deep"),
        ("n = " + "9" * 5000 + "\n", "(syntax)", "a number with more than 4300 digits"),
    ],
)
@pytest.mark.parametrize("cache", ["on", "off"])
def test_finding_17_hostile_values_are_located_problems(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, where: str, message: str, cache: str
) -> None:
    if cache == "off":
        monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", "off")
    d = make_dir(tmp_path / "lt", {"alpha": ("Alpha", ["aa"])})
    (d / "substances" / "beta.toml").write_text(extra + record("beta").replace('id = "beta"\n', ""), "utf-8")
    for p in (d / "substances").iterdir():  # old enough for the cache to keep parsed records
        os.utime(p, (1_700_000_000, 1_700_000_000))
    for args in (["show", "ketamine"], ["show", "aa"], ["list"], ["search", "test"]):
        code, out, err = run("--data", str(d), *args, "-f", "json")
        assert code == 0 and "internal error" not in err, (args, err)
        json.loads(out)
    code, out, err = run("--data", str(d), "show", "beta")
    assert code == 1 and "beta.toml:" in err and f"{where}: {message}" in err and "internal error" not in err
    code, out, _ = run("data", "validate", str(d))
    assert code == 1 and message in out


def test_finding_17_local_datetime_where_a_date_is_expected(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "ldt", {})
    (d / "substances" / "x.toml").write_text(record("x", **{"reviewed = 2025-05-05": "reviewed = 2025-05-05T07:32:00"}))
    code, out, _ = run("data", "validate", str(d))
    assert code == 1 and "x.toml:6:1: reviewed: expected a date, got datetime" in out


# -- 18. non-UTF-8 stdout ------------------------------------------------------------------------


@pytest.mark.slow
@needs_exe
@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}]
)
def test_finding_18_machine_formats_on_a_non_utf8_stdout(tmp_path: Path, env: dict[str, str]) -> None:
    want = json.loads(sh("psycompare show lsd -f json", tmp_path).stdout)
    r = sh("psycompare show lsd -f json", tmp_path, **env)
    assert r.returncode == 0 and json.loads(r.stdout) == want and "\\u00b5" in r.stdout
    read_id = 'import sys, tomllib; print(tomllib.loads(sys.stdin.read())["substances"][0]["id"])'
    r = sh(f"psycompare show lsd -f toml | python3 -c '{read_id}'", tmp_path, **env)
    assert r.returncode == 0 and r.stdout.strip() == "lsd", r.stderr
    r = sh("psycompare show lsd -f csv | grep -c µg", tmp_path, **env)
    assert r.returncode == 0, r.stderr  # CSV has no escapes: written as UTF-8, whole
    for fmt in ("json", "toml"):
        r = sh(f"psycompare export lsd -f {fmt}", tmp_path, **env)
        assert r.returncode == 0 and r.stdout.isascii() and "internal error" not in r.stderr
    r = sh("psycompare status lsd -f json", tmp_path, **env)
    assert r.returncode == 0 and json.loads(r.stdout)


# -- 19. closed or full streams ------------------------------------------------------------------


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
def test_finding_19_closed_stderr_keeps_success(tmp_path: Path) -> None:
    for cmd in (
        "psycompare list 2>&- | cat",
        "psycompare show mdma 2>&- >/dev/null",
        "psycompare export lsd --out o 2>&-",
    ):
        r = sh(cmd, tmp_path)
        assert r.returncode == 0, cmd


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        ("psycompare list >&-", "psycompare: cannot write output: stdout is closed"),
        ("psycompare list >/dev/full", "psycompare: cannot write output: No space left on device"),
        ("psycompare show mdma -f json >/dev/full", "psycompare: cannot write output: No space left on device"),
        ("psycompare show mdma -f table >/dev/full", "psycompare: cannot write output: No space left on device"),
        ("psycompare export lsd >/dev/full", "psycompare: cannot write output: No space left on device"),
        ("psycompare --help >/dev/full", "psycompare: cannot write output: No space left on device"),
        (
            "touch afile; psycompare export lsd --out afile",
            "psycompare: cannot write afile: it exists and is not a directory",
        ),
        ("psycompare export lsd --out /dev/full/x", "psycompare: cannot write /dev/full/x: "),
        ("psycompare data new dmt --out /proc/version/y", "psycompare: cannot write /proc/version/y: "),
    ],
)
def test_finding_19_write_errors_are_one_line_user_errors(tmp_path: Path, cmd: str, message: str) -> None:
    r = sh(cmd, tmp_path)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith(message) and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "internal error" not in r.stderr and "Exception ignored" not in r.stderr


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_finding_19_unwritable_out(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir(mode=0o555)
    r = sh("psycompare export lsd --out ro/x", tmp_path)
    assert r.returncode == 1 and r.stderr.startswith("psycompare: cannot write ro/x: Permission denied")


# -- 20. --help and --version into a closed pipe -------------------------------------------------


@pytest.mark.slow  # starts psycompare as a process
@needs_exe
@pytest.mark.parametrize("args", ["--help", "--version", "show --help", "data --help"])
def test_finding_20_help_into_closed_pipe_exits_0(tmp_path: Path, args: str) -> None:
    r = sh(f"psycompare {args} | true", tmp_path)
    assert r.returncode == 0 and r.stderr == ""


# -- 22. --debug only where it is an option ------------------------------------------------------


def test_finding_22_debug_after_double_dash_is_a_name(run: Run) -> None:
    code, out, err = run("show", "--", "--debug")
    assert (
        code == 1 and err == "psycompare: unknown substance '--debug'; run 'psycompare list' to see every substance\n"
    )
    assert wants_debug(["--debug", "show", "x"]) and wants_debug(["show", "x", "--debug"])
    assert not wants_debug(["show", "--", "--debug"]) and not wants_debug(["show", "x"])


# -- 25. cosmetic --------------------------------------------------------------------------------


def test_finding_25_empty_no_color_keeps_colour() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert Terminal.detect(Tty(), {"NO_COLOR": ""}).color
    assert not Terminal.detect(Tty(), {"NO_COLOR": "1"}).color


def test_finding_25_names_in_errors_are_not_double_escaped(run: Run) -> None:
    assert "unknown substance 'kétamine'" in run("show", "kétamine")[2] or "did you mean" in run("show", "kétamine")[2]
    assert "unknown substance 'ketamin\\'" in run("show", "ketamin\\")[2]
    err = run("show", "x\x1b[2Jy")[2]
    assert "\x1b" not in err and "x\\x1b[2Jy" in err


def test_finding_25_bom_and_quoted_schema_are_explained(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "c", {})
    (d / "substances" / "bom.toml").write_bytes(b"\xef\xbb\xbf" + record("bom").encode())
    (d / "substances" / "q.toml").write_text(record("q", **{"schema = 1": 'schema = "1"'}))
    code, out, _ = run("data", "validate", str(d))
    assert "bom.toml:1:1: (file): the file starts with a byte order mark (BOM)" in out
    assert "q.toml:1:1: schema: the schema version is a number: write schema = 1 (no quotes)" in out


def test_finding_25_id_taking_over_a_bundled_alias_blames_the_user_file(run: Run, tmp_path: Path) -> None:
    d = make_dir(tmp_path / "h", {"molly": ("Molly", [])})
    code, out, _ = run("--data", str(d), "data", "validate")
    assert code == 1
    assert f"{d}/substances/molly.toml:1:1: id: id 'molly' is already a name of 'mdma'" in out
    assert "data/substances/mdma.toml" not in out.split(":")[0]


def test_clean_text_unit() -> None:
    assert clean("plain text") == "plain text"
    assert clean("a\nb\r\tc") == "a b  c"
    assert clean("a\nb", keep_newlines=True) == "a\nb"
    assert clean("\x1b[31m\x9b\u202e\u2066\x00") == "\\x1b[31m\\x9b\\u202e\\u2066\\x00"


# -- property: export then overlay is idempotent -------------------------------------------------

NAMES = ["ketamine", "esketamine", "mdma", "psilocybin", "lsd", "sertraline", "paroxetine"]


def _strip_origin(value: object) -> object:
    if isinstance(value, dict):
        assert value.get("origin", "bundled") == "bundled", value  # nothing re-attributed to the overlay
        # layered JSON also names the files behind each record
        return {k: _strip_origin(v) for k, v in value.items() if k not in ("origin", "files")}
    if isinstance(value, list):
        return [_strip_origin(v) for v in value]
    return value


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
    st.sampled_from(["show", "status", "side-effects", "sources"]),
    st.sampled_from(["json", "plain", "csv"]),
)
def test_export_then_overlay_is_idempotent(run: Run, exported: list[str], command: str, fmt: str) -> None:
    out = Path(tempfile.mkdtemp())
    try:
        assert run("export", *exported, "--out", str(out / "x"))[0] == 0
        alone = run(command, *NAMES, "-f", fmt)
        layered = run("--data", str(out / "x"), command, *NAMES, "-f", fmt)
        assert layered[0] == alone[0] == 0
        if fmt == "json":
            assert _strip_origin(json.loads(layered[1])) == json.loads(alone[1])
        else:
            assert layered[1] == alone[1]
    finally:
        shutil.rmtree(out, ignore_errors=True)

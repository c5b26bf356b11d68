"""app/terminal.py: the one reader of terminal facts; tests construct a `Terminal` instead of faking a tty."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from psycompare.app import commands
from psycompare.app.output import Output
from psycompare.app.terminal import Terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _compare(term: Terminal, capsys: pytest.CaptureFixture[str], fmt: str | None = None) -> str:
    commands.compare(commands.Session(terminal=term), ["ketamine", "mdma"], fmt=fmt)
    return capsys.readouterr().out


def test_a_constructed_terminal_sets_format_width_and_colour(capsys: pytest.CaptureFixture[str]) -> None:
    out = _compare(Terminal(tty=True, width=60, color=False), capsys)
    assert "Ketamine" in out and not ANSI.search(out)
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "\u2500" in out  # a tty's default format is the table
    wide = _compare(Terminal(tty=True, width=140, color=True), capsys)
    assert ANSI.search(wide) and max(len(ANSI.sub("", line)) for line in wide.splitlines()) > 60


def test_the_environment_is_not_read_after_detection(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich is handed width, height and colour: COLUMNS, LINES, NO_COLOR, FORCE_COLOR, TERM do nothing."""
    for key, value in {"COLUMNS": "²", "LINES": "0", "FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "dumb"}.items():
        monkeypatch.setenv(key, value)
    out = _compare(Terminal(tty=True, width=70, color=True), capsys)
    assert ANSI.search(out) and max(len(ANSI.sub("", line)) for line in out.splitlines()) <= 70


def test_plain_is_100_wide_into_a_pipe_and_fits_a_paged_screen(capsys: pytest.CaptureFixture[str]) -> None:
    piped = _compare(Terminal(width=200), capsys, "plain")
    assert max(len(line) for line in piped.splitlines()) <= 100
    narrow = _compare(Terminal(width=50, columns=50), capsys, "plain").splitlines()
    assert max(len(line) for line in narrow[1:]) <= 50  # all but the heading, which is never cut


def test_a_paged_call_uses_the_terminals_pager_and_height(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "paged"
    term = Terminal(tty=True, width=80, height=5, paging=True, pager=f"cat > {target}")
    out = _compare(term, capsys)
    assert out == "" and "Ketamine" in target.read_text()
    tall = Terminal(tty=True, width=80, height=500, paging=True, pager=f"cat > {tmp_path / 'never'}")
    assert "Ketamine" in _compare(tall, capsys) and not (tmp_path / "never").exists()


def test_detect_reads_size_colour_and_pager_once() -> None:
    term = Terminal.detect(_Tty(), {"COLUMNS": "120", "LINES": "50", "TERM": "xterm", "PSYCOMPARE_PAGER": "most"})
    assert (term.tty, term.width, term.height, term.columns, term.color) == (True, 120, 50, 120, True)
    assert term.paging and term.pager == "most"
    assert Terminal.detect(_Tty(), {"PSYCOMPARE_PAGER": "cat"}).pager is None  # cat: no pager, still a tty
    assert not Terminal.detect(_Tty(), {"PSYCOMPARE_PAGER": "most"}, pager=False).paging  # --no-pager
    dumb = Terminal.detect(_Tty(), {"TERM": "dumb"})
    assert dumb.width == 80 and not dumb.color and not dumb.paging
    assert not Terminal.detect(_Tty(), {}, no_color=True).color
    assert Terminal.detect(io.StringIO(), {}, color="always").color  # colour into a pipe when asked
    piped = Terminal.detect(io.StringIO(), {"PSYCOMPARE_PAGER": "most"})
    assert not piped.tty and not piped.paging and piped.pager is None


def test_output_takes_its_facts_from_the_terminal() -> None:
    out = Output(None, stdout=io.StringIO(), terminal=Terminal(tty=True, encoding="ascii", paging=True))
    assert out.format == "table" and out.encoding == "ascii" and out.pager and not out.color
    assert Output(None, stdout=io.StringIO(), terminal=Terminal()).format == "plain"

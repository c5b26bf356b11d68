"""Reliability audit 2026-12-04: `data diff` refuses broken, FIFO or NaN input (M2, M4, M5) and
lays an overlay over OLD (M3); a pager that fails never loses the output (M6)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from psycompare.app import pager
from psycompare.app.terminal import Terminal

from .conftest import BUNDLED, MINIMAL_SOURCES, Run

RULE = (
    'reviewed = 2026-01-01\n[[rule]]\na = "mdma"\nb = "lsd"\nseverity = {sev}\neffect = "other"\ntext = "t"\n'
    'setting = "any"\nevidence = "label"\nsources = ["test-label"]\n{extra}'
)


def two(tmp_path: Path, new_rules: str) -> tuple[Path, Path]:
    a, b = tmp_path / "dA", tmp_path / "dB"
    for d in (a, b):
        d.mkdir()
        (d / "sources.toml").write_text(MINIMAL_SOURCES)
    (a / "interactions.toml").write_text(RULE.format(sev='"minor"', extra=""))
    if new_rules:
        (b / "interactions.toml").write_text(new_rules)
    return a, b


def test_M4_nan_and_infinity_never_reach_json(run: Run, tmp_path: Path) -> None:
    """M4: `severity = nan` and `extra = inf` are located problems, not invalid JSON."""
    a, b = two(tmp_path, RULE.format(sev="nan", extra="extra = inf\n"))
    code, out, err = run("data", "diff", str(a), str(b), "-f", "json")
    assert code == 1 and not out and "dB/interactions.toml:" in err


def test_M2_a_broken_rules_file_is_not_read_as_empty(run: Run, tmp_path: Path) -> None:
    """M2: a syntax error in NEW's interactions.toml is reported, not "every rule removed"."""
    a, b = two(tmp_path, RULE.format(sev="= =", extra=""))
    code, out, err = run("data", "diff", str(a), str(b))
    assert code == 1 and "removed" not in out and "syntax" in err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_M5_a_fifo_or_device_rules_file_is_refused_by_diff(run: Run, tmp_path: Path, kind: str) -> None:
    """M2/M5: a FIFO or a link to /dev/zero named interactions.toml is an error of that side."""
    a, b = two(tmp_path, "")
    target = b / "interactions.toml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    code, _, err = run("data", "diff", str(a), str(b))
    assert code == 1 and "cannot read: not a regular file" in err


def test_M3_an_overlay_is_diffed_against_the_bundled_data(run: Run, tmp_path: Path) -> None:
    """M3: `data diff BUNDLED OVERLAY` lays the overlay over OLD and shows only what it adds."""
    ovl = tmp_path / "ovl"
    (ovl / "substances").mkdir(parents=True)
    (ovl / "substances" / "mdma.toml").write_text(
        'id = "mdma"\n[[side_effects]]\ntext = "my note"\nfrequency = "rare"\nseverity = "mild"\n'
        'setting = "clinical"\nsources = ["cfr-21-1308"]\n'
    )
    code, out, err = run("data", "diff", str(BUNDLED), str(ovl), "-f", "json")
    assert code == 0, err
    changes = json.loads(out)["changes"]
    assert [(c["change"], c["substance"], c["new"]["text"]) for c in changes] == [("added", "mdma", "my note")]


@pytest.mark.parametrize("value", ["false", "exit 3", "kill -9 $$", "./noexec"])
def test_M6_a_failed_pager_falls_back_to_printing(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """M6: a pager that cannot run, fails or is killed: page() says "not paged", so it is printed."""
    noexec = tmp_path / "noexec"
    noexec.write_text("#!/bin/sh\ncat\n")
    noexec.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    term = Terminal(tty=True, height=5, paging=True, pager=value)
    assert pager.page("line\n" * 50, io.StringIO(), term, sys.stderr) is False
    if value not in ("./noexec",):
        assert "failed" in capsys.readouterr().err


def test_M6_a_working_pager_still_pages() -> None:
    assert shutil.which("cat")
    term = Terminal(tty=True, height=5, paging=True, pager="cat >/dev/null")
    assert pager.page("line\n" * 50, io.StringIO(), term) is True
    assert pager.page("line\n" * 4, io.StringIO(), term) is False  # shorter than the screen: printed


def test_L10_ctrl_c_belongs_to_the_pager_while_it_runs(tmp_path: Path) -> None:
    """L10: Ctrl-C during paging goes to the pager (as in git): psycompare does not die under it
    and leave it drawing beneath the prompt; it waits for the pager and restores its own handler."""
    import signal

    done = tmp_path / "pager-finished"
    # the pager sends SIGINT to psycompare (its parent), then goes on reading and finishes
    # (at once, as it starts: psycompare ignores Ctrl-C from before the pager is started)
    traps = tmp_path / "pager-traps"
    script = f"kill -INT $PPID; grep SigIgn /proc/$$/status > '{traps}'; sleep 0.2; cat >/dev/null; echo ok > '{done}'"
    term = Terminal(tty=True, height=5, paging=True, pager=script)
    before = signal.getsignal(signal.SIGINT)
    for _ in range(5):
        assert pager.page("line\n" * 50, io.StringIO(), term) is True
        assert done.read_text() == "ok\n"  # the pager ran to its end
        assert signal.getsignal(signal.SIGINT) is before
        ignored = int(traps.read_text().split()[1], 16)
        assert not ignored & (1 << (signal.SIGINT - 1))  # the pager itself keeps Ctrl-C's default action

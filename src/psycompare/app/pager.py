"""Long human output goes through a pager, as git does: only on a terminal, only when taller
than the screen, never when the pager is missing. Never imported on machine-format paths."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import IO


def command() -> str | None:
    """PSYCOMPARE_PAGER, then `pager` in the config file, then PAGER, else `less -FRX` when
    installed (git's order: GIT_PAGER, core.pager, PAGER); None for no pager."""
    from psycompare.app import config

    value = os.environ.get("PSYCOMPARE_PAGER")
    if value is None:
        value = config.load().get("pager")
    if value is None:
        value = os.environ.get("PAGER")
    if value is not None:
        value = value.strip()
        return None if value in ("", "cat") else value
    return "less -FRX" if shutil.which("less") else None


def terminal_size() -> os.terminal_size:
    return shutil.get_terminal_size((80, 24))


def terminal_width() -> int:
    return terminal_size().columns


def page(text: str, stdout: IO[str]) -> bool:
    """Show text through the pager when it is taller than the terminal; False when not paged."""
    if text.count("\n") < terminal_size().lines:
        return False
    cmd = command()
    if cmd is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        stdout.flush()
        proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602 (a user's own setting)
    except OSError:
        return False
    assert proc.stdin is not None
    import signal

    # Ctrl-C belongs to the pager while it runs (as in git): psycompare waits for it to end
    # instead of leaving it drawing under the shell's prompt (audit 2026-12-04 L10)
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        old = None
    try:
        try:
            proc.stdin.write(text.encode(getattr(stdout, "encoding", None) or "utf-8", "replace"))
            proc.stdin.close()
        except BrokenPipeError:  # the reader quit early (q in less), or never started
            pass
        proc.wait()
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
    code = proc.returncode
    if code == 0 or code == -signal.SIGPIPE:
        return True
    # it could not run (126, 127), failed or was killed: the output is printed instead, never
    # lost (audit 2026-12-04 M6)
    import sys

    why = f"exit {code}" if code > 0 else f"killed by signal {-code}"
    if code not in (126, 127) and sys.stderr is not None:
        from psycompare.text import clean

        try:
            sys.stderr.write(clean(f"psycompare: pager {cmd[:60]!r} failed ({why}); printing instead") + "\n")
        except OSError:
            pass
    return False

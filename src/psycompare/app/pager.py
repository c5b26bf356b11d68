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
    try:
        proc.stdin.write(text.encode(getattr(stdout, "encoding", None) or "utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit early (q in less): that is a normal end
        pass
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.wait()
    if proc.returncode == 127:  # the shell could not find the pager: print instead
        return False
    return True

"""Long human output goes through a pager, as git does: only on a terminal, only when taller
than the screen, never when the pager is missing. Never imported on machine-format paths.

Which pager, and whether paging is allowed, is `app.terminal`'s decision (`Terminal.pager`)."""

from __future__ import annotations

import os
import subprocess
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from psycompare.app.terminal import Terminal


def _default_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def page(text: str, stdout: IO[str], term: Terminal, stderr: IO[str] | None = None) -> bool:
    """Show text through the terminal's pager when it is taller than the screen; False when not paged.

    ``stderr`` (None: dropped) is told when the pager failed and the text is printed instead."""
    if text.count("\n") < term.height:
        return False
    cmd = term.pager
    if cmd is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    import signal

    # Ctrl-C belongs to the pager while it runs (as in git): psycompare waits for it to end
    # instead of leaving it drawing under the shell's prompt (audit 2026-12-04 L10). It is
    # ignored from before the pager starts (a Ctrl-C as it starts must not kill psycompare),
    # and the pager gets the default action back in its own process.
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        old = None
    try:
        stdout.flush()
        proc = subprocess.Popen(  # noqa: S602 (a user's own setting)
            cmd, shell=True, stdin=subprocess.PIPE, env=env, preexec_fn=_default_sigint if old is not None else None
        )
    except OSError:
        if old is not None:
            signal.signal(signal.SIGINT, old)
        return False
    assert proc.stdin is not None
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
    why = f"exit {code}" if code > 0 else f"killed by signal {-code}"
    if code not in (126, 127) and stderr is not None:
        from psycompare.text import clean

        try:
            stderr.write(clean(f"psycompare: pager {cmd[:60]!r} failed ({why}); printing instead") + "\n")
        except OSError:
            pass
    return False

"""The `psycompare` entry point: pick a parser, run the command, map every error to an exit code."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

from psycompare.errors import ExitCode, PsycompareError, StdoutClosed, WriteError


def main(argv: list[str] | None = None, *, fast: bool = True) -> NoReturn:
    """Run one command line and exit.

    Plain calls of the hot commands go through `fastpath` (no Typer import);
    everything else, and every call when ``fast`` is false, goes through the Typer
    app. Errors a user can cause end as one line on stderr and an `ExitCode`.
    """
    from psycompare.cli.fastpath import hoist_globals

    args = hoist_globals(sys.argv[1:] if argv is None else list(argv))
    debug = wants_debug(args) or os.environ.get("PSYCOMPARE_DEBUG") == "1"
    # One short-lived call builds mostly acyclic data (10,000 index rows for `list`);
    # the cyclic collector would walk it again and again for nothing (a third of `list`).
    saved_debug = os.environ.get("PSYCOMPARE_DEBUG")  # `--debug` sets it for this call only
    collect = gc.isenabled()
    gc.disable()
    try:
        call = None
        if fast:
            from psycompare.cli.fastpath import parse

            call = parse(args)
        if call is not None:
            code = call() or ExitCode.OK
        else:
            from psycompare.cli.typer_app import run

            code = run(args)
        _flush_stdout()
    except PsycompareError as exc:
        if debug and exc.exit_code != ExitCode.USAGE:  # a usage error is never a bug: no traceback
            raise
        if isinstance(exc, WriteError) and exc.stdout:
            _quiet_pipe()  # what is left in stdout's buffer would fail again at exit
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", ExitCode.INTERRUPTED)
    except (StdoutClosed, BrokenPipeError):
        _quiet_pipe()
        raise SystemExit(ExitCode.OK) from None
    except SystemExit:
        raise
    except OSError as exc:  # the environment (a full disk, an I/O error), not a bug
        if debug:
            raise
        _quiet_pipe()
        where = exc.filename if exc.filename is not None else "output"
        _fail(f"cannot write {where}: {exc.strerror or exc}", ExitCode.ERROR)
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", ExitCode.ERROR)
    finally:
        if collect:  # in-process callers (tests, scripts) get their collector back
            gc.enable()
        if saved_debug is None:
            os.environ.pop("PSYCOMPARE_DEBUG", None)
        else:
            os.environ["PSYCOMPARE_DEBUG"] = saved_debug
    raise SystemExit(code)


def wants_debug(args: list[str]) -> bool:
    """``--debug`` given as an option: anywhere before a ``--`` token (global options may
    also follow the command), never a name after ``--`` (``show -- --debug``)."""
    for arg in args:
        if arg == "--":
            return False
        if arg == "--debug":
            return True
    return False


def _flush_stdout() -> None:
    """Flush what the command wrote; a failed flush is a write error, not a bug."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise StdoutClosed from None
    except OSError as exc:
        raise WriteError("output", exc, stdout=True) from exc


def _fail(message: str, code: int) -> NoReturn:
    from psycompare.app.output import write_err

    write_err(sys.stderr, f"psycompare: {message}")
    raise SystemExit(code)


def _quiet_pipe() -> None:
    """After EPIPE, point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass

"""Exit codes and the domain errors the core raises (the CLI maps them to exit codes)."""

from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence


class ExitCode(IntEnum):
    """Every exit code psycompare uses. Documented in the README."""

    OK = 0
    ERROR = 1  # any failure: invalid or unreadable data, no search match, output not written, a bug
    NOT_FOUND = 1  # an unknown substance (the same code as ERROR: an alias, for readers of the code)
    USAGE = 2  # bad option, bad argument value
    INTERRUPTED = 130  # Ctrl-C


class Problem(NamedTuple):
    """One validation problem, located as precisely as the file allows."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        from psycompare.text import clean  # a file name or key can carry escapes too

        return clean(f"{self.file}:{self.line}:{self.col}: {self.field}: {self.message}")


class PsycompareError(Exception):
    """Base class for errors a user can cause; ``str()`` is one line for stderr."""

    exit_code: ExitCode = ExitCode.ERROR


class NotFoundError(PsycompareError):
    """A name that resolves to no substance."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        from psycompare.text import clean

        shown = clean(name if len(name) <= 60 else name[:57] + "...")
        msg = f"unknown substance '{shown}'"
        if suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        else:
            msg += "; run 'psycompare list' to see every substance"
        super().__init__(msg)


class DataError(PsycompareError):
    """Invalid or unreadable data; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid data"
        more = f" (and {len(problems) - 1} more problem(s); run 'psycompare data validate')"
        super().__init__(first + (more if len(problems) > 1 else ""))


class UsageError(PsycompareError):
    """A bad option value detected by the core (e.g. an unknown field name)."""

    exit_code = ExitCode.USAGE


def unknown_choice(what: str, value: str, choices: "Sequence[str]", *, key: str | None = None) -> UsageError:
    """One line for an option value that is none of ``choices``: the closest one as a
    did-you-mean (``--kind approvals``: 'approval'), else every choice.

    ``key`` is the value as compared (normalised by the caller); ``value`` is what is shown.
    """
    import difflib

    from psycompare.text import clean

    shown = clean(value.strip()[:30])
    close = difflib.get_close_matches(key if key is not None else value.strip().lower(), choices, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"choose from: {', '.join(choices)}"
    return UsageError(f"unknown {what} {shown!r}; {hint}")


class WriteError(PsycompareError):
    """Output that could not be written (full disk, closed stdout, unwritable --out)."""

    def __init__(self, target: str, exc: OSError | str, stdout: bool = False) -> None:
        self.stdout = stdout  # the entry point then silences the interpreter's final flush
        reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        super().__init__(f"cannot write {target}: {reason}")


class StdoutClosed(Exception):
    """Whoever read stdout went away (``| head``): stop writing and exit 0, quietly."""

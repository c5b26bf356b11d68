"""The terminal one call writes to, read in one place: tty, size, colour, encoding, pager.

`Terminal.detect` is the only reader of `COLUMNS`, `LINES`, `TERM`, `NO_COLOR`, the
colour setting (`--color`, `--no-color`, `PSYCOMPARE_COLOR`, the config file), the pager
setting and the stream's tty-ness and size. Everything after it (`app.output`, `app.pager`,
the renderers) takes these facts as values, so a test builds
``Terminal(tty=True, width=60, color=False)`` instead of faking a terminal, and Rich is
handed an explicit width, height and colour instead of reading the environment itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO

MIN_COLUMNS = 40  # a COLUMNS below this is raised to it: never zero-width columns
_DIGITS = frozenset("0123456789")


class Terminal:
    """What the output stream is and how it may be written to; not changed once made.

    A plain class with slots: a NamedTuple or dataclass costs the start-up of every call
    a millisecond or more to define.
    """

    __slots__ = ("tty", "width", "height", "columns", "color", "encoding", "dumb", "paging", "pager")

    def __init__(
        self,
        *,
        tty: bool = False,  # stdout is a terminal: table by default, colour when auto, the pager
        width: int = 80,  # columns to fit: COLUMNS, else the terminal's (stdout, stdin or stderr), else 80
        height: int = 24,  # lines on one screen: LINES, else the terminal's, else 24
        columns: int | None = None,  # COLUMNS as the user set it (at least 40); None: unset or not a number
        color: bool = False,  # the colour decision: --color/--no-color, config, NO_COLOR, TERM=dumb, tty
        encoding: str = "utf-8",  # the stream's encoding, lower case
        dumb: bool = False,  # TERM=dumb: no colour, no pager (less stops on "terminal is not fully functional")
        paging: bool = False,  # tall human output may be paged: a tty, not TERM=dumb, no --no-pager
        pager: str | None = None,  # the pager command when paging; None: none set (PSYCOMPARE_PAGER=cat) or found
    ) -> None:
        self.tty = tty
        self.width = width
        self.height = height
        self.columns = columns
        self.color = color
        self.encoding = encoding
        self.dumb = dumb
        self.paging = paging
        self.pager = pager

    def __repr__(self) -> str:
        return "Terminal(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"

    @classmethod
    def detect(
        cls,
        stdout: IO[str],
        environ: Mapping[str, str] | None = None,
        color: str | None = None,
        no_color: bool = False,
        pager: bool = True,
    ) -> Terminal:
        """Read the terminal facts once.

        ``color`` is the ``--color WHEN`` option (None: the environment, the config file,
        then auto) and ``no_color`` the ``--no-color`` flag; ``pager`` False is ``--no-pager``.
        """
        env = os.environ if environ is None else environ
        tty = _isatty(stdout)
        dumb = env.get("TERM") == "dumb"
        if no_color:
            mode = "never"
        else:
            from psycompare.app.config import color_mode

            mode = color_mode(color)
        # --color always as git has it: colour even into a pipe; auto: a terminal, unless NO_COLOR
        # (no-color.org: only a non-empty value) or TERM=dumb
        colored = mode == "always" or (mode == "auto" and tty and not env.get("NO_COLOR") and not dumb)
        columns = _number(env.get("COLUMNS"))
        lines = _number(env.get("LINES"))
        size = _screen(stdout)
        if tty and dumb:  # what Rich assumes for a dumb terminal
            size = (80, 25)
        width = max(columns, MIN_COLUMNS) if columns is not None else (size[0] if size else 80)
        height = lines if lines is not None else (size[1] if size and tty else 24)
        paging = pager and tty and not dumb
        command = None
        if paging:
            command = pager_command(env)
        return cls(
            tty=tty,
            width=width,
            height=height,
            columns=max(columns, MIN_COLUMNS) if columns is not None else None,
            color=colored,
            encoding=(getattr(stdout, "encoding", None) or "utf-8").lower(),
            dumb=dumb,
            paging=paging,
            pager=command,
        )


def pager_command(environ: Mapping[str, str] | None = None) -> str | None:
    """PSYCOMPARE_PAGER, then `pager` in the config file, then PAGER, else `less -FRX` when
    installed (git's order: GIT_PAGER, core.pager, PAGER); None for no pager.

    Read once per call, by `Terminal.detect`."""
    from psycompare.app import config

    env = os.environ if environ is None else environ
    value = env.get("PSYCOMPARE_PAGER")
    if value is None:
        value = config.load().get("pager")
    if value is None:
        value = env.get("PAGER")
    if value is not None:
        value = value.strip()
        return None if value in ("", "cat") else value
    import shutil  # only here: shutil imports bz2 and lzma, about 6 ms of every human call

    return "less -FRX" if shutil.which("less") else None


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _number(raw: str | None) -> int | None:
    """Plain ASCII digits (at most 6) with a value above 0, else None.

    ``str.isdigit`` would accept ``²`` or Arabic-Indic digits; 0 or a negative value is
    ignored rather than giving zero-width columns.
    """
    if not raw or len(raw) > 6 or not set(raw) <= _DIGITS or int(raw) <= 0:
        return None
    return int(raw)


def _screen(stdout: IO[str]) -> tuple[int, int] | None:
    """The size of the first of stdout, stdin and stderr that is a terminal (stdout's first:
    it is the one written to; stdin's next, so a table piped to a pager of one's own still
    fits the screen), or None."""
    fds: list[int] = []
    try:
        fds.append(stdout.fileno())
    except (AttributeError, ValueError, OSError):
        pass
    for fd in (0, 1, 2):
        if fd not in fds:
            fds.append(fd)
    for fd in fds:
        try:
            cols, rows = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        if cols > 0 and rows > 0:
            return cols, rows
    return None

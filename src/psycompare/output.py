"""Where output goes and how it looks: the one place that knows about TTYs, colour and formats."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from psycompare.errors import StdoutClosed, UsageError
from psycompare.render import DISCLAIMER, FORMATS

if TYPE_CHECKING:  # error lines are written through this module: keep it light
    from psycompare.views import View

_ASCII = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "--",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00b5": "u",
        "\u03bc": "u",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u00d7": "x",
        "\u2022": "*",
        "\u00b1": "+/-",
        "\u2192": "->",
        "\u00a0": " ",
        "\u2212": "-",
    }
)


def fit_encoding(text: str, encoding: str) -> str:
    """ASCII fallbacks for common typography when the stream cannot encode UTF-8."""
    if encoding.lower().replace("-", "").replace("_", "").startswith("utf"):
        return text
    return text.translate(_ASCII).encode(encoding, "replace").decode(encoding)


class Output:
    """Decides the format and colour once, then writes views."""

    def __init__(
        self,
        fmt: str | None,
        no_color: bool = False,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        pager: bool = True,
        info: Callable[[], dict[str, str] | None] | None = None,
    ) -> None:
        self.info = info  # the dataset's version and date, asked only by machine formats
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.tty = _isatty(self.stdout)
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
        self.format = fmt or ("table" if self.tty else "plain")
        env = os.environ
        self.color = self.tty and not no_color and "NO_COLOR" not in env and env.get("TERM") != "dumb"
        self.encoding = (getattr(self.stdout, "encoding", None) or "utf-8").lower()
        self.pager = pager and self.tty and self.format in ("table", "plain", "markdown")

    def _write(self, text: str) -> None:
        self.stdout.write(fit_encoding(text, self.encoding))
        self.stdout.flush()

    def emit(self, view: View, disclaimer: bool = True, command: str = "") -> None:
        """Write a view in the chosen format; human formats get the short disclaimer.

        ``command`` names the command in the `meta` of JSON and TOML and picks the list
        that `jsonl` streams (a command without one rejects jsonl before printing).
        """
        if self.format == "jsonl":
            from psycompare.contract import STREAMS

            if command not in STREAMS:
                raise UsageError(f"--format jsonl is for list-shaped output; use json for {command or 'this command'}")
        try:
            self._emit(view, command)
        except BrokenPipeError:
            raise StdoutClosed from None
        if disclaimer and self.format in ("table", "plain"):
            self.note(DISCLAIMER)

    def _emit(self, view: View, command: str) -> None:
        fmt = self.format
        if fmt in ("table", "plain", "markdown") and self.pager:
            from psycompare import pager

            text = self._human(view, pager.terminal_width())
            if pager.page(text, self.stdout):
                return
            self._write(text)
        elif fmt == "table":
            from psycompare.render import table

            table.render(view, self.stdout, self.color, width=_columns())
        elif fmt in ("plain", "markdown"):
            self._write(self._human(view, None))
        else:
            from psycompare.render import machine

            if fmt == "csv":
                text = machine.render_csv(view)
            else:
                from psycompare.contract import STREAMS, meta

                head = meta(command, self.info() if self.info else None)
                if fmt == "jsonl":
                    text = machine.render_jsonl(view, STREAMS[command])
                else:
                    text = (machine.render_json if fmt == "json" else machine.render_toml)(view, head)
            self.stdout.write(text)
            self.stdout.flush()

    def _human(self, view: View, width: int | None) -> str:
        """A human format as one string (what a pager is given)."""
        fmt = self.format
        if fmt == "table":
            import io

            from psycompare.render import table

            buf = io.StringIO()
            table.render(view, buf, self.color, width=_columns() or width, force_terminal=self.color)
            return buf.getvalue()
        if fmt == "plain":
            from psycompare.render import plain

            return plain.render(view, width=min(_columns() or width or 100, 120))
        from psycompare.render import markdown

        return markdown.render(view)

    def note(self, text: str) -> None:
        """A line for people on stderr (never mixed into stdout)."""
        write_err(self.stderr, text)


def write_out(stream: IO[str], text: str) -> None:
    """Write data to stdout as is; a closed pipe becomes StdoutClosed."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise StdoutClosed from None


def write_err(stream: IO[str], text: str) -> None:
    """Write one line to stderr, safe for any encoding and any string."""
    enc = getattr(stream, "encoding", None) or "utf-8"
    text = " ".join(text.split("\n"))
    text = "".join(ch if ch.isprintable() else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else "?") for ch in text)
    line = text.encode(enc, "backslashreplace").decode(enc, "replace")
    try:
        stream.write(line + "\n")
        stream.flush()
    except (BrokenPipeError, OSError):
        pass


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _columns() -> int | None:
    """COLUMNS when set and sane; None lets the terminal decide."""
    raw = os.environ.get("COLUMNS", "")
    if raw.isdigit() and int(raw) > 0:
        return max(int(raw), 20)
    return None

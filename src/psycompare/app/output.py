"""Where output goes and how it looks: the format, then a view rendered for the `Terminal` given."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from psycompare.encoding import fit_encoding
from psycompare.errors import StdoutClosed, UsageError, WriteError, unknown_choice
from psycompare.render.formats import DISCLAIMER, FORMATS

if TYPE_CHECKING:  # error lines are written through this module: keep it light
    from datetime import date

    from psycompare.app.terminal import Terminal
    from psycompare.views.base import View


class Output:
    """Decides the format once, then writes views to the terminal it was given."""

    def __init__(
        self,
        fmt: str | None,
        no_color: bool = False,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        pager: bool = True,
        info: Callable[[], dict[str, str] | None] | None = None,
        color: str | None = None,
        notes: Callable[[], list[str]] | None = None,
        terminal: Terminal | None = None,
    ) -> None:
        """``terminal`` (None: `Terminal.detect` on stdout, with ``no_color``, ``color`` and
        ``pager``) holds every fact about the stream: tty, size, colour, encoding, pager."""
        self.info = info  # the dataset's version and date, asked only by machine formats
        self.notes = notes  # what the dataset skipped: printed on stderr after the output
        out = stdout or sys.stdout
        if out is None:  # started with stdout closed (`>&-`)
            raise WriteError("output", "stdout is closed", stdout=True)
        self.stdout: IO[str] = out
        self.stderr = stderr or sys.stderr  # None when stderr is closed: notes are then dropped
        if fmt is not None and fmt not in FORMATS:
            raise unknown_choice("--format value", fmt, FORMATS)
        if terminal is None:
            from psycompare.app.terminal import Terminal

            terminal = Terminal.detect(self.stdout, color=color, no_color=no_color, pager=pager)
        self.terminal = terminal
        self.format = fmt or ("table" if terminal.tty else "plain")
        self.color = terminal.color
        self.encoding = terminal.encoding
        self.pager = terminal.paging and self.format in ("table", "plain", "markdown")

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
        if self.format in ("table", "plain", "markdown"):
            view = for_people(view)
        try:
            self._emit(view, command)
        except BrokenPipeError:
            raise StdoutClosed from None
        except OSError as exc:  # a full disk, an I/O error: the user's problem, not a bug
            raise WriteError("output", exc, stdout=True) from exc
        if disclaimer and self.format in ("table", "plain"):
            for line in wrap_words(DISCLAIMER, self._stderr_width()):
                self.note(line)
        for line in self.notes() if self.notes is not None else ():
            self.note(line)
        if self.format in ("table", "plain"):
            old = self.dataset_age_note()
            if old:
                self.note(old)

    def dataset_age_note(self) -> str:
        """A warning when the dataset is dated more than 12 months before today, else ""."""
        from psycompare.errors import PsycompareError

        try:
            info = self.info() if self.info else None
        except PsycompareError:
            return ""
        if not info or not info.get("date"):
            return ""
        from datetime import date

        try:
            dated = date.fromisoformat(info["date"])
        except ValueError:
            return ""
        now = today()
        months = (now.year - dated.year) * 12 + now.month - dated.month - (now.day < dated.day)
        if months <= 12:
            return ""
        return (
            f"psycompare: this dataset is dated {dated.isoformat()}, {months} months ago; facts may have changed "
            "since (update: pip install -U psycompare; what changed: psycompare changes)"
        )

    def _emit(self, view: View, command: str) -> None:
        fmt = self.format
        if fmt in ("table", "plain", "markdown") and self.pager:
            from psycompare.app import pager

            text = self._human(view)
            if pager.page(text, self.stdout, self.terminal, self.stderr):
                return
            self._write(text)
        elif fmt == "table":
            from psycompare.render import table

            term = self.terminal
            table.render(view, self.stdout, self.color, width=term.width, height=term.height)
        elif fmt in ("plain", "markdown"):
            self._write(self._human(view))
        else:
            from psycompare.render import machine

            if fmt == "csv":
                text = machine.render_csv(view)
            else:
                from psycompare.contract import STREAMS, meta

                head = meta(command, self.info() if self.info else None)
                ascii_only = not _is_utf(self.encoding)
                if fmt == "jsonl":
                    text = machine.render_jsonl(view, STREAMS[command], ascii_only=ascii_only)
                elif fmt == "json":
                    text = machine.render_json(view, head, ascii_only=ascii_only)
                else:
                    text = machine.render_toml(view, head)
            write_data(self.stdout, text, fmt)

    def _human(self, view: View) -> str:
        """A human format as one string (what a pager is given)."""
        fmt = self.format
        term = self.terminal
        if fmt == "table":
            import io

            from psycompare.render import table

            buf = io.StringIO()
            table.render(view, buf, self.color, width=term.width, height=term.height)
            return buf.getvalue()
        if fmt == "plain":
            from psycompare.render import plain

            # plain text fits the screen it is paged on; into a pipe it is 100 wide unless COLUMNS says
            return plain.render(view, width=min(term.columns or (term.width if self.pager else 100), 120))
        from psycompare.render import markdown

        return markdown.render(view)

    def _stderr_width(self) -> int | None:
        """COLUMNS, else the terminal's width when stderr is one; None when it is not."""
        if self.terminal.columns is not None:
            return self.terminal.columns
        try:
            return self.terminal.width if self.stderr.isatty() else None
        except (ValueError, AttributeError):  # closed or missing stderr
            return None

    def note(self, text: str) -> None:
        """A line for people on stderr (never mixed into stdout)."""
        write_err(self.stderr, text)


def wrap_words(text: str, width: int | None) -> list[str]:
    """Lines of at most ``width`` characters, broken between words (a longer word stays whole);
    one line when there is no width."""
    if not width or len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def today() -> date:
    """Today's date (a function, so tests can set it)."""
    from datetime import date

    return date.today()


def for_people(view: View) -> View:
    """Data is never code for the terminal: clean every string a human format shows.

    The one choke point for table, plain and markdown: block titles, columns, cells
    (str or lists of str), row origins, footnote sources and the heading go through
    `text.clean_tree` (controls made visible, line breaks in data become spaces).
    """
    from psycompare.text import clean, clean_tree

    view._blocks = clean_tree(view.blocks)
    view.footnotes = clean_tree(view.footnotes)
    if isinstance(getattr(view, "heading", None), str):
        view.heading = clean(view.heading)
    return view


def _is_utf(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "").startswith("utf")


def _toml_escape(c: str) -> str:
    n = ord(c)
    return f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


def write_data(stream: IO[str], text: str, fmt: str) -> None:
    """Write machine output whole, whatever the stream's encoding.

    On a stream that is not UTF-8 (``PYTHONIOENCODING=ascii``, ``LC_ALL=C``), JSON is
    already ASCII (``ensure_ascii``), TOML escapes non-ASCII characters as ``\\uXXXX``
    (inside strings, the only place tomli-w writes them), and CSV, which has no
    escapes, is written as UTF-8 bytes to the underlying buffer.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if not _is_utf(encoding) and not text.isascii():
        if fmt == "toml":
            text = "".join(c if c.isascii() else _toml_escape(c) for c in text)
        elif fmt == "json":
            import json

            text = json.dumps(json.loads(text), ensure_ascii=True, indent=2) + "\n"
        else:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                try:
                    stream.flush()
                    buffer.write(text.encode("utf-8"))
                    buffer.flush()
                except BrokenPipeError:
                    raise StdoutClosed from None
                except OSError as exc:
                    raise WriteError("output", exc, stdout=True) from exc
                return
            text = text.encode(encoding, "replace").decode(encoding)
    write_out(stream, text)


def write_out(stream: IO[str] | None, text: str) -> None:
    """Write data to stdout as is; a closed pipe becomes StdoutClosed, a failed write WriteError."""
    if stream is None:
        if text:
            raise WriteError("output", "stdout is closed", stdout=True)
        return
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise StdoutClosed from None
    except OSError as exc:
        raise WriteError("output", exc, stdout=True) from exc


def write_err(stream: IO[str] | None, text: str) -> None:
    """Write one line to stderr, safe for any encoding and any string; never fails.

    A closed stderr (``2>&-``, ``sys.stderr`` is None) or a failing one loses the
    line but never turns a successful call into a failed one.
    """
    if stream is None:
        return
    from psycompare.text import clean

    enc = getattr(stream, "encoding", None) or "utf-8"
    line = clean(text).encode(enc, "backslashreplace").decode(enc, "replace")
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError, AttributeError):
        pass

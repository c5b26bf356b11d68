"""A strict argv parser for plain calls of the hot commands, so they skip importing Typer.

`import typer` alone costs several times a bare interpreter start. Calls such as
``psycompare status mdma --format json`` need none of it, so this module parses
exactly the plain forms of list, show, compare, status, timeline, side-effects, sources,
search and interactions and hands anything else (help, completion, an unknown or repeated option, a
value Typer would convert or reject, ``--``) to the Typer app by returning None.
Both paths run the same `commands` functions; the test suite checks that they
print the same thing for generated command lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from psycompare.app import commands
from psycompare.render.formats import FORMATS

NONE, ONE, MANY, ANY = 0, 1, 2, 3  # how many positional arguments a command takes (ANY: zero or more)

_FORMAT = {"--format": "fmt", "-f": "fmt"}
_JURISDICTION = {"--jurisdiction": "jurisdiction", "-j": "jurisdiction"}
_WIDE = {"--wide": "wide", "-w": "wide"}

# command -> (function, positionals, options taking a value -> keyword, flags -> keyword)
_COMMANDS: dict[str, tuple[Callable[..., Any], int, dict[str, str], dict[str, str]]] = {
    "list": (
        commands.list_,
        NONE,
        {**_FORMAT, **_JURISDICTION, "--class": "klass", "--approval": "approval", "--schedule": "schedule"},
        _WIDE,
    ),
    "show": (commands.show, MANY, {**_FORMAT, "--section": "section", "-s": "section"}, {}),
    "compare": (
        commands.compare,
        MANY,
        {**_FORMAT, **_JURISDICTION, "--fields": "fields", "--as-of": "as_of"},
        {"--full": "full"},
    ),
    "status": (commands.status, ANY, {**_FORMAT, **_JURISDICTION, "--as-of": "as_of"}, {"--all": "all_", **_WIDE}),
    "timeline": (
        commands.timeline,
        ANY,
        {**_FORMAT, **_JURISDICTION, "--since": "since", "--until": "until", "--kind": "kind"},
        _WIDE,
    ),
    "side-effects": (commands.side_effects, MANY, {**_FORMAT, "--setting": "setting"}, {"--serious": "serious"}),
    "sources": (commands.sources, MANY, _FORMAT, _WIDE),
    "search": (commands.search, ONE, _FORMAT, {}),
    "interactions": (commands.interactions, ANY, _FORMAT, {"--coverage": "coverage", "--full": "full"}),
}
_GLOBAL_FLAGS = frozenset({"--no-bundled", "--no-color", "--no-pager", "--debug"})
_GLOBAL_VALUES = frozenset({"--data", "--color"})  # global options that take a value
_COLORS = ("auto", "always", "never")


def hoist_globals(argv: list[str]) -> list[str]:
    """Move global options written after the command (`compare a b --no-color`) to the front,
    where both parsers expect them. Nothing after a `--` moves."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        i += 2 if argv[i] in _GLOBAL_VALUES else 1
    if i >= len(argv) or argv[i] == "--":
        return argv
    front, rest = argv[:i], argv[i:]
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        tok = rest[j]
        if tok == "--":
            kept.extend(rest[j:])
            break
        if tok in _GLOBAL_FLAGS:
            moved.append(tok)
        elif tok in _GLOBAL_VALUES and j + 1 < len(rest):
            moved.extend(rest[j : j + 2])
            j += 1
        elif tok.startswith(("--data=", "--color=")):
            moved.append(tok)
        else:
            kept.append(tok)
        j += 1
    return front + moved + kept


def parse(argv: list[str]) -> Callable[[], int | None] | None:
    """A ready-to-run call for a plain command line, or None to let Typer handle it."""
    if "_PSYCOMPARE_COMPLETE" in os.environ:  # shell completion is Typer's job
        return None
    data: list[str] = []
    flags: set[str] = set()
    color: str | None = None
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        tok = argv[i]
        if tok in _GLOBAL_FLAGS and tok not in flags:
            flags.add(tok)
        elif tok == "--data" and i + 1 < len(argv) and _plain_value(argv[i + 1]):
            i += 1
            data.append(argv[i])
        elif tok.startswith("--data=") and _plain_value(tok[7:]):
            data.append(tok[7:])
        elif tok == "--color" and color is None and i + 1 < len(argv) and argv[i + 1] in _COLORS:
            i += 1
            color = argv[i]
        elif tok.startswith("--color=") and color is None and tok[8:] in _COLORS:
            color = tok[8:]
        else:
            return None
        i += 1
    if i == len(argv) or argv[i] not in _COMMANDS:
        return None
    func, positionals, options, flag_options = _COMMANDS[argv[i]]
    names: list[str] = []
    kwargs: dict[str, Any] = {}
    rest = iter(argv[i + 1 :])
    for tok in rest:
        if not tok.startswith("-"):
            names.append(tok)
            continue
        key, eq, value = tok.partition("=") if tok.startswith("--") else (tok, "", "")
        if key in flag_options and not eq and flag_options[key] not in kwargs:
            kwargs[flag_options[key]] = True
            continue
        if key not in options or options[key] in kwargs:
            return None
        if not eq:
            value = next(rest, "-")  # a missing value falls through to Typer's error
        keyword = options[key]
        if not _plain_value(value) or not _allowed(keyword, value):
            return None
        kwargs[keyword] = value
    if positionals == NONE and names or positionals in (ONE, MANY) and not names:
        return None
    if positionals == ONE:  # search: several words are one query
        kwargs["text"] = " ".join(names)
    elif positionals in (MANY, ANY):
        kwargs["names"] = names

    def call() -> int | None:
        commands.set_debug("--debug" in flags)
        session = commands.Session(
            data,
            bundled="--no-bundled" not in flags,
            no_color="--no-color" in flags,
            no_pager="--no-pager" in flags,
            color=color,
        )
        result: int | None = func(session, **kwargs)
        return result

    return call


def _allowed(keyword: str, value: str) -> bool:
    """Exact spellings of a choice only; Typer handles (and converts or rejects) the rest."""
    if keyword == "fmt":
        return value in FORMATS
    return True


def _plain_value(value: str) -> bool:
    """A value Typer would take as is: not empty and not option-like."""
    return bool(value) and not value.startswith("-")

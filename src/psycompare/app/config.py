"""Defaults a person sets once, in ``config.toml`` in the XDG config directory.

    # ~/.config/psycompare/config.toml
    jurisdiction = "GB"     # the default for -j where a command has one (compare, status --all, list)
    color = "auto"          # auto | always | never
    pager = "less -FRX"     # a command, or "" / "cat" for none

Precedence, as git has it: an option on the command line, then the environment
(PSYCOMPARE_JURISDICTION, PSYCOMPARE_COLOR, PSYCOMPARE_PAGER), then this file, then the
built-in default. Read only when a command needs one of these values.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from psycompare.errors import UsageError, unknown_choice

COLORS = ("auto", "always", "never")
DEFAULTS = {"jurisdiction": "US", "color": "auto", "pager": ""}
ENV = {"jurisdiction": "PSYCOMPARE_JURISDICTION", "color": "PSYCOMPARE_COLOR", "pager": "PSYCOMPARE_PAGER"}
_cache: dict[str, tuple[dict[str, str], str]] = {}


class Setting(NamedTuple):
    key: str
    value: str
    origin: str  # "option", "env PSYCOMPARE_...", "config file", "default"


def path() -> str:
    """``$XDG_CONFIG_HOME/psycompare/config.toml`` (``~/.config`` when unset or not absolute)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "psycompare", "config.toml")


def load() -> dict[str, str]:
    """The file's settings (none when it is missing); a broken file is a usage error naming it."""
    where = path()
    cached = _cache.get(where)
    try:
        stat = os.stat(where)
    except OSError:
        return {}
    key = f"{stat.st_mtime_ns}:{stat.st_size}"
    if cached is not None and cached[1] == key:
        return cached[0]
    import tomllib

    try:
        with open(where, "rb") as fh:
            raw: dict[str, Any] = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"config file {where}: {exc}") from None
    out: dict[str, str] = {}
    for k, v in raw.items():
        if k not in DEFAULTS:
            raise UsageError(f"config file {where}: unknown setting {k!r}; use one of: {', '.join(DEFAULTS)}")
        if not isinstance(v, str):
            raise UsageError(f"config file {where}: {k} must be a string, e.g. {k} = {DEFAULTS[k] or 'less'!r}")
        if k == "color" and v.strip().lower() not in COLORS:
            raise UsageError(f"config file {where}: color must be one of: {', '.join(COLORS)}")
        out[k] = v.strip()
    _cache[where] = (out, key)
    return out


def get(key: str, option: str | None = None) -> Setting:
    """One setting with where it came from: the option, the environment, the file or the default."""
    if option is not None:
        return Setting(key, option, "option")
    env = os.environ.get(ENV[key])
    if env is not None and (env.strip() or key == "pager"):
        return Setting(key, env.strip(), f"env {ENV[key]}")
    found = load().get(key)
    if found is not None:
        return Setting(key, found, "config file")
    return Setting(key, DEFAULTS[key], "default")


def color_mode(option: str | None = None) -> str:
    """auto, always or never (an unknown value from the environment counts as auto)."""
    value = get("color", option).value.lower()
    return value if value in COLORS else "auto"


def color_choice(value: str) -> str:
    """``--color WHEN``: auto, always or never, as git and grep take it."""
    when = value.strip().lower()
    if when not in COLORS:
        raise unknown_choice("--color value", value, COLORS, key=when)
    return when

"""`psycompare changes`: the dataset's CHANGELOG for readers, release by release.

The changelog ships with the data (``CHANGELOG.md`` beside ``dataset.toml``). Sections are
``## VERSION`` (a date-like version, 2026.11.21) or ``## Next release`` (not yet dated);
what a reader does not need is left out: commit hashes, issue numbers and the file's own
preamble for maintainers.
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import NamedTuple

from psycompare.errors import UsageError

_HASH = re.compile(r"\s*\((?:[0-9a-f]{7,40})(?:[,;] ?[0-9a-f]{7,40})*\)")
_COMMIT = re.compile(r"\b(?:since )?commit [0-9a-f]{7,40}\b ?(?:\([^)]*\))?,? ?")
_ISSUE = re.compile(r"\s*\(issues? [0-9][^)]*\)", re.IGNORECASE)
_VERSION = re.compile(r"^(\d{4})[.-](\d{1,2})[.-](\d{1,2})")


class Release(NamedTuple):
    version: str  # as headed; "Next release" for the undated one
    day: date | None  # the version read as a date; None for the next release
    text: str  # the section's body, for readers


def read(root: str) -> list[Release]:
    """The releases of ``root/CHANGELOG.md``, newest first; [] when the file is missing."""
    try:
        with open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return []
    out: list[Release] = []
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        head, _, body = part.partition("\n")
        version = _ISSUE.sub("", head).strip()
        out.append(Release(version, version_date(version), for_readers(body)))
    return out


def for_readers(body: str) -> str:
    """A section without commit hashes and issue numbers (what a maintainer needs, a reader not)."""
    lines = []
    for line in body.strip("\n").splitlines():
        line = _COMMIT.sub("", _HASH.sub("", _ISSUE.sub("", line)))
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n")


def version_date(text: str) -> date | None:
    """2026.11.21 or 2026-11-21 as a date; None for anything else."""
    m = _VERSION.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def since_date(value: str) -> date:
    """`--since`: a version (2026.11.21), a date (2026-11-21) or a year (2025)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    found = version_date(text) if re.fullmatch(r"\d{4}[.-]\d{1,2}[.-]\d{1,2}", text) else None
    if found is None:
        raise UsageError(f"--since takes a version (2026.11.21), a date (2026-11-21) or a year; got {value[:20]!r}")
    return found


def render(releases: list[Release], since: date | None) -> str:
    """Markdown-like text: each release newer than ``since`` (the next release always), newest first."""
    shown = [r for r in releases if since is None or r.day is None or r.day > since]
    if not shown:
        return f"No dataset changes recorded after {since.isoformat() if since else 'that'}.\n"
    parts = []
    for r in shown:
        title = r.version if r.day is None else f"Dataset {r.version}"
        parts.append(f"{title}\n{'=' * len(title)}\n{r.text}\n")
    return "\n".join(parts)

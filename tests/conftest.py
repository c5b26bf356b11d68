"""Shared fixtures: an isolated cache per test, the real entry point in-process (`cli`, `run`)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from psycompare.cli.entry import main
from psycompare.store.dataset import bundled_dir

BUNDLED = bundled_dir()


@pytest.fixture(scope="session")
def _warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder warmed once for the bundled data: index, parsed files, checked rules.

    Each test gets a private copy of it, so a test starts as a user's second call does
    instead of re-parsing every bundled file (0.2 s a test, about 1,000 tests). The cache
    never changes an answer (store/index.py); the cold path is tested by the `cold_cache`
    tests and the golden corpus.
    """
    where = tmp_path_factory.mktemp("warm-cache")
    env = {"PSYCOMPARE_CACHE_DIR": str(where), "PSYCOMPARE_DATA": None, "PSYCOMPARE_DEBUG": None}
    for args in (["list"], ["show", "mdma"], ["interactions", "mdma", "sertraline"], ["interactions", "--coverage"]):
        cli(args, env)
    return where


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    cache = tmp_path_factory.mktemp("cache")
    if request.node.get_closest_marker("cold_cache") is None:
        shutil.copytree(request.getfixturevalue("_warm_cache"), cache, dirs_exist_ok=True)
    monkeypatch.setenv("PSYCOMPARE_CACHE_DIR", str(cache))
    monkeypatch.delenv("PSYCOMPARE_DATA", raising=False)
    monkeypatch.delenv("PSYCOMPARE_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # the terminal a test runs in must not change its output (audit 3.6: COLUMNS=60 broke a test)
    for name in ("COLUMNS", "LINES", "PAGER", "PSYCOMPARE_PAGER", "TERM"):
        monkeypatch.delenv(name, raising=False)


class Result(NamedTuple):
    """One command line's outcome, as a shell sees it."""

    exit_code: int
    stdout: str
    stderr: str
    output: str  # stdout and stderr interleaved, as on a terminal


class _Tee(io.StringIO):
    def __init__(self, mixed: io.StringIO) -> None:
        super().__init__()
        self.mixed = mixed

    def write(self, s: str) -> int:
        self.mixed.write(s)
        return super().write(s)


@contextlib.contextmanager
def _environ(env: Mapping[str, str | None]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def cli(args: Sequence[str], env: Mapping[str, str | None] | None = None) -> Result:
    """Run one command line through the real entry point (`cli.entry.main`: the fast path, else
    the Typer app, and its error-to-exit-code mapping) in-process, stdout and stderr captured.

    ``env`` sets (None: unsets) environment variables for this call only.
    """
    mixed = io.StringIO()
    out, err = _Tee(mixed), _Tee(mixed)
    code = 0
    with _environ(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code) if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue(), mixed.getvalue())


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Call the real entry function in-process: (exit code, stdout, stderr)."""

    def _run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data directory."""
    dest = tmp_path / "data"
    shutil.copytree(BUNDLED, dest)
    return dest


MINIMAL_SOURCES = """\
[test-label]
kind = "label"
title = "Test label"
publisher = "Test regulator"
date = 2024-01-02
url = "https://example.org/label"
"""

MINIMAL_RECORD = """\
schema = 1
id = "{id}"
name = "{name}"
generic_name = "{name} generic"
aliases = {aliases}
reviewed = 2025-05-05

[class]
text = "Test class [not markup]"
sources = ["test-label"]

[summary]
text = "A made-up record for tests."
sources = ["test-label"]

[mechanism]
text = "Binds the [bold]test[/bold] receptor."
sources = ["test-label"]

[[status]]
jurisdiction = "US"
regulator = "FDA"
approval = "investigational"
schedule = ""
as_of = 2025-05-05
sources = ["test-label"]
"""


def make_dir(root: Path, records: dict[str, tuple[str, list[str]]], sources: str = MINIMAL_SOURCES) -> Path:
    """A small data directory: {id: (name, aliases)}."""
    (root / "substances").mkdir(parents=True, exist_ok=True)
    (root / "sources.toml").write_text(sources, "utf-8")
    for sid, (name, aliases) in records.items():
        text = MINIMAL_RECORD.format(id=sid, name=name, aliases=str(aliases).replace("'", '"'))
        (root / "substances" / f"{sid}.toml").write_text(text, "utf-8")
    return root

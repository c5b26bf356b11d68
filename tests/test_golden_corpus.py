"""The golden-output corpus: fixed command lines, byte-for-byte output.

Every line in `COMMANDS` runs in-process through the real entry point (so the fast
path and the Typer app both count) against a frozen copy of the data
(`tests/golden/data`, so data edits never move it), with a fixed environment: no
tty, `COLUMNS=100`, `LINES=40`, no pager, no colour, an empty cache. The expected
stdout, stderr and exit code of each line live in `tests/golden/corpus.txt`.

A change of output that is meant: rerun `python scripts/golden.py` and review the diff.
When a new validation rule rejects the frozen data: `python scripts/golden.py --refresh-data`.
"""

from __future__ import annotations

import io
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
CORPUS = GOLDEN / "corpus.txt"
DATA = GOLDEN / "data"
PREFIX = ["--no-bundled", "--data", "$DATA"]

# Each line runs as `psycompare --no-bundled --data $DATA <line>`.
COMMANDS = [
    "list -f plain",
    "list -f table",
    "list -f json",
    "list -f csv",
    "list -f markdown",
    "list --approval approved -f plain",
    "list -j GB -f plain",
    "show mdma -f plain",
    "show ketamine --section status -f json",
    "show psilocybin -f markdown",
    "compare ketamine mdma -f table",
    "compare ketamine mdma -f plain",
    "compare ketamine mdma --full -f markdown",
    "compare ketamine esketamine -j US -f csv",
    "compare mdma psilocybin -f json",
    "status mdma -f json",
    "status mdma -j US -f table",
    "status --all -f plain",
    "status esketamine --as-of 2019-01-01 -f plain",
    "timeline mdma -f plain",
    "timeline -j US --since 2019-01-01 -f csv",
    "side-effects mdma -f plain",
    "side-effects ketamine --serious -f json",
    "sources mdma -f markdown",
    "search serotonin -f plain",
    "interactions mdma sertraline -f plain",
    "interactions mdma -f json",
    "interactions --coverage -f table",
    "export mdma -f toml",
    "data validate",
    "data stale",
    "status --help",
    "show nosuchthing -f plain",
    "status mdma -f yaml",
]

ENV = {"COLUMNS": "100", "LINES": "40", "PSYCOMPARE_PAGER": "cat"}
CLEARED = ("PAGER", "TERM", "NO_COLOR", "PSYCOMPARE_DATA", "PSYCOMPARE_DEBUG", "FORCE_COLOR", "COLORTERM")


@contextmanager
def _fixed_env(cache: str) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key in CLEARED:
            os.environ.pop(key, None)
        os.environ.update(ENV, PSYCOMPARE_CACHE_DIR=cache)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_line(line: str, cache: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one corpus line, the data path written as $DATA."""
    from psycompare.cli.entry import main

    argv = [str(DATA) if a == "$DATA" else a for a in PREFIX + shlex.split(line)]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        with _fixed_env(cache):
            try:
                main(argv)
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdout, sys.stderr = saved
    texts = []
    for stream in (out, err):
        stream.flush()
        raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
        texts.append(raw.decode("utf-8").replace(str(DATA), "$DATA"))
    return code, texts[0], texts[1]


MARK = "#### "
NO_EOL = MARK + "(no newline at end)"


def _block(name: str, text: str) -> str:
    if any(line.startswith(MARK) for line in text.splitlines()):
        raise ValueError(f"output of {name} contains a line starting with {MARK!r}")
    tail = "" if text.endswith("\n") or not text else "\n" + NO_EOL + "\n"
    return f"{MARK}{name}\n{text}{tail}"


def render_corpus(results: dict[str, tuple[int, str, str]]) -> str:
    parts = []
    for line, (code, out, err) in results.items():
        parts.append(f"{MARK}$ psycompare {' '.join(PREFIX)} {line}\n{MARK}exit {code}\n")
        parts.append(_block("stdout", out))
        parts.append(_block("stderr", err))
    return "".join(parts)


def parse_corpus(text: str) -> dict[str, tuple[int, str, str]]:
    """The inverse of `render_corpus`."""
    head = f"{MARK}$ psycompare {' '.join(PREFIX)} "
    results: dict[str, tuple[int, str, str]] = {}
    line = ""
    code = 0
    bodies: dict[str, list[str]] = {}
    current: list[str] = []

    def close() -> None:
        if line:
            out, err = ("".join(bodies[k]) for k in ("stdout", "stderr"))
            results[line] = (code, out, err)

    for raw in text.splitlines(keepends=True):
        if raw.startswith(head):
            close()
            line, bodies = raw[len(head) :].rstrip("\n"), {}
        elif raw.startswith(f"{MARK}exit "):
            code = int(raw[len(MARK) + 5 :])
        elif raw.rstrip("\n") in (f"{MARK}stdout", f"{MARK}stderr"):
            current = bodies.setdefault(raw[len(MARK) :].rstrip("\n"), [])
        elif raw.rstrip("\n") == NO_EOL:
            current[-1] = current[-1].removesuffix("\n")
        else:
            current.append(raw)
    close()
    return results


def generate() -> str:
    results = {}
    for line in COMMANDS:
        with tempfile.TemporaryDirectory() as cache:
            results[line] = run_line(line, cache)
    return render_corpus(results)


def test_corpus_lists_every_command_line() -> None:
    expected = parse_corpus(CORPUS.read_text("utf-8"))
    assert list(expected) == COMMANDS, "corpus.txt is out of date: run python scripts/golden.py"


def test_corpus_round_trips() -> None:
    text = CORPUS.read_text("utf-8")
    assert render_corpus(parse_corpus(text)) == text


@pytest.mark.parametrize("line", COMMANDS)
def test_golden_output(line: str, tmp_path: Path) -> None:
    expected = parse_corpus(CORPUS.read_text("utf-8"))
    assert line in expected, "corpus.txt is out of date: run python scripts/golden.py"
    code, out, err = run_line(line, str(tmp_path / "cache"))
    want_code, want_out, want_err = expected[line]
    assert out == want_out
    assert err == want_err
    assert code == want_code

"""Exit codes: ERROR for any failure, NOT_FOUND only for an unknown substance (audit 3.3)."""

from __future__ import annotations

from psycompare.errors import DataError, ExitCode, NotFoundError, Problem, PsycompareError, WriteError

from .conftest import Run


def test_error_is_one_and_not_found_is_its_alias() -> None:
    assert ExitCode.ERROR == 1 and ExitCode.NOT_FOUND is ExitCode.ERROR
    assert ExitCode(1).name == "ERROR"


def test_only_an_unknown_substance_is_not_found() -> None:
    assert NotFoundError("x", []).exit_code is ExitCode.NOT_FOUND
    assert PsycompareError.exit_code is ExitCode.ERROR
    assert DataError([Problem("f", 1, 1, "k", "bad")]).exit_code is ExitCode.ERROR
    assert WriteError("out", "full").exit_code is ExitCode.ERROR


def test_unknown_substance_and_failed_search_exit_1(run: Run) -> None:
    assert run("show", "nosuchthing")[0] == 1
    assert run("search", "zzzzqqqq-nothing")[0] == 1

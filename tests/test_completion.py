"""Shell completion through the real entry point, as bash asks for it (audit 2026-12-04 UX finding 19):
any case (`MD`, `Spra`, `Mol`), partner drugs and classes for `interactions`, US states for `-j`."""

from __future__ import annotations

import pytest

from .conftest import Run


@pytest.fixture
def complete(run: Run, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """What bash gets back for a command line typed up to the cursor (its last word is being completed)."""

    def _complete(line: str) -> list[str]:
        monkeypatch.setenv("_PSYCOMPARE_COMPLETE", "complete_bash")
        monkeypatch.setenv("COMP_WORDS", f"psycompare {line}")
        monkeypatch.setenv("COMP_CWORD", str(len(line.split(" "))))
        code, out, err = run()
        assert code == 0, err
        return out.splitlines()

    return _complete


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("compare MD", "MDMA"),
        ("compare md", "mdma"),
        ("compare Spra", "Spravato"),
        ("compare Mol", "Molly"),
        ("show KETA", "KETAMINE"),
        ("status mdma -j US-C", "US-CO"),
        ("status mdma -j us-o", "us-or"),
        ("timeline -j US,G", "US,GB"),
        ("timeline --kind appr", "approval"),
        ("compare ketamine mdma --fields status,Sch", "status,Schedule"),
        ("list -f JS", "JSON"),
        ("help comp", "compare"),
        ("schema sta", "status"),
    ],
)
def test_completes_in_any_case(complete, line: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    found = complete(line)
    assert expected in found
    assert all(c.startswith(line.rsplit(" ", 1)[1]) for c in found)  # what the shell keeps


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("interactions mdma ma", {"maoi", "maois", "marplan"}),
        ("interactions mdma lith", {"lithium", "lithobid"}),
        ("interactions mdma SSR", {"SSRI", "SSRIS"}),
        ("interactions mdma trama", {"tramadol"}),
        ("interactions keta", {"ketamine", "ketalar"}),
    ],
)
def test_interactions_completes_partners_and_classes(complete, line: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert expected <= set(complete(line))


def test_names_with_a_space_are_escaped_or_quoted(complete) -> None:  # type: ignore[no-untyped-def]
    assert "special\\ k" in complete("show spe")
    assert "special k" in complete("show 'spe")  # inside the quote the user opened


def test_us_states_only_once_us_is_typed(complete) -> None:  # type: ignore[no-untyped-def]
    assert not any(c.startswith("US-") for c in complete("status mdma -j "))
    assert len([c for c in complete("status mdma -j US") if c.startswith("US-")]) == 51

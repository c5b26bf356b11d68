"""The layout rules of docs/architecture.md that import-linter does not check itself.

The layer, edge and independence contracts live in pyproject.toml and run as
`lint-imports` in .ci/run; this file checks the rest: no import cycle, empty package
`__init__` files, a reason at the top of every module over 500 lines, and the lazy
library names of `psycompare/__init__.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import psycompare

SRC = Path(psycompare.__file__).parent
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "schemas" not in p.parts)


def test_no_import_cycle() -> None:
    grimp = pytest.importorskip("grimp")  # installed with import-linter (test extra)
    graph = grimp.build_graph("psycompare")
    cycles = [
        (a, b)
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("psycompare") and graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_package_init_files_are_empty() -> None:
    inits = [p for p in _modules() if p.name == "__init__.py" and p.parent != SRC]
    assert inits, "no layer packages found"
    for p in inits:
        assert p.read_text("utf-8").strip() == "", f"{p.relative_to(SRC)} must stay empty (no re-exports)"


def test_top_init_imports_nothing_at_start_up() -> None:
    tree = ast.parse((SRC / "__init__.py").read_text("utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    assert top_level == [], "psycompare/__init__.py resolves its names lazily (PEP 562)"


def test_long_modules_say_why() -> None:
    for p in _modules():
        text = p.read_text("utf-8")
        if text.count("\n") > MAX_LINES:
            first = text.splitlines()[0]
            assert first.startswith("# Over 500 lines:"), f"{p.relative_to(SRC)}: give a one-line reason at its top"


@pytest.mark.parametrize("name", sorted(psycompare._PUBLIC))
def test_public_names_resolve(name: str) -> None:
    assert getattr(psycompare, name) is not None


def test_readme_library_names() -> None:
    from psycompare import Dataset, history, interactions

    ds = Dataset()
    assert interactions.for_pair(ds, "mdma", "nardil").severity
    assert callable(history.status_on)


def test_hot_json_call_loads_only_its_own_rooms(tmp_path: Path) -> None:
    """`status -f json` loads its view and nothing human: no Typer, Click or Rich, no table
    renderer, no pager, no other command's view (a static contract cannot see lazy doors)."""
    from .test_fastpath import modules_after

    watch = (
        "typer",
        "click",
        "rich",
        "psycompare.render.table",
        "psycompare.render.plain",
        "psycompare.app.pager",
        "psycompare.cli.typer_app",
        "psycompare.views.show",
        "psycompare.views.compare",
        "psycompare.views.listing",
        "psycompare.text",
    )
    modules_after(["status", "mdma", "--format", "json"], tmp_path, watch)  # builds the index cache (reads text rules)
    assert modules_after(["status", "mdma", "--format", "json"], tmp_path, watch) == "[]"


def test_old_flat_module_names_alias_their_new_homes() -> None:
    """One release of grace for code written against the flat layout (audit 4.1, public API)."""
    import importlib
    import sys

    sys.modules.pop("psycompare.dataset", None)
    with pytest.warns(DeprecationWarning, match=r"psycompare\.dataset is now psycompare\.store\.dataset"):
        old = importlib.import_module("psycompare.dataset")
    assert old is importlib.import_module("psycompare.store.dataset")
    for flat, new in psycompare._MOVED.items():
        sys.modules.pop(f"psycompare.{flat}", None)
        with pytest.warns(DeprecationWarning):
            assert importlib.import_module(f"psycompare.{flat}") is importlib.import_module(f"psycompare.{new}")


def test_views_raise_no_usage_errors() -> None:
    """Option values are checked in one module (app/options.py): a view never raises a usage error."""
    for p in (SRC / "views").glob("*.py"):
        assert "UsageError" not in p.read_text("utf-8"), p.name

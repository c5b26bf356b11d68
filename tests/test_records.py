"""store/records.check_record: the one record check behind Dataset.load and data validate."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from psycompare.errors import DataError
from psycompare.store.dataset import Dataset
from psycompare.store.records import check_record
from psycompare.store.validate import validate_dirs

from .conftest import MINIMAL_RECORD, MINIMAL_SOURCES


def _broken(root: Path) -> Path:
    """beta.toml says id betax and cites two sources sources.toml does not have."""
    (root / "substances").mkdir(parents=True)
    (root / "sources.toml").write_text(MINIMAL_SOURCES, "utf-8")
    text = MINIMAL_RECORD.format(id="betax", name="Beta", aliases="[]")
    class_ = '[class]\ntext = "Test class [not markup]"\nsources = ["test-label"]'
    text = text.replace(class_, '[class]\ntext = "x"\nsources = ["gone"]')
    text = text.replace(
        '[mechanism]\ntext = "Binds the [bold]test[/bold] receptor."\nsources = ["test-label"]',
        '[mechanism]\ntext = "m"\nsources = ["gone", "nope"]',
    )
    (root / "substances" / "beta.toml").write_text(text, "utf-8")
    return root


def test_check_record_locates_the_id_and_every_missing_source(tmp_path: Path) -> None:
    path = _broken(tmp_path) / "substances" / "beta.toml"
    text = path.read_text("utf-8")
    fields, problems, cited, whole = check_record(
        tomllib.loads(text), str(path), text, "x", "beta", {"test-label"}.__contains__
    )
    assert fields["id"] == "betax" and not whole
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "id: id 'betax' does not match the file name 'beta'",
        "class.sources: source id 'gone' is not in sources.toml",
        "mechanism.sources: source id 'gone' is not in sources.toml",
        "mechanism.sources: source id 'nope' is not in sources.toml",
    ]
    assert problems[0].line == 2  # located at the id, not at 1:1
    assert ("gone", ("class", "sources")) in cited
    _, only_sources, _, whole = check_record(tomllib.loads(text), str(path), text, "x", "betax", lambda s: False)
    assert whole and only_sources  # missing sources leave the fields whole: data validate reads on


def test_loading_and_data_validate_report_the_same_problems(tmp_path: Path) -> None:
    root = _broken(tmp_path)
    with pytest.raises(DataError) as info:
        Dataset([root], bundled=False, cache_dir=None).load("beta")
    loaded = {str(p) for p in info.value.problems}
    validated = {str(p) for p in validate_dirs([root]) if "is not cited by any record" not in p.message}
    assert loaded == validated and len(loaded) == 4

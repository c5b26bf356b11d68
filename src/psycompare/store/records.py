"""One record check, for loading (`store.dataset.Dataset.load`) and for `data validate`
(`store.validate`, through `store.files.load_record`): the schema, the id against the
file name, and every cited source id against the sources in use. Each problem is located
in the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from psycompare.errors import Problem
from psycompare.schema.checker import validate_record
from psycompare.schema.fields import Path_

if TYPE_CHECKING:
    from psycompare.schema.locate import Locator

Cited = list[tuple[str, Path_]]


def check_record(
    raw: dict[str, Any],
    file: str,
    text: str | Callable[[], str],
    origin: str,
    expected_id: str,
    known: Callable[[str], bool] | None,
    partial: bool = False,
) -> tuple[dict[str, Any], list[Problem], Cited, bool]:
    """Validate one parsed record file.

    Returns the converted fields, the problems, every cited source id with its path, and
    whether the fields are whole: true when the only problems are source ids missing from
    sources.toml (the record itself reads; `data validate` goes on to check its names).
    ``expected_id`` is the id the file name gives; ``known`` says whether a source id is
    in the sources in use (None: not checked, for a caller that only wants the fields).
    ``text`` (or a function giving it, read only when a problem needs locating) is the
    file's text; ``partial`` records (overlays of an existing id) need only ``id``.
    """
    fields, problems, cited = validate_record(raw, file, text, origin, partial=partial)
    found: list[Locator] = []

    def at(where: Path_) -> tuple[int, int]:
        from psycompare.schema.locate import Locator  # only when there is a problem to locate

        if not found:
            found.append(Locator(text() if callable(text) else text))
        return found[0].find(where)

    if "id" in fields and fields["id"] != expected_id:
        line, col = at(("id",))
        message = f"id {fields['id']!r} does not match the file name {expected_id!r}"
        problems.append(Problem(file, line, col, "id", message))
    whole = not problems
    if known is not None:
        for source_id, where in cited:
            if not known(source_id):
                line, col = at(where)
                message = f"source id {source_id!r} is not in sources.toml"
                from psycompare.schema.locate import dotted

                problems.append(Problem(file, line, col, dotted(where), message))
    return fields, problems, cited, whole

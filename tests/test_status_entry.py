"""model.StatusEntry: one status class; a superseded entry is a StatusEntry with `until`."""

from __future__ import annotations

import json
from datetime import date

from psycompare import model
from psycompare.query.history import start_of, status_on
from psycompare.schema import rules
from psycompare.store.dataset import Dataset

from .conftest import Run


def test_history_entries_are_status_entries_with_until() -> None:
    sub = Dataset().load("dextromethorphan-bupropion")
    assert sub.status and all(type(e) is model.StatusEntry and e.until is None for e in sub.status)
    assert sub.status_history and all(type(h) is model.StatusEntry and h.until for h in sub.status_history)
    assert model.PastStatus is model.StatusEntry  # the old name, for one release
    assert rules.section_of(sub.status_history[0]) is rules.SECTION_BY_KEY["status_history"]
    assert rules.section_of(sub.status[0]) is rules.SECTION_BY_KEY["status"]


def test_status_on_walks_one_class() -> None:
    sub = Dataset().load("dextromethorphan-bupropion")
    then = status_on(sub, "US", date(2024, 1, 1))
    now = status_on(sub, "US", date(2026, 11, 1))
    assert then is not None and then.until == date(2026, 4, 30)
    assert now is not None and now.until is None and start_of(sub, now) == date(2026, 4, 30)
    assert status_on(sub, "US", date(2000, 1, 1)) is None  # before the first recorded fact


def test_a_superseded_entry_prints_its_until(run: Run) -> None:
    rows = json.loads(run("show", "dextromethorphan-bupropion", "-f", "json")[1])["substances"][0]
    assert all("until" in h for h in rows["status_history"]) and all("until" not in e for e in rows["status"])

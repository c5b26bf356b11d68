"""Status on a date: the entry that held in a jurisdiction, from the record's dated history.

A current ``status`` entry holds from its ``since`` date; a ``status_history`` entry from
its ``since`` (or, without one, for every earlier date) until the day before its
``until``. A current entry without ``since`` holds from the last history entry's
``until`` when there is one; otherwise it is known only from its ``as_of`` date. Before
the first recorded fact the answer is None: not recorded. Nothing here guesses from text.

A current entry's note and short form were written on its ``as_of`` date and may tell of
later events (a 2024 refusal in an entry in force since 1988), so for an earlier day they
are left out and the note says so; approval, schedule and indications held all along.
"""

from __future__ import annotations

from datetime import date

from psycompare import model

Entry = model.StatusEntry  # current or superseded (with `until`): one class


def jurisdictions(sub: model.Substance) -> list[str]:
    """Every jurisdiction the record has a current or past status for, current ones first."""
    return list(dict.fromkeys([*(e.jurisdiction for e in sub.status), *(h.jurisdiction for h in sub.status_history)]))


def start_of(sub: model.Substance, entry: model.StatusEntry) -> date:
    """The first day the current entry is known to hold."""
    if entry.since is not None:
        return entry.since
    past = [h.until for h in sub.status_history if h.jurisdiction == entry.jurisdiction and h.until is not None]
    return max(past) if past else entry.as_of


def status_on(sub: model.Substance, jurisdiction: str, day: date) -> Entry | None:
    """The status that held in one jurisdiction on a day, or None when none is recorded for it."""
    want = jurisdiction.upper()
    current = next((e for e in sub.status if e.jurisdiction.upper() == want), None)
    if current is not None and day >= start_of(sub, current):
        return current if day >= current.as_of else as_held(sub, current, day)
    for h in sub.status_history:
        held = h.until is not None and day < h.until and (h.since is None or day >= h.since)
        if h.jurisdiction.upper() == want and held:
            return h
    return None


def as_held(sub: model.Substance, entry: model.StatusEntry, day: date) -> model.StatusEntry:
    """The current entry as it stood on an earlier day: its dated facts, not today's prose."""
    note = f"In force from {start_of(sub, entry).isoformat()}; the note written {entry.as_of.isoformat()} is left out"
    return entry._replace(note=note, short="", short_sources=())

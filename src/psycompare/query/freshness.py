"""Freshness: which facts are older than the dataset they ship in (``psycompare data stale``)."""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any

from psycompare.errors import Problem
from psycompare.schema.fields import SECTIONS, Path_
from psycompare.store.files import load_info, load_record

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_MONTHS = 12


def months_between(earlier: date, later: date) -> int:
    """Calendar months from ``earlier`` to ``later`` (2024-04-24 to 2026-11-21 is 31)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _months_before(ref: date, months: int) -> date:
    y, m = divmod(ref.year * 12 + ref.month - 1 - months, 12)
    day = ref.day
    while True:
        try:
            return date(y, m + 1, day)
        except ValueError:  # 29-31 in a shorter month
            day -= 1


def is_stale(as_of: date, ref: date, months: int = DEFAULT_MONTHS) -> bool:
    """True when ``as_of`` is more than ``months`` months before ``ref``."""
    return as_of < _months_before(ref, months)


def age_note(as_of: date | None, ref: date | None, months: int = DEFAULT_MONTHS) -> str:
    """``as of 2024-04-24, 31 months before this dataset`` for a stale date, else ""."""
    if as_of is None or ref is None or not is_stale(as_of, ref, months):
        return ""
    return f"as of {as_of.isoformat()}, {months_between(as_of, ref)} months before this dataset"


def parse_age(text: str) -> int:
    """``12m``, ``18m``, ``2y`` (or a bare number of months) -> months; ValueError otherwise."""
    t = text.strip().lower()
    unit = t[-1:] if t[-1:] in ("m", "y") else "m"
    digits = t[:-1] if t[-1:] in ("m", "y") else t
    if not digits.isascii() or not digits.isdigit() or len(digits) > 4:
        raise ValueError(f"expected an age such as 12m or 2y, got {text!r}")
    return int(digits) * (12 if unit == "y" else 1)


def reference_date(dirs: list[Path]) -> date | None:
    """The dataset date the ages are measured against: the latest ``dataset.toml`` date."""
    dates = [info.date for d in dirs for info in [load_info(d / "dataset.toml")[0]] if info is not None]
    return max(dates) if dates else None


def stale_facts(dirs: list[Path], ref: date, months: int = DEFAULT_MONTHS) -> list[Problem]:
    """Every fact in the records, and every interaction rule, whose as-of date (its own, else the
    record's or the rules file's reviewed date) is stale.

    Each directory is measured against its own ``dataset.toml`` date (``ref`` when it has none):
    an overlay dated 2099 does not age the bundled facts (audit 2026-12-04 L8).
    """
    out: list[Problem] = []
    for d in dirs:
        own_ref = reference_date([d])
        out.extend(_stale_rules(d, own_ref or ref, months))
        out.extend(_stale_records(d, own_ref or ref, months))
    return out


def _stale_rules(d: Path, ref: date, months: int) -> list[Problem]:
    from psycompare.store.files import read_toml

    path = d / "interactions.toml"
    if not path.is_file():
        return []
    data, text, problems = read_toml(str(path))
    if data is None or problems:
        return []  # `data validate` reports a broken file
    reviewed = data.get("reviewed") if isinstance(data.get("reviewed"), date) else None
    rules = data.get("rule")
    from psycompare.schema.locate import Locator  # `data stale` only: not on the views' path

    locator = Locator(text)
    out: list[Problem] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        own = rule.get("as_of") if isinstance(rule, dict) and isinstance(rule.get("as_of"), date) else None
        when = own or reviewed
        if when is None or not is_stale(when, ref, months):
            continue
        where: Path_ = ("rule", i, "as_of") if own else ("reviewed",)
        line, col = locator.find(where)
        msg = f"as of {when.isoformat()} ({months_between(when, ref)} months old)"
        out.append(Problem(str(path), line, col, f"rule[{i}].as_of" if own else "reviewed", msg))
    return out


def _stale_records(d: Path, ref: date, months: int) -> list[Problem]:
    from psycompare.schema.locate import Locator, dotted  # `data stale` only: not on the views' path

    out: list[Problem] = []
    sub = d / "substances"
    try:
        names = sorted(n for n in os.listdir(sub) if n.endswith(".toml"))
    except OSError:
        return out
    for name in names:
        path = sub / name
        fields, _, _, text = load_record(path, str(d), partial=True)
        if fields is None:
            continue  # `data validate` reports broken records
        locator = Locator(text)
        reviewed = fields.get("reviewed")
        for sec in SECTIONS:
            value = fields.get(sec.attr)
            items: list[Any] = list(value or ()) if sec.many else ([value] if value is not None else [])
            for i, item in enumerate(items):
                own = getattr(item, "as_of", None)
                when = own or reviewed
                if when is None or not is_stale(when, ref, months):
                    continue
                where: Path_ = (sec.key, i) if sec.many else (sec.key,)
                where = (*where, "as_of") if own else ("reviewed",)
                line, col = locator.find(where)
                msg = f"as of {when.isoformat()} ({months_between(when, ref)} months old)"
                out.append(Problem(str(path), line, col, dotted(where), msg))
    return out

"""Option values, checked and normalised in one place: every usage error a user can cause with
an option's value is raised here, so views receive only values they can use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psycompare.errors import UsageError, unknown_choice

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from psycompare.model import Substance


def jurisdiction_code(code: str, subs: Sequence[Substance] = ()) -> str:
    """Normalise a jurisdiction option (`gb` and `UK` -> `GB`) or raise a usage error listing the known codes."""
    from psycompare.query import jurisdiction as jurisdictions

    in_data = tuple(dict.fromkeys(e.jurisdiction for sub in subs for e in sub.status))
    found = jurisdictions.normalise(code, in_data)
    if found is None:
        shown = code.strip()[:20]
        codes = ", ".join(jurisdictions.known(in_data))
        raise UsageError(f"unknown jurisdiction {shown!r}; use one of: {codes} (or US-XX for a US state)")
    return found


def jurisdiction_codes(value: str, subs: Sequence[Substance] = ()) -> list[str]:
    """`-j US,GB`: one or more codes, comma-separated, each normalised (duplicates once)."""
    parts = [p for p in value.split(",") if p.strip()]
    if not parts:
        raise UsageError("-j needs a jurisdiction code, e.g. US or US,GB")
    return list(dict.fromkeys(jurisdiction_code(p, subs) for p in parts))


def default_jurisdiction(option: str | None) -> str:
    """-j as given, else PSYCOMPARE_JURISDICTION, else `jurisdiction` in the config file, else US."""
    from psycompare.app import config

    return config.get("jurisdiction", option).value


def parse_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value (or None), else a usage error naming the option."""
    if value is None:
        return None
    from datetime import date

    text = value.strip()
    try:
        # exactly four ASCII digits, '-', two, '-', two: date.fromisoformat also takes ISO week
        # dates such as 2026-W01-1 (audit 2026-12-04 L3)
        if len(text) != 10 or text[4] != "-" or text[7] != "-" or not (text[:4] + text[5:7] + text[8:]).isdigit():
            raise ValueError
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} expects a date as YYYY-MM-DD, got {value[:20]!r}") from None


def parse_bound(value: str | None, option: str, *, end: bool = False) -> date | None:
    """`--since`/`--until`: a YYYY-MM-DD date, or a year alone (`--since 2025` is 2025-01-01,
    `--until 2025` is 2025-12-31)."""
    if value is not None:
        text = value.strip()
        if len(text) == 4 and text.isascii() and text.isdigit() and text != "0000":
            from datetime import date

            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    try:
        return parse_date(value, option)
    except UsageError:
        raise UsageError(f"{option} expects a date as YYYY-MM-DD or a year, got {(value or '')[:20]!r}") from None


SETTING_WORDS = {
    "clinical": "clinical",
    "medical": "clinical",
    "nonmedical": "nonmedical",
    "non-medical": "nonmedical",
    "non_medical": "nonmedical",
    "recreational": "nonmedical",
}


def setting_code(value: str) -> str:
    """`--setting`: clinical or nonmedical, from the words people use for them."""
    code = SETTING_WORDS.get(value.strip().lower())
    if code is None:
        raise unknown_choice("setting", value, ("clinical", "non-medical"))
    return code


def approval_state(value: str) -> str:
    """`--approval`: one of the schema's approval states (any case, `_` for `-`)."""
    from psycompare import model

    state = value.strip().lower().replace("_", "-").replace(" ", "-")
    if state not in model.APPROVAL_STATES:
        raise unknown_choice("approval state", value, model.APPROVAL_STATES, key=state)
    return state


def schedule_wanted(value: str) -> str:
    """`--schedule`: the code as matched against schedule codes (case and spacing folded)."""
    want = " ".join(value.lower().split())
    if not want:
        raise UsageError("--schedule needs a schedule code, e.g. C-I, 'Class A', S9 or none")
    return want


def show_sections(spec: str | None) -> tuple[str, ...]:
    """``show --section a,b``: validated section names (all when None)."""
    from psycompare.views.show import SHOW_SECTIONS

    if not spec:
        return SHOW_SECTIONS
    keys = [k.strip().lower().replace("_", "-") for k in spec.split(",") if k.strip()]
    aliases = {"side effects": "side-effects", "sideeffects": "side-effects", "onset": "timing", "evidence": "trials"}
    keys = [aliases.get(k, k) for k in keys]
    bad = [k for k in keys if k not in SHOW_SECTIONS]
    if bad:
        raise unknown_choice("section", bad[0], SHOW_SECTIONS, key=bad[0])
    if not keys:
        raise UsageError(f"no sections given; choose from: {', '.join(SHOW_SECTIONS)}")
    return tuple(dict.fromkeys(keys))


def compare_fields(spec: str | None, full: bool = False) -> list[str]:
    """``--fields a,b``: validated row keys, in the order given (the mode's rows when None)."""
    from psycompare.views.compare import FIELD_LABELS, FULL_FIELDS, OLD_FIELD_NAMES, SUMMARY_FIELDS

    if not spec:
        return list(FULL_FIELDS if full else SUMMARY_FIELDS)
    keys = [k.strip().lower().replace("-", "_") for k in spec.split(",") if k.strip()]
    keys = [OLD_FIELD_NAMES.get(k, k) for k in keys]
    bad = [k for k in keys if k not in FIELD_LABELS]
    if bad or not keys:
        import difflib

        hint = difflib.get_close_matches(bad[0], FIELD_LABELS, n=1) if bad else []
        msg = f"unknown field {bad[0]!r}" if bad else "no fields given"
        msg += f"; did you mean {hint[0]!r}?" if hint else f"; choose from: {', '.join(FIELD_LABELS)}"
        raise UsageError(msg)
    return list(dict.fromkeys(keys))


def event_kinds(value: str) -> tuple[str, ...]:
    """`timeline --kind a,b`: event kinds of the schema, each once."""
    from psycompare import model

    kinds = tuple(dict.fromkeys(k.strip().lower() for k in value.split(",") if k.strip()))
    bad = [k for k in kinds if k not in model.EVENT_KINDS]
    if bad or not kinds:
        raise unknown_choice("event kind", bad[0] if bad else value, model.EVENT_KINDS)
    return kinds


def search_text(value: str) -> str:
    """`search TEXT`: any text but an empty one."""
    if not " ".join(value.split()):
        raise UsageError("search text must not be empty")
    return value

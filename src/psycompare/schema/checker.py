"""The checker: parsed TOML into model objects, every problem located (file, line, column,
field); never stops at the first problem. Records, sources, dataset.toml, and the
completeness a full record needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from psycompare import model
from psycompare.errors import Problem
from psycompare.schema.checks import (
    IDENTIFIER_CHECKS,
    _is_doi,
    _is_pmid,
    _is_url,
    _registry_id_ok,
    is_id,
    is_jurisdiction,
    is_source_id,
    mirror_host,
    staging_host,
)
from psycompare.schema.fields import (
    REQUIRED_SECTIONS,
    SCHEMA_VERSION,
    SECTION_BY_KEY,
    SECTIONS,
    SOURCE_FIELDS,
    TOP_FIELDS,
    TOP_MAX,
    Field,
    Path_,
)

if TYPE_CHECKING:
    from psycompare.schema.locate import Locator


def _type_name(value: object) -> str:
    return {
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        list: "array",
        dict: "table",
        date: "date",
    }.get(type(value), type(value).__name__)


class _Checker:
    """Collects problems for one file; locates them lazily in the file's text."""

    def __init__(self, file: str, text: str | Callable[[], str]) -> None:
        self.file = file
        self.text = text
        self.problems: list[Problem] = []
        self._locator: Locator | None = None

    def add(self, path: Path_, message: str) -> None:
        from psycompare.schema.locate import Locator, dotted  # only when there is a problem to locate

        if self._locator is None:
            self._locator = Locator(self.text() if callable(self.text) else self.text)
        line, col = self._locator.find(path)
        self.problems.append(Problem(self.file, line, col, dotted(path), message))

    def value(self, fld: Field, table: dict[str, Any], path: Path_) -> Any:
        """Check one field; return the converted value or None when invalid/absent."""
        if fld.name not in table:
            if fld.required:
                self.add((*path, fld.name), f"missing required field {fld.name!r}")
            return None
        raw = table[fld.name]
        here = (*path, fld.name)
        kind = fld.kind
        if kind == "date":
            if isinstance(raw, date) and not hasattr(raw, "hour"):
                return raw
            if isinstance(raw, str):
                self.add(here, f"expected a TOML date like 2024-08-09 (no quotes), got string {raw!r}")
            else:
                self.add(here, f"expected a date, got {_type_name(raw)}")
            return None
        if kind == "bool":
            if not isinstance(raw, bool):
                self.add(here, f"expected true or false, got {_type_name(raw)}")
                return None
            return raw
        if kind in ("int", "num"):
            ok = isinstance(raw, int) if kind == "int" else isinstance(raw, int | float)
            if not ok or isinstance(raw, bool):
                self.add(here, f"expected {'an integer' if kind == 'int' else 'a number'}, got {_type_name(raw)}")
                return None
            if raw != raw or raw in (float("inf"), float("-inf")):
                self.add(here, f"expected a finite number, got {raw}")
                return None
            if raw < 0:
                self.add(here, "must not be negative")
                return None
            return raw
        if kind in ("strlist", "sources"):
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                self.add(here, "expected an array of strings")
                return None
            if kind == "sources":
                if not raw:
                    self.add(here, "a fact needs at least one source id")
                    return None
                bad = [x for x in raw if not is_source_id(x)]
                if bad:
                    self.add(here, f"malformed source id {bad[0]!r}")
                    return None
            if any(not x.strip() for x in raw):
                self.add(here, "empty string in array")
                return None
            for x in raw:
                if not self._printable(here, x):
                    return None
            return tuple(raw)
        if not isinstance(raw, str):
            self.add(here, f"expected a string, got {_type_name(raw)}")
            return None
        if not self._printable(here, raw):
            return None
        if kind in ("text", "id", "jurisdiction") and not raw.strip():
            self.add(here, "must not be empty")
            return None
        checks = {
            "id": (is_id, "lower-case letters, digits and '-' only"),
            "jurisdiction": (is_jurisdiction, "an ISO 3166 code such as US, GB, AU, US-OR, or EU"),
            "pmid": (_is_pmid, "digits only"),
            "doi": (_is_doi, "a DOI such as 10.1038/s41591-021-01336-3"),
            "url": (_is_url, "an http(s) URL"),
        }
        if kind in checks and raw:
            check, what = checks[kind]
            if not check(raw):
                self.add(here, f"{raw!r} is not {what}")
                return None
        if fld.choices and raw not in fld.choices:
            self.add(here, f"{raw!r} is not one of: {', '.join(fld.choices)}")
            return None
        if fld.limit and len(raw) > fld.limit:
            self.add(here, f"a short form must fit in {fld.limit} characters (this has {len(raw)})")
            return None
        return raw

    def _printable(self, here: Path_, text: str) -> bool:
        """Data is never code for a terminal: no control or bidi characters (tab, newline allowed)."""
        if text.isprintable():  # nearly always: no import on the hot path
            return True
        from psycompare.text import bad_char

        c = bad_char(text)
        if c is None:
            return True
        self.add(here, f"control character U+{ord(c):04X} in text (terminal escapes and bidi controls are refused)")
        return False

    def table(self, fields: tuple[Field, ...], table: dict[str, Any], path: Path_) -> dict[str, Any] | None:
        """Check a table against its fields; None when any field is invalid."""
        known = {f.name for f in fields}
        for key in table:
            if key not in known:
                self.add((*path, key), f"unknown field (expected one of: {', '.join(sorted(known))})")
        before = len(self.problems)
        out = {f.name: self.value(f, table, path) for f in fields}
        if len(self.problems) > before:
            return None
        return {k: v for k, v in out.items() if v is not None}


def validate_record(
    data: dict[str, Any], file: str, text: str | Callable[[], str], origin: str, partial: bool = False
) -> tuple[dict[str, Any], list[Problem], list[tuple[str, Path_]]]:
    """Validate one parsed record.

    Returns the converted fields (keyed by model attribute), the problems, and every
    cited source id with the path that cites it (for the registry checks).
    ``partial`` records (overlays of an existing id) need only ``id``.
    """
    ck = _Checker(file, text)
    out: dict[str, Any] = {}
    cited: list[tuple[str, Path_]] = []
    schema = data.get("schema", SCHEMA_VERSION)
    if isinstance(schema, str) and schema.strip() == str(SCHEMA_VERSION):
        ck.add(("schema",), f"the schema version is a number: write schema = {SCHEMA_VERSION} (no quotes)")
    elif schema != SCHEMA_VERSION:
        ck.add(("schema",), f"unsupported schema version {schema!r} (this psycompare reads {SCHEMA_VERSION})")
    known = {"schema"} | {f.name for f in TOP_FIELDS} | set(SECTION_BY_KEY)
    for key in data:
        if key not in known:
            ck.add((key,), "unknown field")
    for fld in TOP_FIELDS:
        required = fld.required and (not partial or fld.name == "id")
        value = ck.value(Field(fld.name, fld.kind, required), data, ())
        if value is not None:
            out[fld.name] = value
    for sec in SECTIONS:
        raw = data.get(sec.key)
        if raw is None:
            if sec.key in REQUIRED_SECTIONS and not partial:
                ck.add((sec.key,), f"missing required section [{'[' + sec.key + ']' if sec.many else sec.key}]")
            continue
        items = raw if sec.many else [raw]
        if sec.many and not isinstance(raw, list):
            ck.add((sec.key,), f"expected an array of tables [[{sec.key}]], got {_type_name(raw)}")
            continue
        built = []
        for i, item in enumerate(items):
            path: Path_ = (sec.key, i) if sec.many else (sec.key,)
            if not isinstance(item, dict):
                ck.add(path, f"expected a table, got {_type_name(item)}")
                continue
            values = ck.table(sec.fields, item, path)
            if values is None:
                continue
            for sid in values.get("sources", ()):
                cited.append((sid, (*path, "sources")))
            built.append(sec.cls(**values, origin=origin))
        if sec.many:
            out[sec.attr] = tuple(built)
        elif built:
            out[sec.attr] = built[0]
    statuses = out.get("status", ())
    seen: set[str] = set()
    for i, entry in enumerate(statuses):
        if entry.jurisdiction in seen:
            ck.add(("status", i, "jurisdiction"), f"duplicate status entry for {entry.jurisdiction}")
        seen.add(entry.jurisdiction)
    for i, trial in enumerate(out.get("trials", ())):
        if not (trial.pmid or trial.doi):
            ck.add(("trials", i), "a trial needs a pmid or a doi")
    _check_ranks(ck, out)
    _check_history_and_ids(ck, out)
    for i, tr in enumerate(out.get(key) for key in ("onset", "duration")):
        if tr is not None and tr.low > tr.high:
            ck.add((("onset", "duration")[i], "low"), "low is greater than high")
    return out, ck.problems, cited


def _check_ranks(ck: _Checker, out: dict[str, Any]) -> None:
    """Ranked concerns: 1..TOP_MAX, each with a short form, no rank used twice."""
    seen: dict[int, str] = {}
    for key in ("side_effects", "cautions"):
        for i, item in enumerate(out.get(key, ())):
            if not item.top:
                continue
            if not 1 <= item.top <= TOP_MAX:
                ck.add((key, i, "top"), f"rank must be 1 to {TOP_MAX}")
            elif item.top in seen:
                ck.add((key, i, "top"), f"rank {item.top} is already used by {seen[item.top]}")
            else:
                seen[item.top] = f"{key}[{i}]"
            if not item.short:
                ck.add((key, i, "short"), "a ranked concern needs a short form")


def _check_history_and_ids(ck: _Checker, out: dict[str, Any]) -> None:
    """Dated status history, identifier formats and trial registry ids."""
    for i, h in enumerate(out.get("status_history", ())):
        if h.since is not None and h.since >= h.until:
            ck.add(("status_history", i, "until"), "until must be after since")
    spans: dict[str, list[tuple[int, Any, Any]]] = {}
    for i, h in enumerate(out.get("status_history", ())):
        spans.setdefault(h.jurisdiction, []).append((i, h.since, h.until))
    for code, items in spans.items():
        items.sort(key=lambda t: t[2])
        for (_, _, prev_until), (j, since, _) in zip(items, items[1:], strict=False):
            if since is None or since < prev_until:
                ck.add(("status_history", j, "since"), f"overlaps an earlier {code} history entry")
        current = next((e for e in out.get("status", ()) if e.jurisdiction == code), None)
        if current is not None and current.since is not None and current.since < items[-1][2]:
            ck.add(("status_history", items[-1][0], "until"), f"ends after the current {code} status took effect")
    ids = out.get("identifiers")
    if ids is not None:
        for name, (check, what) in IDENTIFIER_CHECKS.items():
            value = getattr(ids, name)
            for v in value if isinstance(value, tuple) else (value,):
                if v and not check(v):
                    ck.add(("identifiers", name), f"{v!r} is not {what}")
    for i, trial in enumerate(out.get("trials", ())):
        bad = [r for r in trial.registry_ids if not _registry_id_ok(r)]
        if bad:
            ck.add(("trials", i, "registry_ids"), f"{bad[0]!r} is not a registry id such as NCT02418585")
    for i, ev in enumerate(out.get("events", ())):
        kind, _, number = ev.application.partition(" ")
        if ev.application and not (kind.isupper() and number.strip() and not any(c.isspace() for c in number)):
            ck.add(("events", i, "application"), "expected a type and a number, such as NDA 211243 or BLA 125320")


def completeness(sub: model.Substance) -> list[tuple[Path_, str]]:
    """What the summary views need from a full record, as (path, message) pairs.

    Not a load error (a user's record may leave summaries out), but `data validate
    --strict` reports it and the bundled dataset must pass it.
    """
    out: list[tuple[Path_, str]] = []
    for i, e in enumerate(sub.status):
        if not e.short:
            out.append((("status", i, "short"), f"no short form for the {e.jurisdiction} status"))
        if not e.schedule_code:
            out.append(
                (
                    ("status", i, "schedule_code"),
                    f'no schedule code for {e.jurisdiction} (use "none" only when a source says not controlled)',
                )
            )
    for i, f in enumerate(sub.effects):
        if not f.short:
            out.append((("effects", i, "short"), "no short form"))
    if not sub.effects:
        out.append((("effects",), "no core effects recorded"))
    pool: list[model.SideEffect | model.Caution] = [*sub.side_effects, *sub.cautions]
    ranked = [x for x in pool if x.top]
    if not 3 <= len(ranked) <= TOP_MAX:
        out.append(
            (("side_effects",), f"rank 3 to {TOP_MAX} top safety concerns (top = 1, 2, ...); found {len(ranked)}")
        )
    for i, t in enumerate(sub.trials):
        if not t.short:
            out.append((("trials", i, "short"), "no short form"))
    if not any(t.key for t in sub.trials):
        out.append((("trials",), "mark one trial as the key evidence (key = true)"))
    return out


def validate_sources(
    data: dict[str, Any], file: str, text: str, origin: str
) -> tuple[dict[str, model.Source], list[Problem]]:
    """Validate the source registry."""
    ck = _Checker(file, text)
    out: dict[str, model.Source] = {}
    for sid, raw in data.items():
        if not is_source_id(sid):
            ck.add((sid,), "malformed source id (lower-case letters, digits, '.', '_', '-')")
            continue
        if not isinstance(raw, dict):
            ck.add((sid,), f"expected a table, got {_type_name(raw)}")
            continue
        values = ck.table(SOURCE_FIELDS, raw, (sid,))
        if values is None:
            continue
        if not (values.get("url") or values.get("pmid") or values.get("doi")):
            ck.add((sid,), "a source needs at least one of url, pmid, doi")
            continue
        _check_secondary(ck, sid, values)
        out[sid] = model.Source(id=sid, origin=origin, **values)
    return out, ck.problems


def _check_secondary(ck: _Checker, sid: str, values: dict[str, Any]) -> None:
    """A mirror or aggregator URL must be marked secondary, and a secondary source must say why."""
    staging = staging_host(values.get("url", ""))
    if staging:
        ck.add(
            (sid, "url"),
            f"{staging} is a staging, development or test host: cite the publisher's public copy",
        )
    host = mirror_host(values.get("url", ""))
    if host and not values.get("secondary"):
        ck.add(
            (sid, "url"),
            f"{host} is a mirror/aggregator host: cite the primary document, "
            "or mark this source `secondary = true` with a `note`",
        )
    if values.get("secondary") and not values.get("note", "").strip():
        ck.add((sid, "secondary"), "a secondary source needs a note saying what primary it stands in for and why")


def validate_info(data: dict[str, Any], file: str, text: str) -> tuple[model.DatasetInfo | None, list[Problem]]:
    """Validate ``dataset.toml``."""
    ck = _Checker(file, text)
    values = ck.table((Field("version", "text"), Field("date", "date")), data, ())
    return (model.DatasetInfo(**values) if values else None), ck.problems

# Over 500 lines: one rule set (checks, specs, checker, locator) still edited whole elsewhere; to split later.
"""The dataset schema: field specs, validation of parsed TOML into model objects, and the reverse.

Validation never stops at the first problem: it returns every problem with the
file, line, column and field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from psycompare import model
from psycompare.errors import Problem

SCHEMA_VERSION = 1
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_SOURCE_ID_CHARS = _ID_CHARS | frozenset("._")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_UPPER_DIGITS = _UPPER | frozenset("0123456789")


# Plain string checks rather than regular expressions: compiling a handful of
# patterns costs several ms at every start-up.
def is_id(s: str) -> bool:
    """A record id: [a-z0-9][a-z0-9-]{0,63}."""
    return 0 < len(s) <= 64 and s[0] != "-" and set(s) <= _ID_CHARS


def is_source_id(s: str) -> bool:
    """A source id: [a-z0-9][a-z0-9._-]{0,127}."""
    return 0 < len(s) <= 128 and s[0] not in "-._" and set(s) <= _SOURCE_ID_CHARS


def is_jurisdiction(s: str) -> bool:
    """US, GB, AU, EU, INTL, or a subdivision such as US-OR."""
    if s in ("EU", "INTL"):
        return True
    country, _, sub = s.partition("-")
    ok = len(country) == 2 and set(country) <= _UPPER
    return ok and (not _ or (0 < len(sub) <= 3 and set(sub) <= _UPPER_DIGITS))


def _is_pmid(s: str) -> bool:
    return 0 < len(s) <= 9 and s.isascii() and s.isdigit()


def _is_doi(s: str) -> bool:
    prefix, slash, rest = s.partition("/")
    return (
        prefix.startswith("10.") and prefix[3:].isdigit() and bool(slash and rest) and not any(c.isspace() for c in s)
    )


def is_http_url(url: str) -> bool:
    """`text.is_http_url` (a string rule, kept with the other string rules), imported on first use."""
    from psycompare.text import is_http_url as rule

    return rule(url)


_is_url = is_http_url


Path_ = tuple[str | int, ...]


class Field(NamedTuple):
    """One key of a table: its TOML name, kind, and whether it is required."""

    name: str
    kind: str  # text | str | date | int | num | bool | strlist | sources | pmid | doi | url
    required: bool = True
    choices: tuple[str, ...] = ()
    limit: int = 0  # the longest a str may be (short forms); 0 for no limit


class Section(NamedTuple):
    """A table (``many=False``) or array of tables (``many=True``) in a record."""

    key: str
    attr: str
    cls: type
    fields: tuple[Field, ...]
    many: bool


SRC = Field("sources", "sources")
AS_OF = Field("as_of", "date", required=False)
FACT_FIELDS = (Field("text", "text"), SRC, AS_OF)
# Short forms: what the summary views show, written from the same sources as the long text.
SHORT_STATUS, SHORT_ITEM, SHORT_TRIAL = 80, 44, 100
TOP_MAX = 5  # at most this many ranked safety concerns per record
SHORT = Field("short", "str", required=False, limit=SHORT_ITEM)
TOP = Field("top", "int", required=False)
# A status entry's fields; a superseded one (`status_history`) adds `until`.
STATUS_FIELDS = (
    Field("jurisdiction", "jurisdiction"),
    Field("regulator", "text"),
    Field("approval", "str", choices=model.APPROVAL_STATES),
    Field("indications", "strlist", required=False),
    Field("schedule", "str"),
    Field("programme", "str", required=False),
    Field("note", "str", required=False),
    Field("short", "str", required=False, limit=SHORT_STATUS),
    Field("schedule_code", "str", required=False, limit=24),
    Field("schedule_since", "date", required=False),
    Field("schedule_sources", "sources", required=False),
    Field("short_sources", "sources", required=False),
    Field("since", "date", required=False),
)

SECTIONS: tuple[Section, ...] = (
    Section("class", "class_", model.Fact, FACT_FIELDS, many=False),
    Section("summary", "summary", model.Fact, FACT_FIELDS, many=False),
    Section("mechanism", "mechanism", model.Fact, (*FACT_FIELDS, SHORT), many=False),
    Section(
        "status",
        "status",
        model.StatusEntry,
        (*STATUS_FIELDS, Field("as_of", "date"), SRC),
        many=True,
    ),
    Section(
        "events",
        "events",
        model.Event,
        (
            Field("date", "date"),
            Field("jurisdiction", "jurisdiction"),
            Field("kind", "str", choices=model.EVENT_KINDS),
            Field("text", "text"),
            SRC,
            AS_OF,
            Field("application", "str", required=False, limit=40),
        ),
        many=True,
    ),
    Section("effects", "effects", model.Fact, (*FACT_FIELDS, SHORT), many=True),
    Section(
        "uses",
        "uses",
        model.Use,
        (
            Field("condition", "text"),
            Field("evidence", "str", choices=model.EVIDENCE_LEVELS),
            Field("text", "text"),
            SRC,
            AS_OF,
        ),
        many=True,
    ),
    Section(
        "side_effects",
        "side_effects",
        model.SideEffect,
        (
            Field("text", "text"),
            Field("frequency", "str", choices=model.FREQUENCIES),
            Field("severity", "str", choices=model.SEVERITIES),
            Field("setting", "str", choices=model.SETTINGS),
            Field("note", "str", required=False),
            SRC,
            AS_OF,
            SHORT,
            TOP,
        ),
        many=True,
    ),
    Section(
        "cautions",
        "cautions",
        model.Caution,
        (
            Field("kind", "str", choices=model.CAUTION_KINDS),
            Field("text", "text"),
            Field("reason", "text"),
            SRC,
            AS_OF,
            SHORT,
            TOP,
            Field("setting", "str", required=False, choices=model.SETTINGS),
        ),
        many=True,
    ),
    Section(
        "delivery",
        "delivery",
        model.Delivery,
        (
            Field("setting", "str", required=False),
            Field("session", "str", required=False),
            Field("monitoring", "str", required=False),
            Field("course", "str", required=False),
            Field("dose", "str", required=False),
            SRC,
            AS_OF,
        ),
        many=False,
    ),
    *(
        Section(
            key,
            key,
            model.TimeRange,
            (
                Field("low", "num"),
                Field("high", "num"),
                Field("unit", "str", choices=model.TIME_UNITS),
                Field("route", "str", required=False),
                Field("note", "str", required=False),
                SRC,
                AS_OF,
                Field("measure", "str", required=False, limit=SHORT_ITEM),
            ),
            many=False,
        )
        for key in ("onset", "duration")
    ),
    Section(
        "trials",
        "trials",
        model.Trial,
        (
            Field("name", "text"),
            Field("phase", "str", choices=("1", "1/2", "2", "2a", "2b", "2/3", "3", "4", "n/a")),
            Field("population", "text"),
            Field("n", "int"),
            Field("primary_endpoint", "text"),
            Field("result", "text"),
            Field("pmid", "pmid", required=False),
            Field("doi", "doi", required=False),
            SRC,
            AS_OF,
            Field("short", "str", required=False, limit=SHORT_TRIAL),
            Field("key", "bool", required=False),
            Field("registry_ids", "strlist", required=False),
        ),
        many=True,
    ),
    Section(
        "notes",
        "notes",
        model.Note,
        (Field("claim", "text"), Field("correction", "text"), SRC, AS_OF),
        many=True,
    ),
    Section(
        "status_history",
        "status_history",
        model.StatusEntry,
        (*STATUS_FIELDS, Field("until", "date"), Field("as_of", "date"), SRC),
        many=True,
    ),
    Section(
        "identifiers",
        "identifiers",
        model.Identifiers,
        (
            Field("cas", "str", required=False),
            Field("cas_salts", "strlist", required=False),
            Field("unii", "str", required=False),
            Field("pubchem_cid", "str", required=False),
            Field("inchikey", "str", required=False),
            Field("chebi", "str", required=False),
            Field("drugbank", "str", required=False),
            Field("atc", "strlist", required=False),
            Field("rxnorm", "str", required=False),
            SRC,
            AS_OF,
        ),
        many=False,
    ),
)
# Every fact may say where in its first-listed source the claim is found (label section "5.1",
# "Table 2", a schedule's item, a page), so a reader can check it without reading the whole
# document. Shown after the citation markers in human views, as a field in JSON.
LOCATOR = Field("locator", "str", required=False, limit=80)
SECTIONS = tuple(s._replace(fields=(*s.fields, LOCATOR)) for s in SECTIONS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
_FIRST_OF_CLASS: dict[type, Section] = {}
for _sec in SECTIONS:
    _FIRST_OF_CLASS.setdefault(_sec.cls, _sec)


def printed_as(sec: Section) -> Section:
    """The section whose fields a fact of ``sec`` is printed with: the first section of its
    class (effects print as a `Fact`), but a superseded status keeps `status_history` (its `until`)."""
    return sec if sec.key == "status_history" else _FIRST_OF_CLASS[sec.cls]


def section_of(item: object) -> Section | None:
    """The section a model object is printed with (`printed_as`), from its class and, for a
    status entry, whether it has `until`."""
    if isinstance(item, model.StatusEntry) and item.until is not None:
        return SECTION_BY_KEY["status_history"]
    return _FIRST_OF_CLASS.get(type(item))


REQUIRED_SECTIONS = ("class", "summary", "mechanism", "status")
TOP_FIELDS = (
    Field("id", "id"),
    Field("name", "text"),
    Field("generic_name", "text"),
    Field("aliases", "strlist"),
    Field("reviewed", "date"),
)
SOURCE_FIELDS = (
    Field("kind", "str", choices=model.SOURCE_KINDS),
    Field("title", "text"),
    Field("publisher", "text"),
    Field("date", "date"),
    Field("url", "url", required=False),
    Field("pmid", "pmid", required=False),
    Field("doi", "doi", required=False),
    Field("secondary", "bool", required=False),
    Field("note", "str", required=False),
)
# Hosts that copy, summarise or re-post primary documents (mirrors, aggregators, content farms,
# wiki mirrors, web archives). The one list: `data validate`, docs/schema.md and tests read it.
# A source on one of them must say so: `secondary = true` and a `note` naming what it stands in for.
MIRROR_HOSTS = (
    "abcdocz.com",
    "assyro.com",
    "canpharm.com",
    "chemeurope.com",
    "clinicaltrialexchange.com",
    "cme30.eu",
    "colorado.public.law",
    "ctv.veeva.com",
    "docslib.org",
    "drugs.com",
    "dweb.link",
    "e-med.co.il",
    "easyinvestix.com",
    "einpresswire.com",
    "everything.explained.today",
    "fda.report",
    "findatwiki.com",
    "funandflip.com",
    "issuhub.com",
    "itiger.com",
    "justia.com",
    "kleineanfragen.de",
    "lexbuild.dev",
    "maestrodatabase.com",
    "mdma.net",
    "mdpsychfoundation.org",
    "meddatax.com",
    "medicoreinc.com",
    "medlibrary.org",
    "medpath.com",
    "medthority.com",
    "mims.com",
    "miragenews.com",
    "myhealthbox.eu",
    "ndclist.com",
    "openjurist.org",
    "ouci.dntb.gov.ua",
    "patriotshemp.com",
    "prideseotools.com",
    "psychedelicnetwork.org.uk",
    "ramaonhealthcare.com",
    "richxsearch.com",
    "rxdruglabels.com",
    "rxmed.com",
    "rxreasoner.com",
    "scribd.com",
    "stockysis.com",
    "studylib.net",
    "synapse.patsnap.com",
    "toad.com",
    "twilightparadox.com",
    "web.archive.org",
    "webarchive.library.unt.edu",
    "webharvest.gov",
    "wikisource.org",
)
MIRROR_PREFIXES = ("vdocuments.",)  # vdocuments.mx, vdocuments.site, ...
# Staging, development, test and demo hosts, and raw cloud origins: never a source, marked or not.
# A host label (any but the top-level domain) in STAGING_LABELS, or ending in "-dev"/"dev" after a
# name (mimsdev), or a host under one of STAGING_SUFFIXES, or localhost / an IP address.
STAGING_LABELS = frozenset(
    ("dev", "develop", "development", "staging", "stage", "stg", "sit", "uat", "qa", "test", "testing")
    + ("demo", "sandbox", "preview", "preprod", "pre-prod", "localhost")
)
STAGING_SUFFIXES = (
    "azurewebsites.net",
    "herokuapp.com",
    "vercel.app",
    "netlify.app",
    "ngrok.io",
    "ngrok-free.app",
    "appspot.com",
    "onrender.com",
)


def mirror_host(url: str) -> str:
    """The known mirror/aggregator host a URL is on, or ""."""
    rest = url.partition("://")[2]
    host = rest.split("/", 1)[0].rpartition("@")[2].partition(":")[0].lower()
    if any(f".{p}" in f".{host}" for p in MIRROR_PREFIXES):
        return host
    for known in MIRROR_HOSTS:
        if host == known or host.endswith("." + known):
            return host
    return ""


def staging_host(url: str) -> str:
    """The staging, development, demo or raw cloud-origin host a URL is on, or ""."""
    rest = url.partition("://")[2]
    host = rest.split("/", 1)[0].rpartition("@")[2].lower()
    host = host.rpartition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    labels = host.split(".")
    if host == "localhost" or host.startswith("[") or all(p.isdigit() for p in labels):
        return host
    for label in labels[:-1]:
        if label in STAGING_LABELS or label.startswith(("dev-", "staging-", "stg-")):
            return host
        if label.endswith(("-dev", "-staging", "-stg")) or (label.endswith("dev") and len(label) > 5):
            return host
    for known in STAGING_SUFFIXES:
        if host == known or host.endswith("." + known):
            return host
    return ""


def is_primary(src: model.Source) -> bool:
    """A primary source: a regulator's, legislature's, label's, trial's or registry's own text
    (a marked copy of one on another host counts; a summary is kind news or database)."""
    return src.kind in model.PRIMARY_KINDS


# Fields merged across data directories: lists append, aliases union, status by jurisdiction.
LIST_SECTIONS = tuple(s.attr for s in SECTIONS if s.many and s.key != "status")


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


def _is_cas(s: str) -> bool:
    """A CAS Registry Number with a valid check digit: 2-7 digits, 2 digits, 1 check digit."""
    parts = s.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return False
    if not (2 <= len(parts[0]) <= 7 and len(parts[1]) == 2 and len(parts[2]) == 1):
        return False
    digits = (parts[0] + parts[1])[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(parts[2])


def _is_inchikey(s: str) -> bool:
    parts = s.split("-")
    return [len(p) for p in parts] == [14, 10, 1] and all(set(p) <= _UPPER for p in parts)


def _is_atc(s: str) -> bool:
    return (
        len(s) == 7
        and s[0] in _UPPER
        and s[1:3].isdigit()
        and set(s[3:5]) <= _UPPER
        and s[5:7].isascii()
        and s[5:7].isdigit()
    )


def _digits(s: str) -> bool:
    return 0 < len(s) <= 12 and s.isascii() and s.isdigit()


IDENTIFIER_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "cas": (_is_cas, "a CAS number with a valid check digit, such as 6740-88-1"),
    "cas_salts": (_is_cas, "a CAS number with a valid check digit, such as 1867-66-9"),
    "unii": (lambda s: len(s) == 10 and set(s) <= _UPPER_DIGITS, "a 10-character UNII such as 690G0D6V8H"),
    "pubchem_cid": (_digits, "a PubChem CID (digits)"),
    "inchikey": (_is_inchikey, "a standard InChIKey (14-10-1 upper-case letters)"),
    "chebi": (lambda s: s.startswith("CHEBI:") and _digits(s[6:]), "a ChEBI id such as CHEBI:6121"),
    "drugbank": (lambda s: len(s) == 7 and s.startswith("DB") and _digits(s[2:]), "a DrugBank id such as DB01221"),
    "atc": (_is_atc, "a 7-character ATC code such as N01AX03"),
    "rxnorm": (_digits, "an RxNorm concept id (digits)"),
}


def _registry_id_ok(s: str) -> bool:
    """NCT ids are checked exactly (NCT + 8 digits); other registries' ids need only a prefix and no spaces."""
    if s.startswith("NCT"):
        return len(s) == 11 and _digits(s[3:])
    return 3 <= len(s) <= 40 and not any(c.isspace() for c in s) and s[:1] in _UPPER


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


def dotted(path: Path_) -> str:
    """Render a field path as ``status[2].approval``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(file)"


# ---------------------------------------------------------------------------------------------
# Reverse: model -> plain TOML-ready dict (export and round trips)


def _plain(obj: object, fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fld in fields:
        value = getattr(obj, fld.name)
        if value is None or (value in ("", ()) and not fld.required):
            continue
        out[fld.name] = list(value) if isinstance(value, tuple) else value
    return out


def record_to_dict(sub: model.Substance) -> dict[str, Any]:
    """The record in schema form, ready for tomli-w or JSON (dates stay ``date`` objects)."""
    out: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for fld in TOP_FIELDS:
        value = getattr(sub, fld.name)
        out[fld.name] = list(value) if isinstance(value, tuple) else value
    for sec in SECTIONS:
        value = getattr(sub, sec.attr)
        if sec.many:
            if value:
                out[sec.key] = [_plain(v, sec.fields) for v in value]
        elif value is not None:
            out[sec.key] = _plain(value, sec.fields)
    return out


def source_to_dict(src: model.Source) -> dict[str, Any]:
    """A registry entry in schema form."""
    return _plain(src, SOURCE_FIELDS)


# ---------------------------------------------------------------------------------------------


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _header_of(line: str) -> tuple[bool, str] | None:
    """``(is_array, name)`` for a table header line such as ``[[status]]  # note``, else None.

    Plain string scanning, linear in the line: the regular expression it replaces was
    cubic on a line like ``[`` followed by thousands of spaces.
    """
    s = line.strip()
    if not s.startswith("["):
        return None
    array = s.startswith("[[")
    body = s[2:] if array else s[1:]
    end = body.find("]")
    if end < 0:
        return None
    name, rest = body[:end].strip(), body[end + 1 :]
    if rest.startswith("]"):
        rest = rest[1:]
    rest = rest.strip()
    if not name or (rest and not rest.startswith("#")):
        return None
    return array, name


def _key_of(line: str) -> tuple[str, int] | None:
    """``(key, 1-based column)`` for a line ``key = ...``, ``"key" = ...`` or ``'key' = ...``."""
    stripped = line.lstrip()
    if not stripped:
        return None
    start = len(line) - len(stripped)
    q = stripped[0]
    if q in "\"'":
        close = stripped.find(q, 1)
        if close < 0:
            return None
        key, rest = stripped[1:close], stripped[close + 1 :]
    else:
        key, eq, _ = stripped.partition("=")
        key = key.rstrip()
        if not eq or not key or not set(key) <= _BARE_KEY:
            return None
        return key, start + 1
    return (key, start + 1) if rest.lstrip().startswith("=") else None


class Locator:
    """Finds the line and column of a field path in a TOML text (1-based).

    A light scan of table headers and keys; it does not parse values, so for a key
    inside an inline table or a multi-line array it points at the enclosing key.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (line index, header name, index among same-named array headers or -1)
        self.headers: list[tuple[int, str, int]] = []
        # (header name, index) -> position in headers of its first occurrence: find() is O(1)
        # in the number of headers (4,000 located problems in one file cost 4,000 lookups,
        # not 4,000 scans; audit 2026-12-04 H5 and L7)
        self._at: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        for i, line in enumerate(self.lines):
            found = _header_of(line)
            if found and not _key_of(line):
                array, name = found
                name = name.strip("\"'")
                if array:
                    counts[name] = counts.get(name, -1) + 1
                    entry = (i, name, counts[name])
                else:
                    entry = (i, name, -1)
                self._at.setdefault((name, entry[2]), len(self.headers))
                self.headers.append(entry)

    def _block(self, pos: int) -> range:
        start = self.headers[pos][0]
        end = self.headers[pos + 1][0] if pos + 1 < len(self.headers) else len(self.lines)
        return range(start + 1, end)

    def _key_in(self, rows: range, key: str) -> tuple[int, int] | None:
        for i in rows:
            found = _key_of(self.lines[i])
            if found and found[0] == key:
                return i + 1, found[1]
        return None

    def find(self, path: Path_) -> tuple[int, int]:
        if not path:
            return 1, 1
        head, rest = path[0], path[1:]
        index = -1
        if rest and isinstance(rest[0], int):
            index, rest = rest[0], rest[1:]
        top = range(0, self.headers[0][0] if self.headers else len(self.lines))
        pos = self._at.get((str(head), index))
        if pos is not None:
            i = self.headers[pos][0]
            key = next((p for p in rest if isinstance(p, str)), None)
            if key is not None:
                found = self._key_in(self._block(pos), key)
                if found:
                    return found
            return i + 1, 1
        # a top-level key (or a table written inline / as a dotted key)
        found = self._key_in(top, str(head))
        if found:
            return found
        return (self.headers[-1][0] + 1 if self.headers else len(self.lines) or 1), 1

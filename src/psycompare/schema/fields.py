"""Field specs: what keys each table of a data file may hold (`Field`, `Section`), the
sections of a record, and the section a model object is printed with."""

from typing import NamedTuple

from psycompare import model

SCHEMA_VERSION = 1

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

# Fields merged across data directories: lists append, aliases union, status by jurisdiction.
LIST_SECTIONS = tuple(s.attr for s in SECTIONS if s.many and s.key != "status")

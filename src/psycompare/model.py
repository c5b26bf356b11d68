"""Typed, immutable records for the dataset. No I/O, no printing.

NamedTuples rather than dataclasses: building ~15 frozen dataclasses costs ~10 ms
at every start-up, NamedTuples well under 1 ms.
"""

from datetime import date as Date
from typing import NamedTuple

APPROVAL_STATES = (
    "approved",
    "approved-other-use",
    "investigational",
    "not-approved",
    "restricted-access",
)
SOURCE_KINDS = ("label", "regulator", "rule", "trial", "registry", "sponsor", "review", "news", "database")
# What counts as a primary source (see docs/schema.md, "Primary sources"): a regulator's or
# legislature's own text, a label, a trial paper or registry record; a sponsor's own release
# counts for the actions it announces (events and investigational status), never for schedules.
PRIMARY_KINDS = ("label", "regulator", "rule", "trial", "registry")
REGULATORY_EVENT_KINDS = ("approval", "refusal", "scheduling", "advisory-vote", "letter")
EVIDENCE_LEVELS = (
    "approved",
    "off-label",
    "phase-3",
    "phase-2",
    "phase-1",
    "observational",
    "not-supported",
)
EVENT_KINDS = (
    "scheduling",
    "approval",
    "refusal",
    "designation",
    "advisory-vote",
    "letter",
    "label-change",
    "programme",
    "submission",
    "other",
)
FREQUENCIES = ("common", "less-common", "rare", "unknown")
SEVERITIES = ("mild", "serious")
SETTINGS = ("clinical", "nonmedical")
CAUTION_KINDS = ("boxed-warning", "contraindication", "warning", "interaction", "trial-exclusion")
TIME_UNITS = ("seconds", "minutes", "hours", "days", "weeks")


class Source(NamedTuple):
    """One entry of the source registry."""

    id: str
    kind: str
    title: str
    publisher: str
    date: Date
    url: str = ""
    pmid: str = ""
    doi: str = ""
    secondary: bool = False  # a copy, summary or aggregator page standing in for an unreachable primary
    note: str = ""  # why a secondary copy is used, or what it stands in for
    origin: str = ""

    @property
    def host(self) -> str:
        """The host name of the URL ("" without one)."""
        rest = self.url.partition("://")[2]
        return rest.split("/", 1)[0].rpartition("@")[2].partition(":")[0].lower()

    @property
    def heading(self) -> str:
        """The title as a source list shows it: a secondary copy says where it sits."""
        if self.secondary:
            where = self.host.removeprefix("www.") or "another host"
            return f"copy on {where} of: {self.title}"
        return self.title

    @property
    def locator(self) -> str:
        """The most stable pointer: PMID, then DOI, then URL."""
        if self.pmid:
            return f"PMID {self.pmid}"
        if self.doi:
            return f"doi:{self.doi}"
        return self.url


class Fact(NamedTuple):
    """A sourced statement; ``short`` is its at-a-glance form (effects only)."""

    text: str
    sources: tuple[str, ...]
    as_of: Date | None = None
    short: str = ""
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class StatusEntry(NamedTuple):
    """Regulatory status in one jurisdiction: a current entry (`status`, ``until`` None) or a
    superseded one (`status_history`), which held from ``since`` (or, without it, for every
    earlier date) until the day before ``until``."""

    jurisdiction: str
    regulator: str
    approval: str
    schedule: str
    as_of: Date
    sources: tuple[str, ...]
    indications: tuple[str, ...] = ()
    programme: str = ""
    note: str = ""
    short: str = ""  # the status in words with its decisive date, for summaries
    schedule_code: str = ""  # C-III, Class A, S8...; "none" when a source says not controlled; "" unknown
    schedule_since: Date | None = None  # when the current schedule took effect
    schedule_sources: tuple[str, ...] = ()  # the sources for the schedule alone (default: sources)
    short_sources: tuple[str, ...] = ()  # the sources for the short form alone (default: sources)
    since: Date | None = None  # when this status (approval and schedule together) took effect
    until: Date | None = None  # superseded entries only: the day the next status took effect
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""

    @property
    def schedule_sources_or_all(self) -> tuple[str, ...]:
        return self.schedule_sources or self.sources


PastStatus = StatusEntry  # the old name of a superseded entry (one class with `until` now); kept for one release


class Event(NamedTuple):
    """A dated milestone."""

    date: Date
    jurisdiction: str
    kind: str
    text: str
    sources: tuple[str, ...]
    as_of: Date | None = None
    application: str = ""  # the regulator's application number (NDA 211243, BLA ..., ANDA ...)
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Use(NamedTuple):
    """A therapeutic use with its level of evidence."""

    condition: str
    evidence: str
    text: str
    sources: tuple[str, ...]
    as_of: Date | None = None
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class SideEffect(NamedTuple):
    """An adverse effect, by frequency, severity and setting."""

    text: str
    frequency: str
    severity: str
    setting: str
    sources: tuple[str, ...]
    note: str = ""
    as_of: Date | None = None
    short: str = ""
    top: int = 0  # rank among the record's top safety concerns (1 first); 0 when not one
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Caution(NamedTuple):
    """A boxed warning, contraindication, warning or interaction, with its reason."""

    kind: str
    text: str
    reason: str
    sources: tuple[str, ...]
    as_of: Date | None = None
    short: str = ""
    top: int = 0  # rank among the record's top safety concerns (1 first); 0 when not one
    setting: str = "clinical"  # whose concern it is when ranked: clinical or nonmedical
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Delivery(NamedTuple):
    """How the drug is given, as the label or the trials describe it."""

    sources: tuple[str, ...]
    setting: str = ""
    session: str = ""
    monitoring: str = ""
    course: str = ""
    dose: str = ""
    as_of: Date | None = None
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class TimeRange(NamedTuple):
    """Onset or duration as numbers with a unit."""

    low: float
    high: float
    unit: str
    sources: tuple[str, ...]
    route: str = ""
    note: str = ""
    as_of: Date | None = None
    measure: str = ""  # what the number is: "time to peak concentration", "elimination half-life"...
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""

    @property
    def text(self) -> str:
        def num(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else str(x)

        span = num(self.low) if self.low == self.high else f"{num(self.low)}-{num(self.high)}"
        out = f"{span} {self.unit}"
        if self.route:
            out += f" ({self.route})"
        if self.note:
            out += f"; {self.note}"
        return out


class Trial(NamedTuple):
    """A key clinical trial."""

    name: str
    phase: str
    population: str
    n: int
    primary_endpoint: str
    result: str
    sources: tuple[str, ...]
    pmid: str = ""
    doi: str = ""
    as_of: Date | None = None
    short: str = ""
    key: bool = False  # shown as the record's key evidence in summaries
    registry_ids: tuple[str, ...] = ()  # NCT02418585, EUCTR..., ISRCTN..., ACTRN...
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Note(NamedTuple):
    """A commonly repeated claim and the correct fact."""

    claim: str
    correction: str
    sources: tuple[str, ...]
    as_of: Date | None = None
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Identifiers(NamedTuple):
    """Standard identifiers for joining a record with other databases."""

    sources: tuple[str, ...]
    cas: str = ""  # CAS Registry Number of the base (free) form
    cas_salts: tuple[str, ...] = ()  # CAS numbers of salts in use (the hydrochloride...)
    unii: str = ""  # FDA GSRS Unique Ingredient Identifier
    pubchem_cid: str = ""
    inchikey: str = ""
    chebi: str = ""  # CHEBI:12345
    drugbank: str = ""  # DB01234
    atc: tuple[str, ...] = ()  # WHO ATC codes
    rxnorm: str = ""  # RxNorm concept id (RxCUI) of the ingredient
    as_of: Date | None = None
    locator: str = ""  # where in the first-listed source: "section 5.1", "Table 2", "p. 12"
    origin: str = ""


class Substance(NamedTuple):
    """One substance record, possibly merged from several data directories."""

    id: str
    name: str
    generic_name: str
    aliases: tuple[str, ...]
    reviewed: Date
    class_: Fact
    summary: Fact
    mechanism: Fact
    status: tuple[StatusEntry, ...]
    events: tuple[Event, ...] = ()
    effects: tuple[Fact, ...] = ()
    uses: tuple[Use, ...] = ()
    side_effects: tuple[SideEffect, ...] = ()
    cautions: tuple[Caution, ...] = ()
    delivery: Delivery | None = None
    onset: TimeRange | None = None
    duration: TimeRange | None = None
    trials: tuple[Trial, ...] = ()
    notes: tuple[Note, ...] = ()
    status_history: tuple[StatusEntry, ...] = ()  # superseded entries, each with `until`
    identifiers: Identifiers | None = None
    files: tuple[str, ...] = ()

    def status_for(self, jurisdiction: str) -> StatusEntry | None:
        """The status entry for one jurisdiction code, if the record has one."""
        want = jurisdiction.upper()
        for entry in self.status:
            if entry.jurisdiction.upper() == want:
                return entry
        return None


class DatasetInfo(NamedTuple):
    """The dataset's own version and date."""

    version: str
    date: Date

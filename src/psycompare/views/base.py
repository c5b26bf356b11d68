"""The base of every command view: what a command shows, as plain data (a JSON-able
``data`` part for machine formats and titled blocks of rows for human formats), citation
numbering, JSON shapes of facts and sources, and the wording of enum values. No printing,
no Rich. One module per command view sits beside this one."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from psycompare import model
from psycompare.schema.fields import SECTIONS
from psycompare.schema.fields import section_of as section_of  # the section a model object is printed with
from psycompare.store.dataset import BUNDLED, Dataset

Cell = str | list[str]  # a list is shown as bullet points


class Row(NamedTuple):
    """One row of a block: cells, the citation numbers and date behind it."""

    cells: Sequence[Cell]
    cites: tuple[int, ...] = ()
    as_of: date | None = None  # shown when it differs from the record's reviewed date
    origin: str = ""  # shown when several data directories are layered
    age: str = ""  # "as of D, N months before this dataset" when the fact is stale
    locator: str = ""  # where in a cited source the fact is found: "see section 5.1 in [3]"


class Block(NamedTuple):
    """A titled table.

    Layouts: grid (a framed table), rows (borderless, as `kubectl get`), wrap (rows whose plain
    text wraps inside its columns), chart (tight marks), fields (``label: value``), records
    (side by side), items (the default; plain shows them as fields).

    ``one_line``: an overview (layout "rows"); table and plain keep every row on one line at
    the terminal's width, cutting cells at a word boundary and dropping the ``drop`` columns
    (first listed, first dropped) when the rest would be cramped. Markdown shows them whole.
    """

    title: str
    columns: list[str]
    rows: list[Row]
    layout: str = "items"
    one_line: bool = False
    drop: tuple[int, ...] = ()


class Footnotes(NamedTuple):
    """Numbered sources of one substance, as cited in the blocks; ``compact``: one line each
    (where it is and its title, cut to the width) in table and plain, for a summary."""

    label: str
    sources: list[tuple[int, model.Source]]
    compact: bool = False


class View:
    """Everything a renderer needs: ``data`` for JSON/TOML, blocks for people, rows for CSV.

    ``blocks`` and ``csv_rows`` may be given as functions; they are then built on
    first use, so a `list` of 10,000 records builds only what its format shows.
    """

    __slots__ = ("data", "_blocks", "csv_header", "_csv_rows", "footnotes", "heading", "hint")

    def __init__(
        self,
        data: dict[str, Any],
        blocks: list[Block] | Callable[[], list[Block]],
        csv_header: list[str],
        csv_rows: list[list[str]] | Callable[[], list[list[str]]],
        footnotes: list[Footnotes] | None = None,
        heading: str = "",
        hint: str = "",
    ) -> None:
        self.data = data
        self._blocks = blocks
        self.csv_header = csv_header
        self._csv_rows = csv_rows
        self.footnotes = footnotes or []
        self.heading = heading
        self.hint = hint  # a last line for people: how to get more

    @property
    def blocks(self) -> list[Block]:
        if callable(self._blocks):
            self._blocks = self._blocks()
        return self._blocks

    @property
    def csv_rows(self) -> list[list[str]]:
        if callable(self._csv_rows):
            self._csv_rows = self._csv_rows()
        return self._csv_rows


class Citer:
    """The citations of one substance's rows: numbers from a `Citations`, rows, and which
    numbers the substance used.

    Alone, a record's sources keep their record order (`record_citations`, the numbering
    `sources NAME` shows). With ``shared`` (several substances in one output) every
    substance draws from one numbering, in order of first citation, so `[4]` means one
    source throughout.
    """

    def __init__(self, ds: Dataset, sub: model.Substance, shared: "Citations | None" = None) -> None:
        self.ds = ds
        self.sub = sub
        self.shared = shared
        self.numbers = shared if shared is not None else record_citations(ds, sub)
        self.used: set[int] = set()
        self.layered = ds.layered
        self.dataset_date = dataset_date(ds)

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        nums = self.numbers.cite(ids)
        self.used.update(nums)
        return nums

    def row(self, cells: Sequence[Cell], item: Any) -> Row:
        cites = self.cite(item.sources)
        as_of = getattr(item, "as_of", None)
        origin = item.origin if self.layered and item.origin != BUNDLED else ""
        age = age_note(as_of or self.sub.reviewed, self.dataset_date)
        return Row(cells, cites, as_of if as_of != self.sub.reviewed else None, origin, age, self.locate(item))

    def locate(self, item: Any) -> str:
        """``see LOCATOR in [n]``: the item's locator, pointing at its first-listed source."""
        where = getattr(item, "locator", "")
        if not where or not item.sources:
            return ""
        first = self.cite(item.sources[:1])
        return f"see {where} in {marker(first)}" if first else f"see {where}"

    def footnotes(self, label: str, all_sources: bool = False) -> Footnotes:
        if self.shared is not None:
            return Footnotes(label, [])  # the shared list is printed once, under everything
        return Footnotes(label, [(n, s) for n, s in self.numbers.footnotes() if all_sources or n in self.used])

    def source_list(self) -> list[tuple[int, model.Source]]:
        """What JSON lists for this substance: the sources it cited, with their numbers."""
        return [(n, s) for n, s in self.numbers.footnotes() if n in self.used]


def dataset_date(ds: Dataset) -> date | None:
    """The dataset's own date (what freshness is measured against), None when unknown."""
    from psycompare.errors import DataError

    try:
        info = ds.info()
    except DataError:
        return None
    return info.date if info else None


def age_note(as_of: date | None, ref: date | None) -> str:
    """``as of 2024-04-24, 31 months before this dataset`` when more than 12 months old, else ""."""
    from psycompare.query.freshness import age_note as note

    return note(as_of, ref)


class Citations:
    """The one citation numbering: `[n]` means one source throughout an output.

    Sources are numbered in order of first citation, after ``first`` (numbered 1, 2, ...
    in the order given: a record's own sources, see `record_citations`). An id the
    dataset does not know gets no number.
    """

    def __init__(self, ds: Dataset, first: Sequence[model.Source] = ()) -> None:
        self.ds = ds
        self.sources: list[model.Source] = list(first)
        self.number: dict[str, int] = {s.id: n for n, s in enumerate(self.sources, 1)}

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        out: set[int] = set()
        for sid in ids:
            n = self.number.get(sid)
            if n is None:
                src = self.ds.source(sid)
                if src is None:
                    continue
                self.sources.append(src)
                n = self.number[sid] = len(self.sources)
            out.add(n)
        return tuple(sorted(out))

    def footnotes(self) -> list[tuple[int, model.Source]]:
        return list(enumerate(self.sources, 1))

    def as_footnotes(self, label: str = "") -> Footnotes:
        return Footnotes(label, self.footnotes())


def record_citations(ds: Dataset, sub: model.Substance) -> Citations:
    """A record's numbering: its own sources in record order (what `sources NAME` lists),
    then anything cited from outside the record (an interaction rule) after them."""
    return Citations(ds, ds.sources_of(sub))


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def fact_json(item: Any, sub: model.Substance, layered: bool) -> dict[str, Any]:
    """A sourced item as JSON: its schema fields plus a resolved ``as_of`` (and origin)."""
    sec = section_of(item)
    out: dict[str, Any] = {}
    for fld in sec.fields if sec else ():
        value = getattr(item, fld.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[fld.name] = value
    out["as_of"] = iso(getattr(item, "as_of", None) or sub.reviewed)
    if layered:
        out["origin"] = item.origin
    return out


def source_json(n: int, src: model.Source) -> dict[str, Any]:
    return {
        "n": n,
        "id": src.id,
        "kind": src.kind,
        "title": src.title,
        "publisher": src.publisher,
        "date": src.date.isoformat(),
        "url": src.url,
        "pmid": src.pmid,
        "doi": src.doi,
        "secondary": src.secondary,
        "note": src.note,
    }


def record_json(ds: Dataset, sub: model.Substance) -> dict[str, Any]:
    """The full record as documented in the README."""
    out: dict[str, Any] = {
        "id": sub.id,
        "name": sub.name,
        "generic_name": sub.generic_name,
        "aliases": list(sub.aliases),
        "reviewed": sub.reviewed.isoformat(),
    }
    for sec in SECTIONS:
        value = getattr(sub, sec.attr)
        if sec.many:
            out[sec.key] = [fact_json(v, sub, ds.layered) for v in value]
        else:
            out[sec.key] = fact_json(value, sub, ds.layered) if value is not None else None
    out["sources"] = [source_json(n, s) for n, s in record_citations(ds, sub).footnotes()]
    if ds.layered:
        out["files"] = list(sub.files)
    return out


# -------------------------------------------------------------------------------------------
# list


WORDS = {
    "approved": "Approved",
    "approved-other-use": "Approved (other use)",
    "investigational": "Investigational",
    "not-approved": "Not approved",
    "restricted-access": "Restricted access",
    "nonmedical": "non-medical",
    "less-common": "less common",
    "trial-exclusion": "trial exclusion",
    "boxed-warning": "boxed warning",
    "advisory-vote": "advisory vote",
    "label-change": "label change",
}


def words(token: str) -> str:
    """An enum token as people read it."""
    return WORDS.get(token, token.replace("-", " "))


NOT_CONTROLLED = ("none", "not listed")  # schedule codes that say a source lists it in no schedule


def schedule_words(e: model.StatusEntry, short: bool = False) -> str:
    """A schedule as people say it: the short code and year, or the instrument in full with the
    date it took effect. "Not controlled" only when a source says so; unknown is "Not recorded"."""
    code = e.schedule_code
    if code == "none" or (short and code in NOT_CONTROLLED):  # one phrase for one idea (audit Low list)
        return "Not controlled"
    if short:
        if not code or code == "unknown":
            return "Not recorded" if not e.schedule else e.schedule
        return code + (f" since {e.schedule_since.year}" if e.schedule_since else "")
    text = e.schedule or ("Not recorded" if not code or code == "unknown" else code)
    if e.schedule_since:
        text += f" (in force since {e.schedule_since.isoformat()})"
    return text


def schedule_text(e: model.StatusEntry) -> str:
    """The schedule in full (`schedule_words`, long form)."""
    return schedule_words(e)


def status_cells(e: model.StatusEntry) -> list[Cell]:
    none = "none approved" if e.approval in ("not-approved", "investigational") else "none recorded"
    ind: Cell = list(e.indications) if len(e.indications) > 1 else (e.indications[0] if e.indications else none)
    return [
        e.jurisdiction,
        e.regulator,
        words(e.approval),
        schedule_text(e),
        e.programme or "none recorded",
        ind,
        e.note,
    ]


def display_name(sub: model.Substance) -> str:
    """The name with its first brand when it has one: "Esketamine (Spravato)"."""
    brand = next((a for a in sub.aliases if a[:1].isupper() and a.isalpha() and a.lower() != sub.name.lower()), "")
    if not brand or f"({brand.lower()})" in sub.name.lower():  # "X (Auvelity)" names its brand already
        return sub.name
    return f"{sub.name} ({brand})"


def short_name(sub: model.Substance) -> str:
    """The name without its bracketed addition ("Mescaline (peyote)" -> "Mescaline")."""
    return sub.name.split(" (", 1)[0].strip() or sub.name


def first_clause(text: str) -> str:
    """The head of a description, before its first `;` or `:` (a class's short form)."""
    for sep in (";", ":"):
        text = text.split(sep, 1)[0]
    return text.strip()


def schedule_short(text: str) -> str:
    """A schedule in a few words: the instrument's name without its bracketed detail
    ("Schedule I (Controlled Substances Act; 21 CFR 1308.11)" -> "Schedule I")."""
    head = text.split(" (", 1)[0].split(";", 1)[0].strip()
    return head or text


def where_short(src: model.Source) -> str:
    """Where a source lives, in a few characters: its PMID, else the web host (doi.org for a
    DOI alone), so a copy on another host shows at a glance."""
    if src.pmid:
        return src.locator
    if src.url:
        return src.host.removeprefix("www.")
    return "doi.org" if src.doi else "-"


_FREQ_ORDER = {f: i for i, f in enumerate(model.FREQUENCIES)}


def sorted_side(items: tuple[model.SideEffect, ...]) -> list[model.SideEffect]:
    return sorted(items, key=lambda s: (s.setting != "clinical", s.severity != "serious", _FREQ_ORDER[s.frequency]))


def marker(cites: tuple[int, ...]) -> str:
    return "[" + ",".join(str(n) for n in cites) + "]"

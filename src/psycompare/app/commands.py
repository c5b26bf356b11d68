"""What each command does, free of any CLI framework: parsed options in, output out.

Both front ends call these functions: the Typer app (`cli/typer_app.py`) and the argv fast
path (`cli/fastpath.py`), so a command behaves the same whichever one parsed it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from psycompare.app.options import (
    approval_state,
    compare_fields,
    default_jurisdiction,
    event_kinds,
    jurisdiction_code,
    jurisdiction_codes,
    parse_bound,
    parse_date,
    schedule_wanted,
    search_text,
    setting_code,
    show_sections,
)
from psycompare.app.session import Session as Session  # both parsers build theirs through this module
from psycompare.errors import ExitCode, PsycompareError, UsageError, unknown_choice

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from psycompare.app.output import Output
    from psycompare.model import Substance


def _past_the_data(s: Session, on: date | None) -> None:
    """A note when --as-of is after the dataset date: the answer is the last one recorded (audit L3)."""
    if on is None:
        return
    info = s.dataset().info()
    if info is not None and on > info.date:
        s.dataset().note(
            f"psycompare: note: the data ends on {info.date.isoformat()}; "
            f"what it says for {on.isoformat()} is the last recorded state"
        )


def list_(
    s: Session,
    fmt: str | None = None,
    klass: str | None = None,
    approval: str | None = None,
    jurisdiction: str | None = None,
    schedule: str | None = None,
    wide: bool = False,
) -> int:
    """Every substance; filters by class text, approval state and schedule code in one jurisdiction."""
    out = s.output(fmt)
    wide = _wide(out, wide)
    if jurisdiction is None:  # a default set in the environment or the config file
        from psycompare.app import config

        found = config.get("jurisdiction")
        jurisdiction = found.value if found.origin != "default" and found.value.upper() != "US" else None
    if klass is None and approval is None and jurisdiction is None and schedule is None:
        from psycompare.views import listing

        ds = s.dataset()
        view = listing.index_list_view(ds, wide)  # straight from the index: no record read
        for row in view.data["substances"]:
            if not row.get("name"):  # every record has a name: this file did not load (audit L1, old 13)
                try:
                    ds.load(row["id"] or "")
                except PsycompareError as exc:
                    ds.note(f"psycompare: could not read a record: {exc}")
        out.emit(view, command="list")
        return ExitCode.OK
    from psycompare.views import listing as overview

    state = approval_state(approval) if approval is not None else None
    code = jurisdiction_code(jurisdiction, _all_records(s)) if jurisdiction is not None else None
    want = schedule_wanted(schedule) if schedule is not None else None
    view = overview.list_view(s.dataset(), klass, state, code, want, wide)
    if not view.data["substances"] and out.format in ("table", "plain"):  # as search and grep: exit 1
        out.note("psycompare: no substance matches these filters")
        return ExitCode.NOT_FOUND
    out.emit(view, command="list")  # a machine format prints its empty list: exit 0
    return ExitCode.OK


def _wide(out: Output, wide: bool) -> bool:
    """Every column in full: asked for, or markdown (a document has no screen width)."""
    return wide or out.format == "markdown"


def _all_records(s: Session) -> list[Substance]:
    return s.dataset().loadable()


def show(s: Session, names: Sequence[str], fmt: str | None = None, section: str | None = None) -> None:
    from psycompare.views import show as views

    sections = show_sections(section)
    out = s.output(fmt)
    out.emit(views.show_view(s.dataset(), s.load(names), sections), command="show")


def compare(
    s: Session,
    names: Sequence[str],
    fields: str | None = None,
    jurisdiction: str | None = None,
    fmt: str | None = None,
    full: bool = False,
    as_of: str | None = None,
) -> None:
    from psycompare.views import compare as compare_view

    on = parse_date(as_of, "--as-of")
    _past_the_data(s, on)
    names = [n for n in names if n.lower() != "vs"]  # `compare ketamine vs mdma` reads naturally
    if len(names) < 2:
        hint = " separated by spaces, not commas" if names and "," in names[0] else "; use 'show NAME' for one"
        raise UsageError(f"compare needs at least two names{hint}")
    keys = compare_fields(fields, full)
    subs = s.load(names)
    if len(subs) < 2:
        raise UsageError(f"{names[0]!r} and {names[1]!r} name the same substance ({subs[0].name}); use 'show'")
    code = ",".join(jurisdiction_codes(default_jurisdiction(jurisdiction), subs))
    out = s.output(fmt)
    out.emit(compare_view.compare_view(s.dataset(), subs, keys, code, full, on), command="compare")


def status(
    s: Session,
    names: Sequence[str],
    jurisdiction: str | None = None,
    fmt: str | None = None,
    all_: bool = False,
    as_of: str | None = None,
    wide: bool = False,
) -> None:
    from psycompare.views import status as views

    on = parse_date(as_of, "--as-of")
    _past_the_data(s, on)
    if all_:
        if names:
            raise UsageError("--all takes no names; use 'status NAME...' or 'status --all -j CODE'")
        from psycompare.views import listing as overview

        where = jurisdiction_codes(default_jurisdiction(jurisdiction), _all_records(s))
        out = s.output(fmt)
        out.emit(overview.status_all_view(s.dataset(), where, _wide(out, wide), on), command="status")
        return
    if not names:
        raise UsageError("status needs a name, or --all -j CODE for every substance")
    subs = s.load(names)
    code = ",".join(jurisdiction_codes(jurisdiction, subs)) if jurisdiction else None
    out = s.output(fmt)
    out.emit(views.status_view(s.dataset(), subs, code, on, _wide(out, wide)), command="status")


def timeline(
    s: Session,
    names: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    jurisdiction: str | None = None,
    kind: str | None = None,
    fmt: str | None = None,
    wide: bool = False,
) -> None:
    """Events of the named substances (all when none is named), oldest first."""
    from psycompare.views import timeline as timeline_view

    start, end = parse_bound(since, "--since"), parse_bound(until, "--until", end=True)
    if start and end and start > end:
        raise UsageError("--since is after --until")
    kinds = event_kinds(kind) if kind is not None else ()
    ds = s.dataset()
    subs = s.load(names) if names else ds.loadable()
    code = ",".join(jurisdiction_codes(jurisdiction, subs)) if jurisdiction else None  # -j US,GB
    out = s.output(fmt)
    view = timeline_view.timeline_view(ds, subs, start, end, code, kinds, _wide(out, wide))
    out.emit(view, command="timeline")


def side_effects(
    s: Session, names: Sequence[str], setting: str | None = None, serious: bool = False, fmt: str | None = None
) -> None:
    from psycompare.views import side_effects as views

    code = setting_code(setting) if setting is not None else None
    out = s.output(fmt)
    out.emit(views.side_effects_view(s.dataset(), s.load(names), code, serious), command="side-effects")


def sources(s: Session, names: Sequence[str], fmt: str | None = None, wide: bool = False) -> None:
    from psycompare.views import sources as views

    out = s.output(fmt)
    out.emit(views.sources_view(s.dataset(), s.load(names), _wide(out, wide)), disclaimer=False, command="sources")


def search(s: Session, text: str, fmt: str | None = None) -> int:
    """Exit 1 when nothing matches, as grep does (machine formats still print their empty result)."""
    from psycompare.views import search as views

    text = search_text(text)
    out = s.output(fmt)
    view, errors = views.search_view(s.dataset(), text)
    for err in errors:
        out.note(f"psycompare: skipped a record: {err}")
    if not view.data["matches"] and out.format in ("table", "plain"):
        out.note(f"psycompare: no matches for {text[:80]!r}")
        return ExitCode.ERROR
    out.emit(view, command="search")
    return ExitCode.OK if view.data["matches"] else ExitCode.ERROR


def interactions(
    s: Session, names: Sequence[str] = (), coverage: bool = False, fmt: str | None = None, full: bool = False
) -> None:
    """Every pair among the names (or one name's recorded interactions), or the coverage matrix."""
    from psycompare.query import interactions as ix
    from psycompare.views import interactions as iv

    if coverage and names:
        raise UsageError("--coverage takes no names")
    if not coverage and not names:
        raise UsageError("interactions needs a name (two or more for pairs), or --coverage")
    out = s.output(fmt)
    ds = s.dataset()
    data = ix.load(ds)
    if coverage:
        skipped: list[PsycompareError] = []
        matrix = ix.coverage(ds, data, skipped)
        for err in skipped:  # a broken record costs only its own row and column (audit M10)
            ds.note(f"psycompare: skipped a record: {err}")
        out.emit(iv.coverage_view(data, *matrix), disclaimer=False, command="interactions-coverage")
        return
    asked = [(n, ix.resolve(ds, data, n)) for n in names]  # every name resolves before anything prints
    unique = list({p.id: p for _, p in asked}.values())
    if len(unique) == 1 and len(asked) > 1:  # as compare: two names for one thing is not a pair
        first, second = asked[0][0], next(n for n, _ in asked[1:])
        raise UsageError(
            f"{first!r} and {second!r} name the same {unique[0].kind} "
            f"({unique[0].name}); use 'interactions {first}' for everything recorded about it"
        )
    if len(unique) == 1:
        found = ix.involving(ds, data, unique[0])
        missing = ix.not_reviewed(ds, data, unique[0])
        out.emit(iv.partner_view(ds, data, asked, found, missing, full), command="interactions")
        return
    found = ix.pairs(data, unique)
    out.emit(iv.pairs_view(ds, data, asked, found, full), command="interactions")


def export(
    s: Session, names: Sequence[str] = (), fmt: str = "toml", out_dir: Path | None = None, force: bool = False
) -> None:
    """Records to stdout, or added to a data directory (existing files kept unless ``force``); the
    whole dataset (no names) takes its partners and interaction rules along."""
    from psycompare.app.output import write_data, write_err
    from psycompare.store import export as exp

    if fmt not in ("toml", "json"):
        raise unknown_choice("--format value", fmt, ("toml", "json"))
    if out_dir is not None and fmt != "toml":
        raise UsageError("--out writes TOML data files; drop --format json")
    ds = s.dataset()
    subs = s.load(names) if names else ds.loadable()
    if out_dir is not None:
        out = os.path.expanduser(os.fspath(out_dir))
        done = exp.write_dir(ds, subs, out, force=force, whole=not names)
        for line in s.notes():
            write_err(sys.stderr, line)
        write_err(
            sys.stderr, f"wrote {done.records} record(s) to {out}; {done.sources_added} source(s) added to sources.toml"
        )
        if done.sources_kept:
            write_err(
                sys.stderr,
                f"psycompare: kept {len(done.sources_kept)} source(s) that {out}/sources.toml defines differently: "
                + ", ".join(done.sources_kept[:5]),
            )
        return
    write_data(sys.stdout, exp.dumps(ds, subs, fmt, whole=not names), fmt)
    for line in s.notes():
        write_err(sys.stderr, line)


def _data_dirs(s: Session, dirs: Sequence[Path]) -> list[Path]:
    """The directories a `data` subcommand checks: those named, else the ones in use."""
    from pathlib import Path

    from psycompare.store.dataset import bundled_dir, env_data_dirs

    if dirs:
        targets = [d.expanduser() for d in dirs]
    else:
        targets = [Path(d) for d in ([bundled_dir()] if s.bundled else []) + [*env_data_dirs(), *s.data_dirs]]
    missing = [d for d in targets if not d.is_dir()]
    if missing:
        raise UsageError(f"not a directory: {missing[0]}")
    return targets


def data_validate(s: Session, dirs: Sequence[Path] = (), *, complete: bool = False) -> int:
    """Print every problem as file:line:col: field: message; exit code 1 when there are any.

    ``complete`` adds the completeness rule (`completeness.check_dirs`) once the data loads cleanly.
    """
    from psycompare.app.output import write_err, write_out
    from psycompare.store.validate import validate_dirs

    targets = _data_dirs(s, dirs)
    problems = validate_dirs([d.resolve() for d in targets])
    if complete and not problems:
        from psycompare.store.completeness import check_dirs

        problems = check_dirs([d.resolve() for d in targets])
    write_out(sys.stdout, "".join(f"{p}\n" for p in problems))
    if problems:
        noun = "directory" if len(targets) == 1 else "directories"
        write_err(sys.stderr, f"{len(problems)} problem(s) in {len(targets)} {noun}")
        return ExitCode.ERROR
    write_err(sys.stderr, f"ok: {', '.join(str(t) for t in targets)}")
    return ExitCode.OK


def data_diff(s: Session, old: Path, new: Path, fmt: str | None = None) -> None:
    """What changed from OLD to NEW, fact by fact; each directory is read on its own."""
    from psycompare.views import diff

    for d in (old, new):
        if not d.is_dir():
            raise UsageError(f"not a directory: {d}")
    out = s.output(fmt)
    out.emit(diff.diff_view(str(old), str(new)), disclaimer=False, command="data-diff")


def schema(s: Session, name: str | None = None, fmt: str | None = None) -> None:
    """Print a shipped JSON Schema, or the list of their names (one a line; ``-f json``: an array)."""
    from psycompare import contract
    from psycompare.app.output import write_out
    from psycompare.render.formats import FORMATS

    if fmt is not None and fmt not in ("json", "plain", "table"):
        if fmt in FORMATS:
            raise UsageError(f"schema prints JSON Schemas; use -f json or plain, not {fmt}")
        raise unknown_choice("--format value", fmt, ("json", "plain"))
    names = (*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS)
    if name is None:
        if fmt == "json":
            import json

            write_out(sys.stdout, json.dumps(list(names), indent=2) + "\n")
        else:
            write_out(sys.stdout, "".join(f"{n}\n" for n in names))
        return
    key = name.strip().lower()
    key = {"side_effects": "side-effects", "diff": "data-diff", "coverage": "interactions-coverage"}.get(key, key)
    if key not in names:
        raise unknown_choice("schema", name, names, key=key)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package folder
    with open(os.path.join(here, "schemas", f"{key}.json"), encoding="utf-8") as fh:
        write_out(sys.stdout, fh.read())


def data_stale(s: Session, dirs: Sequence[Path] = (), older_than: str = "12m") -> int:
    """Print every fact older than the dataset date by more than ``older_than``; exit 1 when any."""
    from psycompare.app.output import write_err, write_out
    from psycompare.query import freshness as stale
    from psycompare.store.dataset import bundled_dir

    try:
        months = stale.parse_age(older_than)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    resolved = [d.resolve() for d in _data_dirs(s, dirs)]
    ref = stale.reference_date(resolved) or stale.reference_date([bundled_dir()])
    if ref is None:
        raise UsageError("no dataset.toml date to measure against")
    found = stale.stale_facts(resolved, ref, months)
    write_out(sys.stdout, "".join(f"{p}\n" for p in found))
    if found:
        write_err(sys.stderr, f"{len(found)} fact(s) more than {months} months older than the dataset date {ref}")
        return ExitCode.ERROR
    write_err(sys.stderr, f"ok: nothing more than {months} months older than {ref}")
    return ExitCode.OK


def data_new(s: Session, name: str, out_dir: Path | None = None, force: bool = False) -> None:
    """A template record to stdout, or to DIR/substances/NAME.toml (never over a file unless ``force``)."""
    from psycompare.app.output import write_err, write_out
    from psycompare.store.template import record_template
    from psycompare.store.writer import OutDir

    text = record_template(name)
    if out_dir is None:
        write_out(sys.stdout, text)
        return
    with OutDir(os.path.expanduser(os.fspath(out_dir))) as root, root.subdir("substances") as subdir:
        subdir.write(f"{name}.toml", text.encode("utf-8"), replace=force)
        shown = subdir.shown(f"{name}.toml")
    write_err(sys.stderr, f"wrote {shown}")


def set_debug(on: bool) -> None:
    """`--debug`: tracebacks instead of one-line errors, for this process and its children."""
    if on:
        os.environ["PSYCOMPARE_DEBUG"] = "1"


def _page_text(s: Session, text: str) -> None:
    """Prose for people: through the pager on a terminal (as the views), else written as is."""
    from psycompare.app.output import write_out

    out = s.output(None)
    if out.pager:
        from psycompare.app import pager

        if pager.page(text, out.stdout, out.terminal, out.stderr):
            return
    write_out(out.stdout, text)


def changes(s: Session, since: str | None = None) -> None:
    """The dataset's CHANGELOG for readers: each release after ``since`` (a version, date or year)."""
    from psycompare.app import changes as ch

    after = ch.since_date(since) if since is not None else None
    ds = s.dataset()
    parts = []
    for idx in ds.indexes:
        releases = ch.read(idx.root)
        if not releases:
            continue
        text = ch.render(releases, after)
        parts.append(text if len(ds.indexes) == 1 else f"[{idx.root}]\n{text}")
    if not parts:
        raise UsageError("no CHANGELOG.md in the data directories in use")
    _page_text(s, "\n".join(parts))


def config_show(s: Session) -> None:
    """Where the config file is, and each setting's value with where it came from."""
    from psycompare.app import config
    from psycompare.app.output import write_out

    where = config.path()
    state = "found" if os.path.isfile(where) else "not found; create it to set defaults"
    lines = [f"config file: {where} ({state})"]
    width = max(len(k) for k in config.DEFAULTS)
    for key in config.DEFAULTS:
        option = s.color if key == "color" else None
        found = config.get(key, option)
        if key == "color" and s.no_color:
            found = config.Setting(key, "never", "option")
        value = found.value if found.value or key != "pager" else "(PAGER, else less -FRX)"
        lines.append(f"{key + ':':<{width + 1}} {value}  [{found.origin}]")
    lines.append("Precedence: option > environment (PSYCOMPARE_JURISDICTION, PSYCOMPARE_COLOR, PSYCOMPARE_PAGER)")
    lines.append("            > config file > default. Example file:")
    lines.append('  jurisdiction = "GB"')
    lines.append('  color = "auto"        # auto | always | never')
    lines.append('  pager = "less -FRX"   # "" or "cat" for none')
    write_out(sys.stdout, "\n".join(lines) + "\n")

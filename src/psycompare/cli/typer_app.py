# Over 500 lines: declarative Typer options and help for every command; little logic per line.
"""The Typer app: every command, its help and its full option parsing.

Plain calls of the hot commands skip it (see `cli/fastpath.py`); both run the same
functions in `app/commands.py`.
"""

# No `from __future__ import annotations` here: Typer reads every parameter's annotation,
# and real objects save it evaluating strings (~40% of building the command tree).
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from psycompare import __version__
from psycompare.app import commands
from psycompare.errors import ExitCode, PsycompareError, StdoutClosed, UsageError, unknown_choice
from psycompare.render.formats import FORMATS

_APP_SETTINGS: dict[str, Any] = {
    "name": "psycompare",
    "help": "Sourced, dated facts about substances used in psychiatric treatment and research.\n\n"
    "\b\nExamples:\n"
    "  psycompare compare ketamine mdma          at a glance (--full: every row)\n"
    "  psycompare status mdma -j GB              regulatory status, dated\n"
    "  psycompare show spravato --section delivery\n"
    "  psycompare interactions mdma sertraline\n"
    "  psycompare status mdma -f json | jq .     json, csv, toml, markdown for scripts\n\n"
    "Global options may also follow the command. Reference information, not medical advice.",
    "rich_markup_mode": None,  # plain Click help and errors: no Rich import on those paths
    "pretty_exceptions_enable": False,
    "no_args_is_help": False,  # bare `psycompare` is turned into `--help` (exit 0) by run()
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 100},
}
app = typer.Typer(**_APP_SETTINGS)
data_app = typer.Typer(
    help="Check, compare and create data directories.",
    epilog="\b\nExamples:\n"
    "  psycompare data validate mydata\n"
    "  psycompare data stale --older-than 18m\n"
    "  psycompare data diff old-data new-data\n"
    "  psycompare data new my-substance --out mydata",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


_F = TypeVar("_F", bound=Callable[..., Any])


class _Command(TyperCommand):
    """Usage lines in one style: `NAME...` required, `[NAME]...` optional (Typer writes `{NAME...}`)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


def _command(group: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[_F], _F]:
    """`group.command(...)` with the usage style above."""
    decorator: Callable[[_F], _F] = group.command(*args, cls=_Command, **kwargs)
    return decorator


class State:
    """The session the callback builds from the global options, for the command that follows."""

    session = commands.Session()


STATE = State()


def typed_case(typed: str, candidate: str) -> str:
    """A completion in the case the user typed: `MD` -> `MDMA`, `Spra` -> `Spravato`, `us-c` -> `us-co`.

    Typer keeps only the candidates that start with the typed text, and the shell puts the
    candidate in place of the word, so matching in any case means answering in the typed case.
    """
    if not candidate.lower().startswith(typed.lower()):
        return candidate
    rest = candidate[len(typed) :]
    if typed.isupper():
        rest = rest.upper()
    elif typed.islower():
        rest = rest.lower()
    return typed + rest


def _names(incomplete: str, found: list[str]) -> list[str]:
    """Completed names in the typed case. A name with a space: as is inside a quote the user
    opened (bash passes the word without it), with its space escaped in bash (`special\\ k`),
    else quoted (`'special k'`)."""
    quote = incomplete[:1] if incomplete[:1] in "'\"" else ""
    typed = incomplete[len(quote) :]
    line = os.environ.get("COMP_WORDS", "")
    in_quote = line.count("'") % 2 == 1 or line.count('"') % 2 == 1
    bash = os.environ.get("_PSYCOMPARE_COMPLETE", "").endswith("bash")
    out = []
    for name in dict.fromkeys(typed_case(typed, n) for n in found):
        if quote:
            out.append(f"{quote}{name}{quote}")
        elif " " not in name or in_quote:
            out.append(name)
        else:
            out.append(name.replace(" ", "\\ ") if bash and typed else f"'{name}'")
    return out


def complete_name(incomplete: str) -> list[str]:
    """Shell completion: ids and aliases, in any case."""
    try:
        found = STATE.session.dataset().completions(incomplete.lstrip("'\""))
        return _names(incomplete, found)
    except Exception:  # completion must never fail loudly
        return []


def complete_partner(incomplete: str) -> list[str]:
    """`interactions`: substances, and the partner drugs (generic and brand) and classes."""
    try:
        from psycompare.query import interactions as ix

        typed = incomplete.lstrip("'\"").casefold()
        ds = STATE.session.dataset()
        found = set(ds.completions(typed))
        found.update(k for k in ix.load(ds).keys if k.startswith(typed))
        return _names(incomplete, sorted(found))
    except Exception:  # completion must never fail loudly
        return []


def _last_of_list(incomplete: str, choices: Any) -> list[str]:
    """Complete the last item of a comma list (`status,sch` -> `status,schedule`)."""
    done, _, last = incomplete.rpartition(",")
    head = done + "," if done else ""
    return [head + typed_case(last, k) for k in choices if k.lower().startswith(last.lower())]


def complete_jurisdiction(incomplete: str) -> list[str]:
    """Codes, and US states once `US` is typed (`-j US-` -> `US-CO`...); comma lists too."""
    from psycompare.query import jurisdiction as jurisdictions

    codes = jurisdictions.known()
    if incomplete.rpartition(",")[2].upper().startswith("US"):
        codes += [f"US-{state}" for state in jurisdictions.US_STATES]
    return _last_of_list(incomplete, codes)


def complete_fields(incomplete: str) -> list[str]:
    from psycompare.views.compare import FIELD_LABELS

    return _last_of_list(incomplete, FIELD_LABELS)


def complete_sections(incomplete: str) -> list[str]:
    from psycompare.views.show import SHOW_SECTIONS

    return _last_of_list(incomplete, SHOW_SECTIONS)


def complete_kinds(incomplete: str) -> list[str]:
    from psycompare.model import EVENT_KINDS

    return _last_of_list(incomplete, EVENT_KINDS)


def complete_schema(incomplete: str) -> list[str]:
    from psycompare import contract

    return _last_of_list(incomplete, (*contract.OUTPUT_SCHEMAS, *contract.DATA_SCHEMAS))


def complete_format(incomplete: str) -> list[str]:
    return [typed_case(incomplete, f) for f in FORMATS if f.startswith(incomplete.lower())]


def _jurisdiction_option(help_text: str, metavar: str = "CODE[,CODE]") -> Any:
    """`-j CODE` for commands where it is optional (`CODE[,CODE]` where several are taken)."""
    return typer.Option(
        "--jurisdiction",
        "-j",
        help=help_text,
        autocompletion=complete_jurisdiction,
        metavar=metavar,
        show_default=False,
    )


def _examples(*lines: str) -> str:
    """An epilog Click prints as is (\\b keeps its line breaks)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


WideOpt = Annotated[
    bool,
    typer.Option("--wide", "-w", help="Every column in full, wrapped, with sources (one line per row otherwise)."),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table, plain, json, csv, markdown, toml, jsonl (one JSON object per line). "
        "Default: table on a terminal, plain in a pipe.",
        autocompletion=complete_format,
        metavar="FORMAT",
        show_default=False,
    ),
]
NamesArg = Annotated[
    list[str],
    typer.Argument(
        help="Substance names, ids or aliases.", autocompletion=complete_name, show_default=False, metavar="NAME..."
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The status that held on this date (YYYY-MM-DD), from the record's dated history.",
        metavar="DATE",
        show_default=False,
    ),
]
JurisdictionOpt = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Jurisdiction code: US, CA, GB (or UK), EU, AU, US-OR..., or several: US,GB "
        "(default: $PSYCOMPARE_JURISDICTION, the config file, else US).",
        autocompletion=complete_jurisdiction,
        metavar="CODE[,CODE]",
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        try:
            info = STATE.session.dataset().info()
            data = f"dataset {info.version} ({info.date.isoformat()})" if info else "no dataset.toml"
        except PsycompareError as exc:
            data = f"dataset unreadable: {exc}"
        typer.echo(f"psycompare {__version__}, {data}")
        raise typer.Exit()


@app.callback()
def _main(
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            help="Extra data directory (repeatable); also $PSYCOMPARE_DATA, a path list.",
            metavar="DIR",
            show_default=False,
        ),
    ] = None,
    no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Use only the --data directories.")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (also NO_COLOR, TERM=dumb).")] = False,
    color: Annotated[
        str | None,
        typer.Option(
            "--color",
            help="Colour: auto (a terminal, unless NO_COLOR or TERM=dumb), always (also into a pipe), never; "
            "also PSYCOMPARE_COLOR and the config file.",
            metavar="WHEN",
            autocompletion=lambda incomplete: [c for c in ("auto", "always", "never") if c.startswith(incomplete)],
            show_default=False,
        ),
    ] = None,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (also PSYCOMPARE_PAGER=cat).")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks (also PSYCOMPARE_DEBUG=1).")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and the dataset's date."),
    ] = False,
) -> None:
    """Sourced, dated facts about ketamine, esketamine, MDMA, psilocybin, LSD and their comparators.

    \b
    Examples:
      psycompare compare ketamine mdma          at a glance; --full for every row
      psycompare status mdma -j GB              regulatory status, dated
      psycompare show spravato --section delivery
      psycompare status mdma -f json | jq .     scripts: json, csv, toml, markdown

    Global options may also follow the command. Not medical advice.
    """
    if any(not d.strip() for d in data or ()):  # a str, not a Path: Path("") would mean the current folder
        raise UsageError("--data needs a directory, got an empty value")
    from psycompare.app.config import color_choice

    when = color_choice(color) if color is not None else None
    STATE.session = commands.Session(
        data or [], bundled=not no_bundled, no_color=no_color, no_pager=no_pager, color=when
    )
    commands.set_debug(debug)


@_command(
    app,
    "list",
    short_help="Every substance: class, approval and schedule; filters.",
    epilog=_examples(
        "psycompare list",
        "psycompare list -f csv > substances.csv",
        "psycompare list --class tryptamine -j GB",
        "psycompare list --approval approved",
        "psycompare list --schedule C-I",
    ),
)
def list_(
    klass: Annotated[
        str | None,
        typer.Option(
            "--class", help="Only classes containing this text (any case).", metavar="TEXT", show_default=False
        ),
    ] = None,
    approval: Annotated[
        str | None,
        typer.Option(
            "--approval",
            help="Only this approval state in the jurisdiction shown: approved, approved-other-use, investigational, "
            "not-approved, restricted-access.",
            metavar="STATE",
            show_default=False,
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        _jurisdiction_option(
            "Show (and filter on) this jurisdiction's approval and schedule instead of the US ones.", "CODE"
        ),
    ] = None,
    schedule: Annotated[
        str | None,
        typer.Option(
            "--schedule",
            help="Only this schedule code or part of one (C-I, 'Class A', S9, none), any case.",
            metavar="CODE",
            show_default=False,
        ),
    ] = None,
    wide: WideOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Every substance with its class, approval state and schedule (US unless -j), optionally filtered."""
    code = commands.list_(STATE.session, _value(fmt), klass, approval, jurisdiction, schedule, wide)
    if code:
        raise typer.Exit(code)


@_command(
    app,
    short_help="A substance's fact sheet, or chosen sections.",
    epilog=_examples(
        "psycompare show mdma",
        "psycompare show spravato --section delivery,cautions",
        "psycompare show mdma --section interactions",
        "psycompare show lsd -f json",
    ),
)
def show(
    names: NamesArg,
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="Only these sections (comma-separated): identity, status, milestones, effects, uses, delivery, "
            "timing, side-effects, cautions, interactions, trials, misconceptions.",
            autocompletion=complete_sections,
            metavar="SECTION[,SECTION]",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """The full fact sheet of one or more substances, or chosen sections of it."""
    commands.show(STATE.session, names, _value(fmt), section)


@_command(
    app,
    short_help="Side by side: status, schedule, effects, risks.",
    epilog=_examples(
        "psycompare compare ketamine mdma",
        "psycompare compare ketamine spravato -j GB --full",
        "psycompare compare mdma psilocybin --fields status,schedule -f csv",
    ),
)
def compare(
    names: NamesArg,
    full: Annotated[bool, typer.Option("--full", help="Every detailed row instead of the one-screen summary.")] = False,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Rows to show, comma-separated: status, schedule, class, mechanism, effects, approved_uses, "
            "off_label_uses, emerging_uses, common_side_effects, concerns, serious_risks, delivery, "
            "onset_duration, evidence, interactions.",
            autocompletion=complete_fields,
            metavar="FIELD[,FIELD]",
            show_default=False,
        ),
    ] = None,
    jurisdiction: JurisdictionOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Side by side, 2 or more names: status, schedule, effects, top concerns and key evidence on one screen."""
    commands.compare(STATE.session, names, fields, jurisdiction, _value(fmt), full, as_of)


@_command(
    app,
    short_help="Regulatory status by jurisdiction, dated.",
    epilog=_examples(
        "psycompare status mdma",
        "psycompare status psilocybin -j US",
        "psycompare status mdma lsd -j uk -f csv",
        "psycompare status --all -j GB",
        "psycompare status esketamine -j US --as-of 2019-01-01",
    ),
)
def status(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Substance names, ids or aliases (none with --all).",
            autocompletion=complete_name,
            show_default=False,
            metavar="[NAME]...",
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="One row per substance for one jurisdiction (-j, default US).")
    ] = False,
    jurisdiction: Annotated[
        str | None,
        _jurisdiction_option("Only these jurisdictions, e.g. GB or US,GB (US also includes US states; UK means GB)."),
    ] = None,
    as_of: AsOfOpt = None,
    wide: WideOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Regulatory status per jurisdiction, dated, with its milestones (or as it stood on a date)."""
    commands.status(STATE.session, names or [], jurisdiction, _value(fmt), all_, as_of, wide)


@_command(
    app,
    short_help="Dated milestones across substances, oldest first.",
    epilog=_examples(
        "psycompare timeline",
        "psycompare timeline mdma psilocybin --since 2020",
        "psycompare timeline -j US,GB --kind approval",
        "psycompare timeline -j AU --kind approval,scheduling -f csv",
    ),
)
def timeline(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Substance names, ids or aliases (default: all).",
            autocompletion=complete_name,
            show_default=False,
            metavar="[NAME]...",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="From this date (YYYY-MM-DD; a year alone: 2025).", metavar="DATE", show_default=False
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Up to this date, inclusive (YYYY-MM-DD; a year alone: to its end).",
            metavar="DATE",
            show_default=False,
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        _jurisdiction_option("Only these jurisdictions, e.g. GB or US,GB (US also includes US states)."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only these event kinds, comma-separated: scheduling, approval, refusal, designation, "
            "advisory-vote, letter, label-change, programme, submission, other.",
            autocompletion=complete_kinds,
            metavar="KIND[,KIND]",
            show_default=False,
        ),
    ] = None,
    wide: WideOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Dated milestones across one or many substances (all when none is named), oldest first."""
    commands.timeline(STATE.session, names or (), since, until, jurisdiction, kind, _value(fmt), wide)


@_command(
    app,
    "side-effects",
    short_help="Side effects and cautions, by setting.",
    epilog=_examples(
        "psycompare side-effects ketamine", "psycompare side-effects mdma --setting non-medical --serious"
    ),
)
def side_effects(
    names: NamesArg,
    setting: Annotated[
        str | None,
        typer.Option(
            "--setting",
            help="Clinical use (clinical) or non-medical use (non-medical, nonmedical, recreational).",
            metavar="SETTING",
            show_default=False,
        ),
    ] = None,
    serious: Annotated[bool, typer.Option("--serious", help="Only serious effects.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Side effects by frequency, severity and setting, with cautions."""
    commands.side_effects(STATE.session, names, setting, serious, _value(fmt))


@_command(
    app,
    short_help="Every source behind a record, numbered.",
    epilog=_examples("psycompare sources mdma", "psycompare sources ketamine -f csv"),
)
def sources(names: NamesArg, wide: WideOpt = False, fmt: FormatOpt = None) -> None:
    """Every source behind a record, numbered as cited in the other views."""
    commands.sources(STATE.session, names, _value(fmt), wide)


@_command(
    app,
    short_help="Where words appear across the dataset.",
    epilog=_examples("psycompare search hyponatremia", "psycompare search blood pressure"),
)
def search(
    text: Annotated[
        list[str], typer.Argument(help="Words to look for (any case; US and UK spellings match).", metavar="TEXT...")
    ],
    fmt: FormatOpt = None,
) -> None:
    """Where words appear across the dataset; exit 1 when nothing matches (as grep)."""
    code = commands.search(STATE.session, " ".join(text), _value(fmt))
    if code:
        raise typer.Exit(code)


@_command(
    app,
    short_help="What happens when two of them meet.",
    epilog=_examples(
        "psycompare interactions mdma sertraline     one pair",
        "psycompare interactions mdma maoi lithium   every pair among three",
        "psycompare interactions ketamine            everything recorded for one name",
        "psycompare interactions mdma ssri --full    what to do, evidence, sources",
        "psycompare interactions --coverage          what is reviewed, and the gaps",
    ),
)
def interactions(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Substances, partner drugs (generic or brand) or classes (maoi, ssri, snri, lithium, "
            "opioids, benzodiazepines...); two or more for every pair, one for everything recorded about it.",
            autocompletion=complete_partner,
            show_default=False,
            metavar="[NAME]...",
        ),
    ] = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Which substance x class and substance pairs are reviewed, and the gaps.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Every rule of every pair: what happens, what to do, evidence, sources.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Interactions between substances, partner drugs and classes: one line per pair, most severe first.

    Severity is an action: contraindicated = avoid (do not combine); major = avoid, or only
    with named precautions; moderate = monitor; minor = usually no action; none = reviewed,
    no interaction known. Evidence is a separate question: label, controlled study,
    observational, case reports, review, or pharmacology only. No interaction recorded does
    not mean the combination is safe: it was not reviewed.
    """
    commands.interactions(STATE.session, names or (), coverage, _value(fmt), full)


@_command(
    app,
    short_help="Records as TOML/JSON, or a data directory.",
    epilog=_examples(
        "psycompare export mdma                  one record as TOML",
        "psycompare export -f json > all.json    every record, partner and rule",
        "psycompare export mdma --out mydata     a data directory --data can read",
    ),
)
def export(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Substances to export (default: all).",
            autocompletion=complete_name,
            show_default=False,
            metavar="[NAME]...",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="toml or json.",
            autocompletion=lambda incomplete: [f for f in ("toml", "json") if f.startswith(incomplete.lower())],
            metavar="FORMAT",
        ),
    ] = "toml",
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write a data directory here (TOML files) that --data can read back.",
            metavar="DIR",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --out: replace record files that already exist.")
    ] = False,
) -> None:
    """Records in schema form: to stdout, or as a data directory with --out (existing files are kept)."""
    commands.export(STATE.session, names or (), fmt.lower(), out_dir, force=force)


@_command(
    data_app,
    "validate",
    short_help="Check data directories; print every problem.",
    epilog=_examples(
        "psycompare data validate                 the data in use",
        "psycompare data validate mydata          one directory",
        "psycompare data validate --complete      also the completeness rule",
    ),
)
def data_validate(
    dirs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Data directories, checked as layers in order (default: the ones in use).",
            show_default=False,
            metavar="[DIR]...",
        ),
    ] = None,
    complete: Annotated[
        bool,
        typer.Option(
            "--complete",
            help="Also apply the completeness rule: 6+ mild side effects, a serious risk and a status in every "
            "covered jurisdiction per record, unless gaps.toml states the gap.",
        ),
    ] = False,
) -> None:
    """Check data directories; print every problem as file:line:col: field: message."""
    code = commands.data_validate(STATE.session, dirs or (), complete=complete)
    if code:
        raise typer.Exit(code)


@_command(
    data_app,
    "stale",
    short_help="Facts older than the dataset date allows.",
    epilog=_examples("psycompare data stale", "psycompare data stale --older-than 2y mydata"),
)
def data_stale(
    dirs: Annotated[
        list[Path] | None,
        typer.Argument(help="Data directories (default: the ones in use).", show_default=False, metavar="[DIR]..."),
    ] = None,
    older_than: Annotated[
        str,
        typer.Option("--older-than", help="Age that counts as stale: 12m, 18m, 2y.", metavar="AGE", show_default=True),
    ] = "12m",
) -> None:
    """List facts whose as-of date is older than the dataset date by more than --older-than."""
    code = commands.data_stale(STATE.session, dirs or (), older_than)
    if code:
        raise typer.Exit(code)


@_command(
    data_app,
    "diff",
    short_help="What changed between two data directories.",
    epilog=_examples(
        "psycompare export --out snapshot && psycompare data diff snapshot mydata",
        "psycompare data diff old-data new-data -f json",
    ),
)
def data_diff(
    old: Annotated[Path, typer.Argument(help="The older data directory.", metavar="OLD")],
    new: Annotated[Path, typer.Argument(help="The newer data directory (or an overlay).", metavar="NEW")],
    fmt: FormatOpt = None,
) -> None:
    """What changed between two data directories, fact by fact (each read alone, without the bundled data)."""
    commands.data_diff(STATE.session, old, new, _value(fmt))


@_command(
    app,
    "schema",
    short_help="JSON Schemas of the outputs and data files.",
    epilog=_examples(
        "psycompare schema", "psycompare schema status > status.schema.json", "psycompare schema -f json | jq ."
    ),
)
def schema_(
    name: Annotated[
        str | None,
        typer.Argument(
            help="A command (list, show, status...) or a data file (record, sources-file...).",
            autocompletion=complete_schema,
            show_default=False,
            metavar="[NAME]",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="json or plain (the same JSON Schema; the list of names as a JSON array or one per line).",
            autocompletion=lambda incomplete: [f for f in ("json", "plain") if f.startswith(incomplete.lower())],
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The JSON Schema (draft 2020-12) of a command's JSON output or of a data file; no name lists them."""
    commands.schema(STATE.session, name, _value(fmt))


@_command(
    app,
    short_help="What changed in the data, release by release.",
    epilog=_examples("psycompare changes", "psycompare changes --since 2026.11.21", "psycompare changes --since 2025"),
)
def changes(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only releases after this version (2026.11.21), date (2026-11-21) or year (2025).",
            metavar="VERSION|DATE",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The dataset's changelog for readers: what facts changed in each release, newest first."""
    commands.changes(STATE.session, since)


@_command(
    app,
    "config",
    short_help="Your defaults: jurisdiction, colour, pager.",
    epilog=_examples("psycompare config", "PSYCOMPARE_JURISDICTION=GB psycompare config"),
)
def config_() -> None:
    """Show the config file's path and each setting with where it came from.

    The file is config.toml in $XDG_CONFIG_HOME/psycompare (default ~/.config/psycompare), with
    jurisdiction = "GB", color = "auto|always|never" and pager = "less -FRX". An option on the
    command line wins over the environment, which wins over the file.
    """
    commands.config_show(STATE.session)


@_command(
    data_app,
    "new",
    short_help="Write a commented template record.",
    epilog=_examples(
        "psycompare data new my-substance > my-substance.toml", "psycompare data new my-substance --out mydata"
    ),
)
def data_new(
    name: Annotated[str, typer.Argument(help="Id of the new substance (a-z, 0-9, -).", metavar="ID")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write DIR/substances/ID.toml instead of printing.", metavar="DIR", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace DIR/substances/ID.toml if it exists.")] = False,
) -> None:
    """Write a commented template record that validates once filled in."""
    commands.data_new(STATE.session, name, out_dir, force=force)


@_command(
    app,
    "help",
    short_help="A command's help: 'help compare' is 'compare --help'.",
    epilog=_examples("psycompare help compare", "psycompare help data validate"),
)
def help_(
    command: Annotated[
        list[str] | None,
        typer.Argument(
            help="A command, or data and a data command (none: every command).",
            autocompletion=lambda incomplete: _last_of_list(incomplete, _command_names()),
            show_default=False,
            metavar="[COMMAND]...",
        ),
    ] = None,
) -> None:
    """The help of a command, the same as COMMAND --help; an unknown command is a usage error."""
    words = command or []
    group: Any = typer.main.get_command(app)
    for i, word in enumerate(words):
        subcommands = getattr(group, "commands", None)
        if not subcommands:
            raise UsageError(f"'{' '.join(words[:i])}' has no subcommands")
        if word not in subcommands:
            raise unknown_choice("command", word, sorted(subcommands), key=word.lower())
        group = subcommands[word]
    code = run([*words, "--help"])
    if code:
        raise typer.Exit(code)


def _command_names() -> list[str]:
    return sorted(getattr(typer.main.get_command(app), "commands", {}))


def _value(fmt: str | None) -> str | None:
    """--format as given, in any case (`-f JSON`); the command rejects an unknown one."""
    return fmt.lower() if fmt is not None else None


# -------------------------------------------------------------------------------------------------


def run(argv: list[str]) -> int:
    """Run the Typer app on argv and return the exit code; Click's usage errors become UsageError."""
    from typer._click import exceptions as click_exc

    if not argv:  # bare `psycompare`: the help, as a success
        argv = ["--help"]
    command = _click_command(argv)
    try:
        rv = command.main(args=argv, prog_name="psycompare", standalone_mode=False)
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "psycompare"
        raise UsageError(f"{exc.format_message()} (see '{where} --help')") from exc
    except click_exc.ClickException as exc:
        raise UsageError(exc.format_message()) from exc
    except typer.Abort:
        raise KeyboardInterrupt from None
    except SystemExit as exc:
        # Click ends a write into a closed pipe (`--help | true`) with exit 1 after
        # wrapping stdout in PacifyFlushWrapper; psycompare documents 0 for that.
        from typer._click.utils import PacifyFlushWrapper

        if exc.code == 1 and isinstance(sys.stdout, PacifyFlushWrapper):
            raise StdoutClosed from None
        raise
    code = rv if isinstance(rv, int) else 0
    if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into Exit(130)
        raise KeyboardInterrupt
    return code


def _click_command(argv: list[str]) -> Any:
    """The Click command for this call, built only for the subcommand asked for.

    Typer inspects every command's signature when it builds the group (~1 ms per
    command); a call runs one command, so only that one is built. Top-level help,
    unknown commands and shell completion get the full app.
    """
    if any(k.startswith("_PSYCOMPARE_COMPLETE") for k in os.environ):
        return typer.main.get_command(app)
    args = iter(argv)
    name = None
    for tok in args:
        if tok == "--data":
            next(args, None)
        elif not tok.startswith("-"):
            name = tok
            break
    slim = typer.Typer(**_APP_SETTINGS)
    slim.registered_callback = app.registered_callback
    for info in app.registered_commands:
        cmd_name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        if cmd_name == name:
            slim.registered_commands = [info]
            return typer.main.get_command(slim)
    for group in app.registered_groups:
        if group.name == name:
            slim.registered_groups = [group]
            return typer.main.get_command(slim)
    return typer.main.get_command(app)

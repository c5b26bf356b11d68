"""The Typer app: every command, its help and its full option parsing.

Plain calls of the hot commands skip it (see `fastpath.py`); both run the same
functions in `commands.py`.
"""

# No `from __future__ import annotations` here: Typer reads every parameter's annotation,
# and real objects save it evaluating strings (~40% of building the command tree).
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from psycompare import __version__, commands
from psycompare.errors import ExitCode, PsycompareError, StdoutClosed, UsageError

_APP_SETTINGS: dict[str, Any] = {
    "name": "psycompare",
    "help": "Sourced, dated facts about substances used in psychiatric treatment and research.",
    "rich_markup_mode": None,  # plain Click help and errors: no Rich import on those paths
    "pretty_exceptions_enable": False,
    "no_args_is_help": True,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**_APP_SETTINGS)
data_app = typer.Typer(help="Check and create data directories.", rich_markup_mode=None, no_args_is_help=True)
app.add_typer(data_app, name="data")


class Format(StrEnum):
    table = "table"
    plain = "plain"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    toml = "toml"


class Setting(StrEnum):
    clinical = "clinical"
    nonmedical = "nonmedical"


class ExportFormat(StrEnum):
    toml = "toml"
    json = "json"


class State:
    """The session the callback builds from the global options, for the command that follows."""

    session = commands.Session()


STATE = State()


def complete_name(incomplete: str) -> list[str]:
    """Shell completion: ids and aliases."""
    try:
        return STATE.session.dataset().completions(incomplete)
    except Exception:  # completion must never fail loudly
        return []


FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: table on a terminal, plain in a pipe).",
        case_sensitive=False,
        show_default=False,
    ),
]
NamesArg = Annotated[
    list[str], typer.Argument(help="Substance names, ids or aliases.", autocompletion=complete_name, show_default=False)
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
        list[Path] | None,
        typer.Option(
            "--data", help="Extra data directory (repeatable); also $PSYCOMPARE_DATA, a path list.", show_default=False
        ),
    ] = None,
    no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Use only the --data directories.")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (also NO_COLOR, TERM=dumb).")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks (also PSYCOMPARE_DEBUG=1).")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and the dataset's date."),
    ] = False,
) -> None:
    """Sourced, dated facts about ketamine, esketamine, MDMA, psilocybin, LSD and their comparators."""
    STATE.session = commands.Session(data or [], bundled=not no_bundled, no_color=no_color)
    commands.set_debug(debug)


@app.command("list")
def list_(fmt: FormatOpt = None) -> None:
    """Every substance with its class, US approval state and US schedule."""
    commands.list_(STATE.session, _value(fmt))


@app.command()
def show(names: NamesArg, fmt: FormatOpt = None) -> None:
    """The full fact sheet of one or more substances."""
    commands.show(STATE.session, names, _value(fmt))


@app.command()
def compare(
    names: NamesArg,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Comma-separated rows to show: status, schedule, "
            "class, mechanism, effects, established_uses, emerging_uses, common_side_effects, "
            "serious_risks, delivery, onset_duration, evidence.",
            show_default=False,
        ),
    ] = None,
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", "-j", help="Whose status to show (US, AU, CA, EU, GB...).")
    ] = commands.DEFAULT_JURISDICTION,
    fmt: FormatOpt = None,
) -> None:
    """Side-by-side table: one column per substance, one row per category."""
    commands.compare(STATE.session, names, fields, jurisdiction, _value(fmt))


@app.command()
def status(
    names: NamesArg,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction", "-j", help="Only this jurisdiction (US also includes US states).", show_default=False
        ),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Regulatory status per jurisdiction, dated, with its milestones."""
    commands.status(STATE.session, names, jurisdiction, _value(fmt))


@app.command("side-effects")
def side_effects(
    names: NamesArg,
    setting: Annotated[
        Setting | None, typer.Option("--setting", help="clinical use or heavy non-medical use.", show_default=False)
    ] = None,
    serious: Annotated[bool, typer.Option("--serious", help="Only serious effects.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Side effects by frequency, severity and setting, with cautions."""
    commands.side_effects(STATE.session, names, _value(setting), serious, _value(fmt))


@app.command()
def sources(names: NamesArg, fmt: FormatOpt = None) -> None:
    """Every source behind a record, numbered as cited in the other views."""
    commands.sources(STATE.session, names, _value(fmt))


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Text to look for (case-insensitive).")], fmt: FormatOpt = None
) -> None:
    """Where a word appears across the dataset: substance, field, snippet."""
    commands.search(STATE.session, text, _value(fmt))


@app.command()
def export(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Substances to export (default: all).", autocompletion=complete_name, show_default=False),
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False)] = ExportFormat.toml,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write a data directory here (TOML files) that --data can read back.", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --out: replace record files that already exist.")
    ] = False,
) -> None:
    """Records in schema form: to stdout, or as a data directory with --out (existing files are kept)."""
    commands.export(STATE.session, names or (), fmt.value, out_dir, force=force)


@data_app.command("validate")
def data_validate(
    dirs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Data directories, checked as layers in order (default: the ones in use).", show_default=False
        ),
    ] = None,
) -> None:
    """Check data directories; print every problem as file:line:col: field: message."""
    code = commands.data_validate(STATE.session, dirs or ())
    if code:
        raise typer.Exit(code)


@data_app.command("new")
def data_new(
    name: Annotated[str, typer.Argument(help="Id of the new substance (a-z, 0-9, -).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write DIR/substances/NAME.toml instead of printing.", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace DIR/substances/NAME.toml if it exists.")] = False,
) -> None:
    """Write a commented template record that validates once filled in."""
    commands.data_new(STATE.session, name, out_dir, force=force)


def _value(choice: StrEnum | None) -> str | None:
    return choice.value if choice is not None else None


# -------------------------------------------------------------------------------------------------


def run(argv: list[str]) -> int:
    """Run the Typer app on argv and return the exit code; Click's usage errors become UsageError."""
    from typer._click import exceptions as click_exc

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

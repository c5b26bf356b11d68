"""The command line: thin Typer commands over the core (dataset -> views -> output)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from psycompare import __version__
from psycompare.errors import ExitCode, PsycompareError, UsageError

if TYPE_CHECKING:
    from psycompare.dataset import Dataset
    from psycompare.model import Substance
    from psycompare.output import Output

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
    """Global options, shared by every command."""

    def __init__(self) -> None:
        self.data_dirs: list[Path] = []
        self.bundled = True
        self.no_color = False
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from psycompare.dataset import Dataset, env_data_dirs

            self._dataset = Dataset([*env_data_dirs(), *self.data_dirs], bundled=self.bundled)
        return self._dataset


STATE = State()


def complete_name(incomplete: str) -> list[str]:
    """Shell completion: ids and aliases."""
    try:
        return STATE.dataset().completions(incomplete)
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


def _output(fmt: Format | None) -> Output:
    from psycompare.output import Output

    return Output(fmt.value if fmt else None, no_color=STATE.no_color)


def _load(names: list[str]) -> list[Substance]:
    ds = STATE.dataset()
    ids = [ds.resolve(n) for n in names]  # every name resolves before anything prints
    return [ds.load(i) for i in dict.fromkeys(ids)]


def _version(value: bool) -> None:
    if value:
        try:
            info = STATE.dataset().info()
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
    STATE._dataset = None
    STATE.data_dirs = list(data or [])
    STATE.bundled = not no_bundled
    STATE.no_color = no_color
    if debug:
        os.environ["PSYCOMPARE_DEBUG"] = "1"


@app.command("list")
def list_(fmt: FormatOpt = None) -> None:
    """Every substance with its class, US approval state and US schedule."""
    from psycompare import views

    _output(fmt).emit(views.list_view(STATE.dataset()))


@app.command()
def show(names: NamesArg, fmt: FormatOpt = None) -> None:
    """The full fact sheet of one or more substances."""
    from psycompare import views

    out = _output(fmt)
    out.emit(views.show_view(STATE.dataset(), _load(names)))


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
    ] = "US",
    fmt: FormatOpt = None,
) -> None:
    """Side-by-side table: one column per substance, one row per category."""
    from psycompare import views

    if len(names) < 2:
        raise UsageError("compare needs at least two names")
    keys = views.parse_fields(fields)
    out = _output(fmt)
    out.emit(views.compare_view(STATE.dataset(), _load(names), keys, _jurisdiction(jurisdiction)))


def _jurisdiction(code: str) -> str:
    from psycompare.schema import is_jurisdiction

    code = code.strip().upper()
    if not is_jurisdiction(code):
        raise UsageError(f"bad jurisdiction {code[:20]!r}; use a code such as US, GB, AU, CA, EU, US-OR")
    return code


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
    from psycompare import views

    code = _jurisdiction(jurisdiction) if jurisdiction else None
    out = _output(fmt)
    out.emit(views.status_view(STATE.dataset(), _load(names), code))


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
    from psycompare import views

    out = _output(fmt)
    out.emit(views.side_effects_view(STATE.dataset(), _load(names), setting.value if setting else None, serious))


@app.command()
def sources(names: NamesArg, fmt: FormatOpt = None) -> None:
    """Every source behind a record, numbered as cited in the other views."""
    from psycompare import views

    out = _output(fmt)
    out.emit(views.sources_view(STATE.dataset(), _load(names)), disclaimer=False)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Text to look for (case-insensitive).")], fmt: FormatOpt = None
) -> None:
    """Where a word appears across the dataset: substance, field, snippet."""
    from psycompare import views

    out = _output(fmt)
    view, errors = views.search_view(STATE.dataset(), text)
    for err in errors:
        out.note(f"psycompare: skipped a record: {err}")
    out.emit(view)


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
) -> None:
    """Records in schema form: to stdout, or as a data directory with --out."""
    from psycompare import export as exp

    ds = STATE.dataset()
    subs = _load(names) if names else [ds.load(i) for i in ds.ids()]
    if out_dir is not None:
        if fmt is not ExportFormat.toml:
            raise UsageError("--out writes TOML data files; drop --format json")
        written = exp.write_dir(ds, subs, out_dir)
        typer.echo(f"wrote {written} record(s) and sources.toml to {out_dir}", err=True)
        return
    text = exp.dumps(ds, subs, fmt.value)
    sys.stdout.write(text)
    sys.stdout.flush()


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
    from psycompare.dataset import bundled_dir, env_data_dirs
    from psycompare.validate import validate_dirs

    if dirs:
        targets = [d.expanduser() for d in dirs]
    else:
        targets = ([bundled_dir()] if STATE.bundled else []) + [*env_data_dirs(), *STATE.data_dirs]
    missing = [d for d in targets if not d.is_dir()]
    if missing:
        raise UsageError(f"not a directory: {missing[0]}")
    problems = validate_dirs([d.resolve() for d in targets])
    for p in problems:
        typer.echo(str(p))
    if problems:
        typer.echo(
            f"{len(problems)} problem(s) in {len(targets)} director{'y' if len(targets) == 1 else 'ies'}", err=True
        )
        raise typer.Exit(ExitCode.NOT_FOUND)
    typer.echo(f"ok: {', '.join(str(t) for t in targets)}", err=True)


@data_app.command("new")
def data_new(
    name: Annotated[str, typer.Argument(help="Id of the new substance (a-z, 0-9, -).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write DIR/substances/NAME.toml instead of printing.", show_default=False),
    ] = None,
) -> None:
    """Write a commented template record that validates once filled in."""
    from psycompare.template import record_template

    text = record_template(name)
    if out_dir is None:
        sys.stdout.write(text)
        return
    path = out_dir / "substances" / f"{name}.toml"
    if path.exists():
        raise UsageError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    typer.echo(f"wrote {path}", err=True)


# -------------------------------------------------------------------------------------------------


def _fail(message: str, code: int) -> NoReturn:
    from psycompare.output import write_err

    write_err(sys.stderr, f"psycompare: {message}")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, map every error to one stderr line and an exit code."""
    from typer._click import exceptions as click_exc

    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or os.environ.get("PSYCOMPARE_DEBUG") == "1"
    command = _click_command(argv if argv is not None else sys.argv[1:])
    try:
        rv = command.main(args=argv, prog_name="psycompare", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
        if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into Exit(130)
            _fail("interrupted", ExitCode.INTERRUPTED)
        sys.stdout.flush()
    except PsycompareError as exc:
        if debug:
            raise
        _fail(str(exc), exc.exit_code)
    except click_exc.UsageError as exc:
        if debug:
            raise
        where = exc.ctx.command_path if exc.ctx else "psycompare"
        _fail(f"{exc.format_message()} (see '{where} --help')", ExitCode.USAGE)
    except click_exc.ClickException as exc:
        _fail(exc.format_message(), ExitCode.USAGE)
    except (KeyboardInterrupt, typer.Abort):
        _fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_pipe()
        raise SystemExit(ExitCode.OK) from None
    except SystemExit:
        raise
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", ExitCode.NOT_FOUND)
    raise SystemExit(code)


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


def _quiet_pipe() -> None:
    """After EPIPE, point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

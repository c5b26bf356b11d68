"""What each command does, free of any CLI framework: parsed options in, output out.

Both front ends call these functions: the Typer app (`cli.py`) and the argv fast
path (`fastpath.py`), so a command behaves the same whichever one parsed it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from psycompare.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from psycompare.dataset import Dataset
    from psycompare.model import Substance
    from psycompare.output import Output

DEFAULT_JURISDICTION = "US"


class Session:
    """The global options of one call, and the dataset they select (opened on first use)."""

    def __init__(
        self, data_dirs: Sequence[str | os.PathLike[str]] = (), bundled: bool = True, no_color: bool = False
    ) -> None:
        self.data_dirs = list(data_dirs)
        self.bundled = bundled
        self.no_color = no_color
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from psycompare.dataset import Dataset, env_data_dirs

            self._dataset = Dataset([*env_data_dirs(), *self.data_dirs], bundled=self.bundled)
        return self._dataset

    def output(self, fmt: str | None) -> Output:
        from psycompare.output import Output

        return Output(fmt, no_color=self.no_color)

    def load(self, names: Sequence[str]) -> list[Substance]:
        """Records for names, ids or aliases; every name resolves before anything prints."""
        ds = self.dataset()
        ids = [ds.resolve(n) for n in names]
        return [ds.load(i) for i in dict.fromkeys(ids)]


def jurisdiction_code(code: str) -> str:
    """Normalise a jurisdiction option (`gb` -> `GB`) or raise a usage error."""
    from psycompare.schema import is_jurisdiction

    code = code.strip().upper()
    if not is_jurisdiction(code):
        raise UsageError(f"bad jurisdiction {code[:20]!r}; use a code such as US, GB, AU, CA, EU, US-OR")
    return code


def list_(s: Session, fmt: str | None = None) -> None:
    from psycompare import views

    s.output(fmt).emit(views.list_view(s.dataset()))


def show(s: Session, names: Sequence[str], fmt: str | None = None) -> None:
    from psycompare import views

    out = s.output(fmt)
    out.emit(views.show_view(s.dataset(), s.load(names)))


def compare(
    s: Session,
    names: Sequence[str],
    fields: str | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
    fmt: str | None = None,
) -> None:
    from psycompare import views

    if len(names) < 2:
        raise UsageError("compare needs at least two names")
    keys = views.parse_fields(fields)
    code = jurisdiction_code(jurisdiction)
    out = s.output(fmt)
    out.emit(views.compare_view(s.dataset(), s.load(names), keys, code))


def status(s: Session, names: Sequence[str], jurisdiction: str | None = None, fmt: str | None = None) -> None:
    from psycompare import views

    code = jurisdiction_code(jurisdiction) if jurisdiction else None
    out = s.output(fmt)
    out.emit(views.status_view(s.dataset(), s.load(names), code))


def side_effects(
    s: Session, names: Sequence[str], setting: str | None = None, serious: bool = False, fmt: str | None = None
) -> None:
    from psycompare import views

    out = s.output(fmt)
    out.emit(views.side_effects_view(s.dataset(), s.load(names), setting, serious))


def sources(s: Session, names: Sequence[str], fmt: str | None = None) -> None:
    from psycompare import views

    out = s.output(fmt)
    out.emit(views.sources_view(s.dataset(), s.load(names)), disclaimer=False)


def search(s: Session, text: str, fmt: str | None = None) -> None:
    from psycompare import views

    out = s.output(fmt)
    view, errors = views.search_view(s.dataset(), text)
    for err in errors:
        out.note(f"psycompare: skipped a record: {err}")
    out.emit(view)


def export(
    s: Session, names: Sequence[str] = (), fmt: str = "toml", out_dir: Path | None = None, force: bool = False
) -> None:
    """Records to stdout, or added to a data directory (existing files kept unless ``force``)."""
    from psycompare import export as exp
    from psycompare.output import write_data, write_err

    if out_dir is not None and fmt != "toml":
        raise UsageError("--out writes TOML data files; drop --format json")
    ds = s.dataset()
    subs = s.load(names) if names else [ds.load(i) for i in ds.ids()]
    if out_dir is not None:
        out = os.path.expanduser(os.fspath(out_dir))
        done = exp.write_dir(ds, subs, out, force=force)
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
    write_data(sys.stdout, exp.dumps(ds, subs, fmt), fmt)


def data_validate(s: Session, dirs: Sequence[Path] = ()) -> int:
    """Print every problem as file:line:col: field: message; exit code 1 when there are any."""
    from pathlib import Path

    from psycompare.dataset import bundled_dir, env_data_dirs
    from psycompare.output import write_err, write_out
    from psycompare.validate import validate_dirs

    if dirs:
        targets = [d.expanduser() for d in dirs]
    else:
        targets = [Path(d) for d in ([bundled_dir()] if s.bundled else []) + [*env_data_dirs(), *s.data_dirs]]
    missing = [d for d in targets if not d.is_dir()]
    if missing:
        raise UsageError(f"not a directory: {missing[0]}")
    problems = validate_dirs([d.resolve() for d in targets])
    write_out(sys.stdout, "".join(f"{p}\n" for p in problems))
    if problems:
        noun = "directory" if len(targets) == 1 else "directories"
        write_err(sys.stderr, f"{len(problems)} problem(s) in {len(targets)} {noun}")
        return ExitCode.NOT_FOUND
    write_err(sys.stderr, f"ok: {', '.join(str(t) for t in targets)}")
    return ExitCode.OK


def data_new(s: Session, name: str, out_dir: Path | None = None, force: bool = False) -> None:
    """A template record to stdout, or to DIR/substances/NAME.toml (never over a file unless ``force``)."""
    from psycompare.output import write_err, write_out
    from psycompare.safe_write import OutDir
    from psycompare.template import record_template

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

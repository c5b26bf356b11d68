"""The dataset: one or more data directories (bundled first), merged per record id.

This is the core API; it never prints::

    from psycompare.store.dataset import Dataset
    ds = Dataset()
    mdma = ds.get("molly")
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from psycompare import model
from psycompare.errors import DataError, NotFoundError, Problem, PsycompareError
from psycompare.schema.fields import LIST_SECTIONS, SECTIONS
from psycompare.store.index import DirIndex, normalize
from psycompare.store.records import check_record

if TYPE_CHECKING:
    from pathlib import Path

BUNDLED = "bundled"
_DEFAULT: Any = object()
MAX_NAME = 200


def bundled_root() -> str:
    """The data directory shipped with the package, as a string (no pathlib on the hot path).

    In a wheel it is ``psycompare/data`` (hatch force-include); in an editable
    install or a source checkout it is the repository's top-level ``data/``.
    """
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the package folder
    for candidate in (os.path.join(here, "data"), os.path.join(os.path.dirname(os.path.dirname(here)), "data")):
        if os.path.isdir(os.path.join(candidate, "substances")):
            return candidate
    from importlib.resources import files  # unusual installs only: it costs ~20 ms to import

    return str(files("psycompare") / "data")


def bundled_dir() -> Path:
    """`bundled_root` as a Path."""
    from pathlib import Path

    return Path(bundled_root())


def default_cache_dir() -> str | None:
    """``$PSYCOMPARE_CACHE_DIR``, else ``$XDG_CACHE_HOME/psycompare``, else ``~/.cache/psycompare``.

    ``PSYCOMPARE_CACHE_DIR=off`` (or empty) disables the cache; no HOME means no cache.
    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG Base Directory spec says.
    """
    env = os.environ.get("PSYCOMPARE_CACHE_DIR")
    if env is not None:
        return env if env and env.lower() not in ("0", "off", "none", "false") else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
        return os.path.join(xdg, "psycompare")
    home = os.environ.get("HOME")
    return os.path.join(home, ".cache", "psycompare") if home else None


def env_data_dirs() -> list[str]:
    """Directories from ``$PSYCOMPARE_DATA`` (an ``os.pathsep``-separated list)."""
    raw = os.environ.get("PSYCOMPARE_DATA", "")
    return [p for p in raw.split(os.pathsep) if p.strip()]


class Dataset:
    """Read-only access to the merged dataset."""

    def __init__(
        self,
        data_dirs: Sequence[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        cache_dir: str | os.PathLike[str] | None = _DEFAULT,
    ) -> None:
        cache = default_cache_dir() if cache_dir is _DEFAULT else cache_dir
        roots: list[tuple[str, str]] = []
        if bundled:
            roots.append((bundled_root(), BUNDLED))
        seen: set[str] = {os.path.realpath(roots[0][0])} if roots and data_dirs else set()
        for d in data_dirs:
            path = os.path.expanduser(os.fspath(d))
            if not os.path.isdir(path):
                raise DataError([Problem(path, 1, 1, "(directory)", "data directory not found")])
            path = os.path.realpath(path)
            if path in seen:  # the same directory twice (flag and $PSYCOMPARE_DATA, or the bundled one) counts once
                continue
            seen.add(path)
            if not os.path.isdir(os.path.join(path, "substances")) and not os.path.isfile(
                os.path.join(path, "sources.toml")
            ):
                raise DataError(
                    [Problem(path, 1, 1, "(directory)", "not a data directory (no substances/ or sources.toml)")]
                )
            roots.append((path, path))
        if not roots:
            raise DataError(
                [Problem("(none)", 1, 1, "(directory)", "no data directories (--no-bundled without --data)")]
            )
        self.notes: list[str] = []  # lines for stderr: what was skipped and why (see `note`)
        self.indexes = [
            DirIndex(root, origin, os.fspath(cache) if cache is not None else None) for root, origin in roots
        ]

    @property
    def layered(self) -> bool:
        """True when several directories are merged (facts then carry their origin)."""
        return len(self.indexes) > 1

    # -- names ------------------------------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The id a name (id, name, INN, alias, CAS, UNII, trial id; any case) refers to.

        One namespace, owned in directory order: the first directory that gives a name (or an
        identifier) owns it, and a later directory's record cannot take it over (audit
        2026-12-04 H1, M7; `data validate` reports the clash).
        """
        found = self.owner(name)
        if found is None:
            key = normalize(name) if len(name) <= MAX_NAME else ""
            raise NotFoundError(name, self.suggest(key))
        return found[0]

    def owner(self, name: str, upto: int | None = None) -> tuple[str, int] | None:
        """The record a name belongs to and the number of the directory that gives it, or None.

        With ``upto``, only directories 0..upto are asked, and identifiers only in those
        before ``upto`` (for `interactions.resolve`: a partner of directory ``upto`` owns a
        name unless an earlier directory, or a record of its own, has it).
        """
        self._check_dirs()
        key = normalize(name) if len(name) <= MAX_NAME else ""
        if not key:
            return None
        found = self._owner(key, upto)
        # the names come from the index: trust them only while the files they point to are
        # unchanged, and before "not found" check every file
        if (found and self._changed(found[0])) or (not found and any(not idx.is_fresh() for idx in self.indexes)):
            for idx in self.indexes:
                idx.rebuild()
            found = self._owner(key, upto)
        if not found:
            return None
        ids, layer = found
        if key in ids:
            return key, layer
        if len(set(ids)) > 1:
            raise PsycompareError(f"{name!r} is ambiguous: it names {', '.join(sorted(set(ids)))}")
        return ids[0], layer

    def _owner(self, key: str, upto: int | None) -> tuple[list[str], int] | None:
        last = len(self.indexes) - 1 if upto is None else min(upto, len(self.indexes) - 1)
        digits = any(c.isdigit() for c in key)
        for layer in range(last + 1):
            ids = self.indexes[layer].lookup(key)
            if not ids and digits and (upto is None or layer < upto):
                # a CAS number, UNII or trial id of this directory's records: it outranks a
                # later directory's alias (an overlay cannot take 6740-88-1 from ketamine)
                ids = self._identifier_lookup(key, self.indexes[layer : layer + 1])
            if ids:
                return ids, layer
        return None

    def _changed(self, ids: list[str]) -> bool:
        """True when a file behind one of these ids is not the one indexed."""
        return any(idx.entry(i) is not None and idx.stale(i) for idx in self.indexes for i in ids)

    def _check_dirs(self) -> None:
        """Raise for a data directory whose ``substances/`` cannot be read (never skip it silently)."""
        problems = [p for idx in self.indexes for p in idx.dir_problems()]
        if problems:
            raise DataError(problems)

    def _lookup(self, key: str) -> list[str]:
        out: list[str] = []
        for idx in self.indexes:
            out.extend(i for i in idx.lookup(key) if i not in out)
        return out

    def _identifier_lookup(self, key: str, indexes: Sequence[DirIndex] | None = None) -> list[str]:
        """Ids whose record names this CAS number, UNII or trial registry id (NCT...).

        A small lookup beside the name index: asked only when a name with a digit is
        not found, it reads the identifiers the index took from every record when it was built.
        """
        out: list[str] = []
        for idx in self.indexes if indexes is None else indexes:
            out.extend(i for i in idx.identified(key) if i not in out)
        return out

    def suggest(self, key: str) -> list[str]:
        """Close matches for a name that was not found."""
        if not key:
            return []
        import difflib

        keys: set[str] = set()
        for idx in self.indexes:
            for entry in idx.entries_unchecked():
                keys.update(entry.keys)
        found = difflib.get_close_matches(key, keys, n=3, cutoff=0.7)
        if not found:
            found = sorted(k for k in keys if len(key) >= 3 and (k.startswith(key) or key in k))[:3]
        return found

    def ids(self) -> list[str]:
        """Every substance id, sorted."""
        self._check_dirs()
        return sorted({row["id"] or "" for idx in self.indexes for row in idx.listing()})

    def completions(self, prefix: str) -> list[str]:
        """Ids and aliases starting with a prefix (shell completion)."""
        p = normalize(prefix)
        out: set[str] = set()
        for idx in self.indexes:
            for entry in idx.entries_unchecked():
                out.update(k for k in entry.keys if k.startswith(p))
        return sorted(out)

    # -- records ----------------------------------------------------------------------------

    def get(self, name: str) -> model.Substance:
        """The merged record a name refers to. Raises NotFoundError or DataError."""
        return self.load(self.resolve(name))

    def load(self, sid: str) -> model.Substance:
        """The merged record with this id."""
        if any(idx.entry(sid) is not None and idx.stale(sid) for idx in self.indexes):
            for idx in self.indexes:
                idx.rebuild()
        layers: list[dict[str, Any]] = []
        files: list[str] = []
        problems: list[Problem] = []
        for idx in self.indexes:
            entry = idx.entry(sid)
            if entry is None:
                continue
            raw, read_problems, shown = idx.raw(sid)
            files.append(shown)
            if raw is None:
                problems.extend(read_problems or entry.problems)
                continue
            fields, found, _, _ = check_record(
                raw, shown, partial(_text_of, shown), idx.origin, sid, self._known_source, partial=bool(layers)
            )
            problems.extend(found)
            layers.append(fields)
        if not layers and not problems:
            raise NotFoundError(sid, [])
        if problems:
            raise DataError(problems)
        if len(layers) > 1:
            layers = [_date_facts(layer) for layer in layers]
        return model.Substance(**merge(layers), files=tuple(files))

    def all(self) -> tuple[list[model.Substance], list[PsycompareError]]:
        """Every record that loads, and the errors of those that do not."""
        out: list[model.Substance] = []
        errors: list[PsycompareError] = []
        for sid in self.ids():
            try:
                out.append(self.load(sid))
            except PsycompareError as exc:
                errors.append(exc)
        return out, errors

    def note(self, text: str) -> None:
        """Keep a line for stderr (each once); the command prints them after its output."""
        if text not in self.notes:
            self.notes.append(text)

    def loadable(self) -> list[model.Substance]:
        """Every record that loads: a broken one costs only itself, with one located note
        (audit 2026-12-04 M10). Commands over all records use this, as `search` does."""
        subs, errors = self.all()
        for err in errors:
            self.note(f"psycompare: skipped a record: {err}")
        return subs

    def summaries(self) -> list[dict[str, str | None]]:
        """What ``list`` shows, straight from the index (no record is parsed).

        One dict per record, sorted by id, with the keys of ``index.LIST_FIELDS``;
        None where a record has no such field (e.g. no US status). Where directories
        are layered, a later directory's values win where it has them.
        """
        self._check_dirs()
        if len(self.indexes) == 1:
            return self.indexes[0].listing()
        merged: dict[str, dict[str, str | None]] = {}
        for idx in self.indexes:
            for row in idx.listing():
                old = merged.get(row["id"] or "")
                if old is not None:
                    row = {k: old[k] if v is None else v for k, v in row.items()}
                merged[row["id"] or ""] = row
        return [merged[k] for k in sorted(merged)]

    # -- sources ----------------------------------------------------------------------------

    def source(self, source_id: str) -> model.Source | None:
        """A registry entry, from the first directory that defines it.

        A later directory cannot re-point the citations of an earlier one (the bundled
        facts in particular): it may repeat an entry; a different one is reported by
        ``data validate`` (`validate.validate_dirs`).
        """
        for idx in self.indexes:
            problems = idx.source_problems()
            if problems:
                raise DataError(problems)
            found = idx.source(source_id)
            if found is not None:
                return found
        return None

    def missing_sources(self, ids: Iterable[str]) -> set[str]:
        """The ids no directory's sources.toml defines (a set check, no entry is built)."""
        missing = set(ids)
        for idx in self.indexes:
            if not missing:
                break
            problems = idx.source_problems()
            if problems:
                raise DataError(problems)
            missing -= idx.source_ids()
        return missing

    def name_of(self, sid: str) -> str | None:
        """A record's name from the index (no record parsed; a later directory's wins), or None."""
        from psycompare.text import bad_char

        name = None
        for idx in self.indexes:
            entry = idx.entry(sid)
            if entry is not None and entry.summary.get("name"):
                name = entry.summary["name"]
        return name if name and len(name) <= 200 and bad_char(name) is None else None

    def _known_source(self, source_id: str) -> bool:
        return self.source(source_id) is not None

    def sources_of(self, sub: model.Substance) -> list[model.Source]:
        """The record's sources, in the order they are first cited (numbered from 1)."""
        out = []
        for sid in cited_ids(sub):
            src = self.source(sid)
            if src is not None:
                out.append(src)
        return out

    def info(self) -> model.DatasetInfo | None:
        """The dataset's version and date (from the first directory that has one)."""
        for idx in self.indexes:
            info, problems = idx.info()
            if problems:
                raise DataError(problems)
            if info is not None:
                return info
        return None


def _date_facts(layer: dict[str, Any]) -> dict[str, Any]:
    """Give each fact of a layer its layer's reviewed date, so merging keeps it truthful."""
    reviewed = layer.get("reviewed")
    if reviewed is None:
        return layer
    out = dict(layer)
    for sec in SECTIONS:
        if sec.attr not in layer or not hasattr(sec.cls, "as_of"):
            continue
        value = layer[sec.attr]
        items = value if sec.many else (value,)
        fixed = tuple(i if i.as_of else i._replace(as_of=reviewed) for i in items)
        out[sec.attr] = fixed if sec.many else fixed[0]
    return out


def _text_of(path: str) -> str:
    """A file's text for locating problems: a regular file only, never a FIFO or device."""
    from psycompare.store.files import read_text

    return read_text(path)


def merge(layers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Merge validated record layers: later layers override fields they set.

    Single facts and names replace; aliases are united; status entries replace the
    same jurisdiction; other lists (events, uses, side effects...) are appended.
    A fact a later layer repeats verbatim (an exported record laid over its source)
    is neither duplicated nor re-attributed: the earlier one, with its origin, stays.
    """
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key not in out:
                out[key] = value
            elif key == "aliases":
                out[key] = tuple(dict.fromkeys((*out[key], *value)))
            elif key == "status":
                by_j = {e.jurisdiction: e for e in out[key]}
                for e in value:
                    if not _same(by_j.get(e.jurisdiction), e):
                        by_j[e.jurisdiction] = e
                out[key] = tuple(by_j.values())
            elif key in LIST_SECTIONS:
                have = {_bare(v) for v in out[key]}
                out[key] = (*out[key], *(v for v in value if _bare(v) not in have))
            elif not _same(out[key], value):
                out[key] = value
    return out


def _bare(fact: Any) -> Any:
    """A fact without its origin (what two layers compare by)."""
    return fact._replace(origin="") if hasattr(fact, "origin") else fact


def _same(old: Any, new: Any) -> bool:
    return old is not None and _bare(old) == _bare(new)


def iter_facts(sub: model.Substance) -> Iterable[tuple[str, Any]]:
    """Every sourced item of a record with its field path, in reading order."""
    for sec in SECTIONS:
        value = getattr(sub, sec.attr)
        if sec.many:
            for i, item in enumerate(value):
                yield f"{sec.key}[{i}]", item
        elif value is not None:
            yield sec.key, value


def cited_ids(sub: model.Substance) -> list[str]:
    """Source ids in order of first citation."""
    seen: dict[str, None] = {}
    for _, item in iter_facts(sub):
        for sid in item.sources:
            seen.setdefault(sid)
    return list(seen)

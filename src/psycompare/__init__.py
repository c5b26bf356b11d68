"""psycompare: sourced, dated facts about substances used in psychiatric treatment and research."""

__version__ = "0.1.0"

# The library names, resolved on first use (PEP 562): `import psycompare` stays free at start-up.
# The layer packages below this one have empty __init__ files; docs/architecture.md maps them.
_PUBLIC = {
    "Dataset": ("psycompare.store.dataset", "Dataset"),
    "Substance": ("psycompare.model", "Substance"),
    "Source": ("psycompare.model", "Source"),
    "ExitCode": ("psycompare.errors", "ExitCode"),
    "Problem": ("psycompare.errors", "Problem"),
    "PsycompareError": ("psycompare.errors", "PsycompareError"),
    "DataError": ("psycompare.errors", "DataError"),
    "NotFoundError": ("psycompare.errors", "NotFoundError"),
    "status_on": ("psycompare.query.history", "status_on"),
    "for_pair": ("psycompare.query.interactions", "for_pair"),
    # modules under their names from before the layer packages (README "Library use")
    "dataset": ("psycompare.store.dataset", None),
    "history": ("psycompare.query.history", None),
    "interactions": ("psycompare.query.interactions", None),
    "model": ("psycompare.model", None),
    "errors": ("psycompare.errors", None),
}


def __getattr__(name: str) -> object:
    try:
        module_name, attr = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'psycompare' has no attribute {name!r}") from None
    from importlib import import_module

    module = import_module(module_name)
    return module if attr is None else getattr(module, attr)


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


# The flat module names from before the layer packages, kept for one release as aliases of their
# new homes: `import psycompare.dataset` gives `psycompare.store.dataset` itself (one module
# object, so monkeypatching either name patches both) with a DeprecationWarning. The finder sits
# last on sys.meta_path: only a name no file answers reaches it. `schema`, `views` and `cli`
# are packages now, so their old flat contents are only under the new names.
_MOVED = {
    "safe_text": "text",
    "schemagen": "schema.jsonschema",
    "loader": "store.files",
    "index": "store.index",
    "dataset": "store.dataset",
    "interactions": "query.interactions",
    "validate": "store.validate",
    "safe_write": "store.writer",
    "export": "store.export",
    "template": "store.template",
    "completeness": "store.completeness",
    "jurisdictions": "query.jurisdiction",
    "history": "query.history",
    "stale": "query.freshness",
    "overview": "views.listing",
    "compare_view": "views.compare",
    "timeline_view": "views.timeline",
    "interaction_view": "views.interactions",
    "diff": "views.diff",
    "commands": "app.commands",
    "output": "app.output",
    "pager": "app.pager",
    "entry": "cli.entry",
    "fastpath": "cli.fastpath",
}


class _MovedModules:
    """A meta path finder and loader for the names in `_MOVED` (see above)."""

    @classmethod
    def find_spec(cls, name: str, path: object = None, target: object = None) -> object:
        head, _, old = name.partition(".")
        if head != "psycompare" or old not in _MOVED:
            return None
        from importlib.machinery import ModuleSpec

        return ModuleSpec(name, cls)  # type: ignore[arg-type]

    @staticmethod
    def create_module(spec: object) -> object:
        import warnings
        from importlib import import_module

        old = spec.name  # type: ignore[attr-defined]
        new = "psycompare." + _MOVED[old.partition(".")[2]]
        warnings.warn(f"{old} is now {new} (docs/architecture.md)", DeprecationWarning, stacklevel=2)
        return import_module(new)

    @staticmethod
    def exec_module(module: object) -> None:
        pass


def _install_moved_finder() -> None:
    import sys  # always loaded: no cost

    if not any(f is _MovedModules for f in sys.meta_path):  # type: ignore[comparison-overlap]
        sys.meta_path.append(_MovedModules)  # type: ignore[arg-type]


_install_moved_finder()

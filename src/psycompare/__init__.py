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
    "for_pair": ("psycompare.store.interactions", "for_pair"),
    # modules under their names from before the layer packages (README "Library use")
    "dataset": ("psycompare.store.dataset", None),
    "history": ("psycompare.query.history", None),
    "interactions": ("psycompare.store.interactions", None),
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

"""`search`: where words appear across the dataset, with US/UK spellings folded."""

from __future__ import annotations

from typing import Any

from psycompare.errors import UsageError
from psycompare.store.dataset import Dataset, iter_facts
from psycompare.views.base import Block, Row, View, section_of


def _strings(obj: Any, path: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    sec = section_of(obj)
    for fld in sec.fields if sec else ():
        value = getattr(obj, fld.name)
        if isinstance(value, str):
            out.append((f"{path}.{fld.name}", value))
        elif isinstance(value, tuple) and fld.name != "sources":
            out.extend((f"{path}.{fld.name}", v) for v in value)
    return out


def snippet(text: str, start: int, length: int, width: int = 36) -> str:
    a, b = max(0, start - width), min(len(text), start + length + width)
    return ("..." if a else "") + text[a:b] + ("..." if b < len(text) else "")


_SECTION_WORDS = {
    "class": "class",
    "summary": "summary",
    "mechanism": "mechanism",
    "status": "regulatory status",
    "events": "milestones",
    "effects": "core effects",
    "uses": "uses",
    "side_effects": "side effects",
    "cautions": "cautions",
    "delivery": "delivery",
    "onset": "timing",
    "duration": "timing",
    "trials": "key trials",
    "notes": "common misconceptions",
    "name": "name",
    "generic_name": "generic name",
    "aliases": "aliases",
}


# US and UK spellings are folded to one form before matching, so either finds both.
_SPELLINGS = (
    ("anaesth", "anesth"),
    ("haem", "hem"),
    ("natraem", "natrem"),
    ("oedema", "edema"),
    ("oestr", "estr"),
    ("paed", "ped"),
    ("diarrhoea", "diarrhea"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("tumour", "tumor"),
    ("programme", "program"),
    ("ise", "ize"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
)


def fold(text: str) -> str:
    """Case and US/UK spelling folded, for matching."""
    out = text.casefold()
    for uk, us in _SPELLINGS:
        out = out.replace(uk, us)
    return out


def _where(path: str) -> str:
    """``side_effects[4].text`` as people say it: ``side effects``."""
    head = path.split("[", 1)[0].split(".", 1)[0]
    return _SECTION_WORDS.get(head, head.replace("_", " "))


def search_view(ds: Dataset, query: str) -> tuple[View, list[str]]:
    """Where a text occurs across the dataset. Returns the view and unreadable-record errors."""
    q = fold(" ".join(query.split()))
    if not q:
        raise UsageError("search text must not be empty")
    subs, errors = ds.all()
    matches: list[dict[str, str]] = []
    for sub in subs:
        pairs = [("name", sub.name), ("generic_name", sub.generic_name)] + [("aliases", a) for a in sub.aliases]
        for path, item in iter_facts(sub):
            pairs.extend(_strings(item, path))
        seen: set[tuple[str, str]] = set()
        for path, text in pairs:
            folded = fold(text)
            pos = folded.find(q)
            if pos < 0 or len(folded) != len(text):  # spelling folds change lengths: locate in the original
                pos = text.casefold().find(q) if pos < 0 else _approx(text, folded, pos)
            if pos >= 0 or q in folded:
                where = _where(path)
                snip = snippet(text, max(pos, 0), len(q))
                if (where, snip) in seen:
                    continue
                seen.add((where, snip))
                matches.append({"substance": sub.id, "field": path, "section": where, "snippet": snip})
    shown = query if len(query) <= 80 else query[:77] + "..."
    block = Block(
        f"Matches for {shown!r}",
        ["substance", "section", "snippet"],
        [Row([m["substance"], m["section"], m["snippet"]]) for m in matches],
        layout="items",
    )
    view = View(
        {"query": query, "matches": matches},
        [block],
        ["substance", "section", "field", "snippet"],
        [[m["substance"], m["section"], m["field"], m["snippet"]] for m in matches],
        hint="Open one: psycompare show NAME --section SECTION" if matches else "",
    )
    return view, [str(e) for e in errors]


def _approx(text: str, folded: str, pos: int) -> int:
    """Map a position in the folded text back to the original (folds only shorten words)."""
    return min(len(text) - 1, int(pos * len(text) / max(len(folded), 1)))

"""`search`: where words appear across the dataset, with US/UK spellings folded."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from psycompare.store.dataset import Dataset, iter_facts
from psycompare.views.base import Block, Row, View, section_of, words


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


def snippet(text: str, start: int, length: int, width: int = 36, before: int = 16) -> str:
    """The match with about ``before`` characters of context before it and ``width`` after,
    cut between words (a table cuts the end further, so the match comes early)."""
    a, b = max(0, start - before), min(len(text), start + length + width)
    if a:
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    if b < len(text):
        space = text.rfind(" ", start + length, b)
        b = space if space >= 0 else b
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def synonym_groups(ds: Dataset) -> list[list[str]]:
    """The search synonym groups of every data directory (synonyms.toml), folded."""
    import tomllib

    groups: list[list[str]] = []
    for idx in ds.indexes:
        path = os.path.join(idx.root, "synonyms.toml")
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for group in data.get("group", []):
            terms = group.get("terms") if isinstance(group, dict) else None
            if isinstance(terms, list):
                groups.append([fold(t) for t in terms if isinstance(t, str) and t.strip()])
    return groups


def query_patterns(q: str, groups: list[list[str]]) -> list[re.Pattern[str]]:
    """The folded query as typed, then each synonym variant (from the start of a word): a term
    of a group in the query is swapped for every other term."""
    # a query that is (or holds) a synonym is a word, so "died" does not find "studied"
    # nor "abuse" "Antabuse"; any other query matches inside words ("natremia")
    word = any(term and term in q for terms in groups for term in terms)
    out = [re.compile((r"(?<!\w)" if word else "") + re.escape(q))]
    seen = {q}
    for terms in groups:
        for term in terms:
            if term and term in q:
                for other in terms:
                    variant = q.replace(term, other)
                    if variant not in seen:
                        seen.add(variant)
                        out.append(re.compile(r"(?<!\w)" + re.escape(variant)))
    return out


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
    """Where a text (or a synonym of it, data/synonyms.toml) occurs across the dataset: the
    records, the interaction rules and the partner drugs and classes. Returns the view and
    unreadable-record errors."""
    q = fold(" ".join(query.split()))  # not empty: app.options.search_text
    patterns = query_patterns(q, synonym_groups(ds))
    subs, errors = ds.all()
    matches: list[dict[str, str]] = []

    def find(text: str) -> tuple[int, int] | None:
        folded = fold(text)
        for pat in patterns:
            m = pat.search(folded)
            if m is None:
                continue
            pos, length = m.start(), m.end() - m.start()
            if len(folded) != len(text):  # spelling folds change lengths: locate in the original
                pos = _approx(text, folded, pos)
            return pos, length
        return None

    for sub in subs:
        pairs = [("name", sub.name), ("generic_name", sub.generic_name)] + [("aliases", a) for a in sub.aliases]
        for path, item in iter_facts(sub):
            pairs.extend(_strings(item, path))
        seen: set[tuple[str, str]] = set()
        for path, text in pairs:
            hit = find(text)
            if hit is None:
                continue
            where = _where(path)
            snip = snippet(text, *hit)
            if (where, snip) in seen:
                continue
            seen.add((where, snip))
            matches.append({"substance": sub.id, "field": path, "section": where, "snippet": snip})
    matches += _interaction_matches(ds, find)
    shown = query if len(query) <= 80 else query[:77] + "..."
    block = Block(
        f"Matches for {shown!r}",
        ["substance", "section", "snippet"],
        [Row([m["substance"], m["section"], m["snippet"]]) for m in matches],
        "rows",
        one_line=True,
    )
    hint = ""
    if matches:
        hint = "Open one: psycompare show NAME --section SECTION"
        if any(m["section"].startswith("interaction") for m in matches):
            hint += "; an interaction: psycompare interactions NAME [NAME...]"
    view = View(
        {"query": query, "matches": matches},
        [block],
        ["substance", "section", "field", "snippet"],
        [[m["substance"], m["section"], m["field"], m["snippet"]] for m in matches],
        hint=hint,
    )
    return view, [str(e) for e in errors]


def _interaction_matches(ds: Dataset, find: Callable[[str], tuple[int, int] | None]) -> list[dict[str, str]]:
    """Matches in the interaction rules (either side's name, what happens, what to do) and in
    the partner drugs' and classes' names. Unreadable interaction data is left to
    `interactions` and `data validate` to report."""
    from psycompare.errors import DataError
    from psycompare.query import interactions as ix

    try:
        data = ix.load(ds)
    except DataError:
        return []
    names = {p.id: p.name for p in data.partners.values()}
    names.update({sid: p.name for sid, p in data.substance_classes.items()})
    subs = set(ds.ids())

    def name(pid: str) -> str:
        return names.get(pid) or pid

    out: list[dict[str, str]] = []
    for i, r in enumerate(data.rules):
        first, other = (r.a, r.b) if r.a in subs or r.b not in subs else (r.b, r.a)
        label = f"with {name(other)}: "
        for key, text in (
            ("b" if other == r.b else "a", name(other)),
            ("a" if first == r.a else "b", name(first)),
            ("text", r.text),
            ("management", r.management),
        ):
            hit = find(text) if text else None
            if hit is None:
                continue
            snip = snippet(text, *hit) if key in ("text", "management") else r.short or words(r.effect)
            out.append(
                {
                    "substance": first,
                    "field": f"interactions[{i}].{key}",
                    "section": "interactions",
                    "snippet": label + snip,
                }
            )
            break
    for p in data.partners.values():
        for text in (p.name, *p.aliases):
            if find(text) is not None:
                kind = {"drug": "partner drug", "class": "drug class"}.get(p.kind, p.kind)
                out.append(
                    {
                        "substance": p.id,
                        "field": f"partners.{p.id}",
                        "section": "interaction partners",
                        "snippet": f"{p.name} ({kind})",
                    }
                )
                break
    return out


def _approx(text: str, folded: str, pos: int) -> int:
    """Map a position in the folded text back to the original (folds only shorten words)."""
    return min(len(text) - 1, int(pos * len(text) / max(len(folded), 1)))

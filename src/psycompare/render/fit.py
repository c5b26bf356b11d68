"""One line per row at a given width, the way `kubectl get` does it: the widest columns give
way first, cells are cut at a word boundary with an ellipsis, optional columns are dropped
when even that leaves too little room. Shared by the table and plain renderers; no Rich."""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "…"
KEEP = 10  # a column whose cells are all this short (a date, a code) is never cut
NAME = 26  # columns this narrow (names, states) are cut only when the wide ones cannot give way
FLOOR = 8  # the narrowest a cut column gets
ROOMY = 24  # the least a wide (prose) column should get; less, and an optional column goes


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters: whole, or cut after a word with an ellipsis.

    A first word longer than the width is cut at a hyphen inside it when there is one,
    else inside the word (there is no other way); a cut never leaves a trailing comma,
    semicolon or opening bracket before the ellipsis.
    """
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    head = text[: room + 1]
    space = head.rfind(" ")
    if space > 0:
        head = head[:space]
    else:
        hyphen = head[:room].rfind("-")
        head = head[: hyphen + 1] if hyphen > 0 else text[:room]
    head = head.rstrip(" ,;:([/–—") or text[:room]
    return head + ELLIPSIS


def widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], room: int, gap: int, drop: Sequence[int] = ()
) -> tuple[list[int], list[int]]:
    """Which columns to show and how wide: (kept column indices, width per kept column).

    ``room`` is the line width; ``gap`` the spaces between two columns. Prose columns
    (wider than `NAME`) give way first, down to `ROOMY`; then the columns in ``drop``
    go (first listed, first dropped); only then are names and words cut too.
    """
    kept = list(range(len(columns)))
    pending = list(drop)
    while True:
        natural = [max([len(columns[i]), *(len(r[i]) for r in rows)]) for i in kept]
        avail = room - gap * (len(kept) - 1)
        fixed = [n <= NAME for n in natural]
        cap = _cap(natural, fixed, avail, min(ROOMY, max(natural)))
        if cap is None and pending:
            kept.remove(pending.pop(0))
            continue
        if cap is None:  # nothing left to drop: cut names and words too
            fixed = [n <= KEEP for n in natural]
            cap = _cap(natural, fixed, avail, FLOOR) or FLOOR
        out = [n if f else min(n, cap) for n, f in zip(natural, fixed, strict=True)]
        # what the cap leaves over goes to the widest cut columns, one each
        spare = avail - sum(out)
        for j in sorted(range(len(out)), key=lambda j: -natural[j]):
            if spare <= 0:
                break
            if not fixed[j] and out[j] < natural[j]:
                out[j] += 1
                spare -= 1
        return kept, out


def _cap(natural: list[int], fixed: list[bool], avail: int, floor: int) -> int | None:
    """The largest width every cut column may take so that the line fits; None when even
    ``floor`` is too wide."""
    base = sum(n for n, f in zip(natural, fixed, strict=True) if f)
    flex = [n for n, f in zip(natural, fixed, strict=True) if not f]
    if base + sum(flex) <= avail:
        return max(flex, default=0)
    lo, hi = floor, max(flex, default=floor)
    if base + sum(min(n, lo) for n in flex) > avail:
        return None
    while lo < hi:  # the largest cap that fits
        mid = (lo + hi + 1) // 2
        if base + sum(min(n, mid) for n in flex) <= avail:
            lo = mid
        else:
            hi = mid - 1
    return lo


def fit(
    columns: Sequence[str], rows: Sequence[Sequence[str]], room: int, gap: int = 2, drop: Sequence[int] = ()
) -> tuple[list[str], list[list[str]], list[int]]:
    """Header and rows cut to one line of at most ``room`` characters each (with ``gap``
    spaces between columns): (header, rows, width of each shown column)."""
    kept, sizes = widths(columns, rows, room, gap, drop)
    head = [cut(columns[i], w) for i, w in zip(kept, sizes, strict=True)]
    body = [[cut(r[i], w) for i, w in zip(kept, sizes, strict=True)] for r in rows]
    return head, body, sizes


def lines(columns: Sequence[str], rows: Sequence[Sequence[str]], room: int, drop: Sequence[int] = ()) -> list[str]:
    """Aligned columns with a header row, two spaces apart, each line at most ``room`` wide."""
    head, body, sizes = fit(columns, rows, room, 2, drop)
    out = []
    for cells in [head, *body]:
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, sizes, strict=True)).rstrip())
    return out


def chart_spans(widths: list[int], room: int, gap: int) -> list[tuple[int, int]]:
    """Panels of a chart too wide for ``room`` columns: (start, end) ranges of whole columns after
    the label column (widths[0]), as many as fit beside the labels with ``gap`` between columns;
    a column wider than the room still gets a panel of its own."""
    spans: list[tuple[int, int]] = []
    start = 1
    while start < len(widths):
        end, used = start, widths[0]
        while end < len(widths) and (end == start or used + gap + widths[end] <= room):
            used += gap + widths[end]
            end += 1
        spans.append((start, end))
        start = end
    return spans

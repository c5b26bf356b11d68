"""Data is never code: clean strings from data files before people see them.

Three outputs read text as more than text:

- a terminal runs control sequences (ESC ``[2J``, OSC 52 clipboard writes, OSC 8
  links, C1 controls such as U+009B) and reorders text around bidi controls;
- a spreadsheet evaluates a CSV cell that starts with ``= + - @``, tab or CR;
- Markdown is HTML too, and a link target can be ``javascript:``.

`clean` makes control and invisible formatting characters visible as ``\\xNN`` /
``\\uNNNN`` (so nothing is hidden and nothing runs) and turns line breaks inside
data into spaces: renderers add their own line structure. `clean_tree` applies it to
every string of a view's blocks and footnotes (the one choke point in `output`).
`csv_cell` and the Markdown helpers are used by their renderers.

Pure string work, no imports: this runs on the plain-text path.
"""

from __future__ import annotations

from typing import Any

# Line breaks inside data: a space (the renderers lay out lines themselves).
_BREAKS = "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Bidi embeddings, overrides, isolates and marks, and other invisible format controls.
_FORMAT = (
    "\u061c\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\ufff9\ufffa\ufffb"
)


def _visible(c: str) -> str:
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


_TABLE: dict[int, str] = {}
for _n in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
    _TABLE[_n] = _visible(chr(_n))
for _c in _FORMAT:
    _TABLE[ord(_c)] = _visible(_c)
for _c in _BREAKS:
    _TABLE[ord(_c)] = " "
_TABLE_KEEP_NEWLINE = {**_TABLE, ord("\n"): "\n"}

# For validation: what `clean` would change, except tab and newline (harmless in data).
CONTROL_CHARS = frozenset(chr(n) for n in _TABLE) - frozenset("\t\n")


def clean(text: str, keep_newlines: bool = False) -> str:
    """Text safe for a terminal: controls made visible, line breaks turned into spaces.

    ``keep_newlines`` keeps ``\\n`` (for cells whose line structure the view built);
    CR and every other break still become spaces.
    """
    if text.isprintable():  # the common case: no work
        return text
    return text.translate(_TABLE_KEEP_NEWLINE if keep_newlines else _TABLE)


def bad_char(text: str) -> str | None:
    """The first control or invisible formatting character a data string must not carry."""
    if text.isprintable():
        return None
    return next((c for c in text if c in CONTROL_CHARS), None)


def clean_tree(value: Any, keep_newlines: bool = False) -> Any:
    """`clean` every string inside lists, tuples and NamedTuples (other values as they are).

    A block whose ``layout`` is ``"records"`` keeps the newlines of its string cells:
    there the view uses ``\\n`` to separate items within a cell.
    """
    if isinstance(value, str):
        return clean(value, keep_newlines)
    if isinstance(value, list):
        return [clean_tree(v, keep_newlines) for v in value]
    if isinstance(value, tuple):
        if hasattr(value, "_fields"):  # a NamedTuple: Block, Row, Footnotes, Source...
            keep = keep_newlines or getattr(value, "layout", None) == "records"
            return type(value)._make(clean_tree(v, keep) for v in value)  # type: ignore[attr-defined]
        return tuple(clean_tree(v, keep_newlines) for v in value)
    return value


# ---------------------------------------------------------------------------------------------
# CSV


def _is_number(cell: str) -> bool:
    """A plain decimal number such as -5, +1.5 or -2e3 (a spreadsheet reads it as the number)."""
    body = cell[1:]
    if not body or not body[0].isascii() or not (body[0].isdigit() or body[0] == "."):
        return False
    if not set(body) <= frozenset("0123456789.eE+-"):
        return False
    try:
        float(cell)
    except ValueError:
        return False
    return True


def csv_cell(cell: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate (OWASP "CSV injection").

    A cell starting with ``= + - @``, tab or CR gets a leading ``'``. Kept as they
    are: ``-`` alone (the "nothing here" placeholder) and plain numbers such as
    ``-5`` or ``+1.5``, which a spreadsheet shows as the same number and which no
    formula can hide in.
    """
    if not cell or cell[0] not in "=+-@\t\r":
        return cell
    if cell == "-" or (cell[0] in "+-" and _is_number(cell)):
        return cell
    return "'" + cell


# ---------------------------------------------------------------------------------------------
# Markdown

_MD = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "*": "\\*",
        "_": "\\_",
        "`": "\\`",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)


def md_text(text: str, keep_newlines: bool = False) -> str:
    """Text for a Markdown table cell or heading: no HTML, no emphasis, no cell breaks.

    With ``keep_newlines``, a newline becomes ``<br>`` (a line break inside a cell).
    """
    # no link or image syntax from data: `[x](url)` and `[x][ref]` lose their meaning
    out = clean(text, keep_newlines).translate(_MD).replace("](", "\\](").replace("][", "\\][")
    return out.replace("\n", "<br>") if keep_newlines else out


def md_link(url: str, text: str) -> str:
    """An autolink ``<url>`` for a safe http(s) URL, else the text, escaped."""
    if url and is_http_url(url) and "<" not in url and ">" not in url:
        return f"<{url}>"
    return md_text(text)


_URL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%")


def is_http_url(url: str) -> bool:
    """An http(s) URL with a host, made only of the characters RFC 3986 allows (no <, >, quotes, spaces)."""
    for scheme in ("https://", "http://"):
        if url[: len(scheme)].lower() == scheme:
            host = url[len(scheme) :].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            return bool(host) and set(url) <= _URL_CHARS
    return False

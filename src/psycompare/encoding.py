"""Text for a stream that cannot encode UTF-8: ASCII stand-ins for common typography.

Used by `app.output` for every write and by `render.table` for Rich's console; no imports.
"""

from __future__ import annotations

_ASCII = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "--",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00b5": "u",
        "\u03bc": "u",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u00d7": "x",
        "\u2022": "*",
        "\u00b1": "+/-",
        "\u2192": "->",
        "\u00a0": " ",
        "\u2212": "-",
    }
)


def fit_encoding(text: str, encoding: str) -> str:
    """ASCII fallbacks for common typography when the stream cannot encode UTF-8."""
    if encoding.lower().replace("-", "").replace("_", "").startswith("utf"):
        return text
    return text.translate(_ASCII).encode(encoding, "replace").decode(encoding)

"""Jurisdiction codes psycompare knows, their names, and the spellings people type."""

from __future__ import annotations

NAMES: dict[str, str] = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "EU": "European Union",
    "AU": "Australia",
    "NZ": "New Zealand",
    "CH": "Switzerland",
    "DE": "Germany",
    "NL": "Netherlands",
    "JM": "Jamaica",
    "CZ": "Czech Republic",
    "CN": "China",
    "INTL": "UN conventions",
}
US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR "
    "PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
ALIASES = {"UK": "GB", "USA": "US", "UN": "INTL"}


def normalise(code: str, extra: tuple[str, ...] = ()) -> str | None:
    """The canonical code for what a user typed (`uk` -> `GB`), or None when unknown.

    ``extra`` adds codes found in the data, so a user's record for a new country works.
    """
    raw = code.strip()
    if not raw.isascii():
        return None
    c = raw.upper()
    c = ALIASES.get(c, c)
    if c in NAMES or c in extra:
        return c
    country, dash, sub = c.partition("-")
    if dash and country == "US" and sub in US_STATES:
        return c
    return None


def known(extra: tuple[str, ...] = ()) -> list[str]:
    """Every code to suggest: the named ones, then any others the data uses."""
    return [*NAMES, *sorted(set(extra) - set(NAMES))]


def order(code: str, wanted: str | None = None) -> tuple[int, bool, str]:
    """Sort key for showing jurisdictions: the order asked for (`-j GB,US`), else the order
    of `NAMES` (US, CA, GB, EU, AU, NZ, CH, DE, ...; codes only the data knows just before
    INTL), a subdivision right after its country (US, US-CO, US-OR, CA)."""
    upper = code.upper()
    country = national(upper) or upper
    asked = [w for w in (wanted or "").upper().split(",") if w]
    for i, w in enumerate(asked):
        if upper == w or upper.startswith(w + "-") or country == w:
            return (i, upper != w and upper != country, upper)
    names = list(NAMES)
    rank = 2 * names.index(country) if country in names else 2 * names.index("INTL") - 1
    return (len(asked) + rank, upper != country, upper)


def national(code: str) -> str | None:
    """The country a subdivision belongs to (`US-CO` -> `US`), None for a country itself."""
    if "," in code:  # several codes: each answers for itself
        return None
    country, dash, sub = code.upper().partition("-")
    return country if dash and sub else None


def fallback_note(code: str, shown: str) -> str:
    """What a view says when a subdivision has no entry of its own and the national one is shown."""
    level = "federal" if shown == "US" else "national"
    return f"no {code} law recorded; {level} ({shown})"


def matches(code: str, wanted: str | None) -> bool:
    """The `-j` rule of `status` and `timeline`: no filter, the same code, or a subdivision of
    it (`US` includes `US-OR`); several codes comma-separated (`US,GB`). `wanted` is already
    upper case."""
    if wanted is None:
        return True
    code = code.upper()
    return any(code == w or code.startswith(w + "-") for w in wanted.split(","))

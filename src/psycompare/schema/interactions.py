"""What partners.toml and interactions.toml may say: their fields, the words of the scale, and
the severity a rule's own words set as its floor (`data validate` enforces it)."""

from __future__ import annotations

import re

from psycompare.interaction_model import RANK, SEVERITIES
from psycompare.schema import rules as schema

__all__ = ["RANK", "SEVERITIES"]

EFFECTS = (
    "serotonin-toxicity",
    "hypertensive-reaction",
    "cardiovascular",
    "cns-depression",
    "seizures",
    "qt-prolongation",
    "raised-levels",
    "lowered-levels",
    "blunted-effect",
    "other",
    "none",
)
SETTINGS = ("any", "clinical", "nonmedical")
EVIDENCE = ("label", "controlled-study", "observational", "case-reports", "review", "pharmacology")
KINDS = ("substance", "drug", "class", "property")

# The scale as actions (docs/schema.md), the way clinical checkers grade risk.
ACTIONS = {
    "contraindicated": "do not combine",
    "major": "avoid, or precautions",
    "moderate": "monitor",
    "minor": "usually no action",
    "none": "no action known",
}
LEGEND = (
    "Scale: contraindicated = avoid; major = avoid or only with precautions; moderate = monitor; "
    "minor = usually no action. No interaction recorded does not mean safe."
)

PARTNER_FIELDS = (
    schema.Field("name", "text", required=False),
    schema.Field("aliases", "strlist", required=False),
    schema.Field("classes", "strlist", required=False),
    schema.Field("properties", "strlist", required=False),
    schema.Field("sources", "sources", required=False),
    schema.Field("note", "str", required=False),
)
RULE_FIELDS = (
    schema.Field("a", "id"),
    schema.Field("b", "id"),
    schema.Field("severity", "str", choices=SEVERITIES),
    schema.Field("effect", "str", choices=EFFECTS),
    schema.Field("text", "text"),
    schema.Field("setting", "str", choices=SETTINGS),
    schema.Field("evidence", "str", choices=EVIDENCE),
    schema.Field("management", "str", required=False),
    schema.Field("enzyme", "str", required=False),
    schema.Field("grading_note", "text", required=False),
    schema.Field("short", "text", required=False),
    schema.Field("action", "text", required=False),
    schema.SRC,
    schema.AS_OF,
)
SECTIONS = {"class": "class", "drug": "drug", "substance": "substance", "property": "property"}


# What a rule's own words imply about its severity. A mention preceded by a negation
# ("no seizures were reported", "not contraindicated") does not count.
_FLOORS = (
    (re.compile(r"do not co-?administer|contraindicat", re.I), "contraindicated"),
    (
        re.compile(
            r"\bdeaths?\b|\bdied\b|\bfatal|serotonin (?:toxicity|syndrome)|seizures?\b|"
            r"hypertensive crisis|hypertensive crises|respiratory depression",
            re.I,
        ),
        "major",
    ),
)
_NEGATION = re.compile(r"\b(?:no|not|without|never|nor|none)\b[^.;]{0,40}$", re.I)


def severity_floor(text: str) -> tuple[str, str] | None:
    """The lowest severity a rule's words allow, and the words that set it (None: no floor)."""
    for pattern, floor in _FLOORS:
        for m in pattern.finditer(text):
            if not _NEGATION.search(text[: m.start()]):
                return floor, m.group(0)
    return None

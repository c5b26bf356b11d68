"""What partners.toml and interactions.toml may say: their fields and the words of the scale
(the floor a rule's own words set is checked in `store.ix_validate.severity_floor`)."""

from __future__ import annotations

from psycompare.interaction_model import RANK, SEVERITIES
from psycompare.schema.fields import AS_OF, SRC, Field

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
    Field("name", "text", required=False),
    Field("aliases", "strlist", required=False),
    Field("classes", "strlist", required=False),
    Field("properties", "strlist", required=False),
    Field("sources", "sources", required=False),
    Field("note", "str", required=False),
    Field("contains", "strlist", required=False),
)
RULE_FIELDS = (
    Field("a", "id"),
    Field("b", "id"),
    Field("severity", "str", choices=SEVERITIES),
    Field("effect", "str", choices=EFFECTS),
    Field("text", "text"),
    Field("setting", "str", choices=SETTINGS),
    Field("evidence", "str", choices=EVIDENCE),
    Field("management", "str", required=False),
    Field("enzyme", "str", required=False),
    Field("grading_note", "text", required=False),
    Field("short", "text", required=False),
    Field("action", "text", required=False),
    Field("locator", "str", required=False, limit=80),
    SRC,
    AS_OF,
)
SECTIONS = {"class": "class", "drug": "drug", "substance": "substance", "property": "property"}

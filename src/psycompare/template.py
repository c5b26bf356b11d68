"""The commented template written by ``psycompare data new``."""

from __future__ import annotations

from datetime import date

from psycompare.errors import UsageError
from psycompare.schema import is_id

TEMPLATE = """\
# psycompare record template. Fill in every TODO, add the sources you cite to
# sources.toml in the same data directory, then run: psycompare data validate DIR
# Every fact needs `sources = [...]` naming ids from sources.toml. Dates have no quotes.
# Schema: docs/schema.md in the psycompare repository.
schema = 1
id = "{id}"
name = "TODO display name"
generic_name = "TODO INN or generic name"
aliases = []                     # brand, INN, street and development names
reviewed = {today}

[class]
text = "TODO pharmacological class"
sources = ["TODO-source-id"]

[summary]
text = "TODO two or three sentences in your own words"
sources = ["TODO-source-id"]

[mechanism]
text = "TODO receptor / transporter, agonist / antagonist / releaser"
sources = ["TODO-source-id"]

# One entry per jurisdiction (US, AU, CA, EU, GB, ...)
[[status]]
jurisdiction = "US"
regulator = "FDA"
approval = "not-approved"        # approved | approved-other-use | investigational | not-approved | restricted-access
indications = []
schedule = ""                    # "" when not a controlled substance
programme = ""                   # REMS, Special Access, ...
note = ""
as_of = {today}
sources = ["TODO-source-id"]

# Optional sections: [[events]], [[effects]], [[uses]], [[side_effects]], [[cautions]],
# [delivery], [onset], [duration], [[trials]], [[notes]] -- see docs/schema.md.
"""


def record_template(sid: str) -> str:
    """The template for a new record id."""
    if not is_id(sid):
        raise UsageError(f"bad id {sid[:40]!r}: use lower-case letters, digits and '-' (e.g. 'dmt')")
    return TEMPLATE.format(id=sid, today=date.today().isoformat())

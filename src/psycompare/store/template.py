"""The commented template written by ``psycompare data new``."""

from __future__ import annotations

from datetime import date

from psycompare.errors import UsageError
from psycompare.schema.checks import is_id

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
schedule = ""                    # law and schedule in full, e.g. "Schedule I (Controlled Substances Act)"
programme = ""                   # REMS, Special Access, ...
note = ""
short = "TODO status in a few words with its decisive date"   # summary form, at most 80 characters
schedule_code = "unknown"        # C-I, Class A, S8...; "none" only when a source says not controlled
# schedule_since = 1985-07-01    # when the current schedule took effect
as_of = {today}
sources = ["TODO-source-id"]

# Optional sections: [[events]], [[effects]], [[uses]], [[side_effects]], [[cautions]],
# [delivery], [onset], [duration], [[trials]], [[notes]] -- see docs/schema.md.
# The summary view (`psycompare compare`) reads these short forms; uncomment and fill in:
#
# [[effects]]
# text = "TODO a core effect in a therapy setting, in your own words"
# short = "TODO a few words"     # at most 44 characters
# sources = ["TODO-source-id"]
#
# [[side_effects]]
# text = "TODO an adverse effect"
# frequency = "common"           # common | less-common | rare | unknown
# severity = "serious"           # mild | serious
# setting = "clinical"           # clinical | nonmedical
# short = "TODO a few words"     # at most 44 characters
# top = 1                        # rank among the 3 to 5 top safety concerns
# sources = ["TODO-source-id"]
#
# [[trials]]
# name = "TODO"
# phase = "3"
# population = "TODO"
# n = 0                          # number randomised
# primary_endpoint = "TODO"
# result = "TODO figures as the paper reports them"
# pmid = "TODO"
# short = "TODO name (phase): the headline figure"   # at most 100 characters
# key = true                     # the summary's key evidence
# sources = ["TODO-source-id"]
"""


def record_template(sid: str) -> str:
    """The template for a new record id."""
    if not is_id(sid):
        raise UsageError(f"bad id {sid[:40]!r}: use lower-case letters, digits and '-' (e.g. 'dmt')")
    return TEMPLATE.format(id=sid, today=date.today().isoformat())

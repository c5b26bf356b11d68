"""The output format names and the disclaimer. The renderers (one module per family of
formats beside this one) each take a `views.base.View`."""

FORMATS = ("table", "plain", "json", "csv", "markdown", "toml", "jsonl")
DISCLAIMER = "Reference information only, not medical advice. Check the cited sources and ask a clinician."

"""Renderers: one module per family of output formats. Each takes a views.View."""

FORMATS = ("table", "plain", "json", "csv", "markdown", "toml", "jsonl")
DISCLAIMER = "Reference information only, not medical advice. Check the cited sources and ask a clinician."

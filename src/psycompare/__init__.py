"""psycompare: sourced, dated facts about substances used in psychiatric treatment and research."""

__version__ = "0.1.0"

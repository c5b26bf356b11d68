"""Allow ``python -m psycompare``."""

from psycompare.cli import main

main()

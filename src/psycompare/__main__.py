"""Allow ``python -m psycompare``."""

from psycompare.cli.entry import main

main()

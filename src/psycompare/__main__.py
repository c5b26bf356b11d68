"""Allow ``python -m psycompare``."""

from psycompare.entry import main

main()

"""Regenerate tests/golden/corpus.txt: run every corpus command line and store its output.

Usage:  python scripts/golden.py [--check] [--refresh-data]

--refresh-data first copies the bundled data (data/: dataset.toml, sources.toml,
partners.toml, interactions.toml, gaps.toml, substances/) over the frozen copy in
tests/golden/data: needed when a new validation rule rejects the frozen copy.

The command lines, the frozen data directory and the fixed environment are defined in
tests/test_golden_corpus.py, which checks the stored file. Review the diff before
committing a regenerated corpus: every change in it is a change users see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_golden_corpus import CORPUS, DATA, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def refresh_data() -> None:
    shutil.rmtree(DATA, ignore_errors=True)
    shutil.copytree(ROOT / "data" / "substances", DATA / "substances")
    for name in ("dataset.toml", "sources.toml", "partners.toml", "interactions.toml", "gaps.toml"):
        if (ROOT / "data" / name).is_file():
            shutil.copy2(ROOT / "data" / name, DATA / name)


def main() -> int:
    if "--refresh-data" in sys.argv[1:]:
        refresh_data()
    text = generate()
    if "--check" in sys.argv[1:]:
        same = CORPUS.exists() and CORPUS.read_text("utf-8") == text
        print("corpus up to date" if same else "corpus differs: run python scripts/golden.py")
        return 0 if same else 1
    CORPUS.write_text(text, "utf-8")
    print(f"wrote {CORPUS} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

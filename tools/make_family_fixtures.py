"""Write tests/fixtures/families/<family>/: our own thread (tests/family_markup.SPRING) in each
comment markup family's structure, with its expected JSON written from the thread, never from a
parser. Run from the repository root: `python tools/make_family_fixtures.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.family_markup import (  # noqa: E402
    FAMILIES,
    FIXTURE_FETCHED,
    SPRING,
    expected,
    expected_item,
    page,
)

OUT = ROOT / "tests" / "fixtures" / "families"


def main() -> None:
    for family in FAMILIES:
        folder = OUT / family
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "page.html").write_text(page(SPRING, family), encoding="utf-8")
        want = {**expected(SPRING, family), "fetched_at": FIXTURE_FETCHED,
                "item": expected_item(SPRING, family)}  # fmt: skip
        text = json.dumps(want, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        (folder / "expected.json").write_text(text, encoding="utf-8")
        print(folder.relative_to(ROOT))


if __name__ == "__main__":
    main()

"""Write bench/data/dates_mix.txt: 9 in 10 the site's own `2021年 12月 23日` form, plus every
form of tests/fixtures/dates/cases.tsv once, shuffled with a fixed seed.

Run: .venv/bin/python bench/make_dates_mix.py
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).parent.parent
CASES = ROOT / "tests" / "fixtures" / "dates" / "cases.tsv"
MIX = Path(__file__).parent / "data" / "dates_mix.txt"


def main() -> None:
    rng = random.Random(20211223)
    site_form = [
        f"{rng.randint(2015, 2021)}年 {rng.randint(1, 12)}月 {rng.randint(1, 28)}日"
        for _ in range(900)
    ]
    long_tail = [
        line.split("\t")[0]
        for line in CASES.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    lines = site_form + long_tail
    rng.shuffle(lines)
    MIX.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{MIX}: {len(site_form)} site-form + {len(long_tail)} long-tail strings")


if __name__ == "__main__":
    main()

"""Derive the expected extraction result of the seed page from the seed *text* alone.

Bullet indentation gives depth (4 spaces = depth 1, 2 more per level), a trailing integer line
gives the vote count, a bullet that is a date with no author bullet before it means an empty
author. This deliberately shares no code with `tools/render_seed_page.py`: the fixture's
expectations must not come from the renderer that produced the fixture.

Usage: python tools/seed_expected.py SEED_TXT OUT_JSON
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Not visible in the text rendering; these are the values the fixture page declares.
PAGE_FACTS = {
    "wp_post_id": 19342,
    "published_at": "2021-12-23T00:35:12+00:00",
    "comment_count_shown": 34,
}
YMD = re.compile(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日")


def iso_date(match: re.Match) -> str:
    year, month, day = map(int, match.groups())
    return f"{year}-{month:02d}-{day:02d}"


def comment_block(lines: list[str]) -> list[str]:
    start = lines.index("コメント") + 1
    end = next(i for i in range(start, len(lines)) if "トラックバック" in lines[i])
    return lines[start:end]


def expected_comments(lines: list[str]) -> list[dict]:
    comments: list[dict] = []
    open_at_depth: dict[int, int] = {}  # depth -> position of the latest comment at that depth
    body: list[str] = []

    def finish() -> None:
        while body and not body[-1]:
            body.pop()
        votes = int(body.pop()) if body and body[-1].isdigit() else None
        while body and not body[-1]:
            body.pop()
        while body and not body[0]:
            body.pop(0)
        comments[-1]["votes"] = votes
        comments[-1]["body_text"] = "\n".join(body)
        body.clear()

    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped.startswith("• "):
            if comments:
                body.append(line.strip())
            continue
        depth = (len(line) - len(stripped) - 4) // 2 + 1
        value = stripped[2:].strip()
        date = YMD.match(value)
        if date and comments and comments[-1]["posted_raw"] is None and not body:
            comments[-1]["posted_raw"] = value
            comments[-1]["posted_on"] = iso_date(date)
            continue
        if comments:
            finish()
        position = len(comments) + 1
        open_at_depth[depth] = position
        comments.append(
            {
                "position": position,
                "depth": depth,
                "parent_position": open_at_depth[depth - 1] if depth > 1 else None,
                "author": "" if date else value,
                "posted_raw": value if date else None,
                "posted_on": (iso_date(date)) if date else None,
            }
        )
    finish()
    return comments


def main(argv: list[str]) -> int:
    seed, out = argv
    lines = Path(seed).read_text(encoding="utf-8").splitlines()
    comments = expected_comments(comment_block(lines))
    expected = {
        "article": {
            "title": lines[2].strip(),
            "category": lines[0].strip(),
            **PAGE_FACTS,
            "comment_count": len(comments),
        },
        "comments": comments,
    }
    Path(out).write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

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
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")

# Not visible in the text rendering; these are the values the fixture page declares.
PAGE_FACTS = {
    "wp_post_id": 19342,
    "published_at": "2021-12-23T00:35:12+00:00",
    "comment_count_shown": 34,
}
PUBLISHED_RAW = "2021-12-23T09:35:12+09:00"  # article:published_time and modified_time
SITE = "https://grandfleet.info"
NEIGHBOURS = (SITE + "/asia/india-test/", SITE + "/asia/taiwan-submarine/")  # previous, next
FIRST_COMMENT_ID = 170401  # the page numbers its comments in display order from here
LINKS = {  # where the body's link lines point (the text shows only their labels)
    "参考": "https://www.reuters.com/world/russia-says-security-talks-with-us-nato-begin-january-2021-12-22/",
    "関連記事": SITE + "/european-region/related/",
}
# Where the fixture test reads the page, and when.
PARSED_AT = "http://127.0.0.1:8000/2021/12/23/article/"
FETCHED_AT = "2026-12-02T00:00:00+00:00"
YMD = re.compile(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日")
CREDIT = re.compile(r"^※?(参考|出典|アイキャッチ画像の出典):(.+)$")


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


def article_lines(lines: list[str]) -> list[str]:
    """The body's paragraphs: the non-empty lines between the title and the post navigation."""
    body = [line.strip() for line in lines[3 : lines.index("コメント")]]
    return [
        line
        for line in body[: next(i for i, x in enumerate(body) if x.endswith("前のページ"))]
        if line
    ]


def paragraph_html(line: str) -> str:
    label, _, rest = line.partition(":")
    if rest and label in LINKS:
        extra = ' target="_blank" rel="noopener"' if label == "参考" else ""
        return f'<p>{label}:<a href="{LINKS[label]}"{extra}>{escape(rest, quote=False)}</a></p>'
    return f"<p>{escape(line, quote=False)}</p>"


def comment_rows(comments: list[dict]) -> list[dict]:
    """The item's rows: ids in display order, a day's date at local midnight."""
    keys = {c["position"]: str(FIRST_COMMENT_ID + c["position"] - 1) for c in comments}
    rows = []
    for c in comments:
        day = datetime.fromisoformat(c["posted_on"]).replace(tzinfo=JST) if c["posted_on"] else None
        paragraphs = c["body_text"].split("\n\n")
        rows.append({
            "author": c["author"], "body_text": c["body_text"], "depth": c["depth"],
            "body_html": "\n".join(
                "<p>" + "<br>\n".join(escape(x, quote=False) for x in p.split("\n")) + "</p>"
                for p in paragraphs
            ),
            "external_id": keys[c["position"]], "key": keys[c["position"]], "kind": "comment",
            "page_url": PARSED_AT,
            "parent_key": keys[c["parent_position"]] if c["parent_position"] else None,
            "position": c["position"], "posted_at": day.astimezone(UTC).isoformat() if day else None,
            "posted_attr": None, "posted_on": c["posted_on"],
            "posted_precision": "day" if day else None, "posted_raw": c["posted_raw"],
            "source": "html", "votes": c["votes"],
        })  # fmt: skip
    return rows


def whole_item(lines: list[str], comments: list[dict]) -> dict:
    """Every field of the item a crawl stores for the page, from the text and the page facts."""
    body = article_lines(lines)
    credits = [CREDIT.match(line) for line in body]
    published = datetime.fromisoformat(PUBLISHED_RAW)
    return {
        "author": None, "body_html": "\n".join(paragraph_html(line) for line in body),
        "body_text": "\n\n".join(body), "captures": [], "category": lines[0].strip(),
        "comment_count_shown": PAGE_FACTS["comment_count_shown"],
        "comment_ids_shown": len(comments), "comment_markup": "tcd",
        "comments": comment_rows(comments), "comments_complete": True, "date_formats": [],
        "domain": "127.0.0.1:8000", "fetched_at": FETCHED_AT, "fetched_url": PARSED_AT,
        "language": "ja", "modified_at": published.astimezone(UTC).isoformat(),
        "modified_raw": PUBLISHED_RAW, "next_url": NEIGHBOURS[1], "pages_fetched": 1,
        "previous_url": NEIGHBOURS[0], "published_at": published.astimezone(UTC).isoformat(),
        "published_on": published.date().isoformat(), "published_raw": PUBLISHED_RAW,
        "related_urls": [LINKS["関連記事"]],
        "rest_api": None, "rest_comments": None,
        "sources": [
            {"label": m[1], "text": m[2], "url": LINKS.get(m[1]) if m[1] == "参考" else None}
            for m in credits if m
        ],
        # The only offsets are in meta tags, which SEO plugins often write in UTC, so the zone
        # is the language's; the canonical URL is on another host than the one read, so not url.
        "tags": [], "timezone": "Asia/Tokyo", "timezone_shown": False,
        "title": lines[2].strip(), "url": PARSED_AT, "visit": None,
        "wp_post_id": PAGE_FACTS["wp_post_id"],
    }  # fmt: skip


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
        "fetched_at": FETCHED_AT,
        "item": whole_item(lines, comments),
    }
    Path(out).write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Save pages of the real WordPress test bed as extraction fixtures, expected JSON from what was
loaded (never from our parsers): tests/fixtures/<markup>/<variant>-<post>-p<N>/{page.html,expected.json}.

The expected item is what was loaded into WordPress as WordPress and its two themes print it:
dates in the bed's formats (`Y年n月j日`, `H:i`), content through `wpautop`, pings listed with the
comments (Twenty Twenty-One prints a ping as one "ピンバック:" link without a date, Twenty
Twenty-Three like a comment), post navigation only in Twenty Twenty-One.

Run as root on a machine of this kind: .venv/bin/python tools/save_wordpress_fixtures.py
"""

from __future__ import annotations

import json
import sys
import urllib.request
from datetime import UTC
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.sitegen.layout import replies_by_parent, walk  # noqa: E402
from archiver.sitegen.model import CATEGORIES, JST, SiteArticle, SiteComment, SiteState  # noqa: E402
from archiver.sitegen.render import body_text  # noqa: E402
from testsite.wordpress import VARIANTS, RunningWordPress, ping_source, stop, up  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PAGE_URL = "http://127.0.0.1:8000"  # the base the fixture test parses with
PARSED_AT = PAGE_URL + "/2021/12/23/article/"  # the URL the fixture test gives the parser
FETCHED_AT = "2026-12-02T00:00:00+00:00"
ROW_FIELDS = ("author", "posted_raw", "posted_attr", "posted_on", "body_text", "votes")
SAVED_POSTS = ("russia-nato-talks", "post-6")  # the seed thread; a small one with a pingback


def listed(state: SiteState, article: SiteArticle, page: int) -> list[tuple[SiteComment, int]]:
    """(comment or ping, depth) as WordPress lists them on comment page `page`: pings are
    top-level entries of the one list, paged with the comments by date (oldest page first)."""
    present = article.present()
    children = replies_by_parent(present)
    tops = sorted(children[None], key=lambda c: (c.posted, c.id))
    if state.comments_per_page:
        size = state.comments_per_page
        tops = tops[(page - 1) * size : page * size]
    return walk(tops, children)


def pages_of(state: SiteState, article: SiteArticle) -> int:
    tops = len(replies_by_parent(article.present())[None])
    return max(1, -(-tops // state.comments_per_page)) if state.comments_per_page else 1


def wpautop(paragraphs: list[list[str]]) -> str:
    """Paragraphs of lines as `wpautop` prints them (the parser writes `<br>` for `<br />`)."""
    return "\n".join(
        "<p>" + "<br>\n".join(escape(line, quote=False) for line in lines) + "</p>"
        for lines in paragraphs
    )


def comment_row(comment: SiteComment, depth: int, position: int | None, theme: str) -> dict:
    short_ping = comment.kind != "comment" and theme == "twentytwentyone"
    label = {"pingback": "ピンバック", "trackback": "トラックバック"}.get(comment.kind, "")
    posted = comment.posted.astimezone(JST)
    shown = f"{posted.year}年{posted.month}月{posted.day}日"
    if theme == "twentytwentyone":
        shown += f" {posted:%H:%M}"
    if short_ping:
        body_html = (
            f'{label}: <a href="{ping_source(comment)}" rel="external nofollow ugc" '
            f'class="url">{escape(comment.author)}</a>'
        )
        text = f"{label}: {comment.author}"
    else:
        body_html, text = wpautop(comment.body), body_text(comment)
    return {
        "author": comment.author or "匿名",  # WordPress shows an empty author as 匿名
        "body_html": body_html,
        "body_text": text,
        "depth": depth,
        "external_id": str(comment.id),
        "key": str(comment.id),
        "kind": comment.kind,
        "page_url": PARSED_AT,
        "parent_key": str(comment.parent) if comment.parent else None,
        "position": position,
        "posted_at": None if short_ping else posted.astimezone(UTC).isoformat(),
        "posted_attr": None if short_ping else posted.isoformat(),
        "posted_on": None if short_ping else posted.date().isoformat(),
        "posted_precision": None if short_ping else "second",
        "posted_raw": None if short_ping else shown,
        "source": "html",
        "votes": None,
    }


def expected_item(running: RunningWordPress, article: SiteArticle, page: int) -> dict:
    state, settings = running.state, VARIANTS[running.variant]
    rows, position = [], 0
    for comment, depth in listed(state, article, page):
        if comment.kind == "comment":
            position += 1
        number = position if comment.kind == "comment" else None
        rows.append(comment_row(comment, depth, number, settings.theme))
    neighbours = sorted(state.live_articles(), key=lambda a: (a.published, a.id))
    at = neighbours.index(article)
    older = neighbours[at - 1] if at > 0 else None
    newer = neighbours[at + 1] if at + 1 < len(neighbours) else None
    navigation = settings.theme == "twentytwentyone"
    published = article.published.astimezone(JST)
    return {
        "author": None,  # neither theme prints the post's author for a one-author site
        "body_html": wpautop([[paragraph] for paragraph in article.body]),
        "body_text": "\n\n".join(article.body),
        "captures": [],
        "category": CATEGORIES[article.category],
        "comment_count_shown": len(article.present()),  # WordPress counts pings too
        "comment_ids_shown": len(rows),
        "comment_markup": settings.markup,
        "comments": rows,
        "comments_complete": True,
        "date_formats": [],
        "domain": "127.0.0.1:8000",
        "fetched_at": FETCHED_AT,
        "fetched_url": PARSED_AT,
        "language": "ja",
        "modified_at": None,
        "modified_raw": None,
        "next_url": PAGE_URL + newer.path if navigation and newer else None,
        "pages_fetched": 1,
        "previous_url": PAGE_URL + older.path if navigation and older else None,
        "published_at": published.astimezone(UTC).isoformat(),
        "published_on": published.date().isoformat(),
        "published_raw": published.isoformat(),
        "related_urls": [],
        "rest_api": PAGE_URL + "/wp-json/",
        "rest_comments": None,
        "sources": [],
        "tags": list(article.tags),
        "timezone": "Asia/Tokyo",
        "timezone_shown": True,
        "title": article.title,
        "url": PAGE_URL + article.path,
        "visit": None,
        "wp_post_id": article.id,
    }


def expected_page(running: RunningWordPress, article: SiteArticle, page: int) -> dict:
    item = expected_item(running, article, page)
    shown = [row for row in item["comments"] if row["kind"] == "comment"]
    by_key = {row["key"]: row["position"] for row in shown}
    return {
        "source": f"Debian wordpress, theme {VARIANTS[running.variant].theme}, "
        f"variant {running.variant}, page {page} of {pages_of(running.state, article)}",
        "article": {
            "title": item["title"],
            "category": item["category"],
            "wp_post_id": item["wp_post_id"],
            "published_at": item["published_raw"],
            "comment_count_shown": item["comment_count_shown"],
            "comment_count": len(shown),
        },
        "comments": [
            {
                "position": row["position"],
                "depth": row["depth"],
                "parent_position": by_key.get(row["parent_key"]),
                **{name: row[name] for name in ROW_FIELDS},
            }
            for row in shown
        ],
        "fetched_at": FETCHED_AT,
        "item": item,
    }


def main() -> None:
    for variant, settings in VARIANTS.items():
        running = up(variant)
        state = running.state
        state.comments_per_page = settings.comments_per_page
        try:
            for article in state.articles.values():
                if article.slug not in SAVED_POSTS:
                    continue
                for page in range(1, pages_of(state, article) + 1):
                    url = running.url(article.path) + (
                        f"comment-page-{page}/" if page > 1 or settings.comments_per_page else ""
                    )
                    html = urllib.request.urlopen(url, timeout=30).read().decode()
                    html = html.replace(running.base_url, PAGE_URL)
                    folder = FIXTURES / settings.markup / f"{variant}-{article.slug}-p{page}"
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / "page.html").write_text(html, encoding="utf-8")
                    text = json.dumps(expected_page(running, article, page), ensure_ascii=False,
                                      indent=1, sort_keys=True)  # fmt: skip
                    (folder / "expected.json").write_text(text + "\n", encoding="utf-8")
                    print(folder.relative_to(ROOT))
        finally:
            stop(running.name)


if __name__ == "__main__":
    main()

"""Save pages of the real WordPress test bed as extraction fixtures, expected JSON from what was
loaded (never from our parsers): tests/fixtures/<markup>/<variant>-<post>-p<N>/{page.html,expected.json}.

Run as root on a machine of this kind: .venv/bin/python tools/save_wordpress_fixtures.py
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.sitegen.layout import page_count, page_tops, replies_by_parent, thread_comments, walk  # noqa: E402
from archiver.sitegen.model import CATEGORIES, SiteArticle  # noqa: E402
from archiver.sitegen.render import body_text  # noqa: E402
from testsite.wordpress import VARIANTS, RunningWordPress, stop, up  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PAGE_URL = "http://127.0.0.1:8000"  # the base the fixture test parses with
SAVED_POSTS = ("russia-nato-talks", "post-6")  # the seed thread; a small one with a pingback


def expected_page(running: RunningWordPress, article: SiteArticle, page: int) -> dict:
    state = running.state
    shown = walk(page_tops(state, article, page), replies_by_parent(thread_comments(article)))
    positions = {comment.id: n for n, (comment, _depth) in enumerate(shown, start=1)}
    return {
        "source": f"Debian wordpress, theme {VARIANTS[running.variant].theme}, "
        f"variant {running.variant}, page {page} of {page_count(state, article)}",
        "article": {
            "title": article.title,
            "category": CATEGORIES[article.category],
            "wp_post_id": article.id,
            "published_at": article.published.isoformat(),
            "comment_count_shown": len(article.present()),  # WordPress counts pings too
            "comment_count": len(shown),
        },
        "comments": [
            {
                "position": positions[comment.id],
                "depth": depth,
                "parent_position": positions.get(comment.parent) if comment.parent else None,
                "author": comment.author or "匿名",  # WordPress shows an empty author as 匿名
                "posted_raw": comment.posted.isoformat(),
                "posted_on": comment.posted.date().isoformat(),
                "body_text": body_text(comment),
                "votes": None,
            }
            for comment, depth in shown
        ],
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
                for page in range(1, page_count(state, article) + 1):
                    url = running.url(article.path) + (
                        f"comment-page-{page}/" if page > 1 or settings.comments_per_page else ""
                    )
                    html = urllib.request.urlopen(url, timeout=30).read().decode()
                    html = html.replace(running.base_url, PAGE_URL)
                    folder = FIXTURES / settings.markup / f"{variant}-{article.slug}-p{page}"
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / "page.html").write_text(html, encoding="utf-8")
                    expected = expected_page(running, article, page)
                    (folder / "expected.json").write_text(
                        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                    )
                    print(folder.relative_to(ROOT))
        finally:
            stop(running.name)


if __name__ == "__main__":
    main()

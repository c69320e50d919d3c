"""Synthetic threads of any size built directly as items (no HTML): for store tests and benchmarks.

Bodies are sentences of the seed thread recombined, so text, lengths and search behave like the
real thing. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import cache

from archiver.items import ArticleItem, CommentItem
from archiver.parse.prepare import fill_dates
from archiver.parse.replytree import build_thread


@cache
def seed_sentences() -> tuple[str, ...]:
    from tests.seed_items import seed_item

    item = seed_item(datetime.fromisoformat("2021-12-25T00:00:00+00:00"))
    sentences = []
    for comment in item.comments:
        sentences.extend(s for s in comment.body_text.replace("。", "。\n").splitlines() if s)
    return tuple(sentences)


def synthetic_item(
    number: int, comments: int, fetched_at: datetime, seed: int = 0, max_depth: int = 6
) -> ArticleItem:
    """Article `number` of a made-up site with a thread of `comments` comments."""
    rng = random.Random(f"{seed}:{number}")
    sentences = seed_sentences()
    published = fetched_at - timedelta(days=rng.randint(1, 30))
    thread = []
    depth = 0
    for index in range(comments):
        depth = rng.randint(1, min(depth + 1, max_depth)) if depth else 1
        body = "\n".join(rng.choice(sentences) for _ in range(rng.randint(1, 4)))
        posted = published + timedelta(minutes=7 * index + rng.randint(0, 6))
        thread.append(
            CommentItem(
                external_id=str(number * 100_000 + index + 1),
                depth=depth,
                author=rng.choice(["匿名", "名無し", "", "軍事ファン"]),
                posted_raw=f"{posted:%Y年%m月%d日 %H:%M}",
                body_text=body,
                body_html="<p>" + body.replace("\n", "<br>\n") + "</p>",
                votes=rng.choice([None, *range(0, 40)]),
                page_url=f"https://example.jp/{number}/",
            )
        )
    build_thread(thread)
    item = ArticleItem(
        url=f"https://example.jp/{published:%Y/%m/%d}/post-{number}/",
        fetched_url=f"https://example.jp/{published:%Y/%m/%d}/post-{number}/",
        fetched_at=fetched_at,
        domain="example.jp",
        wp_post_id=number,
        title=f"記事{number}：" + rng.choice(sentences)[:30],
        published_raw=f"{published:%Y年%m月%d日 %H:%M}",
        body_text="\n\n".join(rng.choice(sentences) for _ in range(5)),
        body_html="<p>本文</p>",
        comment_count_shown=comments,
        comments=thread,
        comment_markup="synthetic",
    )
    fill_dates(item)
    return item

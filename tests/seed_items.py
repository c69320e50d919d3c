"""The seed thread as items ready to store, and a changed copy of it, for store tests and benchmarks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from archiver.items import ArticleItem, CommentItem
from archiver.parse.prepare import fill_dates, prepare_page
from archiver.parse.replytree import build_thread

SEED_PAGE = "archiver/demo_site/grandfleet-article.html"
SEED_URL = (
    "https://grandfleet.info/european-region/"
    "russia-says-negotiations-with-nato-on-new-security-treaty-to-begin-in-january/"
)
EDITED_SUFFIX = "（追記：訂正します）"


def seed_item(fetched_at: datetime) -> ArticleItem:
    from tests.conftest import SEED_FIXTURE

    html = (SEED_FIXTURE / "page.html").read_text(encoding="utf-8")
    item = prepare_page(html, SEED_URL, fetched_at)
    assert item is not None
    return item


def changed_seed_item(fetched_at: datetime) -> ArticleItem:
    """The seed thread a day later: two vote counts changed (one body edited with it), one
    comment removed, two new replies. Comments are identified by their seed position."""
    item = seed_item(fetched_at)
    by_position = {c.position: c for c in item.comments}
    by_position[2].votes = (by_position[2].votes or 0) + 6
    by_position[2].body_text += EDITED_SUFFIX
    by_position[2].body_html += EDITED_SUFFIX
    by_position[4].votes = (by_position[4].votes or 0) + 1
    removed = by_position[15]
    comments: list[CommentItem] = []
    for comment in item.comments:
        if comment is removed:
            continue
        comments.append(comment)
        if comment.position == 7:
            comments.append(_reply("170500", 3, "七番への返信です。", comment, fetched_at))
        if comment.position == 34:
            comments.append(_reply("170501", 2, "最後のコメントへの返信。", comment, fetched_at))
    for comment in comments:
        comment.key, comment.parent_key, comment.position = "", None, None
    build_thread(comments)
    item.comments = comments
    fill_dates(item)
    return item


def _reply(
    external_id: str, depth: int, text: str, like: CommentItem, fetched_at: datetime
) -> CommentItem:
    return replace(
        like,
        external_id=external_id,
        depth=depth,
        author="名無し",
        posted_raw="2021年 12月 26日",
        body_text=text,
        body_html=f"<p>{text}</p>",
        votes=0,
    )

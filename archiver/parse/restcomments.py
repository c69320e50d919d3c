"""The WordPress REST API's comments of an article (`/wp-json/wp/v2/comments`): its answer read,
and the comments it lists that the page's HTML does not hold (a "load more" button, a lazy
comment section) placed in the thread as the page would show them.

Pure: the answer's text in, `RestComment`s out; a thread and those in, the thread completed.
"""

from __future__ import annotations

import json
from typing import Any

import lxml.html
from lxml import etree

from archiver.items import (
    KIND_COMMENT,
    KIND_PINGBACK,
    KIND_TRACKBACK,
    SOURCE_REST,
    ArticleItem,
    CommentItem,
    RestComment,
)
from archiver.parse.text import html_to_text

# What the REST API gives visitors: comments only (pings need an editor's login).
KINDS = (KIND_COMMENT, KIND_PINGBACK, KIND_TRACKBACK)


def read_answer(text: str) -> dict[str, RestComment] | None:
    """The comments of one REST answer by site id; None where it is no comment list."""
    try:
        entries = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entries, list):
        return None
    found = {}
    for entry in entries:
        if isinstance(entry, dict) and "id" in entry:
            found[str(entry["id"])] = _comment(entry)
    return found


def _comment(entry: dict[str, Any]) -> RestComment:
    parent = entry.get("parent") or None
    content = entry.get("content")
    rendered = content.get("rendered", "") if isinstance(content, dict) else ""
    return RestComment(
        parent=str(parent) if parent else None,
        date_gmt=str(entry.get("date_gmt") or ""),
        date=str(entry.get("date") or ""),
        author=str(entry.get("author_name") or ""),
        content_html=str(rendered or "").strip(),
        kind=str(entry.get("type") or KIND_COMMENT),
    )


def add_missing(item: ArticleItem, answer_url: str = "") -> int:
    """Put the comments the REST answer lists and the HTML lacks into `item.comments`, where the
    page's own count shows more than its HTML holds; returns how many. Each is `source` "rest",
    a reply right after its parent's replies, a top-level comment by id among the others; the
    thread is then incomplete (it moves and deletes nothing stored)."""
    rest = item.rest_comments or {}
    held = {c.external_id for c in item.comments if c.external_id}
    if not rest or (item.comment_count_shown or 0) <= len(item.comments):
        return 0
    missing = sorted((i for i in rest if i not in held), key=_as_number)
    added = 0
    for site_id in missing:
        answer = rest[site_id]
        if answer.kind not in KINDS:
            continue
        comment = CommentItem(
            external_id=site_id,
            depth=1,
            author=answer.author,
            posted_raw=answer.date or None,
            body_text=_text(answer.content_html),
            body_html=answer.content_html,
            page_url=answer_url or item.fetched_url,
            # The instant WordPress keeps, in the attribute's ISO form.
            posted_attr=f"{answer.date_gmt}+00:00" if answer.date_gmt else None,
            kind=answer.kind,
            source=SOURCE_REST,
        )
        if answer.kind == KIND_COMMENT:
            _place(item.comments, comment, answer.parent)
        else:  # pings sit outside the thread
            item.comments.append(comment)
        added += 1
    if added:
        item.comments_complete = False
    return added


def _place(comments: list[CommentItem], comment: CommentItem, parent_id: str | None) -> None:
    """Insert in display order: after the parent's subtree (depth one below it), or, top-level,
    before the first top-level comment with a higher id (at the end where none has)."""
    parent = next((i for i, c in enumerate(comments) if c.external_id == parent_id), None)
    if parent_id and parent is not None:
        comment.depth = comments[parent].depth + 1
        end = parent + 1
        while end < len(comments) and comments[end].depth > comments[parent].depth:
            end += 1
        comments.insert(end, comment)
        return
    later = next(
        (
            i
            for i, c in enumerate(comments)
            if c.depth == 1
            and c.kind == KIND_COMMENT
            and _as_number(c.external_id or "") > _as_number(comment.external_id or "")
        ),
        len(comments),
    )
    comments.insert(later, comment)


def _text(rendered: str) -> str:
    if not rendered.strip():
        return ""
    try:
        return html_to_text(lxml.html.fragment_fromstring(rendered, create_parent="div"))
    except (etree.ParserError, ValueError):  # markup lxml cannot read: its characters, kept
        return rendered


def _as_number(site_id: str) -> int:
    return int(site_id) if site_id.isdigit() else 0

"""A stored thread read back as a tree: the article, then its comments nested by parent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Row, select

from archiver.db.models import Article, Comment, Site
from archiver.parse.urls import canonical_url


class ArticleNotFound(LookupError):
    """No stored article has that id or URL."""


@dataclass
class CommentNode:
    id: int
    external_id: str
    kind: str
    depth: int
    position: int | None
    author: str
    posted_at: datetime | None
    posted_on: date | None
    posted_precision: str | None
    votes: int | None
    body_text: str
    deleted_at: datetime | None
    redacted: bool = False  # hidden by a takedown (archiver redact): a blank tombstone
    replies: list[CommentNode] = field(default_factory=list)

    def local_time(self, zone: ZoneInfo) -> str:
        """The posting time in the site's zone, as precise as the page showed it."""
        if self.posted_at is None:
            return "?"
        if self.posted_precision == "day" or self.posted_precision is None:
            return str(self.posted_on or self.posted_at.astimezone(zone).date())
        shown = "%Y-%m-%d %H:%M:%S" if self.posted_precision == "second" else "%Y-%m-%d %H:%M"
        return self.posted_at.astimezone(zone).strftime(shown)

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The node and its replies, nested, built from the leaves up (no depth limit)."""
        converted: dict[int, dict[str, Any]] = {}
        for node in reversed(preorder([self])):  # every node after all of its replies
            converted[id(node)] = node._fields(zone, [converted.pop(id(r)) for r in node.replies])
        return converted[id(self)]

    def _fields(self, zone: ZoneInfo, replies: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "kind": self.kind,
            "depth": self.depth,
            "position": self.position,
            "author": self.author,
            "posted_at": self.posted_at,
            "posted_local": self.local_time(zone) if self.posted_at else None,
            "posted_precision": self.posted_precision,
            "votes": self.votes,
            "body_text": self.body_text,
            "deleted_at": self.deleted_at,
            "redacted": self.redacted,
            "replies": replies,
        }


def preorder(roots: list[CommentNode]) -> list[CommentNode]:
    """The nodes in display order (a comment, then its replies), with a stack: no depth limit."""
    ordered: list[CommentNode] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(node.replies))
    return ordered


@dataclass
class Thread:
    article_id: int
    url: str
    title: str | None
    timezone: ZoneInfo
    comment_count: int
    roots: list[CommentNode]
    redacted: bool = False  # the article is hidden by a takedown (archiver redact)

    def walk(self) -> list[CommentNode]:
        """Every node in display order (a comment, then its replies)."""
        return preorder(self.roots)

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": {
                "id": self.article_id,
                "url": self.url,
                "title": self.title,
                "timezone": self.timezone.key,
                "comment_count": self.comment_count,
                "redacted": self.redacted,
            },
            "comments": [root.as_dict(self.timezone) for root in self.roots],
        }


def find_article(engine: Engine, url_or_id: str | int) -> int:
    """The id of the stored article with this id, URL, or URL as a browser shows it."""
    key = str(url_or_id).strip()
    if key.isdigit():
        condition = Article.id == int(key)
    else:
        base = key.split("#", 1)[0]
        candidates = {base, canonical_url(base)}
        condition = Article.url.in_(candidates)
    with engine.connect() as connection:
        found = connection.execute(select(Article.id).where(condition)).scalar()
    if found is None:
        raise ArticleNotFound(f"no stored article is {key!r}")
    return found


def load_thread(engine: Engine, article_id: int, *, include_deleted: bool = False) -> Thread:
    """The article's comments as a tree in display order; deleted ones only when asked.

    Without them, the present replies of a deleted comment take its place among its siblings
    (they keep their stored depth, which still says where they stood in the thread).
    """
    with engine.connect() as connection:
        article = connection.execute(
            select(
                Article.id,
                Article.url,
                Article.title,
                Article.comment_count,
                Article.redaction_id,
                Site.timezone,
            )
            .join(Site, Site.id == Article.site_id)
            .where(Article.id == article_id)
        ).one_or_none()
        if article is None:
            raise ArticleNotFound(f"no stored article has id {article_id}")
        # Position is display order; deleted comments keep theirs, so they fall into place.
        rows = connection.execute(
            select(*Comment.__table__.columns)
            .where(Comment.article_id == article_id)
            .order_by(Comment.position.is_(None), Comment.position, Comment.id)
        )
        comments = [(row.parent_id, _node(row)) for row in rows]
    nodes = {node.id: node for _, node in comments}
    roots: list[CommentNode] = []
    for parent_id, node in comments:
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent.replies if parent is not None else roots).append(node)
    if not include_deleted:
        roots = _present(roots)
    return Thread(
        article_id=article.id,
        url=article.url,
        title=article.title,
        timezone=ZoneInfo(article.timezone),
        comment_count=article.comment_count,
        roots=roots,
        redacted=article.redaction_id is not None,
    )


def _present(roots: list[CommentNode]) -> list[CommentNode]:
    """The tree without deleted nodes, their present replies in their place; from the leaves
    up (a thread can be thousands of replies deep)."""
    for node in reversed(preorder(roots)):  # every node after all of its replies
        kept: list[CommentNode] = []
        for reply in node.replies:
            kept.extend(reply.replies if reply.deleted_at is not None else [reply])
        node.replies = kept
    top: list[CommentNode] = []
    for root in roots:
        top.extend(root.replies if root.deleted_at is not None else [root])
    return top


def _node(row: Row) -> CommentNode:
    return CommentNode(
        id=row.id,
        external_id=row.external_id,
        kind=row.kind,
        depth=row.depth,
        position=row.position,
        author=row.author,
        posted_at=row.posted_at,
        posted_on=row.posted_on,
        posted_precision=row.posted_precision,
        votes=row.votes,
        body_text=row.body_text,
        deleted_at=row.deleted_at,
        redacted=row.redaction_id is not None,
    )

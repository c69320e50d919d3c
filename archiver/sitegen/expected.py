"""Ground truth: the rows the archive must hold for a generated state, whatever the page split."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from archiver.sitegen.layout import display_order, thread_comments
from archiver.sitegen.model import CATEGORIES, SiteState
from archiver.sitegen.render import body_text


@dataclass(frozen=True)
class ExpectedComment:
    external_id: str
    parent_external_id: str | None
    depth: int
    position: int | None  # None for pingbacks and trackbacks
    author: str
    posted_on: date | None
    body_text: str
    votes: int | None
    kind: str


@dataclass(frozen=True)
class ExpectedArticle:
    wp_post_id: int
    path: str
    title: str
    category: str
    comment_count: int
    comments: tuple[ExpectedComment, ...]  # display order, then pingbacks/trackbacks


def expected_articles(state: SiteState) -> dict[int, ExpectedArticle]:
    """Every live article with its present comments, keyed by post id."""
    result = {}
    for article in state.live_articles():
        rows = [
            ExpectedComment(
                external_id=str(comment.id),
                parent_external_id=str(comment.parent) if comment.parent else None,
                depth=depth,
                position=position,
                author=comment.author,
                posted_on=comment.posted.date(),
                body_text=body_text(comment),
                votes=comment.votes,
                kind="comment",
            )
            for position, (comment, depth) in enumerate(display_order(state, article), start=1)
        ]
        # Classic themes print a ping as "ピンバック: <a>site</a>", no date, no excerpt.
        classic = article.markup in ("classic", "flat")
        rows += [
            ExpectedComment(
                external_id=str(c.id),
                parent_external_id=None,
                depth=1,
                position=None,
                author=c.author,
                posted_on=None if classic else c.posted.date(),
                body_text=f"ピンバック: {c.author}" if classic else body_text(c),
                votes=None,
                kind=c.kind,
            )
            for c in article.present()
            if c.kind != "comment"
        ]
        result[article.id] = ExpectedArticle(
            wp_post_id=article.id,
            path=article.path,
            title=article.title,
            category=CATEGORIES[article.category],
            comment_count=len(thread_comments(article)),
            comments=tuple(rows),
        )
    return result

"""How a generated thread is shown: comment pages the WordPress way, and display order.

WordPress paginates threaded comments by top-level comment: page 1 holds the oldest top-level
comments with all their replies; the article URL shows the newest page by default. Replies are
always oldest first; `comment_order = desc` reverses the top level.
"""

from __future__ import annotations

from collections import defaultdict

from archiver.sitegen.model import SiteArticle, SiteComment, SiteState


def thread_comments(article: SiteArticle) -> list[SiteComment]:
    """Present comments of kind `comment` (pingbacks and trackbacks are listed apart)."""
    return [c for c in article.present() if c.kind == "comment"]


def replies_by_parent(comments: list[SiteComment]) -> dict[int | None, list[SiteComment]]:
    present = {c.id for c in comments}
    children: dict[int | None, list[SiteComment]] = defaultdict(list)
    for comment in comments:
        parent = comment.parent if comment.parent in present else None
        children[parent].append(comment)
    return children


def page_count(state: SiteState, article: SiteArticle) -> int:
    top = len(replies_by_parent(thread_comments(article))[None])
    if not state.comments_per_page or top == 0:
        return 1
    return -(-top // state.comments_per_page)


def default_page(state: SiteState, article: SiteArticle) -> int:
    return page_count(state, article) if state.default_page == "newest" else 1


def page_tops(state: SiteState, article: SiteArticle, page: int) -> list[SiteComment]:
    """The top-level comments page `page` (1 = oldest) shows, in display order."""
    tops = replies_by_parent(thread_comments(article))[None]
    if state.comments_per_page:
        size = state.comments_per_page
        tops = tops[(page - 1) * size : page * size]
    return list(reversed(tops)) if state.comment_order == "desc" else tops


def walk(
    tops: list[SiteComment], children: dict[int | None, list[SiteComment]]
) -> list[tuple[SiteComment, int]]:
    """(comment, depth) in tree pre-order."""
    shown: list[tuple[SiteComment, int]] = []
    stack = [(c, 1) for c in reversed(tops)]
    while stack:
        comment, depth = stack.pop()
        shown.append((comment, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(comment.id, [])))
    return shown


def display_order(state: SiteState, article: SiteArticle) -> list[tuple[SiteComment, int]]:
    """The whole thread as a reader sees it (SPEC positions): pre-order, the site's top order."""
    children = replies_by_parent(thread_comments(article))
    tops = list(children[None])
    if state.comment_order == "desc":
        tops.reverse()
    return walk(tops, children)

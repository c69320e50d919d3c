"""One thread from its comment pages: the pages fetched so far, merged in display order when all
are in (each comment once, whatever the page split)."""

from __future__ import annotations

from itertools import pairwise

from archiver.items import ArticleItem, CommentItem
from archiver.parse.extraction import PageExtract


class ThreadFetch:
    """The comment pages of one article fetched so far, merged in page order when all are in."""

    def __init__(self, item: ArticleItem) -> None:
        self.item = item
        self.pages: dict[int, list[CommentItem]] = {}
        self.requested: set[int] = set()
        self.comment_ids: set[str] = set()  # over every page: what the pages hold
        self.pending = 0
        self.short = False  # fewer comments than the page shows

    def add(self, page: PageExtract) -> dict[int, str]:
        """Record a parsed page; return the comment pages it links to that are not yet requested."""
        self.pages[page.page_number] = page.comments
        if page.article is not None:
            self.comment_ids.update(page.article.comment_ids)
        self.requested.add(page.page_number)
        new = {n: u for n, u in page.comment_pages.items() if n not in self.requested}
        self.requested.update(new)
        self.pending += len(new)
        return new

    def merged(self) -> ArticleItem:
        """The thread in display order, each comment once, whatever the page split.

        Pages are joined oldest page first, or newest first when the site lists its top-level
        comments newest first (WordPress `comment_order = desc`). A comment seen on two pages
        (a boundary moved between fetches) is kept once. Over several pages, fewer comments
        than the page says it has means something moved while we fetched: the fetch is not
        complete, so it marks nothing deleted and renumbers nothing (SPEC: complete fetch).
        """
        seen: set[str] = set()
        comments = []
        for number in sorted(self.pages, reverse=_newest_first(self.pages)):
            for comment in self.pages[number]:
                if comment.external_id is not None:
                    if comment.external_id in seen:
                        continue
                    seen.add(comment.external_id)
                comments.append(comment)
        item = self.item
        item.comments = comments
        item.pages_fetched = len(self.pages)
        item.comment_ids_shown = len(self.comment_ids)
        shown = item.comment_count_shown
        # Only several fetches can disagree with each other; one page is one snapshot.
        self.short = len(self.pages) > 1 and shown is not None and len(comments) < shown
        if self.short:
            item.comments_complete = False
        return item


def _newest_first(pages: dict[int, list[CommentItem]]) -> bool:
    """True when the top-level comments' site ids go down within pages: a newest-first thread."""
    votes = 0
    for comments in pages.values():
        ids = [
            int(c.external_id)
            for c in comments
            if c.depth == 1 and c.kind == "comment" and c.external_id and c.external_id.isdigit()
        ]
        votes += sum((b < a) - (b > a) for a, b in pairwise(ids))
    return votes > 0

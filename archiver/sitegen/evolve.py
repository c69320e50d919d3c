"""The site between two crawls: changes drawn from a seed, written as a machine-readable log.

Each change is a plain dict (JSON-ready) and applying it is idempotent: applying a log to the
state it already produced changes nothing, so tests can replay logs safely and assert exactly
what a recrawl must store.
"""

from __future__ import annotations

import random
from copy import deepcopy
from datetime import datetime, timedelta
from typing import Any

from archiver.sitegen.layout import thread_comments
from archiver.sitegen.model import SiteArticle, SiteComment, SiteState, add_comment, new_article

Change = dict[str, Any]


def evolve(
    state: SiteState,
    *,
    advance: timedelta = timedelta(days=1),
    new_articles: int = 2,
    new_comments: int = 10,
    edits: int = 2,
    deletions: int = 1,
    vote_changes: int = 3,
    slug_changes: int = 0,
    gone: int = 0,
    unknown_markup: int = 0,
) -> list[Change]:
    """Advance the site's clock and change it; return the change log (already applied)."""
    rng = random.Random(f"{state.seed}:step:{state.step + 1}")
    draft = deepcopy(state)
    draft.now = state.now + advance
    log: list[Change] = [{"kind": "clock", "now": draft.now.isoformat()}]
    live = draft.live_articles()
    for _ in range(new_articles):
        published = draft.now - timedelta(hours=rng.randint(1, 20))
        article = new_article(draft, rng, published, rng.choice(["tcd"]))
        log.append({"kind": "new_article", **_article_record(article)})
    busy = [a for a in live if a.markup != "unknown"][:10]  # recent threads get the comments
    for _ in range(new_comments if busy else 0):
        article = rng.choice(busy)
        comment = add_comment(
            draft, article, rng, posted=draft.now - timedelta(minutes=rng.randint(1, 600))
        )
        log.append({"kind": "new_comment", "article": article.id, **_comment_record(comment)})
    for _ in range(edits):
        article, picked = _pick(rng, live)
        if picked is not None:
            body = [*picked.body[:-1], [*picked.body[-1], "（追記）"]]
            log.append(
                {"kind": "edit_comment", "article": article.id, "comment": picked.id, "body": body}
            )
    for _ in range(vote_changes):
        article, picked = _pick(rng, live)
        if picked is not None:
            votes = (picked.votes or 0) + rng.randint(1, 9)
            log.append(
                {"kind": "votes", "article": article.id, "comment": picked.id, "votes": votes}
            )
    for _ in range(deletions):
        article, picked = _pick(rng, live, leaves_only=True)
        if picked is not None:
            log.append({"kind": "delete_comment", "article": article.id, "comment": picked.id})
    for article in rng.sample(live, min(slug_changes, len(live))):
        log.append({"kind": "slug", "article": article.id, "slug": f"{article.slug}-renamed"})
    for article in rng.sample(live, min(gone, len(live))):
        log.append({"kind": "gone", "article": article.id, "status": rng.choice([404, 410])})
    for article in rng.sample(live, min(unknown_markup, len(live))):
        log.append({"kind": "markup", "article": article.id, "markup": "unknown"})
    state.step += 1
    apply(state, log)
    return log


def apply(state: SiteState, log: list[Change]) -> None:
    """Apply a change log to `state`, idempotently."""
    state.version += 1
    for change in log:
        kind = change["kind"]
        if kind == "clock":
            state.now = datetime.fromisoformat(change["now"])
            continue
        if kind == "new_article":
            _upsert_article(state, change)
            continue
        article = state.articles[change["article"]]
        if kind == "new_comment":
            _upsert_comment(state, article, change)
        elif kind == "edit_comment":
            _comment(article, change["comment"]).body = [list(p) for p in change["body"]]
        elif kind == "votes":
            _comment(article, change["comment"]).votes = change["votes"]
        elif kind == "delete_comment":
            _comment(article, change["comment"]).deleted = True
        elif kind == "slug":
            if article.slug != change["slug"]:
                article.old_slugs.append(article.slug)
                article.slug = change["slug"]
        elif kind == "gone":
            article.status = change["status"]
        elif kind == "markup":
            article.markup = change["markup"]
        else:
            raise ValueError(f"unknown change {kind!r}")


def _pick(
    rng: random.Random, articles: list[SiteArticle], leaves_only: bool = False
) -> tuple[SiteArticle, SiteComment | None]:
    candidates = [a for a in articles if thread_comments(a)]
    if not candidates:
        return articles[0], None
    article = rng.choice(candidates)
    comments = thread_comments(article)
    if leaves_only:
        parents = {c.parent for c in comments}
        comments = [c for c in comments if c.id not in parents]
    return article, rng.choice(comments) if comments else None


def _comment(article: SiteArticle, comment_id: int) -> SiteComment:
    return next(c for c in article.comments if c.id == comment_id)


def _article_record(article: SiteArticle) -> Change:
    return {
        "id": article.id,
        "slug": article.slug,
        "title": article.title,
        "category": article.category,
        "tags": list(article.tags),
        "published": article.published.isoformat(),
        "body": list(article.body),
        "markup": article.markup,
    }


def _comment_record(comment: SiteComment) -> Change:
    return {
        "id": comment.id,
        "parent": comment.parent,
        "author": comment.author,
        "posted": comment.posted.isoformat(),
        "body": [list(p) for p in comment.body],
        "votes": comment.votes,
        "comment_kind": comment.kind,
    }


def _upsert_article(state: SiteState, change: Change) -> None:
    if change["id"] in state.articles:
        return
    published = datetime.fromisoformat(change["published"])
    state.articles[change["id"]] = SiteArticle(
        id=change["id"],
        slug=change["slug"],
        title=change["title"],
        category=change["category"],
        tags=list(change["tags"]),
        published=published,
        modified=published,
        body=list(change["body"]),
        markup=change["markup"],
    )
    state.next_post_id = max(state.next_post_id, change["id"] + 1)


def _upsert_comment(state: SiteState, article: SiteArticle, change: Change) -> None:
    if any(c.id == change["id"] for c in article.comments):
        return
    article.comments.append(
        SiteComment(
            id=change["id"],
            parent=change["parent"],
            author=change["author"],
            posted=datetime.fromisoformat(change["posted"]),
            body=[list(p) for p in change["body"]],
            votes=change["votes"],
            kind=change["comment_kind"],
        )
    )
    article.comments.sort(key=lambda c: c.id)
    state.next_comment_id = max(state.next_comment_id, change["id"] + 1)

"""The generated site's state: articles and comment threads as data, made from a seed.

Everything the server renders and everything tests expect comes from a `SiteState`; the same
seed and sizes always give the same state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
MARKUPS = ("tcd", "classic", "block", "flat")  # flat: classic with depth-N classes only
CATEGORIES = {
    "russia": "ロシア関連",
    "europe": "欧州関連",
    "asia": "アジア関連",
    "america": "米国関連",
    "japan": "日本関連",
}
TAGS = ["NATO", "ウクライナ", "潜水艦", "戦闘機", "ミサイル", "外交", "防衛費", "演習"]
AUTHORS = ["匿名", "匿名", "匿名", "名無し", "", "軍事ファン", "通りすがり", "A&B"]
# Text that must survive HTML: entities, markup-looking characters, emoji, full width.
SPICE = ["A&B社の発表", "x < y かつ y > z", "👍", "😅 笑", "ＮＡＴＯ", "“引用”", "3％増"]


@dataclass
class SiteComment:
    id: int
    parent: int | None  # the comment id it replies to
    author: str
    posted: datetime  # aware, JST
    body: list[list[str]]  # paragraphs of lines (`<br>` between lines)
    votes: int | None
    kind: str = "comment"  # comment | pingback | trackback
    deleted: bool = False


@dataclass
class SiteArticle:
    id: int  # WordPress post id
    slug: str
    title: str
    category: str  # slug in CATEGORIES
    tags: list[str]
    published: datetime
    modified: datetime
    body: list[str]  # paragraphs
    comments: list[SiteComment] = field(default_factory=list)  # oldest first
    markup: str = "tcd"  # tcd | classic | block | unknown
    status: int = 200  # 200, or 404/410 once gone
    old_slugs: list[str] = field(default_factory=list)  # redirect to the current slug

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"

    def present(self) -> list[SiteComment]:
        return [c for c in self.comments if not c.deleted]

    def comments_by_kind(self, kind: str = "comment") -> list[SiteComment]:
        return [c for c in self.present() if c.kind == kind]


@dataclass
class SiteState:
    seed: int
    now: datetime  # the site's clock: new comments are posted at `now`
    articles: dict[int, SiteArticle]
    comments_per_page: int | None = 20  # top-level comments a page; None: no pagination
    default_page: str = "newest"  # the page the article URL shows: newest | oldest
    comment_order: str = "asc"  # top-level order on a page: asc | desc
    per_category_page: int = 10
    rest_api: bool = True
    next_comment_id: int = 1
    next_post_id: int = 1
    step: int = 0  # how many evolve steps produced this state
    # Bumped by every change made through `archiver.sitegen.evolve`; the server's page cache follows it.
    # Whoever edits a state by hand calls `GeneratedSite.changed()`.
    version: int = field(default=0, compare=False)

    def live_articles(self) -> list[SiteArticle]:
        return sorted(
            (a for a in self.articles.values() if a.status == 200),
            key=lambda a: (a.published, a.id),
            reverse=True,
        )


@cache
def vocabulary() -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("vocabulary.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def generate(
    articles: int,
    comments: int | tuple[int, int],
    *,
    seed: int = 1,
    markups: tuple[str, ...] = ("tcd",),
    now: datetime = datetime(2026, 11, 1, 12, 0, tzinfo=JST),
    comments_per_page: int | None = 20,
    max_depth: int = 6,
) -> SiteState:
    """A site of `articles` articles with `comments` comments each (or a (low, high) range).

    Thread shapes are realistic: long and empty threads, depth up to `max_depth`, anonymous and
    empty authors, entities, emoji and `<br>` in bodies, a few pingbacks and trackbacks.
    """
    rng = random.Random(seed)
    state = SiteState(seed=seed, now=now, articles={}, comments_per_page=comments_per_page)
    for index in range(articles):
        published = now - timedelta(days=articles - index, hours=rng.randint(0, 12))
        article = new_article(state, rng, published, markups[index % len(markups)])
        low, high = comments if isinstance(comments, tuple) else (comments, comments)
        count = rng.randint(low, high)
        if index % 11 == 3 and isinstance(comments, tuple):
            count = 0  # some threads stay empty
        for _ in range(count):
            add_comment(state, article, rng, max_depth=max_depth)
        if index % 7 == 5 and article.comments:
            add_comment(state, article, rng, kind=rng.choice(["pingback", "trackback"]))
    return state


def new_article(
    state: SiteState, rng: random.Random, published: datetime, markup: str
) -> SiteArticle:
    words = vocabulary()
    post_id = state.next_post_id
    state.next_post_id += 1
    article = SiteArticle(
        id=post_id,
        slug=f"post-{post_id}",
        title=f"記事{post_id}　" + rng.choice(words)[:28],
        category=rng.choice(list(CATEGORIES)),
        tags=sorted(rng.sample(TAGS, rng.randint(0, 3))),
        published=published,
        modified=published,
        body=[rng.choice(words) for _ in range(rng.randint(2, 6))],
        markup=markup,
    )
    state.articles[post_id] = article
    return article


def add_comment(
    state: SiteState,
    article: SiteArticle,
    rng: random.Random,
    *,
    max_depth: int = 6,
    kind: str = "comment",
    posted: datetime | None = None,
) -> SiteComment:
    """A new comment at the end of the thread: a top-level one or a reply to a recent one."""
    words = vocabulary()
    parent = None
    present = [c for c in article.comments if c.kind == "comment"]
    if kind == "comment" and present and rng.random() < 0.6:
        candidate = rng.choice(present[-8:])
        if depth_of(article, candidate) < max_depth:
            parent = candidate.id
    last = article.comments[-1].posted if article.comments else article.published
    when = posted or last + timedelta(minutes=rng.randint(1, 300))
    paragraphs = [
        [rng.choice(words) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 2))
    ]
    if rng.random() < 0.15:
        paragraphs[-1].append(rng.choice(SPICE))
    comment = SiteComment(
        id=state.next_comment_id,
        parent=parent,
        author=rng.choice(AUTHORS) if kind == "comment" else f"ブログ{rng.randint(1, 9)}",
        posted=min(when, state.now) if posted is None else when,
        body=paragraphs,
        votes=rng.randint(0, 40) if kind == "comment" else None,
        kind=kind,
    )
    state.next_comment_id += 1
    article.comments.append(comment)
    return comment


def depth_of(article: SiteArticle, comment: SiteComment) -> int:
    by_id = {c.id: c for c in article.comments}
    depth = 1
    while comment.parent is not None:
        comment = by_id[comment.parent]
        depth += 1
    return depth

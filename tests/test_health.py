"""Extraction health: the figures of a run and the drops against a site's previous run."""

from __future__ import annotations

from datetime import UTC, datetime

from archiver.crawling.health import RunHealth
from archiver.items import ArticleItem, CommentItem, PageBefore


def article(url: str, comments: int, shown: int | None, *, dated: bool = True,
            markup: str | None = "tcd") -> ArticleItem:  # fmt: skip
    item = ArticleItem(url=url, fetched_url=url, fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
                       domain="example.jp", comment_count_shown=shown, comment_markup=markup)  # fmt: skip
    for n in range(comments):
        comment = CommentItem(str(n), 1, f"name{n}", "2026/11/01 12:00", "text", "<p>text</p>")
        comment.posted_at = datetime(2026, 11, 1, 3, tzinfo=UTC) if dated else None
        item.comments.append(comment)
    return item


def test_figures_per_site() -> None:
    health = RunHealth()
    health.observe(article("https://example.jp/a/", 10, 10), None)
    health.observe(article("https://example.jp/b/", 4, 10), None)  # short
    health.observe(article("https://example.jp/c/", 0, None), None)  # no comments at all
    site = health.as_json()["example.jp"]
    assert site["articles"] == 3 and site["comments_shown"] == 20
    assert site["comments_extracted_share"] == 0.7
    assert site["dates_parsed_share"] == 1.0 and site["with_author_share"] == 1.0
    assert site["short_pages"] == ["https://example.jp/b/"]
    assert site["pages_with_comments"] == 2 and site["drops"] == []


def test_a_page_that_was_whole_and_is_now_short_is_a_drop_with_its_url() -> None:
    health = RunHealth()
    was = PageBefore("tcd", 12, 12)
    health.observe(article("https://example.jp/a/", 3, 12), was)
    health.observe(article("https://example.jp/b/", 0, 5, markup=None), PageBefore("tcd", 5, 5))
    health.observe(article("https://example.jp/c/", 3, 12), PageBefore("tcd", 3, 12))  # was short
    assert [d["url"] for _, d in health.drops] == ["https://example.jp/a/", "https://example.jp/b/"]


def test_a_site_figure_below_90_percent_of_the_previous_run_is_a_drop() -> None:
    health = RunHealth()
    for n in range(10):
        health.observe(article(f"https://example.jp/{n}/", 5, 5, dated=n < 7), None)
    previous = {"example.jp": {"dates_parsed_share": 1.0, "comments_extracted_share": 1.0,
                               "comments": 40, "comments_shown": 40, "articles": 8}}  # fmt: skip
    health.compare(previous)
    [(domain, drop)] = health.drops
    assert domain == "example.jp" and drop["figure"] == "dates_parsed_share"
    assert drop["what"].startswith("dates_parsed_share 70%, the previous run 100%; e.g. ")
    steady = RunHealth()
    for n in range(5):
        steady.observe(article(f"https://example.jp/{n}/", 5, 5), None)
    steady.compare({"example.jp": {"dates_parsed_share": 0.95, "comments": 30}})
    assert steady.drops == []
    small = RunHealth()  # too few comments to call a share a drop
    small.observe(article("https://example.jp/x/", 3, 3, dated=False), None)
    small.compare({"example.jp": {"dates_parsed_share": 1.0, "comments": 30}})
    assert small.drops == []
    # The previous run was a scrape of one article (34 comments, every one dated): one
    # thread's share, no sample of the site's templates to hold a crawl of the site to.
    after_one = RunHealth()
    for n in range(10):
        after_one.observe(article(f"https://example.jp/{n}/", 5, 5, dated=n < 7), None)
    after_one.compare({"example.jp": {"dates_parsed_share": 1.0, "comments": 34,
                                      "articles": 1}})  # fmt: skip
    assert after_one.drops == []


def test_a_page_holding_fewer_comments_than_it_shows_is_a_failing_shortfall() -> None:
    health = RunHealth()
    assert health.observe(article("https://example.jp/a/", 10, 10), None) is None
    counted = health.observe(article("https://example.jp/b/", 9, 10), None)
    assert counted is not None and counted.fails and counted.by == "count"
    assert counted.describe() == "9 comments read, the page shows 10 (its comment count)"
    by_ids = article("https://example.jp/c/", 3, None)
    by_ids.comment_ids_shown = 5  # five comment-N ids in its HTML, three read
    shortfall = health.observe(by_ids, None)
    assert shortfall is not None and (shortfall.shown, shortfall.by) == (5, "ids")
    site = health.as_json()["example.jp"]
    assert (site["pages_short"], site["pages_short_accepted"]) == (2, 0)
    assert [page["url"] for page in site["problem_pages"]] == [
        "https://example.jp/b/", "https://example.jp/c/",
    ]  # fmt: skip


def test_an_accepted_shortfall_is_reported_until_it_grows() -> None:
    health = RunHealth()
    same = health.observe(article("https://example.jp/a/", 74, 91), PageBefore("tcd", 74, 91), True)
    assert same is not None and same.accepted and not same.fails
    assert "accepted by the site's profile" in same.describe()
    first = health.observe(article("https://example.jp/b/", 10, 12), None, True)
    assert first is not None and first.accepted
    grown = health.observe(
        article("https://example.jp/c/", 70, 91), PageBefore("tcd", 74, 91), True
    )
    assert grown is not None and grown.fails  # four more missing: a new loss
    assert not health.observe(article("https://example.jp/d/", 9, 10), None).accepted  # type: ignore[union-attr]


def test_a_thread_that_moved_between_its_pages_is_short_but_not_failing() -> None:
    item = article("https://example.jp/a/", 49, 50)
    item.pages_fetched = 2
    shortfall = RunHealth().observe(item, None)
    assert shortfall is not None and shortfall.moving and not shortfall.fails


def test_empty_bodies_and_unparsed_dates_are_counted_per_page() -> None:
    health = RunHealth()
    item = article("https://example.jp/a/", 3, None, dated=False)
    item.comments[0].body_text = ""
    item.comments[1].author = ""
    health.observe(item, None)
    site = health.as_json()["example.jp"]
    assert (site["empty_bodies"], site["unparsed_dates"]) == (1, 3)
    assert site["problem_pages"] == [
        {"url": "https://example.jp/a/", "read": 3, "shown": None, "empty_bodies": 1,
         "unparsed_dates": 3, "without_author": 1, "replacement_chars": 0},
    ]  # fmt: skip

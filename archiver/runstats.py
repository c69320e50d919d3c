"""The run's statistics: the names archiver's components count under in Scrapy's stats (the
protocol between the spiders, pipelines, middlewares and the API; each run's stats are kept in
`crawl_runs.stats` under these names), and RunCounts, what one run's stats say, read once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Articles whose fields changed.
ARTICLES_CHANGED = "archiver/articles/changed"
# Articles answered 404/410 (marked gone).
ARTICLES_GONE = "archiver/articles/gone"
# Articles stored for the first time.
ARTICLES_NEW = "archiver/articles/new"
# Articles answered 304 (unchanged).
ARTICLES_NOT_MODIFIED = "archiver/articles/not_modified"
# Article items stored.
ARTICLES_STORED = "archiver/articles/stored"
# The stored articles' ids, in order (the run's summary lists them).
ARTICLE_IDS = "archiver/article_ids"
# The exit code (minus the signal) of a crawl's child that died before handing its stats back.
CHILD_EXIT = "archiver/child_exit"
# Comments whose text or votes changed.
COMMENTS_CHANGED = "archiver/comments/changed"
# Comments gone from their page.
COMMENTS_DELETED = "archiver/comments/deleted"
# Comments read from the pages.
COMMENTS_EXTRACTED = "archiver/comments/extracted"
# Comments stored for the first time.
COMMENTS_NEW = "archiver/comments/new"
# Purged comments a page shows again (a takedown to repeat).
COMMENTS_PURGED_SHOWN = "archiver/comments/purged_shown"
# Comments whose site id changed (matched by content).
COMMENTS_REKEYED = "archiver/comments/rekeyed"
# Sitemaps, feeds or listings that could not be fetched (the others still list).
CRAWL_DISCOVERY_FAILED = "archiver/crawl/discovery_failed"
# Feeds read.
CRAWL_FEEDS = "archiver/crawl/feeds"
# Articles listed by sitemaps, feeds and archive pages.
CRAWL_LISTED = "archiver/crawl/listed"
# Listed pages that were no article.
CRAWL_NOT_ARTICLES = "archiver/crawl/not_articles"
# Requests for other sites' pages, not sent.
CRAWL_OFFSITE = "archiver/crawl/offsite"
# Threads whose older comment pages changed.
CRAWL_OLDER_PAGES_CHANGED = "archiver/crawl/older_pages_changed"
# Sitemaps read.
CRAWL_SITEMAPS = "archiver/crawl/sitemaps"
# Articles over --max-articles.
CRAWL_SKIPPED_LIMIT = "archiver/crawl/skipped_limit"
# Articles whose thread is not due.
CRAWL_SKIPPED_NOT_DUE = "archiver/crawl/skipped_not_due"
# Articles older than --since.
CRAWL_SKIPPED_OLD = "archiver/crawl/skipped_old"
# Comment dates understood.
DATES_PARSED = "archiver/dates/parsed"
# Comment dates not understood (the raw text kept).
DATES_UNPARSED = "archiver/dates/unparsed"
# The archive, as a summary prints it.
DB = "archiver/db"
# Database connections replaced mid-run.
DB_RECONNECTS = "archiver/db/reconnects"
# Pages that could not be fetched (after retries).
ERRORS_FETCH = "archiver/errors/fetch"
# Writes refused: the crawl lock's session ended.
ERRORS_LOCK_LOST = "archiver/errors/lock_lost"
# Pages that could not be read.
ERRORS_PARSE = "archiver/errors/parse"
# Bodies whose Content-Encoding could not be undone.
FETCH_UNDECODABLE = "archiver/fetch/undecodable"
# The run's extraction health per site (crawl_runs.health).
HEALTH = "archiver/health"
# Health figures that fell below the site's previous run's.
HEALTH_DROPS = "archiver/health/drops"
# NUL characters dropped from pages.
HEALTH_NUL_CHARS = "archiver/health/nul_chars"
# Pages nested past libxml2's depth limit, whose deep runs of tags were cut.
HEALTH_PAGES_CUT = "archiver/health/pages_cut"
# Pages that hold fewer comments than they show.
HEALTH_SHORT_PAGES = "archiver/health/short_pages"
# Tags of those deep runs dropped (their text kept).
HEALTH_TAGS_DROPPED = "archiver/health/tags_dropped"
# Pages fetched from the sites (robots.txt not counted).
PAGES = "archiver/pages"
# Redirects to another site, refused.
REDIRECTS_OFF_SITE = "archiver/redirects/off_site"
# REST answers that agreed with the HTML.
REST_AGREED = "archiver/rest/agreed"
# Comments only the REST API listed, added.
REST_COMMENTS_ADDED = "archiver/rest/comments_added"
# REST answers that disagreed with the HTML.
REST_DISAGREEMENTS = "archiver/rest/disagreements"
# Comments the HTML showed and the REST API did not.
REST_ONLY_IN_HTML = "archiver/rest/only_in_html"
# Comments the REST API listed and the HTML did not.
REST_ONLY_IN_REST = "archiver/rest/only_in_rest"
# REST answers that could not be read.
REST_UNUSABLE = "archiver/rest/unusable"
# Waits before a retry (429, 503, Retry-After).
RETRY_WAITS = "archiver/retry/waits"
# The run's crawl_runs id.
RUN_ID = "archiver/run_id"
# Sites whose time zone the pages changed.
SITES_ZONE_CHANGED = "archiver/sites/zone_changed"
# The run's end: ok, failed, interrupted.
STATUS = "archiver/status"
# Why a run stopped early (disk_full).
STOPPED = "archiver/stopped"
# Comments whose depth the thread builder corrected.
THREADS_DEPTH_FIXES = "archiver/threads/depth_fixes"
# Threads stored short of the count their page shows.
THREADS_SHORT = "archiver/threads/short"
# Bytes of those captures' WARC records.
WARC_BYTES = "archiver/warc/bytes"
# Captures written to WARC files.
WARC_RECORDS = "archiver/warc/records"


def planned(reason: str) -> str:
    """Article pages a crawl's plan fetched for `reason` (new, changed, due, full)."""
    return f"archiver/crawl/planned/{reason}"


def listed_on(domain: str) -> str:
    """Articles one site's sitemaps, feeds and listings gave."""
    return f"archiver/crawl/{domain}/listed"


def error(kind: str) -> str:
    """Errors of one kind (fetch, parse, lock_lost)."""
    return f"archiver/errors/{kind}"


def warc_record(kind: str) -> str:
    """Captures written as `response` or `revisit` records."""
    return f"archiver/warc/{kind}"


def crawl_delay(key: str) -> str:
    """The Crawl-delay a site's robots.txt asks for."""
    return f"archiver/robots/crawl_delay/{key}"


PLANNED_REASONS = ("new", "changed", "due", "full")
ANSWERS = (200, 304, 404, 410, 429, 503)  # the statuses a crawl's summary counts


@dataclass(frozen=True)
class RunCounts:
    """What a run's stats say, as numbers (0 where nothing was counted)."""

    pages: int = 0
    errors: int = 0
    articles_stored: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_not_modified: int = 0
    articles_gone: int = 0
    comments_extracted: int = 0
    comments_new: int = 0
    comments_changed: int = 0
    comments_deleted: int = 0
    dates_parsed: int = 0
    dates_unparsed: int = 0
    threads_short: int = 0
    health_drops: int = 0
    listed: int = 0
    sitemaps: int = 0
    feeds: int = 0
    planned: dict[str, int] = field(default_factory=dict)  # reason → article pages fetched
    skipped_not_due: int = 0
    skipped_old: int = 0
    skipped_limit: int = 0
    answers: dict[int, int] = field(default_factory=dict)  # HTTP status → responses
    warc_records: int = 0
    warc_bytes: int = 0

    @classmethod
    def of(cls, stats: dict[str, Any]) -> RunCounts:
        def count(key: str) -> int:
            value = stats.get(key, 0)
            return int(value) if isinstance(value, int | float) else 0

        return cls(
            pages=count(PAGES),
            errors=count("log_count/ERROR"),
            articles_stored=count(ARTICLES_STORED),
            articles_new=count(ARTICLES_NEW),
            articles_changed=count(ARTICLES_CHANGED),
            articles_not_modified=count(ARTICLES_NOT_MODIFIED),
            articles_gone=count(ARTICLES_GONE),
            comments_extracted=count(COMMENTS_EXTRACTED),
            comments_new=count(COMMENTS_NEW),
            comments_changed=count(COMMENTS_CHANGED),
            comments_deleted=count(COMMENTS_DELETED),
            dates_parsed=count(DATES_PARSED),
            dates_unparsed=count(DATES_UNPARSED),
            threads_short=count(THREADS_SHORT),
            health_drops=count(HEALTH_DROPS),
            listed=count(CRAWL_LISTED),
            sitemaps=count(CRAWL_SITEMAPS),
            feeds=count(CRAWL_FEEDS),
            planned={reason: count(planned(reason)) for reason in PLANNED_REASONS},
            skipped_not_due=count(CRAWL_SKIPPED_NOT_DUE),
            skipped_old=count(CRAWL_SKIPPED_OLD),
            skipped_limit=count(CRAWL_SKIPPED_LIMIT),
            answers={
                status: count(f"downloader/response_status_count/{status}") for status in ANSWERS
            },
            warc_records=count(WARC_RECORDS),
            warc_bytes=count(WARC_BYTES),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

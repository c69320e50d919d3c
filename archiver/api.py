"""The Python API behind every command: run a crawl in-process and report what it stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from scrapy import Spider
from sqlalchemy.engine import URL

from archiver import runstats
from archiver import settings as archiver_settings
from archiver.archive import Archive
from archiver.config import describe_db, resolve_db_url, warc_dir
from archiver.crawling.arguments import CrawlArguments, ScrapeArguments
from archiver.crawling.process import run_spider
from archiver.db import runs
from archiver.db.crawlstate import forget_site
from archiver.db.engine import open_archive
from archiver.db.lock import crawl_lock
from archiver.db.sites import site_aliases
from archiver.parse.urls import site_domain
from archiver.read.queries import ArticleSummary, article_summaries
from archiver.runstats import RunCounts
from archiver.spiders.article import ArticleSpider
from archiver.spiders.site import SiteSpider
from archiver.warc.imports import keep, recognise
from archiver.warc.reader import warc_files
from archiver.warc.reparse import ReparseReport
from archiver.warc.reparse import reparse as rebuild
from archiver.warc.wacz import WaczReport


@dataclass
class RunResult:
    """What a run did: its crawl_runs id and status, the database, and the articles it stored."""

    run_id: int | None
    status: str  # ok | failed | interrupted
    db: str  # what a summary prints: absolute path, or URL without password
    db_url: URL
    errors: int
    stats: dict[str, Any]
    articles: list[ArticleSummary] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Pages fetched from the site (robots.txt not counted)."""
        return self.counts.pages

    @cached_property
    def counts(self) -> RunCounts:
        """What the run's stats say, as numbers (new, changed and deleted comments, …)."""
        return RunCounts.of(self.stats)

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "ok" else 1


def scrape(
    url: str | Sequence[str],
    *,
    db: str | None = None,
    settings: dict[str, Any] | None = None,
    command: str = "scrape",
) -> RunResult:
    """Fetch articles (one URL or several) and every page of their comments into the archive.

    `db` is a SQLite path or SQLAlchemy URL (default: $ARCHIVER_DB, else the data home's
    archive.sqlite3); `settings` override Scrapy/archiver settings for this run.
    Raises ValueError for a URL that cannot be an article URL and ArchiveUnavailable when the
    database cannot be opened; every other problem is in the result.
    """
    arguments = ScrapeArguments.of(urls=[url] if isinstance(url, str) else list(url))
    db_url = resolve_db_url(db)
    engine = open_archive(db_url)  # fail before fetching anything when the archive is unusable
    try:
        aliases = site_aliases(engine)
    finally:
        engine.dispose()
    settings = {"ARCHIVER_SITE_ALIASES": aliases, **(settings or {})}
    stats = _run_spider(ArticleSpider, arguments, db_url, command, settings)
    result = _result(stats, db_url)
    if stats.get(runstats.ARTICLE_IDS):
        result.articles = article_summaries(db_url, stats[runstats.ARTICLE_IDS])
    # One id per article item stored: two URLs of one post (its shortlink, its slug) are one
    # article stored twice, not a URL that stored nothing.
    stored = len(stats.get(runstats.ARTICLE_IDS) or [])
    if (
        stored < min(len(set(arguments.urls)), archiver_settings.ARCHIVER_SUMMARY_ARTICLES)
        and result.status == "ok"
    ):
        result.status = "failed"  # an article not stored is never a success for a scrape
    return result


def crawl(
    site_urls: Sequence[str],
    *,
    db: str | None = None,
    full: bool = False,
    since: date | datetime | None = None,
    max_articles: int | None = None,
    settings: dict[str, Any] | None = None,
    command: str = "crawl",
) -> RunResult:
    """Keep whole sites' archives fresh: discover their articles, fetch what may have changed.

    Raises ValueError for a URL that is no site URL, ArchiveUnavailable when the database
    cannot be opened, and CrawlLocked when another crawl of one of the sites holds its lock.
    """
    arguments = CrawlArguments.of(site_urls=list(site_urls), full=full, since=since,
                                  max_articles=max_articles)  # fmt: skip
    sites = list(arguments.sites)
    db_url = resolve_db_url(db)
    engine = open_archive(db_url)
    try:
        aliases = site_aliases(engine)
        keys = [aliases.get(key, key) for key in map(site_domain, sites)]  # one lock a site
        with crawl_lock(engine, keys) as fence:
            runs.close_abandoned_runs(engine, command, sites)
            if full:
                for site in sites:
                    forget_site(engine, site_domain(site))
            # The spider takes the locks itself only when run by `scrapy crawl` or Scrapyd.
            crawl_settings = {
                "ARCHIVER_LOCK_HELD": True,
                "ARCHIVER_SITE_ALIASES": aliases,
                "ARCHIVER_LOCK_FENCE": fence.as_setting() if fence else None,
                **(settings or {}),
            }
            stats = _run_spider(SiteSpider, arguments, db_url, command, crawl_settings)
    finally:
        engine.dispose()
    result = _result(stats, db_url)
    if stats.get(runstats.ARTICLE_IDS):
        result.articles = article_summaries(db_url, stats[runstats.ARTICLE_IDS])
    return result


def _run_spider(
    spider: type[Spider],
    arguments: ScrapeArguments | CrawlArguments,
    db_url: URL,
    command: str,
    settings: dict[str, Any] | None,
) -> dict[str, Any]:
    """Run one spider on `arguments` with archiver's settings (here, or in a child once this
    process's reactor has run: see crawling.process); return its stats."""
    return run_spider(
        spider,
        {"arguments": arguments},
        {
            "ARCHIVER_DB": db_url.render_as_string(hide_password=False),
            "ARCHIVER_RUN_COMMAND": command,
            "ARCHIVER_RUN_ARGUMENTS": arguments.recorded(),  # what the run's row keeps
            **(settings or {}),
        },
    )


def _result(stats: dict[str, Any], db_url: URL) -> RunResult:
    return RunResult(
        run_id=stats.get(runstats.RUN_ID),
        status=stats.get(runstats.STATUS, "failed"),
        db=describe_db(db_url),
        db_url=db_url,
        errors=int(stats.get("log_count/ERROR", 0)),
        stats=stats,
    )


def reparse(
    *, db: str | None = None, site: str | None = None, since: date | datetime | None = None
) -> ReparseReport:
    """Rebuild the archive's articles and comments from its WARC files, with no network access.

    `site` (a domain) and `since` (fetched at or after) narrow it to some articles.
    """
    arguments: dict[str, Any] = {"site": site, "since": since.isoformat() if since else None}
    return _rebuild(db, warc_files, site=site, since=since, arguments=arguments)


def import_warc(files: Sequence[str | Path], *, db: str | None = None) -> ReparseReport:
    """Store the article pages of WARC, ARC and WACZ files made by other tools (wget,
    Browsertrix, ArchiveWeb.page, Heritrix, the Internet Archive's ARC files).

    Each file is recognised by its content and kept in the archive's WARC directory first
    (ARC converted to WARC, a WACZ's WARC files taken out), so a later `reparse` sees it. A
    file that is none of them is refused (NotAnArchive, a ValueError) before anything is kept.
    """
    sources = [recognise(Path(f).expanduser().resolve()) for f in files]

    def kept_in(directory: Path) -> list[Path]:
        return [path for source in sources for path in keep(source, directory)]

    arguments = {"files": [str(s.path) for s in sources]}
    return _rebuild(db, kept_in, command="import-warc", arguments=arguments, source="import")


def _rebuild(db: str | None, files: Callable[[Path], list[Path]], **options: Any) -> ReparseReport:
    """`archiver.warc.reparse.reparse` on the archive `db` and the WARC files `files(directory)`
    gives for its WARC directory (whose files are indexed in `captures`)."""
    db_url = resolve_db_url(db)
    engine = open_archive(db_url)
    directory = warc_dir(db_url)
    try:
        return rebuild(engine, files(directory), index_in=directory, **options)
    finally:
        engine.dispose()


def export_wacz(
    output: str | Path,
    *,
    site: str | None = None,
    since: date | datetime | None = None,
    db: str | None = None,
) -> WaczReport:
    """Pack the archive's captures (of `site`'s articles, of those published since `since`)
    as a WACZ file at `output`."""
    with Archive.read(db) as archive:
        return archive.export_wacz(output, site=site, since=since)

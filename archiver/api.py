"""The Python API behind every command: run a crawl in-process and report what it stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from sqlalchemy.engine import URL

from archiver import settings as archiver_settings
from archiver.config import describe_db, resolve_db_url
from archiver.db.engine import open_archive
from archiver.db.queries import ArticleSummary, article_summaries
from spiders.article import ArticleSpider, validate_article_url


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
        return self.stats.get("archiver/pages", 0)

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
    urls = [validate_article_url(u) for u in ([url] if isinstance(url, str) else url)]
    if not urls:
        validate_article_url(None)
    db_url = resolve_db_url(db)
    open_archive(db_url).dispose()  # fail before fetching anything when the archive is unusable
    crawl_settings = Settings()
    crawl_settings.setmodule(archiver_settings, priority="project")
    crawl_settings.update(
        {
            "ARCHIVER_DB": db_url.render_as_string(hide_password=False),
            "ARCHIVER_RUN_COMMAND": command,
            "ARCHIVER_RUN_ARGUMENTS": {"url": urls[0]} if len(urls) == 1 else {"urls": urls},
            # Logging belongs to the caller (the CLI configures it); a library must not.
            "LOG_INSTALL_ROOT_HANDLER": False,
            **(settings or {}),
        },
        priority="cmdline",
    )
    process = AsyncCrawlerProcess(crawl_settings)
    crawler = process.create_crawler(ArticleSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats()
    result = RunResult(
        run_id=stats.get("archiver/run_id"),
        status=stats.get("archiver/status", "failed"),
        db=describe_db(db_url),
        db_url=db_url,
        errors=int(stats.get("log_count/ERROR", 0)),
        stats=stats,
    )
    if stats.get("archiver/article_ids"):
        result.articles = article_summaries(db_url, stats["archiver/article_ids"])
    if len(result.articles) < len(set(urls)) and result.status == "ok":
        result.status = "failed"  # an article not stored is never a success for a scrape
    return result

"""The `archiver` command: a thin layer over `archiver.api`, one function per command."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from archiver import __version__
from archiver.api import RunResult
from archiver.api import scrape as api_scrape
from archiver.clock import as_utc
from archiver.config import data_home
from archiver.db.engine import ArchiveUnavailable
from archiver.db.queries import ArticleSummary
from archiver.export import DATASETS, FORMATS, Dataset, Format
from archiver.reparse import ReparseReport

console = Console(highlight=False, soft_wrap=True)
# Loggers whose errors another message already reports (our errback says why a fetch failed).
REPEATING_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


class OneLineFormatter(logging.Formatter):
    """`error: message` on one line; tracebacks only with --verbose."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        # Never mutate the record: Scrapy's log counter reads the same one after us.
        line = f"{record.levelname.lower()}: {record.getMessage()}"
        if not self.verbose:
            return line.splitlines()[0]
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(verbose))
    if not verbose:
        handler.addFilter(_quiet_filter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("archiver.progress").setLevel(logging.INFO)


def _quiet_filter(record: logging.LogRecord) -> bool:
    if record.name == "archiver.progress":  # a scheduled job's log shows how far a run got
        return True
    ours = record.name.split(".")[0] in ("archiver", "spiders", "pipelines")
    if ours:
        return record.levelno >= logging.WARNING
    return record.levelno >= logging.ERROR and not record.name.startswith(REPEATING_LOGGERS)


def parse_settings(values: tuple[str, ...]) -> dict[str, Any]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="-s")
        settings[name.strip()] = setting
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archiver")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and full tracebacks to stderr.")
def main(verbose: bool) -> None:
    """Keep a faithful, queryable archive of Japanese articles and their comment threads.

    The archive is a SQLite file (default: data/archive.sqlite3, or $ARCHIVER_HOME/archive.sqlite3;
    $ARCHIVER_DB overrides) or any SQLAlchemy URL such as postgresql://user@host/db.
    Every command exits non-zero when its run had errors.
    """
    configure_logging(verbose)


DB_OPTION = click.option(
    "--db",
    metavar="PATH_OR_URL",
    help="SQLite file path or SQLAlchemy URL (default: $ARCHIVER_DB, else data/archive.sqlite3).",
)
SET_OPTION = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or archiver setting for this run (repeatable).",
)


@main.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@DB_OPTION
@SET_OPTION
def scrape(urls: tuple[str, ...], db: str | None, overrides: tuple[str, ...]) -> None:
    """Store articles with every page of their comments, then print a summary.

    Re-running it on the same URL updates the archive in place: new comments are added,
    changed votes and bodies are kept as history, nothing is duplicated.

    Example:

    \b
        archiver scrape https://grandfleet.info/european-region/some-article/ --db data/gf.sqlite3
    """
    try:
        result = api_scrape(list(urls), db=db, settings=parse_settings(overrides))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except ArchiveUnavailable as error:
        fail(str(error))
    print_summary(result)
    sys.exit(result.exit_code)


EXIT_LOCKED = 75  # EX_TEMPFAIL: cron and systemd read it as "try again later"


@main.command()
@click.argument("sites", nargs=-1, required=True, metavar="SITE_URL...")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    metavar="DATE",
    help="Skip articles the site lists as last modified before this date (UTC).",
)
@click.option("--max-articles", type=click.IntRange(min=1), metavar="N",
              help="Fetch at most N articles this run (new first, then changed, then due).")  # fmt: skip
@click.option("--full", is_flag=True,
              help="Forget the revisit state and fetch every listed article in full.")  # fmt: skip
@DB_OPTION
@SET_OPTION
def crawl(
    sites: tuple[str, ...],
    since: datetime | None,
    max_articles: int | None,
    full: bool,
    db: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Keep whole sites archived: discover their articles, fetch only what may have changed.

    Articles are found in the site's sitemaps (wp-sitemap.xml, sitemap_index.xml) and feed,
    or its archive pages when it has neither. A recrawl fetches new articles, those whose
    sitemap lastmod moved, and threads due under the revisit policy (young and busy threads
    often, old quiet ones rarely) with a conditional GET, so unchanged pages cost a 304.
    The revisit state lives in the archive (table crawl_state); a run killed at any point
    resumes from it. Exit codes: 0 no errors, 1 errors (logged with their URL), 2 usage,
    75 another crawl of the same site on the same archive is running.

    Example:

    \b
        archiver crawl https://grandfleet.info/ --db data/gf.sqlite3
        ARCHIVER_NOW=2026-12-01T00:00:00 archiver crawl http://127.0.0.1:8000/ --max-articles 50
    """
    from archiver.api import crawl as api_crawl
    from archiver.db.lock import CrawlLocked

    when = as_utc(since) if since is not None else None  # a bare date is a UTC day
    try:
        progress = "bar" if sys.stderr.isatty() else "log"
        result = api_crawl(
            list(sites),
            db=db,
            full=full,
            since=when,
            max_articles=max_articles,
            settings={"ARCHIVER_PROGRESS": progress, **parse_settings(overrides)},
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except CrawlLocked as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    print_crawl_summary(result)
    sys.exit(result.exit_code)


@main.command()
@click.option("--site", metavar="DOMAIN", help="Only articles of this site (e.g. grandfleet.info).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    metavar="DATE",
    help="Only articles fetched on or after this date (UTC).",
)
@DB_OPTION
def reparse(site: str | None, since: datetime | None, db: str | None) -> None:
    """Rebuild articles and comments from the archive's WARC files, with no network access.

    Every page a crawl fetched is kept in WARC files (data/warc/ for the default archive,
    warc-NAME/ beside NAME.sqlite3). This
    reads them again with the current extractors, through the same date and thread steps,
    observation by observation at the times the pages were fetched: an article the archive
    lacks is rebuilt as the crawls stored it; one it holds is compared, and what differs is
    changed with history rows of source `reparse`. Running it twice changes nothing the
    second time. Exit codes: 0 done, 1 a page could not be re-parsed (logged with its URL),
    75 a crawl of one of the sites is running on this archive.

    Example:

    \b
        archiver reparse --db data/gf.sqlite3
        archiver reparse --site grandfleet.info --since 2026-11-01
    """
    from archiver.api import reparse as api_reparse
    from archiver.db.lock import CrawlLocked

    try:
        report = api_reparse(db=db, site=site, since=as_utc(since) if since else None)
    except CrawlLocked as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    print_reparse_summary("reparse", report)
    sys.exit(0 if report.ok else 1)


@main.command("import-warc")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@DB_OPTION
def import_warc(files: tuple[str, ...], db: str | None) -> None:
    """Store the article pages of WARC files made by other tools (wget, Browsertrix, Heritrix).

    Pages of a known markup become articles and threads as if crawled at the records' times;
    other records are kept but give nothing. Each file is copied into the archive's WARC
    directory, so `archiver reparse` rebuilds from it too.

    Example:

    \b
        wget --warc-file=site --recursive --level=1 https://example.jp/2021/12/post/
        archiver import-warc site.warc.gz --db data/gf.sqlite3
    """
    from archiver.api import import_warc as api_import_warc
    from archiver.db.lock import CrawlLocked

    try:
        report = api_import_warc(list(files), db=db)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except CrawlLocked as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    print_reparse_summary("import-warc", report)
    sys.exit(0 if report.ok else 1)


@main.command()
def demo() -> None:
    """Serve the demo site on 127.0.0.1 and crawl it into data/demo.sqlite3.

    The demo site is the bundled real article (34 comments from grandfleet.info) and 36
    generated ones in every comment markup, with sitemaps and comment pages; the demo runs
    `archiver crawl` on it. Needs no network. The demo database is rebuilt on every run and is
    never your archive.

    Example:

    \b
        archiver demo && sqlite3 data/demo.sqlite3 "SELECT depth, count(*) FROM comments GROUP BY depth"
    """
    from archiver.demo import run_demo

    result = run_demo()
    print_crawl_summary(result)
    if result.articles:
        print_demo_next_steps(result)
    sys.exit(result.exit_code)


@main.group()
def db() -> None:
    """Manage the archive database itself."""


@db.command("upgrade")
@DB_OPTION
def db_upgrade(db: str | None) -> None:
    """Create the archive or upgrade its schema to this version (under a lock).

    Example:

    \b
        archiver db upgrade --db postgresql://archiver@127.0.0.1/archive
    """
    from archiver.config import describe_db, resolve_db_url
    from archiver.db.engine import head_revision, open_archive

    url = resolve_db_url(db)
    try:
        open_archive(url).dispose()
    except ArchiveUnavailable as error:
        fail(str(error))
    console.print(f"schema at revision {head_revision()}: {escape(describe_db(url))}")


SINCE_OPTION = click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only what was posted (articles: published) on or after this day, in Japan time.",
)
SITE_OPTION = click.option("--site", metavar="DOMAIN", help="Only this site, e.g. grandfleet.info.")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


@contextmanager
def reading_archive(db: str | None) -> Iterator[Engine]:
    """The archive for a reading command, disposed of afterwards: it must exist and be
    current; nothing is written."""
    from archiver.config import resolve_db_url
    from archiver.db.engine import read_archive

    try:
        engine = read_archive(resolve_db_url(db))
    except ArchiveUnavailable as error:
        fail(str(error))
    try:
        yield engine
    finally:
        engine.dispose()


@main.command()
@click.argument("article", metavar="URL_OR_ID")
@DB_OPTION
@JSON_OPTION
@click.option("--deleted", is_flag=True, help="Show deleted comments too, marked (deleted).")
def thread(article: str, db: str | None, as_json: bool, deleted: bool) -> None:
    """Print a stored thread as an indented tree: author, local time, votes, first line.

    URL_OR_ID is the article's URL (as stored, or as a browser shows it) or its id.
    Colored on a terminal, plain text in a pipe; --json gives the nested tree.

    Example:

    \b
        archiver thread https://grandfleet.info/european-region/some-article/ | less
        archiver thread 1 --json | jq '.comments[0].replies | length'
    """
    from archiver.db.thread import ArticleNotFound, find_article, load_thread
    from archiver.display import print_thread

    with reading_archive(db) as engine:
        try:
            tree = load_thread(engine, find_article(engine, article), include_deleted=deleted)
        except ArticleNotFound as error:
            fail(str(error))
    if as_json:
        echo_json(tree.as_dict())
    else:
        print_thread(console, tree)


@main.command()
@click.argument("text")
@click.option(
    "--in",
    "within",
    type=click.Choice(["comments", "articles"]),
    default="comments",
    show_default=True,
    help="Search comment bodies, or article titles and bodies.",
)
@SINCE_OPTION
@SITE_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@DB_OPTION
@JSON_OPTION
def search(
    text: str,
    within: Literal["comments", "articles"],
    since: datetime | None,
    site: str | None,
    limit: int,
    db: str | None,
    as_json: bool,
) -> None:
    """Find Japanese text in the archive, newest first, with the match highlighted.

    Any substring matches (no word splitting needed): three characters or more use the trigram
    index (FTS5 on SQLite, pg_trgm on PostgreSQL); one or two characters scan. Half- and
    full-width forms match each other (NATO finds ＮＡＴＯ).

    Example:

    \b
        archiver search 交渉
        archiver search ＮＡＴＯ --since 2021-12-01 --site grandfleet.info --limit 50
    """
    from archiver.db.search import search as search_archive
    from archiver.display import MATCH_MARKS, print_hits

    with reading_archive(db) as engine:
        hits = search_archive(
            engine,
            text,
            within=within,
            since=since.date() if since else None,
            site=site,
            limit=limit,
            marks=("[", "]") if as_json else MATCH_MARKS,
        )
    if as_json:
        echo_json([asdict(hit) for hit in hits])
    else:
        print_hits(console, hits)


@main.command()
@click.argument("dataset", type=click.Choice(DATASETS))
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Where to write; '-' is stdout (csv, jsonl). Written whole or not at all.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: from the file's suffix (.csv, .jsonl, .parquet), else csv.",
)
@SINCE_OPTION
@SITE_OPTION
@click.option(
    "--up-to-run",
    type=click.IntRange(min=1),
    metavar="RUN_ID",
    help="Only rows first stored by this crawl run or an earlier one (reproducible analyses).",
)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM (for Excel).")
@DB_OPTION
def export(
    dataset: Dataset,
    output: str,
    fmt: Format | None,
    since: datetime | None,
    site: str | None,
    up_to_run: int | None,
    bom: bool,
    db: str | None,
) -> None:
    """Stream articles, comments or threads to CSV, JSON Lines or Parquet, in flat memory.

    threads are the comments in tree order (view comment_tree) with root_id, path and
    reply_count, and their article's URL and title. Times are UTC (ISO 8601 in text formats,
    timestamp[us, UTC] in Parquet), *_on columns are dates, JSON columns stay JSON.

    Example:

    \b
        archiver export comments -o comments.parquet --since 2021-12-01
        archiver export threads --format csv --bom -o threads.csv --site grandfleet.info
        archiver export articles -o - --format jsonl | jq .title
    """
    from archiver.export import ExportUnavailable, Filters
    from archiver.export import export as export_dataset

    chosen = fmt or _format_from_suffix(output)
    filters = Filters(since=since.date() if since else None, site=site, up_to_run=up_to_run)
    with reading_archive(db) as engine:
        try:
            count = export_dataset(engine, dataset, chosen, output, filters=filters, bom=bom)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        except (ExportUnavailable, OSError) as error:
            fail(str(error))
    if output != "-":
        click.echo(f"{count} {dataset} rows written to {output} ({chosen})", err=True)


def _format_from_suffix(output: str) -> Format:
    suffix = Path(output).suffix.lower().lstrip(".")
    return {"parquet": "parquet", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "csv")  # type: ignore[return-value]


@main.command()
@SITE_OPTION
@click.option("--days", type=click.IntRange(min=1), default=14, show_default=True,
              help="Latest days with comments to count.")  # fmt: skip
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Busiest threads to list.")  # fmt: skip
@DB_OPTION
@JSON_OPTION
def stats(site: str | None, days: int, top: int, db: str | None, as_json: bool) -> None:
    """Figures about the archive: sizes, comments per day, busiest threads, health of the runs.

    Health is what tells a site changed its templates: the share of comment dates understood,
    comments with an author, threads stored short of the count the page shows, pages whose
    comments are in no known markup, and per run its pages, errors and extracted comments.

    Example:

    \b
        archiver stats --site grandfleet.info
        archiver stats --json | jq '.runs[0]'
    """
    from archiver.db.stats import archive_stats
    from archiver.display import print_stats

    with reading_archive(db) as engine:
        figures = archive_stats(engine, site=site, days=days, top=top)
    if as_json:
        echo_json(figures.as_dict())
    else:
        print_stats(console, figures)


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db: str | None, host: str, port: int) -> None:
    """Open the archive read-only in Datasette, every table and column described.

    Canned queries: thread (a thread as a tree), busiest_threads (this week), top_voted,
    search (any text). Needs the optional extra: pip install 'archiver[serve]'. SQLite only.

    Example:

    \b
        archiver serve --db data/archive.sqlite3 --port 8001
        curl 'http://127.0.0.1:8001/archive/top_voted.json?_shape=array'
    """
    from archiver.config import resolve_db_url
    from archiver.serve import ServeUnavailable
    from archiver.serve import serve as serve_archive

    url = resolve_db_url(db)
    if url.get_backend_name() != "sqlite":
        raise click.UsageError("Datasette reads SQLite archives: export from PostgreSQL instead")
    with reading_archive(db):  # exists and is current
        pass
    try:
        sys.exit(serve_archive(Path(str(url.database)), host=host, port=port))
    except ServeUnavailable as error:
        fail(str(error))


def echo_json(data: Any) -> None:
    """--json output: UTF-8 as is, indented, instants and dates in ISO 8601."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_iso_8601))


def _iso_8601(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def fail(message: str) -> NoReturn:
    """A library error as one line and exit code 1, never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def print_summary(result: RunResult, limit: int = 10) -> None:
    for article in result.articles[:limit]:
        _print_article(article)
    if len(result.articles) > limit:
        console.print(f"… and {len(result.articles) - limit} more articles")
    stats = result.stats
    console.print(
        f"  stored:     {stats.get('archiver/comments/new', 0)} new, "
        f"{stats.get('archiver/comments/changed', 0)} changed, "
        f"{stats.get('archiver/comments/deleted', 0)} deleted comments"
    )
    _print_health(stats)
    console.print(f"  database:   {escape(result.db)}")
    console.print(f"  data home:  {escape(str(data_home()))}")
    _print_run_line(result, f"#{result.run_id if result.run_id is not None else '-'} ")


def _print_article(article: ArticleSummary) -> None:
    console.print(f"[bold]{escape(article.title or '(no title)')}[/bold]")
    console.print(f"  url:        {escape(article.url)}")
    console.print(f"  comments:   {article.comments} (deepest level {article.max_depth})")


def _print_run_line(result: RunResult, prefix: str = "", suffix: str = "") -> None:
    style = "green" if result.status == "ok" else "red"
    console.print(
        f"  run:        {prefix}[{style}]{result.status}[/{style}], "
        f"{_plural(result.pages, 'page')}, {_plural(result.errors, 'error')}{suffix}"
    )


def print_crawl_summary(result: RunResult) -> None:
    """One screen: what was listed, what the plan fetched, what the archive got, what failed."""
    stats = result.stats
    planned = {
        reason: stats.get(f"archiver/crawl/planned/{reason}", 0)
        for reason in ("new", "changed", "due", "full")
    }
    statuses = {
        code: stats.get(f"downloader/response_status_count/{code}", 0)
        for code in (200, 304, 404, 410, 429, 503)
    }
    console.print(f"[bold]crawl run #{result.run_id if result.run_id is not None else '-'}[/bold]")
    console.print(
        f"  listed:     {stats.get('archiver/crawl/listed', 0)} articles "
        f"({_plural(stats.get('archiver/crawl/sitemaps', 0), 'sitemap')}, "
        f"{_plural(stats.get('archiver/crawl/feeds', 0), 'feed')})"
    )
    console.print(
        f"  fetched:    {planned['new'] + planned['full']} new/full, {planned['changed']} changed, "
        f"{planned['due']} due; skipped {stats.get('archiver/crawl/skipped_not_due', 0)} not due, "
        f"{stats.get('archiver/crawl/skipped_old', 0)} older than --since, "
        f"{stats.get('archiver/crawl/skipped_limit', 0)} over --max-articles"
    )
    console.print(
        f"  answers:    {statuses[200]} × 200, {statuses[304]} × 304 (unchanged), "
        f"{statuses[404] + statuses[410]} gone, {statuses[429] + statuses[503]} × 429/503"
    )
    console.print(
        f"  articles:   {stats.get('archiver/articles/new', 0)} new, "
        f"{stats.get('archiver/articles/changed', 0)} changed, "
        f"{stats.get('archiver/articles/stored', 0)} stored, "
        f"{stats.get('archiver/articles/not_modified', 0)} unchanged"
    )
    console.print(
        f"  comments:   {stats.get('archiver/comments/new', 0)} new, "
        f"{stats.get('archiver/comments/changed', 0)} changed, "
        f"{stats.get('archiver/comments/deleted', 0)} deleted"
    )
    _print_health(stats)
    console.print(f"  database:   {escape(result.db)}")
    _print_run_line(result, suffix="" if result.status == "ok" else " (see the error lines above)")


def _print_health(stats: dict[str, Any]) -> None:
    """Extraction health per site; drops (warned above) in red."""
    for domain, figures in (stats.get("archiver/health") or {}).items():
        console.print(
            f"  health:     {escape(domain)}: comments {_percent(figures['comments_extracted_share'])} "
            f"of shown, dates {_percent(figures['dates_parsed_share'])} parsed, authors "
            f"{_percent(figures['with_author_share'])}, "
            f"{_plural(figures['pages_without_markup'], 'page')} without known markup"
        )
    drops = stats.get("archiver/health/drops", 0)
    if drops:
        console.print(
            f"  [red]{_plural(drops, 'health drop')}[/red] against the sites' previous runs "
            "(warnings above): a site may have changed its templates"
        )


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def print_reparse_summary(command: str, report: ReparseReport) -> None:
    changes = report.changes
    seen = report.observations
    console.print(f"[bold]{command} run #{report.run_id}[/bold]")
    console.print(
        f"  read:       {_plural(report.files, 'WARC file')}, {report.captures} responses, "
        f"{_plural(report.pages_parsed, 'page')} parsed"
    )
    console.print(
        f"  observed:   {seen['article']} article fetches, {seen['not_modified']} × 304, "
        f"{seen['gone']} gone"
    )
    console.print(
        f"  articles:   {report.articles_rebuilt} rebuilt (not in the archive), "
        f"{report.articles_compared} compared, {changes.articles_changed} changed"
    )
    console.print(
        f"  comments:   {changes.comments_new} new, {changes.comments_changed} changed, "
        f"{changes.comments_not_refound} in the archive but not found again (kept)"
    )
    if changes.fields:
        fields = ", ".join(f"{name} {count}" for name, count in changes.fields.most_common())
        console.print(f"  fields:     {escape(fields)}")
    style = "green" if report.ok else "red"
    status = "ok" if report.ok else f"{_plural(len(report.problems), 'page')} not re-parsed"
    console.print(f"  run:        [{style}]{status}[/{style}]")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def print_demo_next_steps(result: RunResult) -> None:
    from archiver.db.queries import thread_lines

    article = result.articles[0]  # the seed article: a real thread from grandfleet.info
    console.print()
    _print_article(article)
    console.print("The start of its stored thread (position, author, date, votes):")
    for line in thread_lines(result.db_url, article.id, limit=8):
        first_line = line.body_text.splitlines()[0] if line.body_text else ""
        votes = "-" if line.votes is None else line.votes
        console.print(
            f"  {line.position:>3} {'  ' * (line.depth - 1)}{escape(line.author or '(no name)')} "
            f"{line.posted_on} {escape(f'[{votes}]')} {escape(first_line[:28])}"
        )
    console.print(f"  … {article.comments - 8} more")
    console.print()
    db = escape(result.db)
    console.print("Next, ask the archive something:")
    for command, what in (
        (f"thread {article.id}", "the whole thread as a tree"),
        ("search 交渉", "Japanese full-text search"),
        ("stats", "busiest threads, extraction health"),
        ("serve", "browse it in Datasette"),
        ("reparse", "rebuild it from the raw pages in warc/"),
    ):
        console.print(f'  archiver {command} --db "{db}"   # {what}')
    console.print("or in SQL, the thread as a tree (view comment_tree):")
    console.print(
        f'  sqlite3 "{db}" '
        "\"SELECT position, substr('          ', 1, 2 * (depth - 1)) || author, posted_on, votes, "
        "reply_count, substr(replace(body_text, char(10), ' '), 1, 30) FROM comment_tree "
        f'WHERE article_id = {article.id} AND deleted_at IS NULL ORDER BY path"'
    )

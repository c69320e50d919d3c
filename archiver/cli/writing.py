"""The commands that write the archive: scrape, crawl, reparse, import-warc, demo, db upgrade."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from archiver.api import scrape as api_scrape
from archiver.cli.options import (
    DB_OPTION,
    EXIT_LOCKED,
    JSON_OPTION,
    SET_OPTION,
    echo_json,
    fail,
    parse_settings,
    since_option,
)
from archiver.cli.summaries import (
    print_crawl_summary,
    print_demo_next_steps,
    print_reparse_summary,
    print_summary,
    reparse_document,
    run_document,
)
from archiver.db.engine import ArchiveUnavailable


@click.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@DB_OPTION
@SET_OPTION
@JSON_OPTION
def scrape(
    urls: tuple[str, ...], db: str | None, overrides: tuple[str, ...], as_json: bool
) -> None:
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
    if as_json:
        echo_json("run", run_document(result))
    else:
        print_summary(result)
    sys.exit(result.exit_code)


@click.command()
@click.argument("sites", nargs=-1, required=True, metavar="SITE_URL...")
@since_option("Skip articles the site lists as last modified before it.")
@click.option("--max-articles", type=click.IntRange(min=1), metavar="N",
              help="Fetch at most N articles this run (new first, then changed, then due).")  # fmt: skip
@click.option("--full", is_flag=True,
              help="Forget the revisit state and fetch every listed article in full.")  # fmt: skip
@DB_OPTION
@SET_OPTION
@JSON_OPTION
def crawl(
    sites: tuple[str, ...],
    since: date | datetime | None,
    max_articles: int | None,
    full: bool,
    db: str | None,
    overrides: tuple[str, ...],
    as_json: bool,
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

    try:
        progress = "bar" if sys.stderr.isatty() else "log"
        result = api_crawl(
            list(sites),
            db=db,
            full=full,
            since=since,
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
    if as_json:
        echo_json("run", run_document(result))
    else:
        print_crawl_summary(result)
    sys.exit(result.exit_code)


@click.command()
@click.option("--site", metavar="DOMAIN", help="Only articles of this site (e.g. grandfleet.info).")
@since_option("Only articles fetched on or after it.")
@DB_OPTION
@JSON_OPTION
def reparse(site: str | None, since: date | datetime | None, db: str | None, as_json: bool) -> None:
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
        report = api_reparse(db=db, site=site, since=since)
    except CrawlLocked as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    if as_json:
        echo_json("reparse", reparse_document("reparse", report))
    else:
        print_reparse_summary("reparse", report)
    sys.exit(0 if report.ok else 1)


@click.command("import-warc")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@DB_OPTION
@JSON_OPTION
def import_warc(files: tuple[str, ...], db: str | None, as_json: bool) -> None:
    """Store the article pages of WARC, ARC or WACZ files made by other tools (wget,
    Browsertrix, ArchiveWeb.page, Heritrix, the Internet Archive's ARC files).

    Pages of a known markup become articles and threads as if crawled at the records' times;
    other records are kept but give nothing. Each file is recognised by its content (any
    suffix) and copied into the archive's WARC directory (ARC as WARC, a WACZ's WARC files
    taken out), so `archiver reparse` rebuilds from it too; a file that is none of these is
    refused and nothing is kept.

    Example:

    \b
        wget --warc-file=site --recursive --level=1 https://example.jp/2021/12/post/
        archiver import-warc site.warc.gz --db data/gf.sqlite3
    """
    from archiver.api import import_warc as api_import_warc
    from archiver.db.lock import CrawlLocked
    from archiver.warc.imports import NotAnArchive

    try:
        report = api_import_warc(list(files), db=db)
    except NotAnArchive as error:  # junk, or a page saved under a WARC name: nothing kept
        fail(str(error))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except CrawlLocked as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    if as_json:
        echo_json("reparse", reparse_document("import-warc", report))
    else:
        print_reparse_summary("import-warc", report)
    sys.exit(0 if report.ok else 1)


@click.command()
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

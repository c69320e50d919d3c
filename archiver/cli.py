"""The `archiver` command: a thin layer over `archiver.api`, one function per command."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from archiver import __version__
from archiver.api import RunResult
from archiver.api import scrape as api_scrape
from archiver.config import data_home
from archiver.db.engine import ArchiveUnavailable

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


def _quiet_filter(record: logging.LogRecord) -> bool:
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


@main.command()
def demo() -> None:
    """Serve the bundled demo article on 127.0.0.1 and scrape it into data/demo.sqlite3.

    Needs no network. The demo database is rebuilt on every run and is never your archive.

    Example:

    \b
        archiver demo && sqlite3 data/demo.sqlite3 "SELECT depth, count(*) FROM comments GROUP BY depth"
    """
    from archiver.demo import run_demo

    result = run_demo()
    print_summary(result)
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


def fail(message: str) -> None:
    """A library error as one line and exit code 1, never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def print_summary(result: RunResult, limit: int = 10) -> None:
    for article in result.articles[:limit]:
        console.print(f"[bold]{escape(article.title or '(no title)')}[/bold]")
        console.print(f"  url:        {escape(article.url)}")
        console.print(f"  comments:   {article.comments} (deepest level {article.max_depth})")
    if len(result.articles) > limit:
        console.print(f"… and {len(result.articles) - limit} more articles")
    stats = result.stats
    console.print(
        f"  stored:     {stats.get('archiver/comments/new', 0)} new, "
        f"{stats.get('archiver/comments/changed', 0)} changed, "
        f"{stats.get('archiver/comments/deleted', 0)} deleted comments"
    )
    console.print(f"  database:   {escape(result.db)}")
    console.print(f"  data home:  {escape(str(data_home()))}")
    style = "green" if result.status == "ok" else "red"
    console.print(
        f"  run:        #{result.run_id if result.run_id is not None else '-'} "
        f"[{style}]{result.status}[/{style}], {_plural(result.pages, 'page')}, "
        f"{_plural(result.errors, 'error')}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def print_demo_next_steps(result: RunResult) -> None:
    from archiver.db.queries import thread_lines

    article = result.articles[0]
    console.print()
    console.print("The start of the stored thread (position, author, date, votes):")
    for line in thread_lines(result.db_url, article.id, limit=8):
        first_line = line.body_text.splitlines()[0] if line.body_text else ""
        votes = "-" if line.votes is None else line.votes
        console.print(
            f"  {line.position:>3} {'  ' * (line.depth - 1)}{escape(line.author or '(no name)')} "
            f"{line.posted_on} {escape(f'[{votes}]')} {escape(first_line[:28])}"
        )
    console.print(f"  … {article.comments - 8} more")
    console.print()
    console.print("Next, ask the archive something, e.g. the thread as a tree (view comment_tree):")
    console.print(
        f'  sqlite3 "{escape(result.db)}" '
        "\"SELECT position, substr('          ', 1, 2 * (depth - 1)) || author, posted_on, votes, "
        "reply_count, substr(replace(body_text, char(10), ' '), 1, 30) FROM comment_tree "
        'WHERE deleted_at IS NULL ORDER BY path"'
    )

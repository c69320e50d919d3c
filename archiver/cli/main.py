"""The `archiver` command group: global options, and every command added to it."""

from __future__ import annotations

import click

from archiver._version import __version__
from archiver.cli.database import db
from archiver.cli.export import export
from archiver.cli.logs import configure_logging
from archiver.cli.reading import search, serve, stats, thread
from archiver.cli.redact import redact
from archiver.cli.sites import sites
from archiver.cli.writing import crawl, demo, import_warc, reparse, scrape


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


for command in (
    scrape,
    crawl,
    reparse,
    import_warc,
    demo,
    db,
    thread,
    search,
    export,
    stats,
    serve,
    sites,
    redact,
):
    main.add_command(command)

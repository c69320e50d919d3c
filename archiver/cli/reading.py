"""The commands that only read the archive: thread, search, stats, serve (export: cli.export)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from archiver.cli.options import (
    DB_OPTION,
    JSON_OPTION,
    SINCE_OPTION,
    SITE_OPTION,
    console,
    echo_json,
    fail,
)
from archiver.db.engine import ArchiveUnavailable


@contextmanager
def reading_archive(db: str | None) -> Iterator[Engine]:
    """The archive for a reading command, disposed of afterwards: it must exist and be
    current; nothing is written."""
    from archiver.config import describe_db, resolve_db_url
    from archiver.db.engine import damaged, read_archive

    url = resolve_db_url(db)
    try:
        engine = read_archive(url)
    except ArchiveUnavailable as error:
        fail(str(error))
    try:
        yield engine
    except DatabaseError as error:  # pages damaged after it opened: one line, not a traceback
        fail(damaged(describe_db(url), error))
    finally:
        engine.dispose()


@click.command()
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
    from archiver.cli.display import print_thread
    from archiver.read.thread import ArticleNotFound, find_article, load_thread

    with reading_archive(db) as engine:
        try:
            tree = load_thread(engine, find_article(engine, article), include_deleted=deleted)
        except ArticleNotFound as error:
            fail(str(error))
    if as_json:
        echo_json("thread", tree.as_dict())
    else:
        print_thread(console, tree)


@click.command()
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
    since: date | datetime | None,
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
    from archiver.cli.display import MATCH_MARKS, print_hits
    from archiver.read.search import search as search_archive

    with reading_archive(db) as engine:
        hits = search_archive(
            engine,
            text,
            within=within,
            since=since,
            site=site,
            limit=limit,
            marks=("[", "]") if as_json else MATCH_MARKS,
        )
    if as_json:
        echo_json("search", [asdict(hit) for hit in hits])
    else:
        print_hits(console, hits)


@click.command()
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
    from archiver.cli.display import print_stats
    from archiver.read.stats import archive_stats

    with reading_archive(db) as engine:
        figures = archive_stats(engine, site=site, days=days, top=top)
    if as_json:
        echo_json("stats", figures.as_dict())
    else:
        print_stats(console, figures)


@click.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db: str | None, host: str, port: int) -> None:
    """Open the archive read-only in Datasette, every table and column described.

    Canned queries: thread (a thread as a tree), busiest_threads (this week), top_voted,
    search (any text). Needs the optional extra: pip install 'comment-thread-archiver[serve]'. SQLite only.

    Example:

    \b
        archiver serve --db data/archive.sqlite3 --port 8001
        curl 'http://127.0.0.1:8001/archive/top_voted.json?_shape=array'
    """
    from archiver.config import resolve_db_url
    from archiver.read.serve import ServeUnavailable
    from archiver.read.serve import serve as serve_archive

    url = resolve_db_url(db)
    if url.get_backend_name() != "sqlite":
        raise click.UsageError("Datasette reads SQLite archives: export from PostgreSQL instead")
    with reading_archive(db):  # exists and is current
        pass
    try:
        sys.exit(serve_archive(Path(str(url.database)), host=host, port=port))
    except ServeUnavailable as error:
        fail(str(error))

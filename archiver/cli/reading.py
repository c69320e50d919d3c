"""The commands that only read the archive: thread, search, export, stats, serve."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
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
from archiver.cli.terminal import json_text, terminal_text
from archiver.db.engine import ArchiveUnavailable
from archiver.read.export import DATASETS, FORMATS, Dataset, Format


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
        echo_json(tree.as_dict())
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
        echo_json([asdict(hit) for hit in hits])
    else:
        print_hits(console, hits)


@click.command()
@click.argument("dataset", type=click.Choice([*DATASETS, "wacz"]))
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
    dataset: Dataset | Literal["wacz"],
    output: str,
    fmt: Format | None,
    since: date | datetime | None,
    site: str | None,
    up_to_run: int | None,
    bom: bool,
    db: str | None,
) -> None:
    """Stream articles, comments or threads to CSV, JSON Lines or Parquet, in flat memory;
    or pack the raw captures as a WACZ file for ReplayWeb.page, pywb and Browsertrix.

    threads are the comments in tree order (view comment_tree) with root_id, path and
    reply_count, and their article's URL and title. Times are UTC (ISO 8601 in text formats,
    timestamp[us, UTC] in Parquet), *_on columns are dates, JSON columns stay JSON.

    wacz holds the WARC records of the chosen articles (--site, --since: their pages, comment
    pages and REST answers), a CDXJ index and pages.jsonl (each article page, its comment
    pages under it). Text hidden by `archiver redact` is cut out of the copies, or left out.

    Example:

    \b
        archiver export comments -o comments.parquet --since 2021-12-01
        archiver export threads --format csv --bom -o threads.csv --site grandfleet.info
        archiver export articles -o - --format jsonl | jq .title
        archiver export wacz -o grandfleet.wacz --site grandfleet.info
    """
    if dataset == "wacz":
        if fmt is not None or bom or up_to_run is not None:
            raise click.UsageError("wacz takes -o, --site and --since only")
        _export_wacz(output, since, site, db)
        return
    from archiver.read.export import ExportUnavailable, Filters
    from archiver.read.export import export as export_dataset

    chosen = fmt or _format_from_suffix(output)
    filters = Filters(since=since, site=site, up_to_run=up_to_run)
    with reading_archive(db) as engine:
        try:
            count = export_dataset(engine, dataset, chosen, output, filters=filters, bom=bom,
                                   shown=_on_terminal(output, chosen))  # fmt: skip
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        except (ExportUnavailable, OSError) as error:
            fail(str(error))
    if output != "-":
        click.echo(f"{count} {dataset} rows written to {output} ({chosen})", err=True)


def _export_wacz(
    output: str, since: date | datetime | None, site: str | None, db: str | None
) -> None:
    from archiver.api import export_wacz

    if output == "-" or not output.lower().endswith(".wacz"):
        raise click.UsageError("wacz is written to a file named *.wacz (-o FILE.wacz)")
    try:
        report = export_wacz(output, site=site, since=since, db=db)
    except (ArchiveUnavailable, OSError, RuntimeError) as error:
        fail(str(error))
    left_out = f", {report.redacted_left_out} left out" if report.redacted_left_out else ""
    click.echo(
        f"{report.pages} article pages ({report.comment_pages} comment pages), "
        f"{report.records} captures in {report.warc_files} WARC files written to {output} "
        f"({report.bytes:,} bytes; takedowns: {report.redacted_cut} records cut{left_out})",
        err=True,
    )


def _on_terminal(output: str, fmt: Format) -> Callable[[str], str] | None:
    """What export to a terminal must pass through: the rows are other people's text, and
    their control characters must not drive it (JSON keeps its meaning, escaped; a CSV on a
    screen loses them). A pipe or a file gets the text as archived."""
    if output != "-" or not sys.stdout.isatty():
        return None
    return json_text if fmt == "jsonl" else terminal_text


def _format_from_suffix(output: str) -> Format:
    suffix = Path(output).suffix.lower().lstrip(".")
    return {"parquet": "parquet", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "csv")  # type: ignore[return-value]


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
        echo_json(figures.as_dict())
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

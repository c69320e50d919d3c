"""`archiver export`: the archive's rows as CSV, JSON Lines or Parquet, its captures as WACZ."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import click

from archiver.cli.options import DB_OPTION, SINCE_OPTION, SITE_OPTION, fail
from archiver.cli.reading import reading_archive
from archiver.cli.terminal import json_text, terminal_text
from archiver.db.engine import ArchiveUnavailable
from archiver.read.export import DATASETS, FORMATS, Dataset, Format


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

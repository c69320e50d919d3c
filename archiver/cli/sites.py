"""The `sites` commands: list the archive's sites with their zones and aliases, choose a site's
zone, name another name of a site."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.table import Table

from archiver.cli.options import DB_OPTION, JSON_OPTION, console, echo_json, fail
from archiver.cli.terminal import shown
from archiver.db.engine import ArchiveUnavailable


@click.group()
def sites() -> None:
    """The archive's sites and the time zone each one's dates are read in.

    A site's zone comes from its pages: the zone of the page's language that agrees with the
    offsets its own datetime attributes show, else its profile, else the language's usual zone.
    `sites set` chooses one instead.
    """


@sites.command("list")
@DB_OPTION
@JSON_OPTION
def list_sites(db: str | None, as_json: bool) -> None:
    """Every site: its zone (chosen, or read from its pages), articles, comments, last crawl.

    Example:

    \b
        archiver sites list --db data/archive.sqlite3
    """
    from archiver import maintenance

    try:
        summaries = maintenance.sites(db=db)
    except ArchiveUnavailable as error:
        fail(str(error))
    if as_json:
        echo_json("sites", [asdict(summary) for summary in summaries])
        return
    table = Table(
        "site", "also at", "time zone", "from", "articles", "comments", "last crawled (UTC)"
    )
    for summary in summaries:
        table.add_row(
            shown(summary.domain),
            shown(", ".join(summary.aliases)) or "-",
            summary.timezone,
            "chosen" if summary.timezone_chosen else "pages",
            str(summary.articles),
            str(summary.comments),
            f"{summary.last_crawled_at:%Y-%m-%d %H:%M}" if summary.last_crawled_at else "-",
        )
    console.print(table)


@sites.command("set")
@click.argument("site", metavar="DOMAIN_OR_URL")
@click.option("--timezone", "zone", required=True, metavar="ZONE",
              help="IANA time zone, e.g. Asia/Tokyo, Europe/Berlin, America/New_York.")  # fmt: skip
@DB_OPTION
def set_site(site: str, zone: str, db: str | None) -> None:
    """Choose the zone a site's dates are read in, for every later crawl and re-parse.

    Rows stored before keep their reading until `archiver reparse`, which re-reads them in it.

    Example:

    \b
        archiver sites set example.de --timezone Europe/Berlin && archiver reparse --site example.de
    """
    from archiver import maintenance

    try:
        key, was = maintenance.set_site_timezone(site, zone, db=db)
    except (ValueError, LookupError, ArchiveUnavailable) as error:
        fail(str(error))
    if was == zone:
        console.print(f"{shown(key)}: time zone {zone} (unchanged; now chosen)")
        return
    click.echo(
        f"warning: {key}: time zone {zone}, was {was}; rows stored before keep their reading "
        f"until `archiver reparse --site {key}`",
        err=True,
    )


@sites.command("alias")
@click.argument("site", metavar="OLD")
@click.argument("alias", metavar="NEW")
@DB_OPTION
def alias_site(site: str, alias: str, db: str | None) -> None:
    """Name NEW another name of the archived site OLD (domains, with a port if any, or URLs):
    where it moved, or a second name it answers at.

    From now on a redirect between the two is followed (any other redirect off a site stays
    refused), and what is fetched at NEW joins OLD's site: the same articles, their comments
    and history, an article's old URL kept in its history. NEW must not hold articles of its
    own yet.

    Example:

    \b
        archiver sites alias old-blog.example.jp blog.example.jp && archiver crawl https://old-blog.example.jp/
    """
    from archiver import maintenance

    try:
        key, other = maintenance.alias_site(site, alias, db=db)
    except (ValueError, LookupError, ArchiveUnavailable) as error:
        fail(str(error))
    console.print(f"{shown(other)} is now another name of {shown(key)}")

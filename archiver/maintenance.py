"""The API's commands that look after an archive rather than fill it: its sites (zones, other
names), its takedowns (hide, lift, purge), and its check."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import URL

from archiver import clock
from archiver.config import resolve_db_url, warc_dir
from archiver.db import redaction
from archiver.db.check import Finding, check_archive
from archiver.db.engine import SchemaOutOfDate, make_engine, open_archive, read_archive
from archiver.db.redaction import RedactionInfo
from archiver.db.sites import SiteSummary, add_alias, choose_timezone, site_summaries
from archiver.warc.purge import PurgeReport
from archiver.warc.purge import purge as purge_redaction


def sites(*, db: str | None = None) -> list[SiteSummary]:
    """The archive's sites by domain: each one's time zone (and whether a user chose it), its
    articles, comments and last crawl. Raises ArchiveUnavailable where there is no archive."""
    engine = read_archive(resolve_db_url(db))
    try:
        return site_summaries(engine)
    finally:
        engine.dispose()


def set_site_timezone(site: str, zone: str, *, db: str | None = None) -> tuple[str, str]:
    """Choose the IANA zone `site` (a domain or URL) is read in from now on; returns (site key,
    the zone it had). Stored rows keep their reading until `reparse`. Raises ValueError for an
    unknown zone, LookupError for a site the archive lacks, ArchiveUnavailable."""
    engine = open_archive(resolve_db_url(db))
    try:
        return choose_timezone(engine, site, zone)
    finally:
        engine.dispose()


def alias_site(site: str, alias: str, *, db: str | None = None) -> tuple[str, str]:
    """Name `alias` (a domain or URL) another name of the archived `site`, e.g. where it moved:
    redirects between them are followed, and what is fetched there joins the site's articles
    and their history. Returns (site key, alias key). Raises LookupError for a site the archive
    lacks, ValueError for an alias already taken or archived on its own, ArchiveUnavailable."""
    engine = open_archive(resolve_db_url(db))
    try:
        return add_alias(engine, site, alias, clock.now())
    finally:
        engine.dispose()


def redact(
    target: str,
    *,
    reason: str,
    by: str,
    purge: bool = False,
    db: str | None = None,
) -> tuple[RedactionInfo, PurgeReport | None]:
    """Hide a comment (`URL#comment-ID`, `comment:N`) or an article (URL or id) and its thread
    from export, search, thread and serve, recording who asked (`by`), when and why; the rows
    and the raw captures stay. `purge` deletes the hidden text and cuts it out of the raw
    captures for good (PurgeReport says how). Raises RedactionError for an unknown target,
    CrawlLocked while a crawl of the site runs (it could write the text back), and
    ArchiveUnavailable."""
    url = resolve_db_url(db)
    engine = open_archive(url)
    try:
        if purge:
            return purge_redaction(engine, warc_dir(url), target, reason=reason, by=by)
        with redaction.site_locked(engine, target):
            return redaction.hide(engine, target, reason=reason, by=by), None
    finally:
        engine.dispose()


def lift_redaction(target: str, *, by: str, db: str | None = None) -> RedactionInfo:
    """Put back what a redaction (its number, or its target) hid; a purged one cannot be."""
    engine = open_archive(resolve_db_url(db))
    try:
        with redaction.site_locked(engine, redaction.target_of(engine, target)):
            return redaction.lift(engine, target, by=by)
    finally:
        engine.dispose()


def redactions(*, db: str | None = None) -> list[RedactionInfo]:
    """Every redaction, in force, lifted or purged, oldest first."""
    engine = read_archive(resolve_db_url(db))
    try:
        return redaction.redactions(engine)
    finally:
        engine.dispose()


def check_db(*, db: str | None = None) -> tuple[list[str], list[Finding]]:
    """`archiver db check`: the checks run on the archive and what they found (none: sound).
    Changes nothing. Raises ArchiveUnavailable where there is no archive of ours.

    A database without a single table is sound: it is what a first run killed before its
    schema committed leaves (the schema is made in one transaction), and the next writing
    command makes it."""
    url = resolve_db_url(db)
    try:
        read_archive(url).dispose()  # ours, and current
    except SchemaOutOfDate as error:
        if _holds_no_table(url):
            return ["schema"], []
        return ["schema"], [Finding("schema", str(error))]
    engine = make_engine(url)  # FTS5's own check is an INSERT that writes nothing
    try:
        return check_archive(engine, warc_dir(url))
    finally:
        engine.dispose()


def _holds_no_table(url: URL) -> bool:
    engine = make_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()

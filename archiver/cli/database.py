"""The `db` commands: create or upgrade the archive, check it, back it up."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from archiver.cli.options import DB_OPTION, JSON_OPTION, console, echo_json, fail
from archiver.cli.terminal import shown
from archiver.db.engine import ArchiveUnavailable


@click.group()
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
    console.print(f"schema at revision {head_revision()}: {shown(describe_db(url))}")


@db.command("check")
@DB_OPTION
@JSON_OPTION
def db_check(db: str | None, as_json: bool) -> None:
    """Check the archive without changing it: the database's own integrity check, the schema,
    the search indexes against their tables, every thread a tree (parents in their article, one
    level up, positions 1..N), every capture's raw record readable with its digest.

    Exits 1 when anything is found.

    Example:

    \b
        archiver db check --db data/archive.sqlite3
    """
    from archiver import maintenance

    try:
        checks, findings = maintenance.check_db(db=db)
    except ArchiveUnavailable as error:
        fail(str(error))
    if as_json:
        echo_json("check", {"checks": checks, "findings": [asdict(f) for f in findings]})
    else:
        for check in checks:
            found = [f.problem for f in findings if f.check == check]
            console.print(f"{check:14} " + ("ok" if not found else "[red]problems[/red]"))
            for problem in found:
                console.print(f"  {shown(problem)}")
    if findings:
        sys.exit(1)


@db.command("backup")
@click.argument("destination", metavar="DEST", type=click.Path(path_type=Path))
@DB_OPTION
def db_backup(destination: Path, db: str | None) -> None:
    """Copy a SQLite archive to DEST while crawls go on writing it, with its WARC files (into
    the WARC folder DEST's name gives: warc-<name>/ beside it). Run it again to refresh the
    copy: WARC files already copied whole are not copied again. For PostgreSQL it prints the
    pg_dump line to use.

    Example:

    \b
        archiver db backup /backups/archive-$(date +%F).sqlite3 && archiver db check --db /backups/archive-$(date +%F).sqlite3
    """
    from archiver.config import describe_db, resolve_db_url, warc_dir
    from archiver.db.backup import backup_sqlite
    from archiver.db.engine import read_archive

    url = resolve_db_url(db)
    try:
        read_archive(url).dispose()  # ours, current, readable
    except ArchiveUnavailable as error:
        fail(str(error))
    if url.get_backend_name() != "sqlite":
        click.echo(
            "error: a PostgreSQL archive is backed up with PostgreSQL's own tools, e.g.\n"
            f"  pg_dump --format=custom --file {destination} '{describe_db(url)}'\n"
            f"and a copy of its WARC folder {warc_dir(url)}",
            err=True,
        )
        sys.exit(2)
    try:
        done = backup_sqlite(url, destination)
    except OSError as error:
        fail(str(error))
    console.print(f"backup:     {shown(str(done.database))}")
    console.print(f"WARC files: {done.warc_files} copied ({done.warc_bytes:,} bytes) to "
                  f"{shown(str(done.warc_directory))}")  # fmt: skip

"""The `redact` command: takedowns (削除依頼, erasure requests) hidden, listed, lifted, purged."""

from __future__ import annotations

import getpass
import sys
from dataclasses import asdict

import click

from archiver.cli.options import DB_OPTION, EXIT_LOCKED, JSON_OPTION, console, echo_json, fail
from archiver.cli.terminal import shown
from archiver.db.engine import ArchiveUnavailable


@click.command()
@click.argument("target", metavar="COMMENT_OR_URL", required=False)
@click.option("--reason", help="Why (required): who asked, by what channel, on what grounds.")
@click.option("--by", "by", help="Who asked or decided (default: your login name).")
@click.option(
    "--purge",
    is_flag=True,
    help="Delete the text for good: from the archive and from its raw captures.",
)
@click.option(
    "--lift", is_flag=True, help="Put back what the redaction (its number, or its target) hid."
)
@click.option("--list", "listing", is_flag=True, help="List every redaction.")
@DB_OPTION
@JSON_OPTION
def redact(
    target: str | None, reason: str | None, by: str | None, purge: bool, lift: bool,
    listing: bool, db: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Hide a comment, or an article and its whole thread, from export, search, thread and
    serve: the rows stay as blank tombstones, the text is kept aside, the raw captures are kept,
    and who asked, when and why is recorded. A crawl or reparse never shows it again.

    COMMENT_OR_URL is a comment as `archiver search` prints it (URL#comment-ID), `comment:N`
    (comments.id), or an article's URL or id.

    With --purge the hidden text is deleted for good, and cut out of every raw capture that
    holds it (a page it cannot be cut out of alone is removed whole): only the tombstone and
    the record of the redaction remain. --purge cannot be undone.

    Example:

    \b
        archiver redact 'https://example.jp/2024/05/post/#comment-123' --reason '削除依頼 (投稿者本人, 2026-12-03)'
        archiver redact 'https://example.jp/2024/05/post/#comment-123' --reason 'erasure request' --purge
        archiver redact --list
        archiver redact 3 --lift
    """
    from archiver import maintenance
    from archiver.db.lock import CrawlLocked
    from archiver.db.redaction import RedactionError

    who = by or getpass.getuser()
    try:
        if listing:
            found = maintenance.redactions(db=db)
            if as_json:
                echo_json("redactions", [asdict(r) for r in found])
                return
            for r in found:
                state = "purged" if r.purged_at else "lifted" if r.lifted_at else "in force"
                console.print(
                    f"{r.id:>4} {r.redacted_at:%Y-%m-%d %H:%M} {state:8} {r.scope:7} "
                    f"{shown(r.target)}  by {shown(r.requested_by)}: {shown(r.reason)}"
                )
            return
        if not target:
            raise click.UsageError("give a COMMENT_OR_URL (or --list)")
        if lift:
            done = maintenance.lift_redaction(target, by=who, db=db)
            report = None
        else:
            if not reason:
                raise click.UsageError("--reason is required: who asked, and why")
            done, report = maintenance.redact(target, reason=reason, by=who, purge=purge, db=db)
    except RedactionError as error:
        fail(str(error))
    except CrawlLocked as error:
        click.echo(f"error: {error}; run it again when that crawl has ended", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveUnavailable as error:
        fail(str(error))
    if as_json:
        echo_json(
            "redaction", {"redaction": asdict(done), "purge": report.as_dict() if report else None}
        )
        return
    what = "comment" if done.scope == "comment" else "article and its thread"
    state = "lifted" if done.lifted_at else "purged" if done.purged_at else "hidden"
    console.print(f"redaction {done.id}: {what} {state} ({done.rows_hidden} rows hidden): "
                  f"{shown(done.target)}")  # fmt: skip
    console.print(f"  by {shown(done.requested_by)} on {done.redacted_at:%Y-%m-%d %H:%M} UTC: "
                  f"{shown(done.reason)}")  # fmt: skip
    if report is not None and not report.already:
        console.print(
            f"  raw captures: {report.records_scrubbed} records cut"
            + (f" ({report.authors_left} with the author's name left in)"
               if report.authors_left else "")
            + f", {report.records_removed} removed whole, {report.revisits_followed} revisits "
            f"followed, {len(report.files_rewritten)} WARC files rewritten"
        )  # fmt: skip

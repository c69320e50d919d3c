"""A purge (`archiver redact --purge`): a redaction's text deleted from the database for good,
and from the raw archive: every WARC record holding it is rewritten without it.

A comment is cut out of each page and REST answer that shows it (archiver.parse.scrub); a record
it cannot be cut out of cleanly, and every record of a purged article, is removed whole.
Revisits of a rewritten payload follow it (their digest), revisits of a removed one go too.
Each touched file is written anew beside the old one (`<name>~r<id>.warc.gz`), the `captures`
index moves to it in one transaction, and only then is the old file deleted: a purge killed at
any point leaves either the old files in use or the new ones, and running it again completes it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy.http import TextResponse
from sqlalchemy import Engine, Row, delete, select, update
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import clock
from archiver.crawling.responses import page_text
from archiver.db import redaction
from archiver.db.models import Base, Comment, RedactionVault
from archiver.parse.profiles import load_profile
from archiver.parse.scrub import Scrubbed, Wanted, scrub_html, scrub_rest
from archiver.parse.urls import site_domain
from archiver.warc.reader import indexed, load_response
from archiver.warc.writer import WARC_VERSION, payload_digest

logger = logging.getLogger(__name__)

CAPTURES = Base.metadata.tables["captures"]
REDACTION_HEADER = "WARC-Archiver-Redaction"  # on a rewritten record: its redactions' numbers
_PURGED_SUFFIX = re.compile(r"~r\d+$")
_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class PurgeReport:
    redaction_id: int
    records_scrubbed: int = 0  # rewritten without the comment
    authors_left: int = 0  # of those, records whose author's name could not be cut out with it
    records_removed: int = 0  # removed whole: no clean cut, or the article is purged
    revisits_followed: int = 0  # revisits pointed at a rewritten payload
    files_rewritten: dict[str, str] = field(default_factory=dict)  # old name → new name
    already: bool = False  # purged before, and no record holds it any more: nothing to do
    by: str = ""  # who purged it, and why (the redaction row keeps who hid it, and why)
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def count(self, edits: dict[str, dict[int, Edit]]) -> None:
        for edit in (edit for file_edits in edits.values() for edit in file_edits.values()):
            self.records_removed += edit.drops
            self.records_scrubbed += edit.new_payload is not None
            self.authors_left += edit.author_left
            self.revisits_followed += edit.new_digest is not None


@dataclass(frozen=True)
class Edit:
    """What becomes of one record: rewritten, pointed at a new payload, or (neither) dropped."""

    new_payload: bytes | None = None  # a rewritten response's body
    content_type: str | None = None
    new_digest: str | None = None  # a revisit's new payload digest
    author_left: bool = False  # rewritten, but an author's name could not be cut out with it

    @property
    def drops(self) -> bool:
        return self.new_payload is None and self.new_digest is None


def purge(
    engine: Engine, directory: Path, given: str, *, reason: str, by: str,
    at: datetime | None = None,
) -> tuple[redaction.RedactionInfo, PurgeReport]:  # fmt: skip
    """Hide `given` (unless a redaction in force hides it already), then purge that redaction."""
    # A crawl of the site meanwhile would append to the files being rewritten, or store anew.
    with redaction.site_locked(engine, given):
        info = redaction.hide(engine, given, reason=reason, by=by, at=at)
        report = PurgeReport(info.id, by=by, reason=reason)
        if info.purged_at is not None:  # again: what a killed run left, what crawls fetched
            replaced = (info.purge_report or {}).get("files_rewritten", {})
            _delete_replaced(directory, engine, replaced, info.id)
        edits = plan(engine, directory, [info])
        report.count(edits)
        if info.purged_at is not None and not edits:
            report.already = True  # nothing holds it any more
            return info, report
        renamed = {
            name: _rewrite(directory / name, file_edits, info.id)
            for name, file_edits in sorted(edits.items())
        }
        with engine.begin() as connection:
            for name, (new_name, moved) in renamed.items():
                for offset, place in moved.items():
                    where = (CAPTURES.c.warc_file == name) & (CAPTURES.c.warc_offset == offset)
                    if place is None:
                        connection.execute(delete(CAPTURES).where(where))
                    else:
                        connection.execute(update(CAPTURES).where(where).values(
                            warc_file=new_name, **place))  # fmt: skip
                report.files_rewritten[name] = new_name
            redaction.forget(connection, info.id, report.as_dict(), at or clock.now())
        _delete_replaced(directory, engine, report.files_rewritten, info.id)
    with engine.connect() as connection:
        return redaction.info(connection, info.id), report


def plan(
    engine: Engine, directory: Path, infos: Sequence[redaction.RedactionInfo]
) -> dict[str, dict[int, Edit]]:
    """What to do to which record of which file ({file: {offset: edit}}) so that no record
    shows what `infos` (redactions of one article) hide."""
    with engine.connect() as connection:
        rows = list(connection.execute(select(CAPTURES).where(
            CAPTURES.c.article_id == infos[0].article_id)))  # fmt: skip
        wanted = [_wanted(connection, info) for info in infos]
    edits: dict[str, dict[int, Edit]] = {}
    digests: dict[str, str | None] = {}  # old payload digest → new (None: removed)
    for row in rows:
        if None in wanted:  # the whole article goes
            edits.setdefault(row.warc_file, {})[row.warc_offset] = Edit()
            if row.payload_digest and row.record_type == "response":
                digests[row.payload_digest] = None
            continue
        if row.record_type != "response" or row.status != 200:
            continue
        scrubbed = _scrub(directory, row, [w for w in wanted if w is not None])
        if not scrubbed.found:
            continue
        if scrubbed.text is None:
            logger.warning("%s (%s @ %d): the comment cannot be cut out alone: the record is "
                           "removed whole", row.url, row.warc_file, row.warc_offset)  # fmt: skip
            edits.setdefault(row.warc_file, {})[row.warc_offset] = Edit()
            digests[row.payload_digest] = None
            continue
        payload = scrubbed.text.encode("utf-8")
        content_type = "application/json; charset=UTF-8" if _is_json(row) else (
            "text/html; charset=utf-8")  # fmt: skip
        edits.setdefault(row.warc_file, {})[row.warc_offset] = Edit(
            payload, content_type, author_left=not scrubbed.author_cut
        )
        digests[row.payload_digest] = payload_digest(payload)
    with engine.connect() as connection:
        revisits = connection.execute(select(CAPTURES).where(
            CAPTURES.c.record_type == "revisit", CAPTURES.c.payload_digest.in_(digests)))  # fmt: skip
        for row in revisits:
            if row.warc_offset not in edits.get(row.warc_file, {}):
                new = digests[row.payload_digest]
                edits.setdefault(row.warc_file, {})[row.warc_offset] = Edit(new_digest=new)
    return edits


def _wanted(connection: Any, info: redaction.RedactionInfo) -> Wanted | None:
    """The comment to cut out (None: the article, and all of it, goes)."""
    if info.comment_id is None:
        return None
    comment = connection.execute(
        select(Comment.external_id, Comment.posted_raw).where(Comment.id == info.comment_id)
    ).one()
    author = connection.scalar(
        select(RedactionVault.value).where(
            RedactionVault.table_name == "comments",
            RedactionVault.row_id == info.comment_id,
            RedactionVault.column_name == "author",
        )
    )
    return Wanted(comment.external_id, author or "", comment.posted_raw)


def _scrub(directory: Path, row: Row, wanted: list[Wanted]) -> Scrubbed:
    """The record without every wanted comment (one after the other), if it shows any."""
    response = load_response(indexed(directory, row), {})
    if not isinstance(response, TextResponse):
        return Scrubbed(found=False)
    if _is_json(row):
        text = response.text
    else:
        text = page_text(response)
        profile = load_profile(site_domain(row.url))
    found, author_cut = False, True
    for comment in wanted:
        if _is_json(row):
            scrubbed = scrub_rest(text, comment)
        else:
            scrubbed = scrub_html(text, row.url, profile, comment)
        if not scrubbed.found:
            continue
        if scrubbed.text is None:
            return scrubbed  # no clean cut: the record goes whole
        found, text, author_cut = True, scrubbed.text, author_cut and scrubbed.author_cut
    return Scrubbed(found, text if found else None, author_cut)


def _is_json(row: Row) -> bool:
    return "json" in (row.content_type or "").lower()


def _rewrite(
    path: Path, edits: dict[int, Edit], redaction_id: int
) -> tuple[str, dict[int, dict[str, Any] | None]]:
    """Write `path` anew with `edits` applied; the new name, and each indexed record's new
    place (None: removed)."""
    stem = path.name.removesuffix(".gz").removesuffix(".warc")
    suffix = path.name[len(stem) :]
    new_name = f"{_PURGED_SUFFIX.sub('', stem)}~r{redaction_id}{suffix}"
    compressed = suffix.endswith(".gz")
    partial = path.with_name(new_name + ".part")
    moved: dict[int, dict[str, Any] | None] = {}
    writer = WARCWriter(None, gzip=compressed, warc_version=WARC_VERSION)
    # Two handles: the iterator reads one in order, records are copied from the other.
    with open(path, "rb") as listed, open(path, "rb") as source, open(partial, "wb") as out:
        writer.out = out
        for offset, length, record in records_of(listed):
            edit = edits.get(offset)
            start = out.tell()
            if edit is None:
                source.seek(offset)
                out.write(source.read(length))
                moved[offset] = {"warc_offset": start, "warc_length": length}
                continue
            if edit.drops:
                moved[offset] = None
                continue
            writer.write_record(edited_record(writer, record, edit, str(redaction_id)))
            place: dict[str, Any] = {"warc_offset": start, "warc_length": out.tell() - start}
            if edit.new_payload is not None:
                place["payload_digest"] = payload_digest(edit.new_payload)
                place["content_type"] = edit.content_type
            else:
                place["payload_digest"] = edit.new_digest
            moved[offset] = place
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path.with_name(new_name))
    return new_name, moved


def records_of(source: Any) -> Iterator[tuple[int, int, Any]]:
    """(offset, length, record) of every record of the file, in order."""
    records = ArchiveIterator(source)
    for record in records:
        records.read_to_end(record)
        yield records.get_record_offset(), records.get_record_length(), record


def edited_record(writer: WARCWriter, record: Any, edit: Edit, redactions: str) -> Any:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    kept = {
        name: value
        for name, value in headers.headers
        if name.lower() in ("warc-date", "warc-warcinfo-id", "warc-ip-address",
                            "warc-concurrent-to")
    }  # fmt: skip
    kept[REDACTION_HEADER] = redactions  # the number of each redaction it was cut for
    http = record.http_headers
    if edit.new_payload is None:  # a revisit following its rewritten original
        return writer.create_revisit_record(
            url,
            edit.new_digest,
            headers.get_header("WARC-Refers-To-Target-URI"),
            headers.get_header("WARC-Refers-To-Date"),
            http_headers=http,
            warc_headers_dict=kept,
        )
    lines = [(n, v) for n, v in http.headers if n.lower() not in _DROPPED | {"content-type"}]
    lines += [("Content-Type", edit.content_type or ""),
              ("Content-Length", str(len(edit.new_payload)))]  # fmt: skip
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(edit.new_payload),
        length=len(edit.new_payload),
        http_headers=StatusAndHeaders(http.statusline, lines, protocol=http.protocol),
        warc_headers_dict=kept,
    )


def _delete_replaced(
    directory: Path, engine: Engine, renamed: dict[str, str], redaction_id: int
) -> None:
    """The old files a purge rewrote, once the index points at the new ones only; and what a
    run of this purge killed before its commit left (its own `~rN` files nothing indexes)."""
    leftovers = [p.name for p in directory.glob(f"*~r{redaction_id}.warc*")]
    with engine.connect() as connection:
        for name in [*renamed, *leftovers]:
            if connection.scalar(select(CAPTURES.c.id).where(CAPTURES.c.warc_file == name)):
                continue  # indexed: in use (or the purge did not commit); never deleted
            (directory / name).unlink(missing_ok=True)

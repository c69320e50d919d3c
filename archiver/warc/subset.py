"""Some of an archive's WARC records copied into new files: the captures a filter chooses and
the records that belong with them, with what a takedown hides cut out (as a purge cuts it).

A capture (an http response or revisit) goes in when chosen and no takedown drops it; a request
or metadata record when it names a capture that went in, or one names it; a warcinfo always;
any other record only when the whole archive is copied. Only what the index lists is chosen,
so a record a crawl is still writing stays out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from archiver.db import redaction
from archiver.db.models import Redaction
from archiver.warc.purge import Edit, edited_record, plan, records_of
from archiver.warc.writer import WARC_VERSION

logger = logging.getLogger(__name__)


class ArchiveChanged(RuntimeError):
    """A WARC file the index names went away while it was packed (a purge meanwhile?)."""


Takedowns = dict[str, dict[int, tuple[Edit, str]]]  # {file: {offset: (edit, redaction ids)}}


def takedown_edits(engine: Engine, directory: Path) -> tuple[Takedowns, list[str]]:
    """Every record that shows what a redaction in force hides, and what it becomes; and the
    hidden articles (their records all stay out)."""
    with engine.connect() as connection:
        ids = connection.scalars(
            select(Redaction.id).where(Redaction.lifted_at.is_(None)).order_by(Redaction.id)
        )
        infos = [redaction.info(connection, redaction_id) for redaction_id in list(ids)]
    by_article: dict[int, list[redaction.RedactionInfo]] = {}
    for info in infos:
        by_article.setdefault(info.article_id, []).append(info)
    edits: Takedowns = {}
    hidden: list[str] = []
    for article_infos in by_article.values():
        named = ",".join(str(info.id) for info in article_infos)
        for name, file_edits in plan(engine, directory, article_infos).items():
            for offset, edit in file_edits.items():
                edits.setdefault(name, {})[offset] = (edit, named)
        if any(info.comment_id is None for info in article_infos):
            hidden.append(article_infos[0].target)
    return edits, hidden


@dataclass
class Packed:
    captures: int = 0  # responses and revisits copied
    cut: int = 0  # of them, records written anew with hidden comments cut out
    left_out: int = 0  # chosen, but left out: they show hidden text that cannot be cut


def pack_file(
    source: Path, target: Path, chosen: set[int], edits: dict[int, tuple[Edit, str]],
    everything: bool,
) -> Packed:  # fmt: skip
    """The chosen captures of `source` (by offset), and the records that belong with them,
    written to `target` (nothing is written when no capture goes in).

    A capture (an http response or revisit) goes in when chosen and no takedown drops it; a
    request or metadata record when it names a capture that went in, or one names it; a
    warcinfo always; any other record only when the whole archive is packed."""
    try:
        listing = list(_listing(source, edits))
    except FileNotFoundError:
        raise ArchiveChanged(f"{source}: indexed, but gone (a purge meanwhile?): run the "
                             "export again") from None  # fmt: skip
    kept = {
        entry.record_id
        for entry in listing
        if entry.offset in chosen and not (entry.offset in edits and edits[entry.offset][0].drops)
    }
    named = {link for entry in listing if entry.record_id in kept for link in entry.linked}
    linked_to_captures = {link for entry in listing if entry.capture for link in entry.linked}
    keep = []
    for entry in listing:
        if entry.capture:
            wanted = entry.record_id in kept
        elif entry.kind == "warcinfo" or entry.record_id in named or entry.linked & kept:
            wanted = True
        else:
            wanted = everything and not (entry.linked or entry.record_id in linked_to_captures)
        if wanted:
            keep.append(entry)
    packed = Packed(captures=sum(1 for entry in keep if entry.capture))
    packed.left_out = sum(1 for offset in chosen if offset in edits and edits[offset][0].drops)
    if not packed.captures:
        return packed
    writer = WARCWriter(None, gzip=source.name.endswith(".gz"), warc_version=WARC_VERSION)
    with open(source, "rb") as raw, open(target, "wb") as out:
        writer.out = out
        for entry in keep:
            if entry.record is not None:
                edit, redactions = edits[entry.offset]
                writer.write_record(edited_record(writer, entry.record, edit, redactions))
                packed.cut += 1
            else:
                raw.seek(entry.offset)
                out.write(raw.read(entry.length))
    return packed


@dataclass(frozen=True)
class _Entry:
    """One record of a file, as the packing needs it."""

    offset: int
    length: int
    kind: str
    record_id: str
    capture: bool  # an http response or revisit: what the captures index lists
    linked: frozenset[str]  # the records it names as concurrent
    record: Any = None  # its headers, when a takedown rewrites it


def _listing(source: Path, edits: dict[int, tuple[Edit, str]]) -> Iterator[_Entry]:
    """The records of a file, headers only; a tail a writer has not finished ends it."""
    with open(source, "rb") as stream:
        try:
            for offset, length, record in records_of(stream):
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI") or ""
                capture = record.rec_type in ("response", "revisit") and url.startswith("http")
                edit = edits.get(offset)
                yield _Entry(
                    offset,
                    length,
                    record.rec_type,
                    headers.get_header("WARC-Record-ID") or "",
                    capture,
                    frozenset(v for n, v in headers.headers if n.lower() == "warc-concurrent-to"),
                    record if edit is not None and not edit[0].drops else None,
                )
        except (ArchiveLoadFailed, EOFError, ValueError) as error:
            logger.warning("%s: read up to a record being written or cut: %s", source, error)

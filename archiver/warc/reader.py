"""Captures read back from WARC files: an index pass over the records, then payloads by offset.

Any WARC 1.0/1.1 file, ours or another tool's (wget, Browsertrix, Heritrix): `response` and
`revisit` records of http(s) URLs are captures; the rest (requests, warcinfo, metadata) is
skipped. A revisit's payload is its original's, found by payload digest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime

from archiver.crawling.compression import BodyTooLarge, UndecodableBody, decoded_body
from archiver.items import CaptureRecord
from archiver.settings import DOWNLOAD_MAXSIZE
from archiver.warc.digests import normalized
from archiver.warc.writer import SPIDER_FIELD

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class IndexedCapture:
    """One response as a WARC file holds it, without its payload."""

    path: Path
    record: CaptureRecord
    group: str  # the crawl it came from: its warcinfo's isPartOf, else the warcinfo or file
    sequence: int = 0  # order of receipt across all files read (set by `index_files`)
    spider: str | None = None  # archiver's spider that fetched it (None: another tool)
    validators: tuple[tuple[str, str], ...] = ()  # ("etag", …), ("last_modified", …)

    @property
    def url(self) -> str:
        return self.record.url

    @property
    def fetched_at(self) -> datetime:
        return self.record.fetched_at

    @property
    def status(self) -> int:
        return self.record.status


def indexed(directory: Path, row: Any) -> IndexedCapture:
    """A row of the archive's `captures` index as the capture it names in `directory`."""
    record = CaptureRecord(**{f.name: getattr(row, f.name) for f in fields(CaptureRecord)})
    return IndexedCapture(directory / row.warc_file, record, group=row.warc_file)


def warc_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(WARC_SUFFIXES))


def index_files(paths: Iterable[Path]) -> tuple[list[IndexedCapture], dict[str, IndexedCapture]]:
    """Every capture of the files, in order of receipt, and the originals by payload digest
    (normalized: one tool's revisit finds another's original)."""
    captures: list[IndexedCapture] = []
    for path in paths:
        captures.extend(index_file(path))
    captures.sort(key=lambda c: (c.fetched_at, c.path.name, c.record.warc_offset))
    ordered = [replace(c, sequence=sequence) for sequence, c in enumerate(captures)]
    originals: dict[str, IndexedCapture] = {}
    for capture in ordered:
        digest = normalized(capture.record.payload_digest)
        if capture.record.record_type == "response" and digest and digest not in originals:
            originals[digest] = capture
    return ordered, originals


def index_file(path: Path) -> Iterator[IndexedCapture]:
    """The captures of one file; a truncated tail (a killed writer) ends it with a warning."""
    groups: dict[str, tuple[str, str | None]] = {}  # warcinfo id → (group, spider)
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    info = _warcinfo_fields(record.content_stream().read())
                    record_id = headers.get_header("WARC-Record-ID") or ""
                    group = info.get("isPartOf") or record_id or path.name
                    groups[record_id] = (group, info.get(SPIDER_FIELD))
                    continue
                url = headers.get_header("WARC-Target-URI") or ""
                if record.rec_type not in ("response", "revisit") or not url.startswith("http"):
                    continue
                if record.http_headers is None:
                    continue
                # To the end without undoing its content encoding: the offset and length are
                # known, and a compression bomb is not inflated to find them.
                records.read_to_end(record)
                warcinfo = headers.get_header("WARC-Warcinfo-ID") or ""
                group, spider = groups.get(warcinfo) or (warcinfo or path.name, None)
                http = record.http_headers
                validators = tuple(
                    (key, value)
                    for key, value in (
                        ("etag", http.get_header("ETag")),
                        ("last_modified", http.get_header("Last-Modified")),
                    )
                    if value
                )
                yield IndexedCapture(
                    path,
                    CaptureRecord(
                        url=url,
                        fetched_at=_warc_date(headers.get_header("WARC-Date")),
                        status=int(record.http_headers.get_statuscode() or 0),
                        content_type=record.http_headers.get_header("Content-Type"),
                        record_type=record.rec_type,
                        payload_digest=headers.get_header("WARC-Payload-Digest"),
                        warc_file=path.name,
                        warc_offset=records.get_record_offset(),
                        warc_length=records.get_record_length(),
                    ),
                    group=group,
                    spider=spider,
                    validators=validators,
                )
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            logger.warning("%s: unreadable after offset %d: %s", path, records.offset, error)
            return
        if records.offset < path.stat().st_size:  # warcio stops quietly at a cut record
            logger.warning("%s: unreadable after offset %d: a truncated record (a killed "
                           "writer?)", path, records.offset)  # fmt: skip


def load_response(
    capture: IndexedCapture,
    originals: dict[str, IndexedCapture],
    max_body: int = DOWNLOAD_MAXSIZE,
) -> Response:
    """The capture as a Scrapy response (the class and text decoding a crawl would have had).

    Its content encoding is undone by the fetch's own decoder, at most to `max_body` bytes:
    past that BodyTooLarge, and for a body that cannot be undone UndecodableBody, each naming
    the record; memory never holds more than the limit."""
    lenient = capture.spider is None  # another tool's file
    http, body = _record_at(capture.path, capture.record.warc_offset, max_body, capture.url,
                            lenient=lenient)  # fmt: skip
    if capture.record.record_type == "revisit":
        original = originals.get(normalized(capture.record.payload_digest) or "")
        if original is None:
            raise LookupError(f"{capture.url}: revisit of a payload in no file read")
        _, body = _record_at(original.path, original.record.warc_offset, max_body, capture.url,
                             lenient=lenient)  # fmt: skip
    headers = Headers()
    for name, value in http.headers:
        # _record_at has undone the content and transfer encodings these headers name.
        if name.lower() not in ("content-encoding", "transfer-encoding", "content-length"):
            headers.appendlist(name, value)
    response_class = responsetypes.from_args(headers=headers, url=capture.url, body=body)
    return response_class(url=capture.url, status=capture.status, headers=headers, body=body)


def _record_at(
    path: Path, offset: int, max_body: int, url: str, *, lenient: bool
) -> tuple[StatusAndHeaders, bytes]:
    """The HTTP headers and the decoded payload of the record at `offset`; `lenient` reads a
    payload its decoder refuses as it is when it is plain text (other tools' files)."""
    where = f"{url} ({path.name} @ {offset})"
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        http = record.http_headers
        payload = record.raw_stream
        if http.get_header("Transfer-Encoding", "").lower() == "chunked":
            payload = ChunkedDataReader(payload)  # de-chunked only: decoding is ours
        sent = _read_at_most(payload, max_body + 1)  # a fetch refuses it past the limit as sent
        if len(sent) > max_body:
            raise BodyTooLarge(f"{where}: its body is over {max_body:,} bytes; not read, as a "
                               "fetch would not read it")  # fmt: skip
        encodings = [
            v.encode("latin-1") for n, v in http.headers if n.lower() == "content-encoding"
        ]
        try:
            return http, decoded_body(sent, encodings, max_body, where)
        except UndecodableBody:
            if not lenient:
                raise
            # Tools that record what a browser rendered (or a proxy that decoded it) keep the
            # header over a payload already decoded: readable text, kept as it is.
            if sent.lstrip()[:1] in (b"<", b"{", b"["):
                logger.warning("%s: Content-Encoding %s over a payload already decoded; read as "
                               "it is", where, b", ".join(encodings).decode("latin-1"))  # fmt: skip
                return http, sent
            raise


def _read_at_most(stream: Any, size: int) -> bytes:
    chunks, left = [], size
    while left > 0 and (chunk := stream.read(min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _warcinfo_fields(payload: bytes) -> dict[str, str]:
    fields = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if value:
            fields[name.strip()] = value.strip()
    return fields


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, UTC)
    return iso_date_to_datetime(value).replace(tzinfo=UTC)

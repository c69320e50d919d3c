"""WARC files written as responses arrive: request + response records, gzip per record, rotated
by size, and a `revisit` record instead of a second copy of a byte-identical payload."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archiver import settings as defaults
from archiver._version import __version__
from archiver.items import CaptureRecord

WARC_VERSION = "1.1"  # WARC-Date with microseconds: a record's time is the fetch time, exactly
RECENT_PAYLOADS = 1_000  # more than the responses between two stored items
SPIDER_FIELD = "archiver-spider"  # warcinfo field: the spider whose responses follow
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Transport framing the bytes we hold no longer carry (Twisted has undone the chunking).
_FRAMING_HEADERS = frozenset({b"transfer-encoding"})


@dataclass(frozen=True)
class Original:
    """The first record of a payload, which a later revisit record refers to."""

    url: str
    fetched_at: datetime


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body: `sha1:` and the base32 SHA-1, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(moment.replace(tzinfo=None), use_micros=True)


class WarcFiles:
    """Appends records to `<prefix>-<time>-<serial>.warc.gz` under `directory`, a new file past
    `max_size` bytes. Each record pair is flushed, so a killed crawl leaves whole records.

    `find_original(digest)` says whether a payload was archived by an earlier run (the archive's
    `captures` table); payloads of this run are remembered here.
    """

    def __init__(
        self,
        directory: Path,
        *,
        max_size: int = defaults.ARCHIVER_WARC_MAX_SIZE,
        prefix: str = "archiver",
        info: dict[str, str] | None = None,
        find_original: Callable[[str], Original | None] = lambda digest: None,
        find_confirmed: Callable[[str], Original | None] = lambda url: None,
    ) -> None:
        self.directory = directory
        self.max_size = max_size
        self.prefix = prefix
        self.info = info or {}
        self.find_original = find_original
        # The latest full capture of a URL, which a 304 answer confirms (the archive's index).
        self.find_confirmed = find_confirmed
        self.confirmed: dict[str, Original] = {}  # this run's full captures, by URL
        self.run_token = uuid.uuid4().hex[:12]
        self.serial = 0
        self.file: BinaryIO | None = None
        self.name = ""
        self.writer = WARCWriter(None, gzip=True, warc_version=WARC_VERSION)
        # This run's payloads not yet in the archive's `captures` (indexed with the next stored
        # item): the latest ones only, so memory stays flat over a long crawl.
        self.originals: OrderedDict[str, Original] = OrderedDict()

    def write(
        self,
        *,
        url: str,
        fetched_at: datetime,
        method: str,
        request_headers: Iterable[tuple[str, str]],
        request_body: bytes,
        status: int,
        reason: str,
        response_headers: Iterable[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
    ) -> CaptureRecord:
        out = self._file(fetched_at)
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), list(response_headers), protocol=protocol
        )
        digest = payload_digest(body)
        date = warc_date(fetched_at)
        original = self._original(digest) if body and status != 304 else None
        headers = {"WARC-Date": date, "WARC-Warcinfo-ID": self.warcinfo_id}
        if status == 304:
            record = self._not_modified(url, http_headers, headers)
        elif original is not None:
            record = self.writer.create_revisit_record(
                url,
                digest,
                original.url,
                warc_date(original.fetched_at),
                http_headers=http_headers,
                warc_headers_dict=headers,
            )
        else:
            record = self.writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict=headers,
            )
            if body:
                self.originals[digest] = Original(url, fetched_at)
                if len(self.originals) > RECENT_PAYLOADS:
                    self.originals.popitem(last=False)
        if status == 200:
            self.confirmed[url] = Original(url, fetched_at)
        offset = out.tell()
        self._write(out, record)
        length = out.tell() - offset
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        request = self.writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(
                f"{method} {path} {protocol}", list(request_headers), is_http_request=True
            ),
            warc_headers_dict={
                **headers,
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._write(out, request)
        out.flush()
        return CaptureRecord(
            url=url,
            fetched_at=fetched_at,
            status=status,
            content_type=dict((k.lower(), v) for k, v in http_headers.headers).get("content-type"),
            record_type="revisit" if original is not None or status == 304 else "response",
            payload_digest=None if status == 304 else digest,
            warc_file=self.name,
            warc_offset=offset,
            warc_length=length,
        )

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def _not_modified(self, url: str, http: StatusAndHeaders, headers: dict[str, str]) -> Any:
        """A 304 as WARC 1.1's server-not-modified revisit: its headers, no payload, pointing
        at the capture it confirms where the archive has one (a replay shows that page)."""
        record = self.writer.create_warc_record(
            url, "revisit", http_headers=http, warc_headers_dict=headers
        )
        record.rec_headers.add_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        confirmed = self.confirmed.get(url) or self.find_confirmed(url)
        if confirmed is not None:
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", confirmed.url)
            record.rec_headers.add_header("WARC-Refers-To-Date", warc_date(confirmed.fetched_at))
        return record

    def _original(self, digest: str) -> Original | None:
        return self.originals.get(digest) or self.find_original(digest)

    def _write(self, out: BinaryIO, record: object) -> None:
        self.writer.out = out  # warcio's writer, on the current file of the rotation
        self.writer.write_record(record)

    def _file(self, now: datetime) -> BinaryIO:
        if self.file is not None and self.file.tell() < self.max_size:
            return self.file
        self.close()
        self.serial += 1
        stamp = now.strftime("%Y%m%d%H%M%S")
        self.name = f"{self.prefix}-{stamp}-{self.run_token}-{self.serial:05d}.warc.gz"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.file = open(self.directory / self.name, "xb")  # noqa: SIM115  # open across calls
        info = {
            "software": f"archiver/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": self.run_token,
            **self.info,
        }
        warcinfo = self.writer.create_warcinfo_record(self.name, info)
        warcinfo.rec_headers.replace_header("WARC-Date", warc_date(now))
        self.warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
        self._write(self.file, warcinfo)
        return self.file


def http_headers(pairs: Iterable[tuple[bytes, list[bytes]]]) -> list[tuple[str, str]]:
    """Scrapy's header lists as WARC header lines, minus framing the stored bytes lack."""
    lines = []
    for name, values in pairs:
        if name.lower() in _FRAMING_HEADERS:
            continue
        for value in values:
            lines.append((name.decode("latin-1"), value.decode("latin-1")))
    return lines

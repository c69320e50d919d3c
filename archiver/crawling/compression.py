"""Content encodings undone one way for a fetch, a WARC record read back and an import: Scrapy's
own bounded decoders (gzip, deflate, br, zstd), stopped at DOWNLOAD_MAXSIZE.

A fetch asks for exactly the encodings these decoders undo (Scrapy's ACCEPTED_ENCODINGS), so
whatever a crawl archived can be read again. A body that cannot be undone (an encoding nobody
asked for, corrupt data) is an error naming its URL at fetch and at reparse alike.
"""

from __future__ import annotations

import logging
import struct
import zlib
from typing import Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded, brotli, zstd

from archiver import runstats

logger = logging.getLogger(__name__)

# What each decoder raises on data that is not what its label says.
_CORRUPT = (OSError, EOFError, struct.error, zlib.error, brotli.error, zstd.ZstdError)


class BodyTooLarge(ValueError):
    """A body that inflates past the limit a fetch has (DOWNLOAD_MAXSIZE)."""


class UndecodableBody(ValueError):
    """A body whose content encoding is unknown, or whose data its decoder cannot read."""


def decoded_body(body: bytes, content_encoding: list[bytes], max_size: int, url: str) -> bytes:
    """`body` with the encodings its Content-Encoding header values list undone, last first,
    never holding more than `max_size` inflated bytes."""
    # Scrapy's middleware's own steps, so a read-back decodes exactly as the fetch did.
    to_decode, to_keep = HttpCompressionMiddleware._split_encodings(content_encoding)
    if to_keep:
        names = ", ".join(e.decode("latin-1") for e in to_keep)
        raise UndecodableBody(f"{url} is sent in content encoding {names}, which is not "
                              "one archiver asks for or can undo")  # fmt: skip
    for encoding in to_decode:
        try:
            body = HttpCompressionMiddleware._decode(body, encoding, max_size)
        except _DecompressionMaxSizeExceeded as error:
            raise BodyTooLarge(f"{url}: its body inflates past {max_size:,} bytes; not "
                               "read, as a fetch would not read it") from error  # fmt: skip
        except _CORRUPT as error:
            raise UndecodableBody(
                f"{url} is not readable as {encoding.decode('latin-1')}: {error}"
            ) from error
    return body


class ContentDecodingMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware, which leaves a body it cannot undo encoded with a
    warning, made to refuse it: the page is an error naming its URL and the encoding, and is
    not parsed as the bytes it is not."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        try:
            decoded = super().process_response(request, response)
        except _CORRUPT as error:
            self.stats.inc_value(runstats.FETCH_UNDECODABLE)  # type: ignore[union-attr]
            raise IgnoreRequest(f"{response.url}: the body is not readable as "
                                f"{_encodings(response)}: {error}") from error  # fmt: skip
        if isinstance(decoded, Response) and decoded.headers.get("Content-Encoding"):
            self.stats.inc_value(runstats.FETCH_UNDECODABLE)  # type: ignore[union-attr]
            raise IgnoreRequest(f"{response.url} is sent in content encoding "
                                f"{_encodings(decoded)}, which archiver cannot undo")  # fmt: skip
        return decoded

    def _warn_unknown_encoding(self, response: Response, encodings: list[bytes]) -> None:
        pass  # refused in process_response, as an error


def _encodings(response: Response) -> str:
    return b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")

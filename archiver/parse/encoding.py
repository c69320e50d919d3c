"""Page bytes → text as browsers decode them (WHATWG Encoding Standard), where Python's codecs
and Scrapy's choice differ for Japanese pages.

- EUC-JP: browsers read JIS X 0208 with the NEC and IBM extensions (①, ㈱, Ⅲ) and map 0xA1C1 to
  ～ (U+FF5E); Python's `euc_jp` has neither and gives U+FFFD and 〜. The same table is
  Windows-31J's, so each two-byte EUC-JP character is moved to its Shift_JIS bytes and decoded
  as cp932; half-width katakana (0x8E) likewise; JIS X 0212 (0x8F) with Python's `euc_jp`.
- ISO-2022-JP with no declaration: its escapes (ESC $ B …) are 7-bit, so the page passes for
  ASCII/windows-1252 and the raw escapes would be stored; browsers detect it.
Shift_JIS is already read as cp932 by Scrapy (w3lib), as browsers do.
"""

from __future__ import annotations

import codecs
import re

_EUC_CHAR = re.compile(rb"[\xa1-\xfe][\xa1-\xfe]|\x8e[\xa1-\xdf]|\x8f[\xa1-\xfe][\xa1-\xfe]")
_ISO_2022_JP_ESCAPE = re.compile(rb"\x1b(?:\$[@B]|\(J|\(I)")
_DECLARED = re.compile(rb"charset\s*=", re.IGNORECASE)


def _sjis(pair: bytes) -> bytes:
    row, cell = pair[0] - 0x80, pair[1] - 0x80  # JIS X 0208 row and cell, each 0x21..0x7E
    first = (row + 1) // 2 + (0x70 if row <= 0x5E else 0xB0)
    # Odd rows take the lower half of the second byte (skipping 0x7F), even rows the upper.
    second = cell + 0x1F + (cell >= 0x60) if row % 2 else cell + 0x7E
    return bytes((first, second))


def decode_euc_jp(body: bytes) -> str:
    """EUC-JP as the WHATWG decoder reads it; an invalid sequence becomes U+FFFD."""
    parts: list[str] = []
    at = 0
    for match in _EUC_CHAR.finditer(body):
        if match.start() > at:
            parts.append(body[at : match.start()].decode("cp932", "replace"))
        char = match.group()
        if char[0] == 0x8E:
            parts.append(char[1:].decode("cp932", "replace"))
        elif char[0] == 0x8F:
            parts.append(char.decode("euc_jp", "replace"))
        else:
            parts.append(_sjis(char).decode("cp932", "replace"))
        at = match.end()
    parts.append(body[at:].decode("cp932", "replace"))
    return "".join(parts)


def browser_text(body: bytes, encoding: str, declared: bool) -> str | None:
    """The page's text where browsers read it otherwise than Scrapy's choice (`encoding`, its
    `TextResponse.encoding`; `declared`: the page or its headers name a charset); None where
    Scrapy's own text is right."""
    name = codecs.lookup(encoding).name if encoding else ""
    if name == "euc_jp":
        return decode_euc_jp(body)
    if not declared and body.isascii() and _ISO_2022_JP_ESCAPE.search(body):
        return body.decode("iso2022_jp", "replace")
    return None


def declares_charset(body_head: bytes, content_type: bytes) -> bool:
    """Whether the Content-Type header or the page's first 1,024 bytes name a charset."""
    return bool(_DECLARED.search(content_type) or _DECLARED.search(body_head[:1024]))

"""WARC payload digests compared as what they say, not as they are written: tools write the
algorithm as `sha1`, `sha-1`, `SHA256`, `sha-256`, and the value in base32 (padded or not) or
base16. A revisit record of one tool finds the original another tool wrote."""

from __future__ import annotations

import base64
import binascii

# Bytes of each algorithm's digest: a base16 value is twice as long.
SIZES = {"sha1": 20, "sha256": 32, "sha512": 64, "md5": 16}


def normalized(digest: str | None) -> str | None:
    """`algorithm:BASE32` (lower-case algorithm without dashes, upper-case base32 without
    padding); None for no digest, the text itself (stripped) for one it cannot read."""
    if not digest or not digest.strip():
        return None
    text = digest.strip()
    algorithm, _, value = text.rpartition(":")
    algorithm = (algorithm or "sha1").lower().replace("-", "")
    size = SIZES.get(algorithm)
    if size is not None and len(value) == 2 * size:
        try:
            raw = binascii.unhexlify(value)
        except (binascii.Error, ValueError):
            pass
        else:
            return f"{algorithm}:{base64.b32encode(raw).decode('ascii').rstrip('=')}"
    return f"{algorithm}:{value.upper().rstrip('=')}"


def spellings(digest: str) -> set[str]:
    """The ways a tool may have written the digest `normalized` gives: to find its original
    among stored digests as written."""
    value = normalized(digest)
    if value is None:
        return set()
    algorithm, _, b32 = value.partition(":")
    names = {algorithm, algorithm.upper()}
    if algorithm.startswith("sha") and algorithm[3:].isdigit():
        names |= {f"sha-{algorithm[3:]}", f"SHA-{algorithm[3:]}"}
    values = {b32, b32 + "=" * (-len(b32) % 8)}
    try:
        raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    except (binascii.Error, ValueError):
        raw = b""
    if raw:
        values |= {raw.hex(), raw.hex().upper()}
    return {f"{name}:{v}" for name in names for v in values}

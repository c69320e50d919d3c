"""What `archiver import-warc` takes in: WARC, ARC and WACZ files, recognised by their content
(any suffix case), kept in the archive's WARC directory under names their bytes give.

A WARC file is kept as it is; an ARC file (the Internet Archive's older format) is kept
converted to WARC, records and dates as they were; a WACZ package (Browsertrix,
ArchiveWeb.page) gives each WARC file it holds, its `pages.jsonl` read for the pages it lists.
Anything else is refused before anything is kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from archiver.warc.writer import WARC_VERSION

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")
NAME_KEPT = 40  # characters of a file's own name kept in the name it is kept under


class NotAnArchive(ValueError):
    """A file import-warc cannot read: not WARC, ARC or WACZ."""


@dataclass(frozen=True)
class Source:
    """One file given to import, recognised."""

    path: Path
    kind: str  # warc | arc | wacz
    pages: list[str] = field(default_factory=list)  # a WACZ's pages.jsonl URLs


def recognise(path: Path) -> Source:
    """What `path` holds, read from its bytes; NotAnArchive (naming it) for anything else."""
    if not path.is_file():
        raise NotAnArchive(f"{path} is not a file")
    with path.open("rb") as stream:
        head = stream.read(4)
    if head == b"PK\x03\x04":
        return _wacz(path)
    with path.open("rb") as stream:
        kind = _first_record_format(stream, str(path))
    return Source(path, kind)


def keep(source: Source, directory: Path) -> list[Path]:
    """The WARC files `source` gives, kept in `directory` (the same bytes are kept once)."""
    directory.mkdir(parents=True, exist_ok=True)
    if source.path.parent == directory:
        return [source.path]  # one of the archive's own
    if source.kind == "warc":
        gzipped = _is_gzip(source.path)
        with source.path.open("rb") as stream:
            return [_kept(directory, source.path.name, stream, gzipped)]
    if source.kind == "arc":
        with source.path.open("rb") as stream:
            return [_kept_as_warc(directory, source.path.name, stream)]
    kept = []
    with zipfile.ZipFile(source.path) as package:
        for member in _wacz_warcs(package):
            prefix = f"{source.path.name[:20]}-{Path(member).name}"
            with package.open(member) as stream:
                data = stream.read()
            kept.append(_kept(directory, prefix, io.BytesIO(data), data[:2] == b"\x1f\x8b"))
    return kept


def _kept(directory: Path, name: str, stream: IO[bytes], gzipped: bool) -> Path:
    """`stream` copied under `import-<its name>-<sha256 of it>.warc[.gz]`, unless there."""
    with _spooled(stream) as (digest, spool):
        target = directory / _import_name(name, digest, ".warc.gz" if gzipped else ".warc")
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            with partial.open("wb") as out:
                shutil.copyfileobj(spool, out)
            partial.replace(target)
    return target


def _kept_as_warc(directory: Path, name: str, stream: IO[bytes]) -> Path:
    """An ARC file's records written as WARC records (warcio's ARC-to-WARC reading)."""
    with _spooled(stream) as (digest, spool):
        target = directory / _import_name(name, digest, ".warc.gz")
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            with partial.open("wb") as out:
                writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
                for record in ArchiveIterator(spool, arc2warc=True):
                    writer.write_record(record)
            partial.replace(target)
    return target


@contextmanager
def _spooled(stream: IO[bytes]) -> Iterator[tuple[str, IO[bytes]]]:
    """The stream's sha256 and the stream itself, rewound (read twice: name, then copy)."""
    digest = hashlib.sha256()
    start = stream.tell()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(start)
    yield digest.hexdigest(), stream


def _import_name(name: str, digest: str, suffix: str) -> str:
    """The name an imported file is kept under: its content's digest (two files named alike in
    two folders are two files; the same file imported twice is one), after the start of its
    own name, so a listing still says what it was."""
    lowered = name.lower()
    own = next((s for s in sorted(SUFFIXES, key=len, reverse=True) if lowered.endswith(s)), "")
    stem = name[: len(name) - len(own)][:NAME_KEPT]
    return f"import-{stem}-{digest[:16]}{suffix}"


def _first_record_format(stream: IO[bytes], where: str) -> str:
    """warc or arc, from how the file (or its first gzip member) begins, then its first record
    read; warcio alone would read any text with five words on its first line as ARC."""
    start = stream.read(2)
    stream.seek(0)
    head = b""
    try:
        if start == b"\x1f\x8b":
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(stream.read(4096), 64)
        else:
            head = stream.read(64)
    except zlib.error as error:
        raise NotAnArchive(f"{where} is not a WARC, ARC or WACZ file: {error}") from None
    stream.seek(0)
    kind = "warc" if head.startswith(b"WARC/") else "arc" if head.startswith(b"filedesc://") else ""
    if not kind:
        raise NotAnArchive(f"{where} is not a WARC, ARC or WACZ file: it begins "
                           f"{head[:24]!r}")  # fmt: skip
    try:
        record = next(iter(ArchiveIterator(stream)), None)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
        raise NotAnArchive(f"{where} is not a WARC, ARC or WACZ file: {error}") from None
    if record is None:
        raise NotAnArchive(f"{where} holds no record: not a WARC, ARC or WACZ file")
    return kind


def _wacz(path: Path) -> Source:
    """A WACZ package: a zip of WARC files (archive/), pages/pages.jsonl, datapackage.json."""
    try:
        with zipfile.ZipFile(path) as package:
            warcs = _wacz_warcs(package)
            if not warcs:
                raise NotAnArchive(f"{path} is a zip file without WARC files under archive/: "
                                   "not a WACZ package")  # fmt: skip
            for member in warcs:
                with package.open(member) as stream:
                    _first_record_format(stream, f"{path}:{member}")
            pages = _listed_pages(package)
    except zipfile.BadZipFile as error:
        raise NotAnArchive(f"{path} is not a WARC, ARC or WACZ file: {error}") from None
    return Source(path, "wacz", pages)


def _wacz_warcs(package: zipfile.ZipFile) -> list[str]:
    return sorted(
        name
        for name in package.namelist()
        if name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))
    )


def _listed_pages(package: zipfile.ZipFile) -> list[str]:
    """The URLs of pages/pages.jsonl (its first line is a header; bad lines are skipped)."""
    if "pages/pages.jsonl" not in package.namelist():
        return []
    urls = []
    with package.open("pages/pages.jsonl") as stream:
        for line in io.TextIOWrapper(stream, encoding="utf-8", errors="replace"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                urls.append(entry["url"])
    return urls


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == b"\x1f\x8b"

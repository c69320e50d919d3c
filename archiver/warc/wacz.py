"""The archive's raw captures packed as a WACZ 1.1.1 package (`archiver export wacz`), the way
ReplayWeb.page, pywb and Browsertrix users open their own archives.

The package holds the WARC files (`archive/`, stored, not compressed again), a CDXJ index of
them (`indexes/index.cdx.gz` in blocks, `indexes/index.idx` finding the blocks: cdxj-indexer's
ZipNum form, as py-wacz writes it), `pages/pages.jsonl` (each article page with its title and
fetch time, then its comment pages under it) and `datapackage.json` with every file's sha256.

Only what the archive indexes goes in (a record a crawl is still writing does not), with the
records that belong to it (the request sent for a response, a warcinfo). A revisit brings its
original. Text a takedown hides (`archiver redact`) never leaves: records showing a hidden
comment go in cut as a purge would cut them, those of a hidden article stay out.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from cdxj_indexer.main import CDXJIndexer
from sqlalchemy import Engine, Row, select

from archiver import clock
from archiver._version import __version__
from archiver.db.models import Article, Base, Site
from archiver.db.sites import archive_zones, since_condition
from archiver.outputs import replacing
from archiver.parse.urls import site_domain
from archiver.warc.digests import spellings
from archiver.warc.subset import Takedowns, pack_file, takedown_edits

logger = logging.getLogger(__name__)

CAPTURES = Base.metadata.tables["captures"]
WACZ_VERSION = "1.1.1"
INDEX_LINES = 300  # CDXJ lines per compressed block (py-wacz's and cdxj-indexer's default)
_RESOURCE_NAME = re.compile(r"[^a-z0-9._-]+")  # what a Frictionless resource name may hold


class NothingToExport(RuntimeError):
    """The filters choose no capture: an empty package helps nobody, and none is written."""


@dataclass(frozen=True)
class WaczFilters:
    site: str | None = None  # domain
    since: date | datetime | None = None  # articles published on or after (as `export`)


@dataclass
class WaczReport:
    path: Path
    warc_files: int = 0
    records: int = 0  # captures (responses and revisits) packed
    pages: int = 0  # article pages listed in pages.jsonl
    comment_pages: int = 0  # their comment pages, listed under them
    originals: int = 0  # responses outside the filters packed for the revisits that need them
    redacted_cut: int = 0  # records packed with hidden comments cut out
    redacted_left_out: int = 0  # records left out: they show hidden text that cannot be cut
    bytes: int = 0
    hidden_articles: list[str] = field(default_factory=list)


def export_wacz(
    engine: Engine,
    directory: Path,
    output: Path,
    filters: WaczFilters = WaczFilters(),
    *,
    title: str | None = None,
) -> WaczReport:
    """Write the package to `output` (whole or not at all); what went in."""
    report = WaczReport(output)
    with engine.connect() as connection:
        rows = _selected(connection, filters)
        if not rows:
            raise NothingToExport("no capture matches: nothing to pack (see --site and --since)")
        articles = _articles(connection, {row.article_id for row in rows} - {None})
        originals = _originals(connection, rows)
    report.originals = len(originals)
    edits, report.hidden_articles = takedown_edits(engine, directory)
    by_file: dict[str, set[int]] = {}
    for row in rows + originals:
        by_file.setdefault(row.warc_file, set()).add(row.warc_offset)
    output.parent.mkdir(parents=True, exist_ok=True)
    everything = filters == WaczFilters()  # then records of no capture go in too
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=output.parent) as work:
        packed = []
        for name in sorted(by_file):
            target = Path(work) / name
            copied = pack_file(directory / name, target, by_file[name], edits.get(name, {}),
                               everything)  # fmt: skip
            report.records += copied.captures
            report.redacted_cut += copied.cut
            report.redacted_left_out += copied.left_out
            if copied.captures:
                packed.append(target)
        pages = _pages(rows, articles, edits)
        report.pages = sum(1 for page in pages if "article" not in page)
        report.comment_pages = len(pages) - report.pages
        report.warc_files = len(packed)
        if not packed:
            raise NothingToExport("every chosen capture is under a takedown: nothing to pack")
        with replacing(output, binary=True) as stream:
            _write_package(stream, packed, pages, title or _title(filters))
        report.bytes = output.stat().st_size
    return report


def _selected(connection: Any, filters: WaczFilters) -> list[Row]:
    """The captures the filters choose: those of the chosen articles, and (unless `since`
    narrows it to articles) those of no article on the chosen site (robots.txt, listings)."""
    query = select(CAPTURES).order_by(CAPTURES.c.warc_file, CAPTURES.c.warc_offset)
    chosen = select(Article.id)
    if filters.since is not None:
        zones = archive_zones(connection.engine)
        chosen = chosen.where(
            since_condition(Article.published_at, Article.site_id, filters.since, zones)
        )
    domain = filters.site.removeprefix("www.") if filters.site else None
    if domain is not None:
        chosen = chosen.where(Article.site_id.in_(select(Site.id).where(Site.domain == domain)))
    rows = []
    chosen_ids = set(connection.scalars(chosen))
    for row in connection.execute(query):
        if row.article_id is not None:
            if row.article_id in chosen_ids:
                rows.append(row)
        elif filters.since is None and (domain is None or site_domain(row.url) == domain):
            rows.append(row)
    return rows


def _originals(connection: Any, rows: list[Row]) -> list[Row]:
    """The earliest response of each payload a chosen revisit repeats, unless chosen too."""
    have = {(row.warc_file, row.warc_offset) for row in rows}
    stored = {
        digest
        for row in rows
        if row.record_type == "response" and row.payload_digest
        for digest in spellings(row.payload_digest)
    }
    wanted = {
        row.payload_digest
        for row in rows
        if row.record_type == "revisit" and row.payload_digest and row.payload_digest not in stored
    }
    found = []
    for digest in sorted(wanted):
        original = connection.execute(
            select(CAPTURES)
            .where(CAPTURES.c.record_type == "response")
            .where(CAPTURES.c.payload_digest.in_(spellings(digest)))
            .order_by(CAPTURES.c.fetched_at)
            .limit(1)
        ).first()
        if original is not None and (original.warc_file, original.warc_offset) not in have:
            have.add((original.warc_file, original.warc_offset))
            found.append(original)
    return found


def _articles(connection: Any, ids: set[int]) -> dict[int, Row]:
    query = select(Article.id, Article.url, Article.title)
    return {row.id: row for row in connection.execute(query.where(Article.id.in_(ids)))}


def _pages(rows: list[Any], articles: dict[int, Row], edits: Takedowns) -> list[dict[str, Any]]:
    """pages.jsonl's entries: each article page, then its comment pages, at their latest
    fetch; a page whose every capture a takedown keeps out is not listed."""
    latest: dict[tuple[int, str], Any] = {}
    for row in rows:
        edit = edits.get(row.warc_file, {}).get(row.warc_offset)
        if (row.article_id not in articles or row.status != 200
                or "html" not in (row.content_type or "").lower()
                or (edit is not None and edit[0].drops)):  # fmt: skip
            continue
        key = (row.article_id, row.url)
        if key not in latest or row.fetched_at > latest[key].fetched_at:
            latest[key] = row
    pages: list[dict[str, Any]] = []
    for article_id, article in sorted(articles.items()):
        page = latest.get((article_id, article.url))
        comment_pages = sorted(
            (
                row
                for (owner, url), row in latest.items()
                if owner == article_id and url != article.url
            ),
            key=lambda row: (row.fetched_at, row.url),
        )
        title = article.title or article.url
        if page is not None:
            pages.append({"id": f"article-{article_id}", "url": article.url,
                          "ts": _iso(page.fetched_at), "title": title})  # fmt: skip
        for number, row in enumerate(comment_pages, start=1):
            pages.append({"id": f"article-{article_id}-comments-{number}", "url": row.url,
                          "ts": _iso(row.fetched_at), "title": f"{title} (comments {number})",
                          "article": article.url})  # fmt: skip
    return pages


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _title(filters: WaczFilters) -> str:
    parts = ["archiver archive"]
    if filters.site:
        parts.append(filters.site)
    if filters.since is not None:
        parts.append(f"since {filters.since:%Y-%m-%d}")
    return " ".join(parts)


def _write_package(stream: IO[bytes], warcs: list[Path], pages: list[dict], title: str) -> None:
    """The zip: WARCs and the compressed index stored as they are, the rest deflated."""
    created = _iso(clock.now())
    resources: list[dict[str, Any]] = []
    with zipfile.ZipFile(stream, "w", allowZip64=True) as package:

        def add(path: str, data: bytes | None = None, source: Path | None = None,
                stored: bool = False) -> None:  # fmt: skip
            info = zipfile.ZipInfo(path, date_time=clock.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            digest, size = hashlib.sha256(), 0
            with package.open(info, "w", force_zip64=True) as member:
                chunks: Iterable[bytes] = [data or b""] if source is None else _chunks(source)
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    member.write(chunk)
            resources.append({"name": _resource_name(path, resources), "path": path,
                              "hash": f"sha256:{digest.hexdigest()}", "bytes": size})  # fmt: skip

        for warc in warcs:
            add(f"archive/{warc.name}", source=warc, stored=True)
        blocks, idx = _index(warcs)
        add("indexes/index.cdx.gz", blocks, stored=True)
        add("indexes/index.idx", idx)
        header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
        lines = [json.dumps(entry, ensure_ascii=False) for entry in [header, *pages]]
        add("pages/pages.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        datapackage: dict[str, Any] = {
            "profile": "data-package",
            "resources": resources,
            "wacz_version": WACZ_VERSION,
            "software": f"archiver/{__version__}",
            "created": created,
            "title": title,
        }
        if pages:
            datapackage["mainPageUrl"] = pages[0]["url"]
            datapackage["mainPageDate"] = pages[0]["ts"]
        described = json.dumps(datapackage, indent=2, ensure_ascii=False).encode("utf-8")
        package.writestr("datapackage.json", described, zipfile.ZIP_DEFLATED)
        digest = {"path": "datapackage.json",
                  "hash": f"sha256:{hashlib.sha256(described).hexdigest()}"}  # fmt: skip
        package.writestr("datapackage-digest.json", json.dumps(digest, indent=2),
                         zipfile.ZIP_DEFLATED)  # fmt: skip


def _index(warcs: list[Path]) -> tuple[bytes, bytes]:
    """The CDXJ index of the packed files, sorted, in gzip blocks; and the index of blocks."""
    blocks = io.BytesIO()
    idx = io.StringIO()
    indexer = CDXJIndexer(
        idx,
        [str(path) for path in warcs],
        sort=True,
        post_append=True,
        compress=blocks,
        lines=INDEX_LINES,
        data_out_name="index.cdx.gz",
        digest_records=True,
        fields="referrer",
    )
    indexer.process_all()
    return blocks.getvalue(), idx.getvalue().encode("utf-8")


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            yield chunk


def _resource_name(path: str, taken: list[dict[str, Any]]) -> str:
    """A Frictionless resource name (lower case, digits, . _ -), unique in the package."""
    base = _RESOURCE_NAME.sub("-", path.rsplit("/", 1)[-1].lower()) or "file"
    names = {resource["name"] for resource in taken}
    name, number = base, 1
    while name in names:
        number += 1
        name = f"{base}-{number}"
    return name

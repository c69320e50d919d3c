"""Rebuilding articles and comments from WARC captures, without the network.

A crawl's observations are replayed in the order they were received, with the current
extractors and the same date and thread steps as the crawl's pipelines: an article page and the
comment pages fetched after it in the same crawl make one item, observed at the article page's
WARC-Date; a 304 the crawl did not follow with a full fetch is "seen unchanged"; a 404/410 is
"gone". A site crawl's fetches restore its revisit state (crawl_state) as well. An article the
archive does not hold is replayed straight into it, so its rows are the ones the crawls made. An article it holds is replayed into a scratch archive and the difference
is applied as changes with history source `reparse` (archiver.db.reconcile).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from archiver import clock
from archiver.crawling.responses import NotHTML, extract_response
from archiver.crawling.revisit import RevisitPolicy
from archiver.db import runs
from archiver.db.lock import crawl_lock
from archiver.db.models import Article, Base, Site
from archiver.db.reconcile import ReconcileReport, reconcile_article
from archiver.db.sites import site_zones
from archiver.db.store import ArchiveStore
from archiver.items import (
    ArticleItem,
    CaptureKey,
    NotModifiedItem,
    SiteZone,
    Visit,
)
from archiver.parse.commentpages import ThreadFetch
from archiver.parse.discovery import Listed, merge, read_feed, read_sitemap
from archiver.parse.extraction import PageExtract
from archiver.parse.prepare import fill_dates, rest_comments_url, zoned_article_item
from archiver.parse.replytree import build_thread
from archiver.parse.restcomments import add_missing, read_answer
from archiver.parse.since import site_since
from archiver.parse.urls import canonical_url, is_comment_page, site_domain
from archiver.warc.digests import normalized, spellings
from archiver.warc.reader import IndexedCapture, index_files, indexed, load_response

logger = logging.getLogger(__name__)
# Shown by the CLI, as a crawl's progress.
progress = logging.getLogger("archiver.crawling.progress")
PROGRESS_INTERVAL = 30.0  # seconds between progress lines

SITE_SPIDER = "site"  # the spider of `archiver crawl`, whose fetches carry revisit state


@dataclass
class Observation:
    """What one capture (and the comment pages fetched after it) said about an article."""

    url: str  # the article's canonical URL
    at: datetime
    kind: str  # article | not_modified | gone
    item: ArticleItem | None = None
    visit: Visit | None = None  # a site crawl's: its revisit state is restored too


@dataclass
class ReparseReport:
    run_id: int | None = None
    files: int = 0
    captures: int = 0
    pages_parsed: int = 0
    observations: Counter[str] = field(default_factory=Counter)
    rebuilt: set[str] = field(default_factory=set)  # not in the archive before: replayed into it
    articles_compared: int = 0  # in the archive: rebuilt aside and compared
    changes: ReconcileReport = field(default_factory=ReconcileReport)
    problems: list[str] = field(default_factory=list)  # each with its URL

    @property
    def articles_rebuilt(self) -> int:
        return len(self.rebuilt)

    @property
    def ok(self) -> bool:
        return not self.problems


class Replay:
    """Turns indexed captures into observations, in the order the crawls received them."""

    def __init__(
        self,
        captures: list[IndexedCapture],
        originals: dict[str, IndexedCapture],
        zones: dict[str, SiteZone] | None = None,
    ):
        self.captures = captures
        self.originals = originals
        # The zones users chose, then what the replayed pages' own offsets show, per site.
        self.zones = dict(zones or {})
        self.by_url: dict[tuple[str, str], list[IndexedCapture]] = defaultdict(list)
        self.listings_of: dict[str, list[IndexedCapture]] = defaultdict(list)  # XML, by crawl
        for capture in captures:
            self.by_url[(capture.group, capture.url)].append(capture)
            if capture.status == 200 and "xml" in (capture.record.content_type or ""):
                self.listings_of[capture.group].append(capture)
        self.pages_parsed = 0
        self.problems: list[str] = []
        self.lastmods: dict[str, dict[str, datetime | None]] = {}  # listed URL → lastmod, by crawl

    def observations(self, wanted: Callable[[IndexedCapture], bool]) -> Iterable[Observation]:
        for capture in self.captures:
            if is_comment_page(capture.url) or not wanted(capture):
                continue
            if capture.status == 200:
                item = self._article(capture)
                if item is not None:
                    yield Observation(item.url, capture.fetched_at, "article", item, item.visit)
            elif capture.status == 304 and not self._fetched_after(capture, status=200):
                visit = self._visit(capture)
                url = canonical_url(capture.url)
                yield Observation(url, capture.fetched_at, "not_modified", visit=visit)
            elif capture.status in (404, 410):
                visit = self._visit(capture)
                yield Observation(
                    canonical_url(capture.url), capture.fetched_at, "gone", visit=visit
                )

    def _article(self, capture: IndexedCapture) -> ArticleItem | None:
        page = self._page(capture)
        if page is None or page.article is None:
            return None  # a listing, the home page, a sitemap, JSON: no article
        item = zoned_article_item(page, capture.url, capture.fetched_at, self.zones)
        item.captures.append(_key(capture))
        item.visit = self._visit(capture)
        if page.comment_markup is None and page.has_comment_signs:
            self._problem(f"{capture.url}: comment markup not recognized")
            item.comments_complete = False
        thread = ThreadFetch(item)
        following = dict(thread.add(page))
        while following:
            number = min(following)
            url = following.pop(number)
            comment_page = self._fetched_after(capture, url=url)
            if comment_page is None or comment_page.status != 200:
                item.comments_complete = False  # the crawl could not fetch it either
                continue
            item.captures.append(_key(comment_page))
            if item.visit is not None:
                item.visit.pages[url] = dict(comment_page.validators)
            extract = self._page(comment_page)
            if extract is None or extract.comment_markup is None:
                item.comments_complete = False
                continue
            following.update(thread.add(extract))
        item = thread.merged()
        self._rest_answers(capture, item)
        fill_dates(item)
        build_thread(item.comments)
        return item

    def _rest_answers(self, capture: IndexedCapture, item: ArticleItem) -> None:
        """The REST comment pages the crawl fetched after the thread: part of the article's
        captures, and what they listed that the HTML lacked joins the thread as the crawl's
        did (the cross-check they fed only logged; it is not repeated)."""
        page, last_url = 1, ""
        while (url := rest_comments_url(item, page)) is not None:
            answer = self._fetched_after(capture, url=url)
            if answer is None:
                break
            item.captures.append(_key(answer))
            try:
                entries = read_answer(load_response(answer, self.originals).text)
            except Exception as error:  # a bad record: reported, the thread goes on without it
                self._problem(f"{url}: cannot re-read the REST answer: {error}")
                entries = None
            if entries is None:
                break
            item.rest_comments = {**(item.rest_comments or {}), **entries}
            page, last_url = page + 1, url
        if item.rest_comments is not None:
            add_missing(item, last_url)

    def _visit(self, capture: IndexedCapture) -> Visit | None:
        """The site crawl's visit as the spider made it: the listed URL with the lastmod its
        listings gave, the status and the validators of the answer (None: not a site crawl)."""
        if capture.spider != SITE_SPIDER:
            return None
        if capture.group not in self.lastmods:
            self.lastmods[capture.group] = self._listed(capture.group)
        return Visit(
            listed_url=capture.url,
            listed_lastmod=self.lastmods[capture.group].get(capture.url),
            status=capture.status,
            etag=dict(capture.validators).get("etag"),
            last_modified=dict(capture.validators).get("last_modified"),
        )

    def _listed(self, group: str) -> dict[str, datetime | None]:
        """What the crawl's sitemaps and feeds listed, merged as its plan merged them."""
        listed: list[Listed] = []
        for capture in self.listings_of.get(group, []):
            parts = urlsplit(capture.url)
            site_url = f"{parts.scheme}://{parts.netloc}/"
            try:
                body = load_response(capture, self.originals).body
            except Exception:  # an unreadable listing lists nothing, as in the crawl
                continue
            head = body[:2048]
            if b"<urlset" in head or b"<sitemapindex" in head:
                listed.extend(read_sitemap(body, site_url).pages)
            else:
                listed.extend(read_feed(body, site_url))
        return merge(listed)

    def _fetched_after(
        self, capture: IndexedCapture, *, url: str | None = None, status: int | None = None
    ) -> IndexedCapture | None:
        """The first capture of `url` (default: the capture's own) later in the same crawl."""
        for later in self.by_url.get((capture.group, url or capture.url), []):
            if later.sequence > capture.sequence and (status is None or later.status == status):
                return later
        return None

    def _page(self, capture: IndexedCapture) -> PageExtract | None:
        try:
            response = load_response(capture, self.originals)
            page = extract_response(response)
        except NotHTML:
            return None
        except Exception as error:  # a bad record or a parser bug: reported, the rest goes on
            self._problem(f"{capture.url}: cannot re-parse ({capture.path.name} @ "
                          f"{capture.record.warc_offset}): {error}")  # fmt: skip
            return None
        self.pages_parsed += 1
        return page

    def _problem(self, message: str) -> None:
        logger.error("%s", message)
        self.problems.append(message)


def reparse(
    engine: Engine,
    paths: Iterable[Path],
    *,
    site: str | None = None,
    since: date | datetime | None = None,
    command: str = "reparse",
    arguments: dict | None = None,
    index_in: Path | None = None,
    source: str = "reparse",
) -> ReparseReport:
    """Rebuild the articles the WARC files hold (those of `site`, fetched since `since`).

    Captures of files under `index_in` (the archive's WARC directory) are indexed in
    `captures`. What it changes in articles the archive held is history of `source`.
    Running it twice changes nothing the second time. Raises CrawlLocked while a crawl of one
    of the sites runs on this archive.
    """
    paths = list(paths)
    captures, originals = index_files(paths)
    if index_in is not None:  # revisits of payloads the archive's other files hold
        originals.update(held_originals(engine, index_in, captures, originals))
    progress.info("progress: %d responses in %d WARC files", len(captures), len(paths))
    report = ReparseReport(files=len(paths), captures=len(captures))
    kept_zones = site_zones(engine)
    zones = {domain: zone.zone for domain, zone in kept_zones.items()}
    selected = _selected(captures, site, since, zones)
    live = ArchiveStore(engine)  # replayed observations are the crawls' own: source "crawl"
    # Under the sites' crawl locks: a crawl storing the same threads meanwhile would interleave.
    with crawl_lock(engine, sorted({site_domain(url) for url in selected})):
        report.run_id = run_id = live.start_run(command, arguments or {})
        if index_in is not None:
            live.keep_captures([c.record for c in captures if c.path.parent == index_in], run_id)
        chosen = {domain: zone for domain, zone in kept_zones.items() if zone.chosen}
        replay = Replay(captures, originals, chosen)
        observations = replay.observations(lambda c: canonical_url(c.url) in selected)
        _replay_and_reconcile(engine, observations, run_id, report, source)
        report.pages_parsed = replay.pages_parsed
        report.problems = replay.problems
        runs.finish_run(
            engine,
            run_id,
            status="failed" if report.problems else "ok",
            finish_reason="finished",
            counts={
                "pages": report.pages_parsed,
                "articles_new": report.articles_rebuilt,
                "articles_changed": report.changes.articles_changed,
                "comments_new": report.changes.comments_new,
                "comments_changed": report.changes.comments_changed,
                "errors": len(report.problems),
            },
            stats={
                "observations": dict(report.observations),
                "fields": dict(report.changes.fields),
            },
        )
    return report


def held_originals(
    engine: Engine,
    directory: Path,
    captures: list[IndexedCapture],
    originals: dict[str, IndexedCapture],
) -> dict[str, IndexedCapture]:
    """The originals of revisits among `captures` that no file read holds, from the archive's
    index of its WARC files (`captures`): an import's revisits of what an earlier one brought."""
    missing = {
        digest
        for c in captures
        if c.record.record_type == "revisit"
        and (digest := normalized(c.record.payload_digest))
        and digest not in originals
    }
    found: dict[str, IndexedCapture] = {}
    table = Base.metadata.tables["captures"]
    with engine.connect() as connection:
        for digest in sorted(missing):
            row = connection.execute(
                select(table)
                .where(table.c.record_type == "response",
                       table.c.payload_digest.in_(spellings(digest)))
                .order_by(table.c.fetched_at)
                .limit(1)
            ).first()  # fmt: skip
            if row is not None and (directory / row.warc_file).is_file():
                found[digest] = indexed(directory, row)
    return found


def _replay_and_reconcile(
    engine: Engine,
    observations: Iterable[Observation],
    run_id: int,
    report: ReparseReport,
    source: str,
) -> None:
    """Articles the archive lacks are replayed into it; those it holds into a scratch archive,
    then reconciled with it."""
    live = ArchiveStore(engine)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(Article.url)))
    scratch: Engine | None = None
    # Held articles, with their pages' WARC records (store_article linked the others' already).
    compared: dict[str, list[CaptureKey]] = defaultdict(list)
    last_line = time.monotonic()
    for observation in observations:
        report.observations[observation.kind] += 1
        if time.monotonic() - last_line >= PROGRESS_INTERVAL:
            last_line = time.monotonic()
            progress.info("progress: %d article fetches replayed, at %s",
                          report.observations["article"], observation.at.isoformat())  # fmt: skip
        held = observation.url in stored
        if held:
            scratch = scratch or _scratch_archive()
        target = ArchiveStore(scratch) if held and scratch is not None else live
        _apply(target, observation, None if held else run_id)
        if observation.item is not None:
            if held:
                compared[observation.url].extend(observation.item.captures)
            else:
                report.rebuilt.add(observation.url)
            observation.item.comments = []  # stored: the thread is not needed any more
    reparsed_at = clock.now()
    for url, captures in sorted(compared.items()):
        assert scratch is not None
        reconcile_article(
            scratch, engine, url, run_id, reparsed_at, report.changes, source, captures
        )
    report.articles_compared = len(compared)
    if scratch is not None:
        _rezone_sites(scratch, engine, report.changes)
        scratch.dispose()


def _rezone_sites(scratch: Engine, engine: Engine, changes: ReconcileReport) -> None:
    """The zones the rebuild read the held sites in, where a user chose none: a correction,
    counted in the report like every field the rebuild changes."""
    rebuilt = site_zones(scratch)
    with Session(engine) as session, session.begin():
        for site in session.scalars(select(Site).where(Site.domain.in_(rebuilt))):
            zone = rebuilt[site.domain].zone
            if not site.timezone_chosen and site.timezone != zone:
                logger.warning("%s: time zone %s, was %s (re-read from its pages)",
                               site.domain, zone, site.timezone)  # fmt: skip
                site.timezone = zone
                changes.fields["sites.timezone (changed)"] += 1


def _selected(
    captures: list[IndexedCapture],
    site: str | None,
    since: date | datetime | None,
    zones: dict[str, str],
) -> set[str]:
    """The articles to rebuild: those with a capture of `site` at or after `since` (a day or
    a wall time in each site's zone, `zones` by site key; an instant as it is)."""
    return {
        canonical_url(c.url)
        for c in captures
        if not is_comment_page(c.url)
        and (site is None or site_domain(c.url) == _domain(site))
        and (since is None or c.fetched_at >= site_since(since, site_domain(c.url), zones))
    }


def _domain(site: str) -> str:
    return site_domain(site if "://" in site else "http://" + site)


def _apply(store: ArchiveStore, observation: Observation, run_id: int | None) -> None:
    # A site crawl's revisit state follows with the default policy (the crawl's settings are
    # not in the WARC files).
    policy = RevisitPolicy() if observation.visit is not None else None
    if observation.item is not None:
        store.store_article(observation.item, run_id, policy)
    elif observation.kind == "not_modified":
        item = NotModifiedItem(url=observation.url, fetched_at=observation.at,
                               visit=observation.visit)  # fmt: skip
        store.not_modified(item, policy)
    else:
        store.mark_gone(observation.url, observation.at, observation.visit, policy)


def _scratch_archive() -> Engine:
    """An in-memory archive to rebuild held articles in, for comparing with the real one."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    Base.metadata.create_all(engine)
    return engine


def _key(capture: IndexedCapture) -> tuple[str, int]:
    return (capture.record.warc_file, capture.record.warc_offset)

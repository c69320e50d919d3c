"""From extracted pages to an item ready to store: the item's fields, then dates and thread.

Pure functions shared by the spider's pipelines, tests and (later) re-parsing from saved pages:
the same page and fetch time always give the same item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from urllib.parse import urlencode, urljoin, urlsplit

from archiver.items import KIND_COMMENT, ArticleItem, CommentItem, SiteZone
from archiver.parse.commentpages import ThreadFetch
from archiver.parse.dates import PRECISIONS, ParsedDate, date_order, parse_date
from archiver.parse.extraction import PageExtract, extract_page
from archiver.parse.profiles import load_profile
from archiver.parse.replytree import build_thread
from archiver.parse.urls import canonical_url, site_domain
from archiver.parse.zones import usual_zone, zone_from_offsets


def article_item(
    page: PageExtract, fetched_url: str, fetched_at: datetime, site: SiteZone | None = None
) -> ArticleItem:
    """The item for an article page (`page.article` must be set); comments come later.

    `site` is the zone the archive keeps for the site: a user's choice stands; otherwise the
    page's own offsets decide, then the site's known zone, the profile, the language."""
    fields = page.article
    if fields is None:
        raise ValueError(f"{fetched_url} is not an article page")
    domain = site_domain(fetched_url)
    profile = load_profile(domain)
    shown = zone_from_offsets(fields.language, fields.datetimes)
    if site is not None and site.chosen:
        zone = site.zone
    else:
        zone = shown or usual_zone(
            fields.language,
            profile.own_timezone,
            profile.timezone,
            site.zone if site is not None else None,
        )
    return ArticleItem(
        url=canonical_url(fetched_url, fields.canonical),
        fetched_url=fetched_url,
        fetched_at=fetched_at,
        domain=domain,
        timezone=zone,
        timezone_shown=shown is not None and shown == zone,
        date_formats=profile.date_formats,
        language=fields.language,
        wp_post_id=fields.wp_post_id,
        title=fields.title,
        category=fields.category,
        author=fields.author,
        published_raw=fields.published_raw,
        modified_raw=fields.modified_raw,
        body_text=fields.body_text,
        body_html=fields.body_html,
        comment_count_shown=fields.comment_count_shown,
        tags=list(fields.tags),
        sources=[asdict(source) for source in fields.sources],
        related_urls=list(fields.related),
        previous_url=fields.previous_url,
        next_url=fields.next_url,
        comment_markup=page.comment_markup,
        rest_api=fields.rest_api,
    )


def zoned_article_item(
    page: PageExtract, fetched_url: str, fetched_at: datetime, zones: dict[str, SiteZone]
) -> ArticleItem:
    """`article_item` in the zone `zones` (a run's, by site key) keeps for its site; a zone the
    page's own offsets show is then kept there for the site's later pages, unless a user chose
    the site's zone."""
    domain = site_domain(fetched_url)
    known = zones.get(domain)
    item = article_item(page, fetched_url, fetched_at, known)
    if known is None or (item.timezone_shown and not known.chosen):
        zones[domain] = SiteZone(item.timezone)
    return item


@dataclass
class DateReport:
    """What `fill_dates` could not read: raw texts, by the page URL that showed them."""

    parsed: int = 0
    article_unparsed: list[str] = field(default_factory=list)
    comments_unparsed: list[CommentItem] = field(default_factory=list)


@dataclass(frozen=True)
class PageDates:
    """How one page's dates are read: its site's zone, fetch time, profile forms, numeric
    order and languages (the page's `lang`, for dateparser's long tail)."""

    tz: str
    now: datetime
    formats: tuple[str, ...] = ()
    language: str | None = None

    @classmethod
    def of(cls, item: ArticleItem) -> PageDates:
        return cls(item.timezone, item.fetched_at, tuple(item.date_formats), item.language)

    @cached_property
    def order(self) -> str | None:
        return date_order(self.language)  # once a page, not once a comment

    def parse(self, raw: str | None, reference: datetime | None = None) -> ParsedDate | None:
        return parse_date(
            raw,
            tz=self.tz,
            now=self.now,
            reference=reference,
            formats=self.formats,
            order=self.order,
            languages=(self.language,) if self.language else (),
        )


def fill_dates(item: ArticleItem) -> DateReport:
    """Fill `published_*`, `modified_at` and each comment's `posted_*` from the raw texts.

    Relative dates resolve against the fetch time. A date that does not parse keeps its raw
    text and leaves the rest None.
    """
    report = DateReport()
    dates = PageDates.of(item)
    published = _parse(item.published_raw, dates, report)
    if published:
        item.published_at, item.published_on = published.utc, published.local_date
    modified = _parse(item.modified_raw, dates, report)
    item.modified_at = modified.utc if modified else None
    for comment in item.comments:
        parsed = comment_date(comment, dates, item.published_at)
        if parsed is None:
            if comment.posted_raw is not None or comment.kind == KIND_COMMENT:
                report.comments_unparsed.append(comment)
            continue
        report.parsed += 1
        comment.posted_at, comment.posted_on = parsed.utc, parsed.local_date
        comment.posted_precision = parsed.precision
    return report


def comment_date(
    comment: CommentItem, dates: PageDates, reference: datetime | None
) -> ParsedDate | None:
    """The comment's date: its machine-readable attribute, unless the text shown says more of
    the same day (an attribute with the day alone beside "3:53 am"); the text where the
    attribute is missing or unreadable."""
    attr = dates.parse(comment.posted_attr, reference)
    shown = dates.parse(comment.posted_raw, reference)
    if attr is None:
        return shown
    if (
        shown is not None
        and shown.local_date == attr.local_date
        and PRECISIONS.index(shown.precision) > PRECISIONS.index(attr.precision)
    ):
        return shown
    return attr


def _parse(raw: str | None, dates: PageDates, report: DateReport) -> ParsedDate | None:
    if raw is None:
        return None
    parsed = dates.parse(raw)
    if parsed is None:
        report.article_unparsed.append(raw)
    else:
        report.parsed += 1
    return parsed


def prepare_page(html: str, url: str, fetched_at: datetime) -> ArticleItem | None:
    """A single-page article, ready to store: what a test or a re-parse of one saved page needs."""
    return prepare_pages([(html, url)], fetched_at)


def prepare_pages(pages: Sequence[tuple[str, str]], fetched_at: datetime) -> ArticleItem | None:
    """An article from its page and its comment pages ((html, url), the article page first),
    assembled into one thread as a crawl assembles it (`ThreadFetch`), ready to store."""
    profile = load_profile(site_domain(pages[0][1]))
    extracts = [(extract_page(html, url, profile), url) for html, url in pages]
    return prepare_extracts(extracts, fetched_at)


def prepare_extracts(
    extracts: Sequence[tuple[PageExtract, str]], fetched_at: datetime
) -> ArticleItem | None:
    """`prepare_pages` from pages already extracted ((extract, url), the article page first)."""
    page, url = extracts[0]
    if page.article is None:
        return None
    item = article_item(page, url, fetched_at)
    thread = ThreadFetch(item)
    thread.add(page)
    for extract, _ in extracts[1:]:
        if extract.comment_markup is None:
            item.comments_complete = False  # as the spider: a comment page it cannot read
        else:
            thread.add(extract)
    item = thread.merged()
    fill_dates(item)
    build_thread(item.comments)
    return item


def rest_comments_url(item: ArticleItem, page: int) -> str | None:
    """Page `page` of the article's comments in the WordPress REST API its page links to
    (None: no API, no post id, or an API on another site)."""
    if not item.rest_api or item.wp_post_id is None:
        return None
    query = urlencode({"post": item.wp_post_id, "per_page": 100, "page": page,
                       "orderby": "id", "order": "asc"})  # fmt: skip
    root = item.rest_api
    # Pretty permalinks give /wp-json/; plain ones ?rest_route=/.
    if "rest_route=" in root:
        url = root.split("?", 1)[0] + "?rest_route=/wp/v2/comments&" + query
    else:
        url = urljoin(root if root.endswith("/") else root + "/", "wp/v2/comments?" + query)
    if urlsplit(url).netloc != urlsplit(item.fetched_url).netloc:
        return None  # an off-site API is not this site's word
    return url

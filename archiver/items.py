"""The items our spiders yield and our pipelines keep: typed dataclasses, one per kind of page,
and the few records the rooms hand each other (crawl state, WARC captures, the archive's copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

KIND_COMMENT = "comment"
KIND_PINGBACK = "pingback"
KIND_TRACKBACK = "trackback"
# Where a stored comment was read: the page's HTML, or the WordPress REST API (the HTML lacked it).
SOURCE_HTML, SOURCE_REST = "html", "rest"


@dataclass
class CommentItem:
    """One comment as a page shows it; thread fields are filled by `archiver.parse.replytree`."""

    external_id: str | None
    depth: int
    author: str
    posted_raw: str | None  # the date text as shown
    body_text: str
    body_html: str
    votes: int | None = None
    kind: str = KIND_COMMENT
    page_url: str = ""
    # The machine-readable date shown with it (`<time datetime>`, a relative date's `title`).
    posted_attr: str | None = None
    # Filled by the date pipeline.
    posted_at: datetime | None = None
    posted_on: date | None = None
    posted_precision: str | None = None
    # Where it was read: "html" (the page), or "rest" (the WordPress REST API listed it and the
    # page's HTML did not hold it: a "load more" thread).
    source: str = SOURCE_HTML
    # Filled by the thread pipeline: identity key, parent's key and display position.
    key: str = ""
    parent_key: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class RestComment:
    """One comment as `/wp-json/wp/v2/comments` gives it."""

    parent: str | None
    date_gmt: str  # naive ISO 8601 in UTC, as WordPress sends it
    date: str = ""  # naive ISO 8601 in the site's zone
    author: str = ""
    content_html: str = ""
    kind: str = "comment"


@dataclass
class Visit:
    """How a site crawl came to fetch an article URL and what the server said (for crawl_state)."""

    listed_url: str  # the URL as the sitemap, feed or archive page listed it (canonical)
    listed_lastmod: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header, as sent
    status: int = 200
    # The thread's other comment pages and their validators ({url: {"etag", "last_modified"}}),
    # so a due revisit can ask each "changed?" before fetching the thread again.
    pages: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class NotModifiedItem:
    """A conditional GET answered 304: the thread is as stored; only its revisit state moves."""

    url: str
    fetched_at: datetime
    visit: Visit | None = None  # None: not a site crawl's (a re-parse of a 304 record)


# Where a page's WARC record is: (file name under the WARC directory, offset of its gzip member).
CaptureKey = tuple[str, int]


@dataclass
class ArticleItem:
    """An article page with its whole thread, gathered over every comment page."""

    url: str
    fetched_url: str
    fetched_at: datetime
    domain: str
    timezone: str = "Asia/Tokyo"
    timezone_shown: bool = False  # the page's own offsets decided it (else a fallback)
    date_formats: tuple[str, ...] = ()  # the site profile's own date forms
    language: str | None = None  # <html lang>: how its numeric dates run
    wp_post_id: int | None = None
    title: str | None = None
    category: str | None = None
    author: str | None = None
    published_raw: str | None = None
    modified_raw: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    comment_count_shown: int | None = None
    comment_ids_shown: int = 0  # distinct comment-N ids over its pages: comments they hold
    tags: list[str] = field(default_factory=list)
    sources: list[dict[str, str | None]] = field(default_factory=list)  # {label, text, url}
    related_urls: list[str] = field(default_factory=list)
    previous_url: str | None = None
    next_url: str | None = None
    comments: list[CommentItem] = field(default_factory=list)
    # True only when every comment page answered 200 and parsed (SPEC: complete fetch).
    comments_complete: bool = True
    comment_markup: str | None = None
    # The WordPress REST API root the page links to, and what its comments endpoint said
    # (site id → (parent's site id, date_gmt)), for the cross-check pipeline. None: not fetched.
    rest_api: str | None = None
    rest_comments: dict[str, RestComment] | None = None
    pages_fetched: int = 1
    visit: Visit | None = None  # set by a site crawl
    captures: list[CaptureKey] = field(default_factory=list)  # its pages' WARC records
    # Filled by the date pipeline.
    published_at: datetime | None = None
    published_on: date | None = None
    modified_at: datetime | None = None


@dataclass
class GoneItem:
    """An article URL that answered 404 or 410: the archive marks it gone, never deletes it."""

    url: str
    status: int
    fetched_at: datetime
    visit: Visit | None = None


# --- records the rooms hand each other -----------------------------------------------------


@dataclass(frozen=True)
class KnownURL:
    """What the last fetch of a listed URL left for the next crawl to decide with."""

    url: str
    listed_lastmod: datetime | None
    etag: str | None
    last_modified: str | None
    last_status: int | None
    next_due_at: datetime | None
    page_validators: dict | None = None


@dataclass
class PageBefore:
    """What the archive held for an article before this fetch (None: first fetch)."""

    comment_markup: str | None
    comment_count: int
    comment_count_shown: int | None


@dataclass(frozen=True)
class SiteZone:
    """The zone the archive keeps for a site, and whether a user chose it (`sites set`)."""

    zone: str
    chosen: bool = False


@dataclass(frozen=True)
class CaptureRecord:
    """Where one response went: what the `captures` table keeps of it."""

    url: str
    fetched_at: datetime  # aware UTC; the record's WARC-Date
    status: int
    content_type: str | None
    record_type: str  # response | revisit
    payload_digest: str | None
    warc_file: str
    warc_offset: int
    warc_length: int

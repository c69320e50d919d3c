"""The archive's tables: a public interface analysts query (SPEC: "The database is a public interface").

Names and meanings of the contract columns never change without an Alembic revision and a
README note. Every `*_at` column is a UTC instant (`UTCDateTime`), every `*_on` an ISO date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archiver.db.types import UTCDateTime

# Constraint names are fixed so Alembic revisions can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Tokyo")
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, server_default=false())


class SiteAlias(Base):
    """Another site key a site answers at (it moved there, or serves both): redirects between
    them are followed, and pages fetched there are the site's (`archiver sites alias`)."""

    __tablename__ = "site_aliases"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrawlRun(Base):
    """One row per run of a writing command, with what it did."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[list | dict | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # running, ok (no errors), failed (errors logged), interrupted (stopped before the end)
    status: Mapped[str] = mapped_column(String(16), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_changed: Mapped[int] = mapped_column(Integer, default=0)
    comments_new: Mapped[int] = mapped_column(Integer, default=0)
    comments_changed: Mapped[int] = mapped_column(Integer, default=0)
    comments_deleted: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict | None] = mapped_column(JSON)
    # Extraction health per site (revision 0005): {domain: {articles, comments_shown,
    # comments_extracted, dates, dates_parsed, comments_with_author, pages_without_markup,
    # drops: [{url, what}], ...}}; NULL for runs before it and for runs that fetched no article.
    health: Mapped[dict | None] = mapped_column(JSON)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        # A changed slug is the same article (SPEC: canonical URL).
        UniqueConstraint("site_id", "wp_post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    wp_post_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_raw: Mapped[str | None] = mapped_column(Text)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count_shown: Mapped[int | None] = mapped_column(Integer)
    # What the article points to (revision 0003): tag names, 参考/出典 lines as
    # [{label, text, url}], related articles' URLs, and the previous/next articles.
    tags: Mapped[list | None] = mapped_column(JSON)
    sources: Mapped[list | None] = mapped_column(JSON)
    related_urls: Mapped[list | None] = mapped_column(JSON)
    previous_url: Mapped[str | None] = mapped_column(String(2048))
    next_url: Mapped[str | None] = mapped_column(String(2048))
    # The comment markup the last fetch recognized (NULL: none recognized).
    comment_markup: Mapped[str | None] = mapped_column(String(32))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_crawled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # Revision 0010: the redaction hiding it (its title and bodies are in redaction_vault).
    redaction_id: Mapped[int | None] = mapped_column(Integer)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("article_id", "external_id"),
        # A thread in display order: WHERE article_id = ? ORDER BY position.
        Index("ix_comments_article_position", "article_id", "position"),
        # Replies of a comment.
        Index("ix_comments_parent", "parent_id"),
        # Comments by day across the archive.
        Index("ix_comments_posted_on", "posted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="comment")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    depth: Mapped[int] = mapped_column(Integer)
    position: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_on: Mapped[date | None] = mapped_column(Date)
    posted_precision: Mapped[str | None] = mapped_column(String(8))
    posted_raw: Mapped[str | None] = mapped_column(Text)
    posted_attr: Mapped[str | None] = mapped_column(Text)  # revision 0006
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    votes: Mapped[int | None] = mapped_column(Integer)
    page_url: Mapped[str | None] = mapped_column(String(2048))
    source: Mapped[str] = mapped_column(String(8), server_default="html")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # Revision 0010: the redaction hiding it (its author and bodies are in redaction_vault).
    redaction_id: Mapped[int | None] = mapped_column(Integer)

    parent: Mapped[Comment | None] = relationship(remote_side=[id])


class CommentHistory(Base):
    """One row per observation where a comment's votes or body differ from the previous one,
    or where it disappeared from / came back to a complete fetch.

    `votes_before`/`votes` are always filled; the `body_*` pairs only when the body changed
    (NULL: unchanged), so a thread's text on any date is the `body_text_before` of the first
    body change after that date, or the current body.
    """

    __tablename__ = "comment_history"
    __table_args__ = (
        # How one comment changed: WHERE comment_id = ? ORDER BY observed_at.
        Index("ix_comment_history_comment", "comment_id", "observed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16), default="crawl")  # crawl | reparse
    change: Mapped[str] = mapped_column(String(16))  # votes | body | deleted | restored
    votes_before: Mapped[int | None] = mapped_column(Integer)
    votes: Mapped[int | None] = mapped_column(Integer)
    body_text_before: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html_before: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)


class ArticleHistory(Base):
    """One row per observation where an article's title, body, modified date or URL changed."""

    __tablename__ = "article_history"
    __table_args__ = (Index("ix_article_history_article", "article_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16), default="crawl")
    title_before: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    body_text_before: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    modified_at_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Revision 0009: the URL it had and has, where it changed (a site moved, a new slug).
    url_before: Mapped[str | None] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048))


class CrawlState(Base):
    """One row per article URL a site crawl knows: what the last fetch saw and when to look again.

    Written after every fetch, so a crawl killed at any point resumes from here: what was stored
    is not due, what was not is still new or due. `archiver crawl --full` ignores it once.
    """

    __tablename__ = "crawl_state"
    __table_args__ = (Index("ix_crawl_state_due", "site_id", "next_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)  # canonical, as listed
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    listed_lastmod: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sitemap/feed, last fetch
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))  # HTTP header, as sent
    # The thread's other comment pages: {url: {"etag", "last_modified"}} of the last full fetch.
    page_validators: Mapped[dict | None] = mapped_column(JSON)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)  # 200, 304, 404, 410
    comments_seen: Mapped[int] = mapped_column(Integer, default=0)  # present at the last fetch
    new_comments: Mapped[int] = mapped_column(Integer, default=0)  # new at the last full fetch
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # NULL: fetch next time


class Capture(Base):
    """One row per HTTP response a crawl received, and where its WARC record is (revision 0005).

    The WARC files are the raw archive; this table indexes them. `archiver reparse` rebuilds
    the articles and comments from the records, and refills this table from them.
    """

    __tablename__ = "captures"
    __table_args__ = (
        UniqueConstraint("warc_file", "warc_offset"),
        # Is this payload archived already? (a byte-identical answer becomes a revisit record)
        Index("ix_captures_payload_digest", "payload_digest"),
        Index("ix_captures_article", "article_id"),
        Index("ix_captures_url", "url", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    url: Mapped[str] = mapped_column(String(2048))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the record's WARC-Date
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    # response: the payload is in this record; revisit: identical to an earlier response's.
    record_type: Mapped[str] = mapped_column(String(16))
    payload_digest: Mapped[str | None] = mapped_column(String(64))  # sha1:BASE32, as in WARC
    warc_file: Mapped[str] = mapped_column(String(255))  # file name under the WARC directory
    warc_offset: Mapped[int] = mapped_column(BigInteger)  # of the gzip member holding the record
    warc_length: Mapped[int] = mapped_column(Integer)
    # The stored article this page belongs to (article page, comment page or REST answer).
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))


class Redaction(Base):
    """One row per takedown (`archiver redact`): what it hides, who asked, when and why.

    Hiding moves the text out of the public tables into `redaction_vault` and marks the rows
    (`redaction_id`); lifting puts it back; purging deletes it and scrubs the raw captures.
    """

    __tablename__ = "redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # comment | article (and its whole thread)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    target: Mapped[str] = mapped_column(String(2048))  # as given: URL#comment-…, URL, id
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(255))
    redacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {records_scrubbed, records_removed, files_rewritten, ...}: what the purge did to the WARCs.
    purge_report: Mapped[dict | None] = mapped_column(JSON)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(255))


class RedactionVault(Base):
    """A hidden value: the text a redaction took out of a public row's column."""

    __tablename__ = "redaction_vault"
    __table_args__ = (Index("ix_redaction_vault_redaction", "redaction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    redaction_id: Mapped[int] = mapped_column(ForeignKey("redactions.id"))
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(Integer)
    column_name: Mapped[str] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text)


# Views built by revision 0002, described for reading only: their own MetaData, so schema
# comparisons and create_all never treat them as tables.
VIEWS = MetaData()
comment_tree = Table(
    "comment_tree",
    VIEWS,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer),
    Column("external_id", String(64)),
    Column("kind", String(16)),
    Column("parent_id", Integer),
    Column("root_id", Integer),
    Column("path", Text),
    Column("depth", Integer),
    Column("position", Integer),
    Column("author", Text),
    Column("posted_at", UTCDateTime),
    Column("posted_on", Date),
    Column("votes", Integer),
    Column("body_text", Text),
    Column("first_seen_at", UTCDateTime),
    Column("deleted_at", UTCDateTime),
    Column("reply_count", Integer),
)

# Built by migrations in raw DDL, not by these models: the search indexes (FTS5 tables and
# their shadow tables on SQLite, pg_trgm indexes on PostgreSQL). Schema comparisons skip them.
SEARCH_OBJECTS = ("comment_search", "article_search")


def is_modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic `include_name` hook: False for the objects only migrations build."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_OBJECTS)
    if type_ == "index":
        return not name.endswith("_trgm")
    return True

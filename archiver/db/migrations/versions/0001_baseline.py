"""baseline: contract tables

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 15:16:57.770511
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archiver.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=64), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=True),
        sa.Column("started_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finish_reason", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_changed", sa.Integer(), nullable=False),
        sa.Column("comments_new", sa.Integer(), nullable=False),
        sa.Column("comments_changed", sa.Integer(), nullable=False),
        sa.Column("comments_deleted", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("domain", name=op.f("uq_sites_domain")),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("wp_post_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_raw", sa.Text(), nullable=True),
        sa.Column("modified_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("comment_count_shown", sa.Integer(), nullable=True),
        sa.Column("comment_markup", sa.String(length=32), nullable=True),
        sa.Column("first_seen_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_crawled_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("gone_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_run_id"], ["crawl_runs.id"], name=op.f("fk_articles_first_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_articles_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("site_id", "wp_post_id", name=op.f("uq_articles_site_id_wp_post_id")),
        sa.UniqueConstraint("url", name=op.f("uq_articles_url")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_site_id"), ["site_id"], unique=False)

    op.create_table(
        "article_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("title_before", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body_text_before", sa.Text(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column(
            "modified_at_before", archiver.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("modified_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_history_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_article_history_crawl_run_id_crawl_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_history")),
    )
    with op.batch_alter_table("article_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_history_article", ["article_id", "observed_at"], unique=False
        )

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("posted_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("posted_precision", sa.String(length=8), nullable=True),
        sa.Column("posted_raw", sa.Text(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=True),
        sa.Column("page_url", sa.String(length=2048), nullable=True),
        sa.Column("first_seen_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", archiver.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_comments_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["first_run_id"], ["crawl_runs.id"], name=op.f("fk_comments_first_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comments.id"], name=op.f("fk_comments_parent_id_comments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint(
            "article_id", "external_id", name=op.f("uq_comments_article_id_external_id")
        ),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comments_article_position", ["article_id", "position"], unique=False
        )
        batch_op.create_index("ix_comments_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_comments_posted_on", ["posted_on"], unique=False)

    op.create_table(
        "comment_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", archiver.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("votes_before", sa.Integer(), nullable=True),
        sa.Column("votes", sa.Integer(), nullable=True),
        sa.Column("body_text_before", sa.Text(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html_before", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_comment_history_comment_id_comments")
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_comment_history_crawl_run_id_crawl_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_history")),
    )
    with op.batch_alter_table("comment_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comment_history_comment", ["comment_id", "observed_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("comment_history", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_history_comment")

    op.drop_table("comment_history")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_posted_on")
        batch_op.drop_index("ix_comments_parent")
        batch_op.drop_index("ix_comments_article_position")

    op.drop_table("comments")
    with op.batch_alter_table("article_history", schema=None) as batch_op:
        batch_op.drop_index("ix_article_history_article")

    op.drop_table("article_history")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_site_id"))

    op.drop_table("articles")
    op.drop_table("sites")
    op.drop_table("crawl_runs")

"""crawl state: per article URL, what the last fetch saw and when it is due again

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:40:00

A new table only; existing archives start with no state, so their first `archiver crawl`
treats every listed article as due (a conditional GET at most).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archiver.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("discovered_at", UTCDateTime(), nullable=False),
        sa.Column("listed_lastmod", UTCDateTime(), nullable=True),
        sa.Column("etag", sa.String(length=255), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("page_validators", sa.JSON(), nullable=True),
        sa.Column("last_fetched_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("comments_seen", sa.Integer(), nullable=False),
        sa.Column("new_comments", sa.Integer(), nullable=False),
        sa.Column("next_due_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_crawl_state_article_id_articles"
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_crawl_state_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_state"),
        sa.UniqueConstraint("url", name="uq_crawl_state_url"),
    )
    op.create_index("ix_crawl_state_due", "crawl_state", ["site_id", "next_due_at"])


def downgrade() -> None:
    op.drop_index("ix_crawl_state_due", table_name="crawl_state")
    op.drop_table("crawl_state")

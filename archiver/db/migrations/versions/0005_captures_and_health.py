"""captures (the WARC index) and extraction health per run

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 21:00:00

A new table and a new nullable column: existing archives keep every row; their pages fetched
before this revision have no WARC records, so `archiver reparse` cannot rebuild them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archiver.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=True),
        sa.Column("warc_file", sa.String(length=255), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("warc_length", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_captures_article_id_articles"
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"], ["crawl_runs.id"], name="fk_captures_crawl_run_id_crawl_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
        sa.UniqueConstraint("warc_file", "warc_offset", name="uq_captures_warc_file_warc_offset"),
    )
    op.create_index("ix_captures_payload_digest", "captures", ["payload_digest"])
    op.create_index("ix_captures_article", "captures", ["article_id"])
    op.create_index("ix_captures_url", "captures", ["url", "fetched_at"])
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("health", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("health")
    op.drop_index("ix_captures_url", table_name="captures")
    op.drop_index("ix_captures_article", table_name="captures")
    op.drop_index("ix_captures_payload_digest", table_name="captures")
    op.drop_table("captures")

"""comments.source: where a comment was read, the page's HTML or the WordPress REST API

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

A thread whose page holds fewer comments than it counts ("load more", a lazy comment section)
is completed from the REST API where the site offers it: those comments are `rest`. Every row
written before was read from HTML.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would rebuild `comments` and its FTS triggers.
    op.add_column(
        "comments",
        sa.Column("source", sa.String(length=8), nullable=False, server_default="html"),
    )


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("source")

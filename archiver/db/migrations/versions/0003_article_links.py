"""article links: tags, sources (参考/出典 lines), related URLs, previous/next article

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:55:00

New nullable columns only: rows stored before keep NULL until their article is fetched again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("related_urls", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("previous_url", sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column("next_url", sa.String(length=2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for name in ("next_url", "previous_url", "related_urls", "sources", "tags"):
            batch.drop_column(name)

"""site_aliases: other site keys a site answers at; article_history keeps a URL that changed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:00:00

A site that moves (a new domain, a new port) is told so with `archiver sites alias OLD NEW`:
redirects between the two are followed, and what is fetched at NEW joins OLD's site and
articles. An article whose URL changes (a move, a new slug) records the URL it had.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archiver.db.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_aliases",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_aliases_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_site_aliases")),
    )
    # Plain ADD COLUMNs: SQLite's batch mode would rebuild the table.
    op.add_column("article_history", sa.Column("url_before", sa.String(length=2048)))
    op.add_column("article_history", sa.Column("url", sa.String(length=2048)))


def downgrade() -> None:
    with op.batch_alter_table("article_history") as batch:
        batch.drop_column("url")
        batch.drop_column("url_before")
    op.drop_table("site_aliases")

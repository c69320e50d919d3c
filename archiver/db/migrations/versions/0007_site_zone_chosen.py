"""sites.timezone_chosen: a zone a user set with `archiver sites set`

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:40:00

A site's zone is read from its pages (their own offsets, else the site's known zone, its
profile, its language); `archiver sites set DOMAIN --timezone ZONE` chooses one that every later
fetch and re-parse keeps. Rows written before have no chosen zone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would rebuild `sites`, which every article's
    # foreign key points at.
    op.add_column(
        "sites",
        sa.Column("timezone_chosen", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("timezone_chosen")

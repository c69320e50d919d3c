"""redactions: takedowns (削除依頼, erasure requests) hide a comment or an article

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:30:00

`archiver redact` records who asked, when and why (`redactions`), moves the hidden text out of
the public tables into `redaction_vault` (restored if the redaction is lifted, deleted for good
by `--purge`) and marks the rows it hides (`redaction_id`): the rows stay, as tombstones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archiver.db.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=2048), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=255), nullable=False),
        sa.Column("redacted_at", UTCDateTime(), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.Column("purge_report", sa.JSON(), nullable=True),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_redactions_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_redactions_comment_id_comments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redactions")),
    )
    op.create_table(
        "redaction_vault",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("redaction_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["redaction_id"],
            ["redactions.id"],
            name=op.f("fk_redaction_vault_redaction_id_redactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redaction_vault")),
    )
    op.create_index("ix_redaction_vault_redaction", "redaction_vault", ["redaction_id"])
    # Plain ADD COLUMNs (no constraint): SQLite's batch mode would rebuild the tables.
    op.add_column("articles", sa.Column("redaction_id", sa.Integer(), nullable=True))
    op.add_column("comments", sa.Column("redaction_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not batch mode: its table rebuild would drop the search triggers on comments/articles
    # (SQLite drops a column in place since 3.35).
    for table in ("comments", "articles"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN redaction_id")
    op.drop_index("ix_redaction_vault_redaction", table_name="redaction_vault")
    op.drop_table("redaction_vault")
    op.drop_table("redactions")

"""comments.posted_attr: the machine-readable date beside the date text shown

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00

`posted_raw` becomes the date text as the page shows it; the `datetime` (or exact `title`)
attribute shown with it moves to `posted_attr`. Rows written before kept the attribute in
`posted_raw` wherever the page had one: it is copied to `posted_attr`, and the next fetch of the
page puts the text shown in `posted_raw` (no history row: it is the same date). The identity
key of a comment without a site id is built from the attribute first, so those keys stand.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# What an attribute value looks like, never a date text shown (`2021-12-23T08:07:00+09:00`).
_ATTRIBUTE = re.compile(r"^\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("posted_attr", sa.Text(), nullable=True))
    comments = sa.table(
        "comments", sa.column("id", sa.Integer), sa.column("posted_raw", sa.Text),
        sa.column("posted_attr", sa.Text),
    )  # fmt: skip
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(comments.c.id, comments.c.posted_raw).where(
            comments.c.posted_raw.like("____-__-__%")
        )
    ).all()
    moved = [{"row_id": r.id, "attr": r.posted_raw} for r in rows if _ATTRIBUTE.match(r.posted_raw)]
    if moved:
        connection.execute(
            comments.update()
            .where(comments.c.id == sa.bindparam("row_id"))
            .values(posted_attr=sa.bindparam("attr")),
            moved,
        )


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("posted_attr")

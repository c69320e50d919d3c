"""search indexes (FTS5 trigram / pg_trgm) and the analyst views comment_tree, article_stats

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:10:00

The DDL is written out here, not imported, so this revision builds the same objects forever.
On SQLite the FTS5 tables are external-content indexes over `comments`/`articles`, kept in sync
by triggers: any writer (our store, a raw INSERT, a future migration) keeps them right, and the
text is stored once. On PostgreSQL, pg_trgm GIN indexes serve the same substring searches.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE comment_search USING fts5(
        body_text, content='comments', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER comment_search_insert AFTER INSERT ON comments BEGIN
        INSERT INTO comment_search(rowid, body_text) VALUES (new.id, new.body_text);
    END""",
    """CREATE TRIGGER comment_search_delete AFTER DELETE ON comments BEGIN
        INSERT INTO comment_search(comment_search, rowid, body_text)
        VALUES ('delete', old.id, old.body_text);
    END""",
    """CREATE TRIGGER comment_search_update AFTER UPDATE OF body_text ON comments BEGIN
        INSERT INTO comment_search(comment_search, rowid, body_text)
        VALUES ('delete', old.id, old.body_text);
        INSERT INTO comment_search(rowid, body_text) VALUES (new.id, new.body_text);
    END""",
    """CREATE VIRTUAL TABLE article_search USING fts5(
        title, body_text, content='articles', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_search(rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END""",
    """CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_search(article_search, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    END""",
    """CREATE TRIGGER article_search_update AFTER UPDATE OF title, body_text ON articles BEGIN
        INSERT INTO article_search(article_search, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
        INSERT INTO article_search(rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END""",
    # Rows stored by the baseline schema enter the new indexes.
    "INSERT INTO comment_search(comment_search) VALUES ('rebuild')",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
]

POSTGRESQL_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_comments_body_trgm ON comments USING gin (body_text gin_trgm_ops)",
    "CREATE INDEX ix_articles_title_trgm ON articles USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_articles_body_trgm ON articles USING gin (body_text gin_trgm_ops)",
]

# A comment's place in its tree: root, path of zero-padded ids from the root (sorts a thread
# depth-first, oldest reply first), level, and the number of its present direct replies.
# `{pad}` zero-pads an id to 10 digits in each dialect.
COMMENT_TREE = """
CREATE VIEW comment_tree AS
WITH RECURSIVE tree(id, root_id, path) AS (
    SELECT id, id, {pad}
    FROM comments WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, tree.root_id, tree.path || '/' || {c_pad}
    FROM comments c JOIN tree ON c.parent_id = tree.id
)
SELECT c.id, c.article_id, c.external_id, c.kind, c.parent_id, tree.root_id, tree.path,
       c.depth, c.position, c.author, c.posted_at, c.posted_on, c.votes, c.body_text,
       c.first_seen_at, c.deleted_at,
       (SELECT count(*) FROM comments r
        WHERE r.parent_id = c.id AND r.deleted_at IS NULL) AS reply_count
FROM comments c JOIN tree ON tree.id = c.id
"""

# One row per article: its present comments and when and how they came.
ARTICLE_STATS = """
CREATE VIEW article_stats AS
SELECT a.id AS article_id, a.site_id, a.url, a.title, a.published_at,
       count(c.id) AS comments,
       count(DISTINCT c.posted_on) AS distinct_days,
       min(c.posted_at) AS first_comment_at,
       max(c.posted_at) AS last_comment_at,
       coalesce(max(c.depth), 0) AS max_depth,
       sum(c.votes) AS total_votes,
       (SELECT t.id FROM comments t
        WHERE t.article_id = a.id AND t.kind = 'comment' AND t.deleted_at IS NULL
          AND t.votes IS NOT NULL
        ORDER BY t.votes DESC, t.position, t.id LIMIT 1) AS top_comment_id,
       max(c.votes) AS top_votes
FROM articles a
LEFT JOIN comments c ON c.article_id = a.id AND c.kind = 'comment' AND c.deleted_at IS NULL
GROUP BY a.id, a.site_id, a.url, a.title, a.published_at
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements = SQLITE_SEARCH
        pad, c_pad = "printf('%010d', id)", "printf('%010d', c.id)"
    else:
        statements = POSTGRESQL_SEARCH
        pad, c_pad = "lpad(id::text, 10, '0')", "lpad(c.id::text, 10, '0')"
    for statement in statements:
        op.execute(statement)
    op.execute(COMMENT_TREE.format(pad=pad, c_pad=c_pad))
    op.execute(ARTICLE_STATS)


def downgrade() -> None:
    op.execute("DROP VIEW article_stats")
    op.execute("DROP VIEW comment_tree")
    if op.get_bind().dialect.name == "sqlite":
        for table in ("comment", "article"):
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_{event}")
            op.execute(f"DROP TABLE {table}_search")
    else:
        for index in ("ix_comments_body_trgm", "ix_articles_title_trgm", "ix_articles_body_trgm"):
            op.execute(f"DROP INDEX {index}")

"""The schema comes only from Alembic revisions: one head, and it matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from archiver.config import resolve_db_url
from archiver.db.engine import (
    SchemaOutOfDate,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    require_current,
    upgrade,
)
from archiver.db.models import Base, is_modelled

CONTRACT = {
    "sites": {"id", "domain", "timezone"},
    "articles": {
        "id", "site_id", "url", "wp_post_id", "title", "category", "author", "published_at",
        "published_on", "modified_at", "body_text", "body_html", "comment_count",
        "comment_count_shown", "first_seen_at", "last_crawled_at", "gone_at",
    },
    "comments": {
        "id", "article_id", "external_id", "kind", "parent_id", "depth", "position", "author",
        "posted_at", "posted_on", "posted_precision", "posted_raw", "body_text", "body_html",
        "votes", "first_seen_at", "last_seen_at", "deleted_at",
    },
    "crawl_runs": {"id", "command", "started_at", "finished_at", "status"},
}  # fmt: skip


def test_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_migrations_build_the_models_schema(db_url) -> None:
    engine = make_engine(resolve_db_url(db_url))
    try:
        require_current_fails = False
        try:
            require_current(engine)
        except SchemaOutOfDate as error:
            require_current_fails = "archiver db upgrade" in str(error)
        assert require_current_fails

        upgrade(engine)

        assert current_revision(engine) == head_revision()
        require_current(engine)
        with engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"include_name": is_modelled}),
                Base.metadata,
            )
        assert diff == []
        columns = {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in CONTRACT}
        for table, names in CONTRACT.items():
            assert names <= columns[table], f"{table} lacks {names - columns[table]}"
        upgrade(engine)  # idempotent
    finally:
        engine.dispose()

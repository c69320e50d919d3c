"""Alembic environment: runs revisions on the connection `archiver.db.engine.upgrade` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from archiver.db.models import Base, is_modelled

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # plain `alembic` command line: use sqlalchemy.url from the ini
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError(
                "set sqlalchemy.url, or run migrations through `archiver db upgrade`"
            )
        engine = create_engine(url)
        with engine.begin() as connection:
            _migrate(connection)
        return
    _migrate(connection)


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs table copies
        compare_type=True,
        include_name=is_modelled,
        # One transaction for the whole upgrade on SQLite as on PostgreSQL (engine.upgrade
        # hands in a connection whose driver does not commit before DDL).
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()

"""Column types: UTC instants stored naive on SQLite and as timestamptz on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python; SQLite keeps SQLAlchemy's naive text, in UTC (SPEC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: archiver stores only aware UTC instants")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        # SQLite: one closure per value instead of TypeDecorator's two calls (parse, then
        # process_result_value); exports read millions of these.
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype)
        if parse is None:
            return super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            parsed = parse(value)
            return None if parsed is None else parsed.replace(tzinfo=UTC)

        return process

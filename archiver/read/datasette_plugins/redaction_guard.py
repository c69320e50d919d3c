"""Datasette plugin of `archiver serve`: the text redactions hid is never read through it.

Datasette runs any SQL a visitor writes, so hiding a table is not enough: SQLite's authorizer
reads `redaction_vault.value` as NULL on every connection Datasette opens, whatever the query.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

GUARDED = {("redaction_vault", "value")}


def _authorizer(action: int, first: str | None, second: str | None, *_: Any) -> int:
    if action == sqlite3.SQLITE_READ and (first, second) in GUARDED:
        return sqlite3.SQLITE_IGNORE  # the column reads as NULL
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(_authorizer)

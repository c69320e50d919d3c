"""Streaming exports of the archive to CSV, JSON Lines and Parquet, in constant memory.

Rows are read in batches (a server-side cursor on PostgreSQL) and written as they come, so an
export of millions of comments needs no more memory than one of a thousand. The file appears
only when complete: it is written beside its final name and renamed at the end.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from sqlalchemy import Column, Date, Engine, Integer, Select, select
from sqlalchemy.types import JSON, TypeEngine

from archiver.db.models import Article, Comment, Site, comment_tree
from archiver.db.sites import archive_zones, since_condition
from archiver.db.types import UTCDateTime
from archiver.outputs import replacing

Dataset = Literal["articles", "comments", "threads"]
Format = Literal["csv", "jsonl", "parquet"]
DATASETS: tuple[Dataset, ...] = ("articles", "comments", "threads")
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet")
BATCH = 2000


class ExportUnavailable(RuntimeError):
    """The format needs an optional package that is not installed."""


@dataclass(frozen=True)
class Filters:
    since: date | datetime | None = None  # posted (comments) or published (articles) on or after
    site: str | None = None  # domain
    up_to_run: int | None = None  # only rows first stored by this run or an earlier one


def dataset_query(
    dataset: Dataset, filters: Filters = Filters(), zones: Sequence[str] = ()
) -> Select:
    """The rows of one export, in a stable order; columns named as in the archive. `zones`:
    the archive's time zones, for a `since` that is a day or a wall time (db.sites)."""
    if dataset == "articles":
        query = select(*Article.__table__.columns).order_by(Article.id)
        when: Any = Article.published_at
        first_run: Any = Article.first_run_id
        article_site: Any = Article.site_id
    elif dataset == "comments":
        query = (
            select(*Comment.__table__.columns)
            .join(Article, Article.id == Comment.article_id)
            .order_by(Comment.article_id, Comment.position.is_(None), Comment.position, Comment.id)
        )
        when, first_run, article_site = Comment.posted_at, Comment.first_run_id, Article.site_id
    else:
        # A thread is the comment_tree view with its article's URL and title: tree order by path.
        query = (
            select(
                Article.url.label("article_url"),
                Article.title.label("article_title"),
                *comment_tree.columns,
            )
            .join(Article, Article.id == comment_tree.c.article_id)
            .join(Comment, Comment.id == comment_tree.c.id)
            .order_by(comment_tree.c.article_id, comment_tree.c.path)
        )
        when, first_run, article_site = (
            comment_tree.c.posted_at,
            Comment.first_run_id,
            Article.site_id,
        )
    if filters.since is not None:
        query = query.where(since_condition(when, article_site, filters.since, zones))
    if filters.up_to_run is not None:
        query = query.where(first_run <= filters.up_to_run)
    if filters.site is not None:
        domain = filters.site.removeprefix("www.")
        query = query.where(article_site.in_(select(Site.id).where(Site.domain == domain)))
    return query


def export(
    engine: Engine,
    dataset: Dataset,
    fmt: Format,
    output: str | Path,
    *,
    filters: Filters = Filters(),
    bom: bool = False,
    batch: int = BATCH,
    shown: Callable[[str], str] | None = None,
) -> int:
    """Write one dataset to `output` ('-' is stdout for csv and jsonl); return the row count.

    `shown` rewrites what goes to stdout (the CLI makes it safe for a terminal there)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    query = dataset_query(dataset, filters, archive_zones(engine) if filters.since else ())
    columns = list(query.selected_columns)
    names = [str(column.key) for column in columns]
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=batch).execute(query)
        batches = (list(part) for part in result.partitions())
        if fmt == "parquet":
            if str(output) == "-":
                raise ValueError("Parquet cannot go to stdout: give a file with -o")
            with replacing(Path(output), binary=True) as stream:
                return _write_parquet(stream, columns, batches)
        writer = _write_csv if fmt == "csv" else _write_jsonl
        encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
        if str(output) == "-":
            out = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
            try:
                return writer(_Rewritten(out, shown) if shown else out, names, columns, batches)
            finally:
                out.detach()  # leave sys.stdout usable
        with replacing(Path(output), encoding=encoding) as stream:
            return writer(stream, names, columns, batches)


class _TextOut(Protocol):
    """What the text writers write to: a file, stdout, or stdout rewritten."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class _Rewritten:
    """A text stream whose writes pass through `rewrite` first."""

    def __init__(self, out: _TextOut, rewrite: Callable[[str], str]) -> None:
        self.out, self.rewrite = out, rewrite

    def write(self, text: str) -> int:
        return self.out.write(self.rewrite(text))

    def flush(self) -> None:
        self.out.flush()


def _write_csv(
    out: _TextOut, names: list[str], columns: Sequence[Any], batches: Iterator[list]
) -> int:
    # RFC 4180 (CRLF, quotes doubled): what spreadsheets expect. NULL is an empty field.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    convert = _row_converter([_csv_value(column.type) for column in columns])
    count = 0
    for rows in batches:
        writer.writerows(map(convert, rows))
        count += len(rows)
    out.flush()
    return count


def _row_converter(converters: list[Callable[[Any], Any]]) -> Callable[[Sequence[Any]], list]:
    """One function converting a row's non-NULL values; columns left as they are cost nothing."""
    changed = [(i, f) for i, f in enumerate(converters) if f is not _same]

    def convert(row: Sequence[Any]) -> list:
        values = list(row)
        for i, f in changed:
            value = values[i]
            if value is not None:
                values[i] = f(value)
        return values

    return convert


def _csv_value(type_: TypeEngine) -> Callable[[Any], Any]:
    if isinstance(type_, JSON):
        return _json
    return _text_value(type_)


def _text_value(type_: TypeEngine) -> Callable[[Any], Any]:
    """Instants and dates as ISO 8601 text; the methods themselves, no wrapper per value."""
    if isinstance(type_, UTCDateTime):
        return datetime.isoformat
    if isinstance(type_, Date):
        return date.isoformat
    return _same


def _write_jsonl(
    out: _TextOut, names: list[str], columns: Sequence[Any], batches: Iterator[list]
) -> int:
    convert = _row_converter([_text_value(column.type) for column in columns])
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    count = 0
    for rows in batches:
        out.write(
            "".join(dumps(dict(zip(names, convert(row), strict=True))) + "\n" for row in rows)
        )
        count += len(rows)
    out.flush()
    return count


def _write_parquet(out: IO[bytes], columns: Sequence[Any], batches: Iterator[list]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportUnavailable(
            "Parquet export needs pyarrow: pip install 'comment-thread-archiver[parquet]'"
        ) from None
    fields = [pa.field(column.key, _arrow_type(pa, column)) for column in columns]
    schema = pa.schema(fields)
    json_columns = {i for i, column in enumerate(columns) if isinstance(column.type, JSON)}
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for rows in batches:
            data = [
                [_json(v) if v is not None else None for v in values]
                if i in json_columns
                else list(values)
                for i, values in enumerate(zip(*rows, strict=True))
            ]
            writer.write_batch(pa.record_batch(data, schema=schema))
            count += len(rows)
    return count


def _arrow_type(pa: Any, column: Column) -> Any:
    type_ = column.type
    if isinstance(type_, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(type_, Date):
        return pa.date32()
    if isinstance(type_, Integer):
        return pa.int64()
    return pa.string()  # text, and JSON as its text


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _same(value: Any) -> Any:
    return value

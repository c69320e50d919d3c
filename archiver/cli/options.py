"""What the commands share: their options, the console, JSON output and the one-line failure."""

from __future__ import annotations

import json
import sys
import threading
from datetime import date, datetime
from typing import Any, NoReturn

import click
from rich.console import Console

from archiver.cli.terminal import json_text, terminal_text
from archiver.clock import as_utc
from archiver.parse.since import SINCE_HELP, read_since, since_start

console = Console(highlight=False, soft_wrap=True)


def parse_settings(values: tuple[str, ...]) -> dict[str, Any]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="-s")
        settings[name.strip()] = setting
    return settings


DB_OPTION = click.option(
    "--db",
    metavar="PATH_OR_URL",
    help="SQLite file path or SQLAlchemy URL (default: $ARCHIVER_DB, else data/archive.sqlite3).",
)


SET_OPTION = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or archiver setting for this run (repeatable).",
)


EXIT_LOCKED = 75  # EX_TEMPFAIL: cron and systemd read it as "try again later"


class SinceParam(click.ParamType):
    """A `--since` under the one rule of parse.since: a day or a wall time in each site's own
    zone, or an instant. One that no zone can place (year 1 at +05:00) is a usage error."""

    name = "since"

    def convert(self, value: Any, param: Any, ctx: Any) -> date | datetime:
        if isinstance(value, date):
            return value
        try:
            since = read_since(str(value))
            for zone in ("Etc/GMT-14", "Etc/GMT+12"):  # the zones furthest east and west
                as_utc(since_start(since, zone))
        except ValueError:
            self.fail(
                f"{value!r} is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM:SS[+HH:MM]", param, ctx
            )
        except OverflowError:
            self.fail(f"{value} is out of range", param, ctx)
        return since


def since_option(what: str) -> Any:
    """`--since` for a command: `what` it keeps (the rule of its value is said after it)."""
    return click.option("--since", type=SinceParam(), metavar="DATE[THH:MM:SS[+HH:MM]]",
                        help=f"{what} {SINCE_HELP}")  # fmt: skip


SINCE_OPTION = since_option("Only what was posted (articles: published) on or after it.")


SITE_OPTION = click.option("--site", metavar="DOMAIN", help="Only this site, e.g. grandfleet.info.")


JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


JSON_VERSION = 1  # of the one shape every --json output has (raised when a field changes meaning)


def json_document(kind: str, data: dict[str, Any] | list[Any]) -> dict[str, Any]:
    """The one shape of every machine-readable output: `kind` (what it is: thread, search,
    stats, sites, redactions, redaction, check, run, reparse), `version`, then its fields —
    a list's under `items`."""
    fields = {"items": data} if isinstance(data, list) else data
    return {"kind": kind, "version": JSON_VERSION, **fields}


def echo_json(kind: str, data: dict[str, Any] | list[Any]) -> None:
    """--json output in the one shape (json_document): UTF-8 as is (but what would drive a
    terminal, escaped), indented, instants and dates in ISO 8601."""
    click.echo(json_text(_dumps(json_document(kind, data))))


def _dumps(data: Any) -> str:
    """json.dumps, also for a thread thousands of replies deep: the encoder recurses once per
    level, so a deep document is encoded in a thread with the stack and limit it needs."""
    levels = _nesting(data)
    if levels * 3 + 200 < sys.getrecursionlimit():
        return json.dumps(data, ensure_ascii=False, indent=2, default=_iso_8601)
    result: list[str] = []
    limit = sys.getrecursionlimit()
    size = threading.stack_size()
    try:
        sys.setrecursionlimit(levels * 3 + 1000)
        threading.stack_size(min(1 << 30, max(64 << 20, levels * 4096)))
        worker = threading.Thread(target=lambda: result.append(
            json.dumps(data, ensure_ascii=False, indent=2, default=_iso_8601)))  # fmt: skip
        worker.start()
        worker.join()
    finally:
        threading.stack_size(size)
        sys.setrecursionlimit(limit)
    return result[0]


def _nesting(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        children = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _iso_8601(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def fail(message: str) -> NoReturn:
    """A library error as one line and exit code 1, never a traceback."""
    click.echo(f"error: {terminal_text(message)}", err=True)
    sys.exit(1)

"""How the reading commands look on a terminal: thread trees, search hits, archive figures.

Rich colors a terminal and prints plain text into a pipe or file, so the same code serves both.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table

from archiver.cli.terminal import shown
from archiver.read.search import SearchHit
from archiver.read.stats import ArchiveStats
from archiver.read.thread import Thread

# Characters that never occur in archived text, marking a match until it is escaped.
MATCH_MARKS = ("\x02", "\x03")
FIRST_LINE = 60  # characters of a comment's first line in a tree


def print_thread(console: Console, thread: Thread) -> None:
    title = "(redacted)" if thread.redacted else shown(thread.title or "(no title)")
    console.print(f"[bold]{title}[/bold]")
    console.print(f"[blue]{shown(thread.url)}[/blue]")
    console.print(f"{thread.comment_count} comments (times in {thread.timezone.key})")
    for node in thread.walk():
        indent = "  " * (node.depth - 1)
        author = shown(node.author) if node.author else "[dim](no name)[/dim]"
        if node.redacted:
            author = "[dim](redacted)[/dim]"
        votes = "" if node.votes is None else f" [green]▲{node.votes}[/green]"
        kind = "" if node.kind == "comment" else f" [magenta]{node.kind}[/magenta]"
        gone = " [red](deleted)[/red]" if node.deleted_at else ""
        lines = node.body_text.strip().splitlines()
        first = lines[0] if lines else ""
        if len(first) > FIRST_LINE or len(lines) > 1:
            first = first[:FIRST_LINE] + "…"
        number = "" if node.position is None else f"{node.position:>4} "
        console.print(
            f"[dim]{number}[/dim]{indent}[cyan]{author}[/cyan] "
            f"[dim]{node.local_time(thread.timezone)}[/dim]{votes}{kind}{gone}  {shown(first)}"
        )


def print_hits(console: Console, hits: list[SearchHit]) -> None:
    for hit in hits:
        when = hit.posted_on.isoformat() if hit.posted_on else "?"
        console.print(f"[bold]{shown(hit.article_title or '(no title)')}[/bold] [dim]{when}[/dim]")
        # The marks are control characters themselves: split on them before making text safe.
        text = "".join(
            ("[reverse yellow]" if mark == MATCH_MARKS[0] else "[/]") if mark else shown(part)
            for part, mark in _marked(hit.snippet)
        )
        console.print(f"  {text}")
        console.print(f"  [blue]{shown(hit.url)}[/blue]")
    console.print(f"[dim]{len(hits)} {'hit' if len(hits) == 1 else 'hits'}[/dim]")


def _marked(snippet: str) -> list[tuple[str, str]]:
    """The snippet as (text, "") and ("", mark) pieces, in order."""
    pieces = re.split(f"([{''.join(MATCH_MARKS)}])", snippet)
    return [("", piece) if piece in MATCH_MARKS else (piece, "") for piece in pieces if piece]


def print_stats(console: Console, stats: ArchiveStats) -> None:
    console.print(f"[bold]Archive{f' — {shown(stats.site)}' if stats.site else ''}[/bold]")
    overview = Table.grid(padding=(0, 2))
    overview.add_row("sites", str(stats.sites))
    overview.add_row("articles", str(stats.articles))
    overview.add_row(
        "comments",
        f"{stats.comments} present, {stats.deleted_comments} deleted, {stats.pings} pings",
    )
    overview.add_row("history rows", str(stats.history_rows))
    overview.add_row(
        "comment dates", f"{stats.first_comment_on or '-'} … {stats.last_comment_on or '-'}"
    )
    overview.add_row("dates understood", _share(stats.dated_share))
    overview.add_row("with an author", _share(stats.authored_share))
    overview.add_row("threads short of shown count", str(stats.articles_short))
    overview.add_row("comments shown, markup unknown", str(stats.articles_unrecognized))
    console.print(overview)
    if stats.comments_per_day:
        days = _table("Comments per day (latest days with comments)")
        days.add_column("day")
        days.add_column("comments", justify="right")
        for day, count in stats.comments_per_day:
            days.add_row(day.isoformat(), str(count))
        console.print(days)
    if stats.busiest:
        busy = _table("Busiest threads")
        busy.add_column("id", justify="right")
        busy.add_column("comments", justify="right")
        busy.add_column("last comment")
        busy.add_column("title")
        for thread in stats.busiest:
            last = thread.last_comment_on.isoformat() if thread.last_comment_on else "-"
            busy.add_row(
                str(thread.article_id),
                str(thread.comments),
                last,
                shown(thread.title or thread.url),
            )
        console.print(busy)
    if stats.runs:
        runs = _table("Latest runs (started in UTC): extraction and date health")
        headers = (
            "run",
            "command",
            "started",
            "status",
            "pages",
            "errors",
            "comments",
            "dates ok",
            "short",
        )
        for name in headers:
            text = name in ("command", "started", "status")
            runs.add_column(name, justify="left" if text else "right", no_wrap=True)
        for run in stats.runs:
            style = "green" if run.status == "ok" else "red"
            runs.add_row(
                str(run.run_id),
                run.command,
                run.started_at.strftime("%m-%d %H:%M"),
                f"[{style}]{run.status}[/{style}]",
                str(run.pages),
                str(run.errors),
                str(run.comments_extracted),
                _share(run.date_share),
                str(run.short_threads),
            )
        console.print(runs)


def _table(title: str) -> Table:
    # No borders: a run table of nine columns must fit 80 columns.
    return Table(
        title=title,
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold underline",
    )


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"

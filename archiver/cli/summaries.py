"""What the writing commands print when they end: run summaries, health, next steps."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from archiver import runstats
from archiver.api import RunResult
from archiver.cli.options import (
    console,
)
from archiver.cli.terminal import shown
from archiver.config import data_home
from archiver.read.queries import ArticleSummary
from archiver.warc.reparse import ReparseReport


def print_summary(result: RunResult, limit: int = 10) -> None:
    for article in result.articles[:limit]:
        _print_article(article)
    if len(result.articles) > limit:
        console.print(f"… and {len(result.articles) - limit} more articles")
    counts = result.counts
    console.print(
        f"  stored:     {counts.comments_new} new, {counts.comments_changed} changed, "
        f"{counts.comments_deleted} deleted comments"
    )
    _print_health(result.stats)
    console.print(f"  database:   {shown(result.db)}")
    console.print(f"  data home:  {shown(str(data_home()))}")
    _print_run_line(result, f"#{result.run_id if result.run_id is not None else '-'} ")


def _print_article(article: ArticleSummary) -> None:
    console.print(f"[bold]{shown(article.title or '(no title)')}[/bold]")
    console.print(f"  url:        {shown(article.url)}")
    console.print(f"  comments:   {article.comments} (deepest level {article.max_depth})")


def _print_run_line(result: RunResult, prefix: str = "", suffix: str = "") -> None:
    style = "green" if result.status == "ok" else "red"
    console.print(
        f"  run:        {prefix}[{style}]{result.status}[/{style}], "
        f"{_plural(result.pages, 'page')}, {_plural(result.errors, 'error')}{suffix}"
    )


def print_crawl_summary(result: RunResult) -> None:
    """One screen: what was listed, what the plan fetched, what the archive got, what failed."""
    counts = result.counts
    planned, answers = counts.planned, counts.answers
    console.print(f"[bold]crawl run #{result.run_id if result.run_id is not None else '-'}[/bold]")
    console.print(
        f"  listed:     {counts.listed} articles ({_plural(counts.sitemaps, 'sitemap')}, "
        f"{_plural(counts.feeds, 'feed')})"
    )
    console.print(
        f"  fetched:    {planned['new'] + planned['full']} new/full, {planned['changed']} changed, "
        f"{planned['due']} due; skipped {counts.skipped_not_due} not due, "
        f"{counts.skipped_old} older than --since, {counts.skipped_limit} over --max-articles"
    )
    console.print(
        f"  answers:    {answers[200]} × 200, {answers[304]} × 304 (unchanged), "
        f"{answers[404] + answers[410]} gone, {answers[429] + answers[503]} × 429/503"
    )
    console.print(
        f"  articles:   {counts.articles_new} new, {counts.articles_changed} changed, "
        f"{counts.articles_stored} stored, {counts.articles_not_modified} unchanged"
    )
    console.print(
        f"  comments:   {counts.comments_new} new, {counts.comments_changed} changed, "
        f"{counts.comments_deleted} deleted"
    )
    _print_health(result.stats)
    console.print(f"  database:   {shown(result.db)}")
    _print_run_line(result, suffix="" if result.status == "ok" else " (see the error lines above)")


def _print_health(stats: dict[str, Any]) -> None:
    """Extraction health per site; drops (warned above) in red."""
    for domain, figures in (stats.get(runstats.HEALTH) or {}).items():
        console.print(
            f"  health:     {shown(domain)}: comments {_percent(figures['comments_extracted_share'])} "
            f"of shown, dates {_percent(figures['dates_parsed_share'])} parsed, authors "
            f"{_percent(figures['with_author_share'])}, "
            f"{_plural(figures['pages_without_markup'], 'page')} without known markup"
            + (
                f", [red]{_plural(replaced, 'undecodable character')}[/red] (U+FFFD)"
                if (replaced := figures.get("replacement_chars"))
                else ""
            )
            + (
                f", {_plural(controls, 'control character')} kept (not shown)"
                if (controls := figures.get("control_chars"))
                else ""
            )
        )
    if cut := stats.get(runstats.HEALTH_PAGES_CUT):
        console.print(f"  markup:     {_plural(cut, 'page')} nested past libxml2's limit: "
                      f"{stats.get(runstats.HEALTH_TAGS_DROPPED, 0):,} tags of deep runs "
                      "dropped, text kept (see the warnings)")  # fmt: skip
    if nuls := stats.get(runstats.HEALTH_NUL_CHARS):
        console.print(f"  markup:     {_plural(nuls, 'NUL character')} dropped, as browsers drop "
                      "them (see the warnings)")  # fmt: skip
    drops = stats.get(runstats.HEALTH_DROPS, 0)
    if drops:
        console.print(
            f"  [red]{_plural(drops, 'health drop')}[/red] against the sites' previous runs "
            "(warnings above): a site may have changed its templates"
        )


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def print_reparse_summary(command: str, report: ReparseReport) -> None:
    changes = report.changes
    seen = report.observations
    console.print(f"[bold]{command} run #{report.run_id}[/bold]")
    console.print(
        f"  read:       {_plural(report.files, 'WARC file')}, {report.captures} responses, "
        f"{_plural(report.pages_parsed, 'page')} parsed"
    )
    console.print(
        f"  observed:   {seen['article']} article fetches, {seen['not_modified']} × 304, "
        f"{seen['gone']} gone"
    )
    console.print(
        f"  articles:   {report.articles_rebuilt} rebuilt (not in the archive), "
        f"{report.articles_compared} compared, {changes.articles_changed} changed"
    )
    console.print(
        f"  comments:   {changes.comments_new} new, {changes.comments_changed} changed, "
        f"{changes.comments_not_refound} in the archive but not found again (kept)"
    )
    if changes.fields:
        fields = ", ".join(f"{name} {count}" for name, count in changes.fields.most_common())
        console.print(f"  fields:     {shown(fields)}")
    style = "green" if report.ok else "red"
    status = "ok" if report.ok else f"{_plural(len(report.problems), 'page')} not re-parsed"
    console.print(f"  run:        [{style}]{status}[/{style}]")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def print_demo_next_steps(result: RunResult) -> None:
    from archiver.read.queries import thread_lines

    article = result.articles[0]  # the seed article: a real thread from grandfleet.info
    console.print()
    _print_article(article)
    console.print("The start of its stored thread (position, author, date, votes):")
    for line in thread_lines(result.db_url, article.id, limit=8):
        first_line = line.body_text.splitlines()[0] if line.body_text else ""
        votes = "-" if line.votes is None else line.votes
        console.print(
            f"  {line.position:>3} {'  ' * (line.depth - 1)}{shown(line.author or '(no name)')} "
            f"{line.posted_on} {shown(f'[{votes}]')} {shown(first_line[:28])}"
        )
    console.print(f"  … {article.comments - 8} more")
    console.print()
    db = shown(result.db)
    console.print("Next, ask the archive something:")
    for command, what in (
        (f"thread {article.id}", "the whole thread as a tree"),
        ("search 交渉", "Japanese full-text search"),
        ("stats", "busiest threads, extraction health"),
        ("serve", "browse it in Datasette"),
        ("reparse", "rebuild it from the raw pages in warc/"),
    ):
        console.print(f'  archiver {command} --db "{db}"   # {what}')
    console.print("or in SQL, the thread as a tree (view comment_tree):")
    console.print(
        f'  sqlite3 "{db}" '
        "\"SELECT position, substr('          ', 1, 2 * (depth - 1)) || author, posted_on, votes, "
        "reply_count, substr(replace(body_text, char(10), ' '), 1, 30) FROM comment_tree "
        f'WHERE article_id = {article.id} AND deleted_at IS NULL ORDER BY path"'
    )


def run_document(result: RunResult) -> dict[str, Any]:
    """A scrape's or crawl's summary as data (`--json`): what the text summary prints."""
    return {
        "run_id": result.run_id,
        "status": result.status,
        "exit_code": result.exit_code,
        "db": result.db,
        "errors": result.errors,
        "counts": result.counts.as_dict(),
        "health": result.stats.get(runstats.HEALTH) or {},
        "articles": [asdict(article) for article in result.articles],
    }


def reparse_document(command: str, report: ReparseReport) -> dict[str, Any]:
    """A reparse's or import's summary as data (`--json`)."""
    return {
        "command": command,
        "run_id": report.run_id,
        "status": "ok" if report.ok else "failed",
        "files": report.files,
        "captures": report.captures,
        "pages_parsed": report.pages_parsed,
        "observations": dict(report.observations),
        "articles_rebuilt": report.articles_rebuilt,
        "articles_compared": report.articles_compared,
        "changes": asdict(report.changes),
        "problems": report.problems,
    }

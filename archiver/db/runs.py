"""Crawl runs: a row opened when a run starts, finished with its counters, stats and health,
the sites' figures from earlier runs, and the runs a kill left `running` closed."""

from __future__ import annotations

from sqlalchemy import Engine, ScalarResult, select
from sqlalchemy.orm import Session

from archiver import clock
from archiver.db.models import CrawlRun

RUN_COUNTERS = (
    "pages",
    "articles_new",
    "articles_changed",
    "comments_new",
    "comments_changed",
    "comments_deleted",
    "errors",
)


def start_run(engine: Engine, command: str, arguments: dict | list | None) -> int:
    with Session(engine) as session, session.begin():
        run = CrawlRun(command=command, arguments=arguments, started_at=clock.now())
        session.add(run)
        session.flush()
        return run.id


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    status: str,
    finish_reason: str | None,
    counts: dict,
    stats: dict,
    health: dict | None = None,
) -> None:
    with Session(engine) as session, session.begin():
        run = session.get_one(CrawlRun, run_id)
        run.finished_at = clock.now()
        run.status = status
        run.finish_reason = finish_reason
        for name in RUN_COUNTERS:
            setattr(run, name, int(counts.get(name, 0)))
        run.stats = stats
        run.health = health or None


def previous_health(engine: Engine, domains: list[str], run_id: int) -> dict[str, dict]:
    """Each site's figures from the latest earlier run that measured it."""
    found: dict[str, dict] = {}
    with Session(engine) as session:
        runs: ScalarResult[dict | None] = session.scalars(
            select(CrawlRun.health)
            .where(CrawlRun.id < run_id, CrawlRun.health.is_not(None))
            .order_by(CrawlRun.id.desc())
        )
        for health in runs:
            for domain in domains:
                if domain not in found and isinstance(health, dict) and domain in health:
                    found[domain] = health[domain]
            if len(found) == len(domains):
                break
    return found


def close_abandoned_runs(engine: Engine, command: str, sites: list[str]) -> int:
    """Mark `running` runs of this command on these sites `interrupted` (killed runs).

    Only safe under the sites' crawl lock: no live run of them can exist then.
    """
    closed = 0
    with Session(engine) as session, session.begin():
        for run in session.scalars(
            select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.command == command)
        ):
            arguments = run.arguments if isinstance(run.arguments, dict) else {}
            if set(arguments.get("sites") or []) <= set(sites):
                run.status = "interrupted"
                run.finish_reason = "abandoned"  # killed; its work was kept article by article
                closed += 1
    return closed

"""kill -9 at any point of a sequence of runs loses nothing (issue 19): an evolving generated
site, crawled, changed, crawled again and re-parsed. For a kill point (a step, and how long
into it), the step's command is killed with SIGKILL, `db check` must find the archive sound,
the step is run again, the sequence goes on, and the final archive must equal the one an
uninterrupted sequence gives (`archive_rows`, also for any other comparison of two archives).
tests/test_kill_soak.py runs a few points; bench/bench_kill_soak.py the full 50.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from archiver.sitegen.evolve import evolve
from archiver.sitegen.model import SiteState, generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import FAST

ARCHIVER = str(Path(sys.executable).with_name("archiver"))
# The sequence: each step changes the site first (or not), then runs one command.
STEPS = (("crawl", False), ("crawl", True), ("reparse", False), ("crawl", True))


def site_state(seed: int) -> SiteState:
    return generate(8, (2, 16), seed=seed, comments_per_page=5)


@dataclass(frozen=True)
class KillPoint:
    step: int  # index into STEPS
    after: float  # seconds into the step's command


def kill_points(seed: int, count: int, durations: list[float]) -> list[KillPoint]:
    """`count` kill points drawn with `seed` (printed by the callers), spread over the steps."""
    rng = random.Random(seed)
    return [
        KillPoint(step, rng.uniform(0.3, max(0.4, durations[step] * 0.95)))
        for step in (rng.randrange(len(STEPS)) for _ in range(count))
    ]


def command(step: int, site: GeneratedSite, db: Path) -> list[str]:
    name, _ = STEPS[step]
    if name == "crawl":
        return [ARCHIVER, "crawl", site.base_url + "/", "--db", str(db), *FAST]
    return [ARCHIVER, "reparse", "--db", str(db)]


def environment(state: SiteState, home: Path) -> dict[str, str]:
    return {**os.environ, "ARCHIVER_HOME": str(home), "ARCHIVER_NOW": state.now.isoformat()}


def run_sequence(
    seed: int, db: Path, home: Path, kill: KillPoint | None = None
) -> tuple[list[float], dict]:
    """The whole sequence into `db`; with `kill`, that step killed once, checked and run again.
    Returns each step's duration and what `db check` said after the kill (empty: no kill)."""
    state = site_state(seed)
    durations: list[float] = []
    checked: dict = {}
    with GeneratedSite(state) as site:
        for step, (_, changes) in enumerate(STEPS):
            if changes:
                evolve(state, new_comments=12, edits=2, deletions=1, vote_changes=3)
                site.changed()
            argv, env = command(step, site, db), environment(state, home)
            if kill is not None and kill.step == step:
                with subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) as killed:  # fmt: skip
                    time.sleep(kill.after)
                    killed.send_signal(signal.SIGKILL)
                checked = db_check(db, env)
            started = time.monotonic()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
            durations.append(time.monotonic() - started)
            assert done.returncode == 0, (step, done.stderr[-2000:])
    return durations, checked


def db_check(db: Path, env: dict[str, str]) -> dict:
    if not db.exists():  # killed before the archive was made
        return {"checks": [], "findings": []}
    result = subprocess.run([ARCHIVER, "db", "check", "--json", "--db", str(db)], env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    return json.loads(result.stdout) if result.stdout else {"findings": [result.stderr]}


ARTICLE_COLUMNS = (
    "url", "wp_post_id", "title", "category", "author", "published_at", "published_on",
    "modified_at", "body_text", "body_html", "comment_count", "comment_count_shown",
    "first_seen_at", "last_crawled_at", "gone_at",
)  # fmt: skip
COMMENT_COLUMNS = (
    "external_id", "kind", "depth", "position", "author", "posted_at", "posted_on",
    "posted_precision", "posted_raw", "body_text", "body_html", "votes", "first_seen_at",
    "last_seen_at", "deleted_at",
)  # fmt: skip


def archive_rows(db: Path | str) -> dict[str, list[tuple]]:
    """The archive's contract columns, keyed by (url, external_id), without ids and run ids:
    what two archives of the same history must share."""
    articles = query(str(db), f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles ORDER BY url")
    comments = query(
        str(db),
        f"SELECT a.url, {', '.join('c.' + c for c in COMMENT_COLUMNS)}, p.external_id AS parent "
        "FROM comments c JOIN articles a ON a.id = c.article_id "
        "LEFT JOIN comments p ON p.id = c.parent_id ORDER BY a.url, c.external_id",
    )
    history = query(
        str(db),
        "SELECT a.url, c.external_id, h.change, h.votes_before, h.votes, h.body_text, "
        "h.observed_at FROM comment_history h JOIN comments c ON c.id = h.comment_id "
        "JOIN articles a ON a.id = c.article_id ORDER BY a.url, c.external_id, h.observed_at",
    )
    return {
        "articles": [values(r) for r in articles],
        "comments": [values(r) for r in comments],
        "history": [values(r) for r in history],
    }


_SERVED_AT = re.compile(r"http://127\.0\.0\.1:\d+")
_INSTANT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")
# Two runs from one $ARCHIVER_NOW read clocks that advance in real time (issue 20, item 8):
# the same observation is at most this far apart in two archives of one history.
CLOCK_DRIFT = timedelta(minutes=10)


@dataclass(frozen=True, eq=False)
class Moment:
    """A recorded instant, equal to another within CLOCK_DRIFT."""

    at: datetime

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Moment) and abs(self.at - other.at) <= CLOCK_DRIFT

    __hash__ = None  # type: ignore[assignment]  # equality within a drift has no hash

    def __repr__(self) -> str:
        return f"~{self.at.isoformat()}"


def values(row: dict) -> tuple[object, ...]:
    """A row's values as text, the port each run's site was served on left out, instants as
    Moments."""
    return tuple(_value(value) for value in row.values())


def _value(value: object) -> object:
    shown = _SERVED_AT.sub("SITE", str(value))
    if _INSTANT.fullmatch(shown):
        return Moment(datetime.fromisoformat(shown))
    return shown

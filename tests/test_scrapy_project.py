"""The repository is a Scrapy project: `scrapy crawl article -a url=URL` works from its root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.archive_reader import query
from tests.conftest import ARTICLE_PATH

ROOT = Path(__file__).parent.parent


def test_scrapy_crawl_from_the_repo_root(seed_site, tmp_path) -> None:
    db = tmp_path / "scrapy.sqlite3"
    scrapy = Path(sys.executable).parent / "scrapy"
    result = subprocess.run(
        [str(scrapy), "crawl", "article", "-a", f"url={seed_site.url(ARTICLE_PATH)}",
         "-s", f"ARCHIVER_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("ARCHIVER_DB", "SCRAPY_SETTINGS_MODULE")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert query(str(db), "SELECT count(*) AS n FROM comments")[0]["n"] == 34
    run = query(str(db), "SELECT command, status FROM crawl_runs")[0]
    assert run == {"command": "scrapy crawl", "status": "ok"}


def test_scrapy_crawl_site_takes_the_crawl_lock_itself(tmp_path) -> None:
    from archiver.config import resolve_db_url
    from archiver.db.engine import open_archive
    from archiver.db.lock import crawl_lock
    from archiver.sitegen.model import generate
    from archiver.sitegen.server import GeneratedSite

    db = tmp_path / "scrapy.sqlite3"
    scrapy = Path(sys.executable).parent / "scrapy"
    with GeneratedSite(generate(6, (0, 4), seed=3)) as site:
        command = [str(scrapy), "crawl", "site", "-a", f"site_url={site.base_url}/",
                   "-a", "since=2000-01-01", "-s", f"ARCHIVER_DB={db}", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("ARCHIVER_DB", "SCRAPY_SETTINGS_MODULE")}  # fmt: skip
        engine = open_archive(resolve_db_url(str(db)))
        with crawl_lock(engine, [site.base_url.split("://", 1)[1]]):  # a cron run holds it
            locked = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                    timeout=120, env=environment)  # fmt: skip
        engine.dispose()
        assert "another archiver crawl of" in locked.stderr
        assert query(str(db), "SELECT count(*) AS n FROM articles")[0]["n"] == 0
        free = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env=environment)  # fmt: skip
    assert free.returncode == 0, free.stderr
    assert query(str(db), "SELECT count(*) AS n FROM articles")[0]["n"] == 6
    runs = query(str(db), "SELECT status FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["failed", "ok"]

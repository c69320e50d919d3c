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

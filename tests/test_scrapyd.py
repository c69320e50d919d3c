"""Deploying to a real Scrapyd on 127.0.0.1: build and upload the egg from deploy/scrapyd's
scrapy.cfg with scrapyd-deploy, schedule the site spider, and find its rows in the archive."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.sitegen.model import MARKUPS, generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import free_port
from tests.test_scrape_generated import expected_threads, stored_threads

DEPLOY = Path(__file__).parents[1] / "deploy" / "scrapyd"
BIN = Path(sys.executable).parent


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """A Scrapyd of our own on 127.0.0.1: its own port, eggs, logs and job database."""
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 1\n"
    )
    server = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(url + "/daemonstatus.json")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"scrapyd did not start: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_deploy_and_schedule_a_site_crawl(scrapyd: str, tmp_path: Path) -> None:
    project = tmp_path / "deploy"
    shutil.copytree(DEPLOY, project)
    cfg = project / "scrapy.cfg"
    cfg.write_text(cfg.read_text().replace("http://127.0.0.1:6800/", scrapyd + "/"))
    deployed = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "-p", "archiver", "--version", "1"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert _get(scrapyd + "/listspiders.json?project=archiver")["spiders"] == ["article", "site"]

    db = tmp_path / "archive.sqlite3"
    state = generate(20, (0, 25), seed=31, comments_per_page=10, markups=MARKUPS)
    with GeneratedSite(state) as site:
        form = [
            ("project", "archiver"), ("spider", "site"), ("site_url", site.base_url + "/"),
            ("setting", f"ARCHIVER_DB={db}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ]  # fmt: skip
        request = urllib.request.Request(
            scrapyd + "/schedule.json", data=urllib.parse.urlencode(form).encode()
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            job = json.load(response)["jobid"]
        deadline = time.monotonic() + 180
        while True:
            jobs = _get(scrapyd + "/listjobs.json?project=archiver")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.5)
    log = next((tmp_path / "scrapyd" / "logs").rglob(f"{job}.log")).read_text()
    assert stored_threads(str(db)) == expected_threads(state), log[-3000:]
    run = query(str(db), "SELECT command, status FROM crawl_runs")[0]
    assert run == {"command": "scrapy crawl", "status": "ok"}

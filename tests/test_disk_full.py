"""The disk filling up during a crawl (issue 19, item 8), on a small tmpfs mounted by the test
(root only; skipped with the reason elsewhere): the crawl stops at once with its summary and
exit 1, never a traceback; no row is stored without its raw page; `db check` finds the archive
sound; once there is room again, the next crawl completes it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.sitegen.model import generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_crawl_and_leaves_a_sound_archive(small_disk: Path) -> None:
    db = small_disk / "archive.sqlite3"
    state = generate(60, (10, 40), seed=8, comments_per_page=5)
    env = {"ARCHIVER_NOW": state.now.isoformat()}
    with GeneratedSite(state) as site:
        full = run_archiver("crawl", site.base_url + "/", "--db", str(db), *FAST,
                            home=small_disk, env=env)  # fmt: skip
        assert full.returncode == 1
        assert "Traceback" not in full.stderr and "Error caught" not in full.stderr
        assert "is full" in full.stderr and "the crawl stops" in full.stderr
        assert "run:" in full.stdout  # the summary
        checked = run_archiver("db", "check", "--db", str(db), home=small_disk)
        assert checked.returncode == 0, checked.stdout
        stored = query(str(db), "SELECT count(*) AS n FROM articles")[0]["n"]
        assert 0 < stored < 60
        unarchived = query(str(db), "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS "
                                    "(SELECT 1 FROM captures c WHERE c.article_id = a.id)")  # fmt: skip
        assert unarchived == [{"n": 0}]  # every stored article has its raw page
        subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
        again = run_archiver("crawl", site.base_url + "/", "--db", str(db), *FAST,
                             home=small_disk, env=env)  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert query(str(db), "SELECT count(*) AS n FROM articles")[0]["n"] == 60

"""The built distribution carries everything an installed `archiver` needs outside its source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
NEEDED = {
    "archiver/demo_site/grandfleet-article.html",
    "archiver/profiles/default.toml",
    "archiver/profiles/grandfleet.info.toml",
    "archiver/db/migrations/env.py",
    "archiver/db/migrations/script.py.mako",
    "archiver/db/migrations/versions/0001_baseline.py",
    "archiver/db/migrations/versions/0004_crawl_state.py",
    "archiver/db/schema.toml",  # Datasette metadata, docs reference
    "archiver/sitegen/vocabulary.txt",  # the demo site's generated comments
    "archiver/sitegen/server.py",
    "spiders/article.py",
    "spiders/site.py",
    "pipelines/store.py",
}


def test_wheel_contains_data_files_and_top_level_packages(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path, ROOT],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("archiver-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= NEEDED, f"missing from the wheel: {NEEDED - names}"
    assert not any(name.startswith(("tests/", "testsite/", "deploy/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "archiver = archiver.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

"""The built distribution: a name of its own, one top-level package with everything an installed
`archiver` needs outside its source tree, and a wheel that works installed away from the clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DISTRIBUTION = "comment-thread-archiver"  # "archiver" on PyPI is an unrelated package
NEEDED = {
    "archiver/demo_site/grandfleet-article.html",
    "archiver/parse/profiles/default.toml",
    "archiver/parse/profiles/grandfleet.info.toml",
    "archiver/db/migrations/env.py",
    "archiver/db/migrations/script.py.mako",
    "archiver/db/migrations/versions/0001_baseline.py",
    "archiver/db/migrations/versions/0004_crawl_state.py",
    "archiver/db/schema.toml",  # Datasette metadata, docs reference
    "archiver/sitegen/vocabulary.txt",  # the demo site's generated comments
    "archiver/sitegen/server.py",
    "archiver/spiders/article.py",
    "archiver/spiders/site.py",
    "archiver/pipelines/store.py",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy: setuptools' build/ folder in a checkout keeps files of earlier layouts.
    source = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "data", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"))  # fmt: skip
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, source],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("comment_thread_archiver-*.whl")
    return built


def test_wheel_holds_one_top_level_package_with_its_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= NEEDED, f"missing from the wheel: {NEEDED - names}"
    top_level = {
        name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")
    }
    assert top_level == {"archiver"}  # no generic `spiders` or `pipelines` beside it
    sources = {
        f"archiver/{path.relative_to(ROOT / 'archiver')}" for path in (ROOT / "archiver").rglob("*.py")
    } | {f"archiver/{folder}/{path.name}" for folder in ("spiders", "pipelines")
         for path in (ROOT / folder).glob("*.py")}  # fmt: skip
    assert sources <= names, f"modules missing from the wheel: {sorted(sources - names)}"
    dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert f"Name: {DISTRIBUTION}" in metadata and "License-Expression: MIT" in metadata
    assert any(n.startswith(f"{dist_info}/licenses/LICENSE") for n in names)
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "archiver = archiver.cli:main" in entry_points


def test_extras_name_the_distribution_itself() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION
    assert f"{DISTRIBUTION}[postgres,parquet,serve]" in project["optional-dependencies"]["dev"]


def test_installed_wheel_runs_away_from_the_clone(wheel: Path, tmp_path: Path) -> None:
    """Installed into a folder of its own (dependencies from this environment), run from
    elsewhere: the command, the Scrapy project by its settings module, no top-level spiders."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, wheel],
        check=True,
        capture_output=True,
    )
    environment = {
        **os.environ,
        "PYTHONPATH": str(target),
        "SCRAPY_SETTINGS_MODULE": "archiver.settings",
    }

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=tmp_path, env=environment,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    where = run("-c", "import archiver, archiver.spiders.site, archiver.pipelines.store; "
                      "print(archiver.__file__)")  # fmt: skip
    assert where.startswith(str(target)), where
    assert "ModuleNotFoundError" in subprocess.run(
        [sys.executable, "-c", "import spiders"], cwd=tmp_path, env=environment,
        capture_output=True, text=True,
    ).stderr  # fmt: skip
    assert run("-m", "scrapy", "list").split() == ["article", "site"]
    assert "crawl" in run("-m", "archiver", "--help")
    # its migrations are files of the installed package
    assert "schema at revision" in run("-m", "archiver", "db", "upgrade", "--db", "a.sqlite3")

"""`archiver demo`, the embedded default: no network, its own database, rebuilt each run."""

from __future__ import annotations

from tests.archive_reader import query
from tests.conftest import run_archiver


def test_demo_builds_its_own_database(tmp_path) -> None:
    first = run_archiver("demo", home=tmp_path)
    second = run_archiver("demo", home=tmp_path)

    for result in (first, second):
        assert result.returncode == 0, result.stderr
        assert "34 (deepest level 5)" in result.stdout
        assert "SELECT" in result.stdout  # a query to run next
    db = tmp_path / "demo.sqlite3"
    assert str(db.resolve()) in second.stdout
    # Rebuilt, not accumulated: one run, one copy of the thread.
    assert query(str(db), "SELECT count(*) AS n FROM crawl_runs")[0]["n"] == 1
    seed = "SELECT count(*) AS n FROM comments c JOIN articles a ON a.id = c.article_id "
    assert query(str(db), seed + "WHERE a.url LIKE '%russia-says-negotiations%'")[0]["n"] == 34
    assert query(str(db), "SELECT count(*) AS n FROM articles")[0]["n"] == 37
    assert query(str(db), "SELECT count(DISTINCT comment_markup) AS n FROM articles")[0]["n"] >= 3
    assert not (tmp_path / "archive.sqlite3").exists()

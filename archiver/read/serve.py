"""The archive in Datasette, read-only: every table described, canned queries for common questions."""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from archiver.db.schema_doc import schema_descriptions

PLUGINS = Path(__file__).with_name("datasette_plugins")  # loaded by Datasette from files

# Canned queries, SQLite SQL over the contract tables. Datasette passes parameters as text;
# comparisons with integer columns convert them (SQLite column affinity).
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "thread": {
        "title": "A thread as a tree",
        "description": "Present comments of one article (its id or URL) in display order, "
        "indented by depth.",
        "sql": """
SELECT t.position,
       substr('                              ', 1, 2 * (t.depth - 1))
           || CASE t.author WHEN '' THEN '(no name)' ELSE t.author END AS author,
       t.posted_on, t.votes, t.reply_count, t.body_text
FROM comment_tree t
WHERE t.article_id = (SELECT id FROM articles WHERE id = :article OR url = :article)
  AND t.deleted_at IS NULL
ORDER BY t.path""",
    },
    "busiest_threads": {
        "title": "Busiest threads this week",
        "description": "Articles with the most comments posted in the last 7 days.",
        "sql": """
SELECT a.id AS article_id, a.title, a.url, count(*) AS comments_this_week,
       max(c.posted_at) AS last_comment_at
FROM comments c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'comment' AND c.deleted_at IS NULL
  AND c.posted_at >= strftime('%Y-%m-%d %H:%M:%S', 'now', '-7 days')
GROUP BY a.id, a.title, a.url
ORDER BY comments_this_week DESC, last_comment_at DESC
LIMIT 50""",
    },
    "top_voted": {
        "title": "Top-voted comments",
        "description": "The comments with the most votes, with their article and a link.",
        "sql": """
SELECT c.votes, c.author, c.posted_on, substr(c.body_text, 1, 200) AS body,
       a.title AS article, a.url || '#comment-' || c.external_id AS link
FROM comments c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'comment' AND c.deleted_at IS NULL AND c.votes IS NOT NULL
ORDER BY c.votes DESC, c.posted_at DESC
LIMIT 100""",
    },
    "search": {
        "title": "Search comments",
        "description": "Comments containing the text, newest first: three characters or more "
        "through the trigram index, shorter ones by a scan.",
        "sql": """
SELECT c.posted_on, c.author, c.body_text, a.title AS article,
       a.url || '#comment-' || c.external_id AS link
FROM comments c JOIN articles a ON a.id = c.article_id
WHERE CASE WHEN length(:q) >= 3
           THEN c.id IN (SELECT rowid FROM comment_search
                         WHERE comment_search MATCH '"' || replace(:q, '"', '""') || '"')
           ELSE c.body_text LIKE '%' || :q || '%' END
  AND c.deleted_at IS NULL
ORDER BY c.posted_at DESC
LIMIT 200""",
    },
}


def datasette_metadata(database_name: str) -> dict[str, Any]:
    """Datasette metadata: descriptions of every table and column, and the canned queries."""
    described = schema_descriptions()
    tables: dict[str, Any] = {}
    for kind in ("tables", "views"):
        for name, entry in described[kind].items():
            tables[name] = {"description": entry["description"], "columns": entry["columns"]}
    # Datasette's own search box on comments and articles uses the FTS5 trigram tables.
    tables["comments"] |= {"fts_table": "comment_search", "fts_pk": "id"}
    tables["articles"] |= {"fts_table": "article_search", "fts_pk": "id"}
    return {
        "title": "archiver",
        "description": "Japanese articles and their comment threads, as archived. "
        "Times ending in _at are UTC; dates ending in _on are the site's local dates.",
        "databases": {
            database_name: {
                "tables": tables,
                "queries": {name: dict(query) for name, query in CANNED_QUERIES.items()},
            }
        },
    }


def serve(path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette's own `serve` on the SQLite archive at `path` until interrupted.

    Datasette opens a database it may not treat as immutable with mode=ro, so the archive is
    read-only to it while a crawler goes on writing. Returns Datasette's exit status.
    """
    if importlib.util.find_spec("datasette") is None:
        raise ServeUnavailable(
            "archiver serve needs Datasette: pip install 'comment-thread-archiver[serve]'"
        )
    with tempfile.TemporaryDirectory(prefix="archiver-serve-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(path.stem), ensure_ascii=False))
        command = [
            sys.executable, "-m", "datasette", "serve", str(path),
            "--metadata", str(metadata),
            "--plugins-dir", str(PLUGINS),
            "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "5000",
        ]  # fmt: skip
        # Stopped with SIGTERM or SIGHUP (a supervisor, `kill`): Datasette stops with us, never
        # left serving on its own. The handlers are in place before it starts (a signal in
        # between would leave it behind), and a kill -9 of ours reaches it as SIGTERM.
        started: list[subprocess.Popen] = []
        stopping: list[int] = []

        def stop(signum: int, _frame: object) -> None:
            stopping.append(signum)
            for server in started:
                server.send_signal(signum)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            parent = os.getpid()
            server = subprocess.Popen(command, preexec_fn=lambda: _dies_with(parent))
            started.append(server)
            if stopping:  # asked to stop while it was starting
                server.send_signal(stopping[0])
            return server.wait()
        except KeyboardInterrupt:  # Ctrl-C reached Datasette too: it stops by itself
            server.wait()
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _dies_with(parent: int) -> None:
    """In the child, before Datasette runs: the kernel sends it SIGTERM when we die, however
    we die (Linux PR_SET_PDEATHSIG); a parent already gone means exit at once."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


class ServeUnavailable(RuntimeError):
    """Datasette is not installed."""

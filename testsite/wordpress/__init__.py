"""A real WordPress (Debian's `wordpress` package) on 127.0.0.1, loaded with known threads.

`up(variant)` installs the apt packages when missing, creates the variant's own MariaDB database
on 127.0.0.1:3306 (root, no password), writes its Debian config file, serves WordPress with PHP's
built-in server on a free loopback port, and loads the test content (the seed's 34-comment
thread, a long thread, entities/emoji/`<br>`/empty authors, a pingback) through WordPress's own
API. `down()` stops everything and drops the databases. Both are idempotent.

Command line: `python -m testsite.wordpress up [VARIANT ...] | down | status`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from archiver.sitegen.model import CATEGORIES, JST, SiteArticle, SiteComment, SiteState, generate

HERE = Path(__file__).parent
WORDPRESS = Path("/usr/share/wordpress")
CONFIG_DIR = Path("/etc/wordpress")
STATE_DIR = Path(os.environ.get("ARCHIVER_WP_STATE", "/tmp/archiver-wordpress"))
APT_PACKAGES = [
    "wordpress",
    "wordpress-theme-twentytwentyone",
    "wordpress-theme-twentytwentythree",
    "php-cli",
    "php-mysql",
]
SEED_EXPECTED = HERE.parents[1] / "tests/fixtures/tcd/grandfleet-2021-12-23/expected.json"


@dataclass(frozen=True)
class Variant:
    theme: str
    comments_per_page: int | None  # None: one page

    @property
    def markup(self) -> str:
        return "wp-block" if self.theme == "twentytwentythree" else "wp-classic"


VARIANTS = {
    "classic": Variant("twentytwentyone", None),
    "classic-paged": Variant("twentytwentyone", 10),
    "block": Variant("twentytwentythree", None),
    "block-paged": Variant("twentytwentythree", 10),
}


class WordPressUnavailable(RuntimeError):
    """The test bed cannot start here; the message says why."""


@dataclass
class RunningWordPress:
    variant: str
    name: str  # the variant, or variant-instance: what stop()/remove() take
    base_url: str
    state: SiteState  # the loaded content, with WordPress's ids
    pid: int
    post_urls: dict[int, str] = field(default_factory=dict)  # post id → permalink

    def url(self, path: str) -> str:
        return self.base_url + path


def up(
    variant: str,
    state: SiteState | None = None,
    instance: str = "",
    shown_comments: int | None = None,
) -> RunningWordPress:
    """Serve `variant` loaded with `state` (default: `content()`).

    `instance` keeps runs apart (its own database, config and server): two test runs on one
    machine, say CI and a developer, never stop or reload each other's WordPress.
    `shown_comments`: the theme prints only each thread's first N comments (a "load more"
    plugin's page), the REST API still lists them all.
    """
    settings = VARIANTS[variant]
    name = f"{variant}-{instance}" if instance else variant
    ensure_packages()
    _mariadb(f"CREATE DATABASE IF NOT EXISTS {_database(name)} CHARACTER SET utf8mb4")
    _write_config(name)
    stop(name)
    port = _free_port()
    host = f"127.0.0.1:{port}"
    environment = {**os.environ, "WORDPRESS_CONFIG": _config_name(name), "HTTP_HOST": host}
    if shown_comments is not None:
        environment["ARCHIVER_SHOWN_COMMENTS"] = str(shown_comments)
    state = state or content()
    ids = _load(settings, state, environment)
    _renumber(state, ids)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    log = open(STATE_DIR / f"{name}.log", "ab")  # noqa: SIM115 - the server keeps it
    server = subprocess.Popen(
        ["php", "-S", host, "-t", str(WORDPRESS), str(HERE / "router.php")],
        env=environment,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    (STATE_DIR / f"{name}.pid").write_text(str(server.pid))
    base = f"http://{host}"
    _wait_until_serving(base + "/robots.txt", server)
    running = RunningWordPress(variant, name, base, state, server.pid)
    for article in state.articles.values():
        running.post_urls[article.id] = base + article.path
    return running


def stop(name: str) -> None:
    """Stop the server of a running site (a variant, or variant-instance)."""
    pid_file = STATE_DIR / f"{name}.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError, PermissionError):
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink()


def remove(name: str) -> None:
    """Stop a site and drop its database and config."""
    stop(name)
    if shutil.which("mariadb"):
        with contextlib.suppress(WordPressUnavailable):
            _mariadb(f"DROP DATABASE IF EXISTS {_database(name)}")
    (CONFIG_DIR / f"config-{_config_name(name)}.php").unlink(missing_ok=True)


def down() -> None:
    """Stop every site of the test bed and drop its databases."""
    names = set(VARIANTS)
    names |= {
        p.stem.removeprefix("config-archiver-") for p in CONFIG_DIR.glob("config-archiver-*.php")
    }
    for name in sorted(names):
        remove(name)


def ensure_packages() -> None:
    """Install Debian's WordPress, the two themes, PHP and its MySQL driver when missing."""
    if (WORDPRESS / "wp-settings.php").exists() and shutil.which("php") and _php_has_mysqli():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise WordPressUnavailable("Debian's wordpress package is missing and apt-get can't run")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *APT_PACKAGES]):
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise WordPressUnavailable(f"{' '.join(command[:2])} failed: {last}")


def content(seed: int = 7) -> SiteState:
    """What every variant holds: the seed thread, a long thread, and varied smaller ones."""
    state = generate(6, (3, 40), seed=seed, markups=("wp",), max_depth=5)
    long = generate(1, 300, seed=seed + 1, max_depth=6).articles[1]
    long.id, long.slug = 0, "long-thread"
    _add(state, long)
    _add(state, seed_article())
    return state


def seed_article() -> SiteArticle:
    """The seed page's 34-comment thread with its nesting, authors, days and vote counts."""
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    comments: list[SiteComment] = []
    by_position: dict[int, SiteComment] = {}
    for row in expected["comments"]:
        day = date.fromisoformat(row["posted_on"])
        posted = datetime(day.year, day.month, day.day, 8, tzinfo=JST) + timedelta(
            minutes=7 * row["position"]
        )
        paragraphs = [p.split("\n") for p in row["body_text"].split("\n\n")]
        parent = by_position[row["parent_position"]].id if row["parent_position"] else None
        comment = SiteComment(
            id=row["position"],
            parent=parent,
            author=row["author"],
            posted=posted,
            body=paragraphs,
            votes=row["votes"],
        )
        by_position[row["position"]] = comment
        comments.append(comment)
    published = datetime.fromisoformat(expected["article"]["published_at"]).astimezone(JST)
    return SiteArticle(
        id=0,
        slug="russia-nato-talks",
        title=expected["article"]["title"],
        category="russia",
        tags=["NATO", "ロシア"],
        published=published,
        modified=published,
        body=[
            "ロシアのラブロフ外相は22日、新しい安全保障条約について交渉が1月に開始されると明かした。"
        ],
        comments=comments,
    )


def _add(state: SiteState, article: SiteArticle) -> None:
    """Give a borrowed article fresh post and comment ids in `state`."""
    article.id = state.next_post_id
    state.next_post_id += 1
    first = state.next_comment_id
    _renumber_comments(article, {c.id: first + n for n, c in enumerate(article.comments)})
    state.next_comment_id = first + len(article.comments)
    state.articles[article.id] = article


def _load(settings: Variant, state: SiteState, environment: dict[str, str]) -> dict:
    options = {
        "permalink_structure": "/%year%/%monthnum%/%day%/%postname%/",
        "date_format": "Y年n月j日",
        "time_format": "H:i",
        "timezone_string": "Asia/Tokyo",
        "WPLANG": "ja",
        "show_avatars": "0",
        "thread_comments": "1",
        "thread_comments_depth": "10",
        "page_comments": "1" if settings.comments_per_page else "0",
        "comments_per_page": str(settings.comments_per_page or 50),
        "default_comments_page": "newest",
        "comment_order": "asc",
        "comment_moderation": "0",
        "blog_public": "1",
    }
    posts = [
        {
            "id": article.id,
            "title": article.title,
            "slug": article.slug,
            "content": "\n\n".join(article.body),
            "date": f"{article.published.astimezone(JST):%Y-%m-%d %H:%M:%S}",
            "date_gmt": f"{article.published.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            "category": CATEGORIES[article.category],
            "tags": article.tags,
            "comments": [
                {
                    "id": c.id,
                    "parent": c.parent,
                    "author": c.author,
                    "url": ping_source(c) if c.kind != "comment" else "",
                    "content": "\n\n".join("\n".join(lines) for lines in c.body),
                    "date": f"{c.posted.astimezone(JST):%Y-%m-%d %H:%M:%S}",
                    "date_gmt": f"{c.posted.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                    "type": c.kind if c.kind != "comment" else "comment",
                }
                for c in article.comments
            ],
        }
        for article in state.articles.values()
    ]
    done = subprocess.run(
        ["php", str(HERE / "load.php")],
        input=json.dumps({"options": options, "theme": settings.theme, "posts": posts}),
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise WordPressUnavailable(
            f"loading WordPress failed: {(done.stderr or done.stdout)[-500:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ping_source(comment: SiteComment) -> str:
    """The linking site a ping names (from its author, so it survives WordPress's renumbering)."""
    return f"https://example.org/{quote(comment.author)}/"


def _renumber(state: SiteState, ids: dict) -> None:
    """Our ids → WordPress's, so expected rows use the ids the pages show."""
    posts = {int(k): v for k, v in ids["posts"].items()}
    comments = {int(k): v for k, v in ids["comments"].items()}
    articles = {}
    for article in state.articles.values():
        article.id = posts[article.id]
        _renumber_comments(article, comments)
        articles[article.id] = article
    state.articles = articles


def _renumber_comments(article: SiteArticle, new_ids: dict[int, int]) -> None:
    """Give every comment of `article` its id in `new_ids`, its parent link following."""
    for comment in article.comments:
        comment.id = new_ids[comment.id]
        comment.parent = new_ids[comment.parent] if comment.parent else None


def _write_config(name: str) -> None:
    CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    (CONFIG_DIR / f"config-{_config_name(name)}.php").write_text(
        f"""<?php
// archiver's WordPress test bed ({name}); written by testsite/wordpress, removed by `down`.
define('DB_NAME', '{_database(name)}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '127.0.0.1:3306');
define('WP_HOME', 'http://' . $_SERVER['HTTP_HOST']);
define('WP_SITEURL', 'http://' . $_SERVER['HTTP_HOST']);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
$table_prefix = 'wp_';
"""
    )


def _config_name(name: str) -> str:
    return f"archiver-{name}"


def _database(name: str) -> str:
    return "archiver_wp_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def _mariadb(sql: str) -> None:
    if not shutil.which("mariadb"):
        raise WordPressUnavailable("the mariadb client is not installed")
    done = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e", sql],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise WordPressUnavailable(f"MariaDB on 127.0.0.1:3306: {done.stderr.strip()}")


def _php_has_mysqli() -> bool:
    done = subprocess.run(["php", "-m"], capture_output=True, text=True)
    return "mysqli" in done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise WordPressUnavailable(f"php -S exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise WordPressUnavailable(f"WordPress did not answer {url} within {seconds:.0f} s")

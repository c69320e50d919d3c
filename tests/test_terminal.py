"""Hostile text in a page never drives the reader's terminal (issue 18, item 3): whatever a
title, author or comment holds, every command prints it without control characters and with
bidirectional controls escaped, while the archive keeps it exactly as the page had it."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from archiver.cli.terminal import json_text, shown, terminal_text
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

# OSC 52 (write the clipboard), OSC 8 (a hidden link), CSI (clear the screen), a C1 CSI, a bare
# CR that would overwrite the line, DEL, and a right-to-left override.
HOSTILE = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]8;;http://127.0.0.2/\x1b\\見て\x1b]8;;\x1b\\\x1b[2J\x9b31m\r\x7f\u202e"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_page() -> bytes:
    html = page(SPRING, "legacy-walker")
    html = html.replace("春の便り</h1>", f"春の便り{HOSTILE}</h1>")
    html = html.replace('<cite class="fn">山田</cite>', f'<cite class="fn">山田{HOSTILE}</cite>', 1)
    html = html.replace("本当ですか。", f"本当ですか。{HOSTILE}")
    return html.encode("utf-8")


def test_terminal_text_drops_controls_and_escapes_bidi() -> None:
    assert (
        terminal_text("a\tb\nc" + HOSTILE)
        == "a\tb\nc]52;c;ZWNobyBwd25lZA==]8;;http://127.0.0.2/\\見て]8;;\\[2J31m\\u202e"
    )
    assert shown("[bold]x\x1b[0m") == "\\[bold]x[0m"
    document = json.dumps({"t": HOSTILE}, ensure_ascii=False)
    assert json.loads(json_text(document)) == {"t": HOSTILE}  # the same JSON
    assert not FORBIDDEN.search(json_text(document))


def test_no_command_prints_what_the_page_hid(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    with LocalSite({"/spring/": Page(hostile_page())}) as site:
        url = site.url("/spring/")
        results = [run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)]
    assert results[0].returncode == 0, results[0].stderr
    for command in (["thread", url], ["thread", url, "--json"], ["search", "本当"],
                    ["search", "本当", "--json"], ["stats"], ["stats", "--json"]):  # fmt: skip
        results.append(run_archiver(*command, "--db", db, home=tmp_path))
        assert results[-1].returncode == 0, (command, results[-1].stderr)
    for result in results:
        for stream in (result.stdout, result.stderr):
            assert not FORBIDDEN.search(stream), (result.args, FORBIDDEN.findall(stream))
    assert "\\u202e" in results[1].stdout  # the override is shown, not obeyed
    # The archive keeps the text as the page had it (HTML reads a CR as a newline).
    read = HOSTILE.replace("\r", "\n")
    title = query(db, "SELECT title FROM articles")[0]["title"]
    assert title == f"春の便り{read}"
    bodies = [row["body_text"] for row in query(db, "SELECT body_text FROM comments")]
    # In a comment's text and name a line break inside a line is a space (SPEC: text rule).
    assert f"本当ですか。{HOSTILE.replace(chr(13), ' ')}今年は早いですね。" in bodies
    authors = {row["author"] for row in query(db, "SELECT author FROM comments")}
    assert f"山田{HOSTILE.replace(chr(13), ' ')}" in authors


def on_a_terminal(*args: str, home: Path) -> str:
    """What the command prints with its stdout on a pseudo-terminal (as a user sees it)."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "ARCHIVER_DB"}
    environment["ARCHIVER_HOME"] = str(home)
    with subprocess.Popen([str(Path(sys.executable).with_name("archiver")), *args],
                          stdout=follower, stderr=subprocess.PIPE, env=environment) as process:  # fmt: skip
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the follower closed: Linux says EIO
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8")


def test_export_to_a_terminal_is_safe_and_to_a_pipe_as_archived(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    with LocalSite({"/spring/": Page(hostile_page())}) as site:
        assert run_archiver("scrape", site.url("/spring/"), "--db", db, *FAST,
                            home=tmp_path).returncode == 0  # fmt: skip
    for fmt in ("jsonl", "csv"):
        shown = on_a_terminal("export", "comments", "-o", "-", "--format", fmt, "--db", db,
                              home=tmp_path)  # fmt: skip
        # The terminal's own line discipline turns \n into \r\n: that CR is not the page's.
        assert not FORBIDDEN.search(shown.replace("\r\n", "\n")), (fmt, FORBIDDEN.findall(shown))
        assert "本当ですか。" in shown
    jsonl = on_a_terminal("export", "comments", "-o", "-", "--format", "jsonl", "--db", db,
                          home=tmp_path)  # fmt: skip
    rows = [json.loads(line) for line in jsonl.replace("\r\n", "\n").splitlines() if line]
    piped = run_archiver("export", "comments", "-o", "-", "--format", "jsonl", "--db", db,
                         home=tmp_path)  # fmt: skip
    # The same JSON either way; only a terminal gets it escaped.
    assert rows == [json.loads(line) for line in piped.stdout.splitlines()]
    assert FORBIDDEN.search(piped.stdout)

"""The archiving tools of tests/tools-requirements.txt (py-wacz, pywb), run as their users run
them; `make test` installs them in .venv/tools."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port, require_service

TOOLS = Path(__file__).parent.parent / ".venv" / "tools" / "bin"


def archiving_tool(name: str) -> str:
    """The path of one tool (wacz, wb-manager, wayback); a skip (a failure in CI) without it."""
    tool = TOOLS / name
    if not tool.exists():
        require_service(name, f"not installed at {tool} (make test installs it)")
    return str(tool)


def run_tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([archiving_tool(name), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@contextmanager
def wayback(root: Path, *options: str) -> Iterator[int]:
    """pywb's server over the collections under `root`, on 127.0.0.1; its port. Stopped (its
    WARC files closed) on leaving."""
    port = free_port()
    server = subprocess.Popen(
        [archiving_tool("wayback"), "-b", "127.0.0.1", "-p", str(port), *options],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "wayback did not start"
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)

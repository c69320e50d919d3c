"""`export -o` writes to what it is given (issue 19, item 5): a regular file is replaced only
when complete, keeping its mode and owner; a symlink's target is written and the link kept; a
FIFO or a device is written through, never replaced; a directory is refused."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from tests.conftest import run_archiver

RELEASE = Path(__file__).parent / "fixtures" / "archives" / "0005-release-0.2.0.sqlite3"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    home = tmp_path_factory.mktemp("export")
    db = home / "archive.sqlite3"
    shutil.copy(RELEASE, db)
    assert run_archiver("db", "upgrade", "--db", str(db), home=home).returncode == 0
    return str(db)


def export(archive: str, target: Path, *more: str):
    return run_archiver("export", "articles", "--format", "jsonl", "-o", str(target),
                        "--db", archive, *more, home=target.parent)  # fmt: skip


def test_a_regular_file_keeps_its_mode_and_owner(archive: str, tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    owner = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())  # nobody
    if os.getuid() == 0:
        os.chown(target, *owner)
    assert export(archive, target).returncode == 0
    status = target.stat()
    assert stat.S_IMODE(status.st_mode) == 0o600 and (status.st_uid, status.st_gid) == owner
    assert target.read_text().startswith('{"')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.jsonl"]  # no .part left


def test_a_symlink_is_followed_and_kept(archive: str, tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert export(archive, link).returncode == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text().startswith('{"')


def test_a_fifo_is_written_through(archive: str, tmp_path: Path) -> None:
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = export(archive, fifo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b'{"')


def test_a_device_is_written_through_and_a_full_one_is_an_error(archive: str) -> None:
    if os.getuid() != 0:
        pytest.skip("replacing /dev/full needs root to be possible at all")
    device = Path("/dev/full")
    before = device.stat()
    result = export(archive, device)
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "No space left" in result.stderr
    after = device.stat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_a_directory_is_refused(archive: str, tmp_path: Path) -> None:
    result = export(archive, tmp_path)
    assert result.returncode == 1 and "is a directory" in result.stderr

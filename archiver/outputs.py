"""An output file a command writes (`export -o`, `export wacz -o`), written as it is given: a
regular file replaced only once complete, anything else written through."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def replacing(path: Path, *, binary: bool = False, encoding: str = "utf-8") -> Iterator[Any]:
    """A stream onto `path`: a regular file (or none yet) is written beside it and renamed onto
    it only when complete, keeping its mode and owner; anything else (a FIFO, a device, a
    terminal) is written to as it is. Through a symlink, its target is what is written."""
    target = path.resolve() if path.is_symlink() else path
    if target.is_dir():
        raise IsADirectoryError(f"{path} is a directory: give a file to write to")
    if target.exists() and not target.is_file():
        with _stream(target, binary, encoding) as stream:  # write through: never replace it
            yield stream
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = target.stat() if target.exists() else None
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    partial = Path(name)
    try:
        with _stream(handle, binary, encoding) as stream:
            yield stream
        if existing is not None:  # the file it replaces: same permissions, same owner
            os.chmod(partial, stat.S_IMODE(existing.st_mode))
            if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                os.chown(partial, existing.st_uid, existing.st_gid)
        else:  # a new file: the permissions a plain open would give it (mkstemp's are 0600)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _stream(file: int | Path, binary: bool, encoding: str) -> IO[Any]:
    if binary:
        return open(file, "wb")
    return open(file, "w", encoding=encoding, newline="")

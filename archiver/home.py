"""The data home: where archiver keeps its files (`$ARCHIVER_HOME`, else `./data`)."""

from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    """`$ARCHIVER_HOME` if set, else `./data` under the current directory; absolute."""
    return Path(os.environ.get("ARCHIVER_HOME") or Path.cwd() / "data").resolve()

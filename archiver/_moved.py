"""Old import paths kept for one release (0.2) after the modules moved into rooms (0.1 → 0.2).

Each old module is a stub whose attributes come from the new module, with a DeprecationWarning
that names the new path. Only paths the README or SPEC named are kept; remove them in 0.3.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any

# old path → new path
MOVED = {
    "archiver.dates": "archiver.parse.dates",
    "archiver.db.search": "archiver.read.search",
}


def forward(old: str) -> Callable[[str], Any]:
    """A module `__getattr__` for `old` that finds each name in its new module."""
    new = MOVED[old]

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(importlib.import_module(new), name)
        warnings.warn(
            f"{old} moved to {new}; import {name} from there ({old} goes in 0.3)",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__

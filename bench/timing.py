"""Timing shared by the benchmarks: a rate measured over repeated passes, never a single shot."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any


def rate(
    function: Callable[[Any], object], inputs: Sequence[Any], min_seconds: float = 2.0
) -> float:
    """Calls per second, repeating `inputs` until at least `min_seconds` have passed."""
    done, start = 0, time.perf_counter()
    while True:
        for value in inputs:
            function(value)
        done += len(inputs)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed

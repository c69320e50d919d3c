"""archiver: a faithful, queryable archive of Japanese news/blog articles and their comment threads.

The Python API is the product; the `archiver` command is a thin layer over it (see `archiver.api`).
"""

from __future__ import annotations

__version__ = "0.2.0"

"""Deprecated: moved to `archiver.parse.dates` (this path goes in 0.3)."""

from archiver._moved import forward

__getattr__ = forward(__name__)

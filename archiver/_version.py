"""The release: one place, read by the package, its WARC records and its User-Agent."""

__version__ = "0.2.0"

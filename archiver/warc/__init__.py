"""The raw page archive: every response a crawl receives, in standard WARC files."""

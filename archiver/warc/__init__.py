"""The raw page archive: every response a crawl receives, in standard WARC files, read back to
re-parse (`archiver reparse`) or to import another tool's crawl."""

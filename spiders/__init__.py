"""Scrapy spiders: what to fetch and in what order. Parsing lives in `archiver.parse.extraction`."""

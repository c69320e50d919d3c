"""Crawling: the Scrapy components archiver adds (middlewares, progress, health) and the crawl's
decisions (what to fetch, when to look again). The spiders and pipelines are `archiver.spiders`
and `archiver.pipelines`, kept in the repository's spiders/ and pipelines/ folders.
"""

"""Parsing: pages, dates, URLs and listings → items, as pure functions of their text.

Nothing here imports Scrapy, Twisted or SQLAlchemy (tests/test_layout.py checks it), so every
parser runs on a saved page with no network and no database.
"""

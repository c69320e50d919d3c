"""Scrapy item pipelines: normalize dates, rebuild reply trees, keep everything in the archive."""

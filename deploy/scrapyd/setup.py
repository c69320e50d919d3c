"""The egg `scrapyd-deploy` uploads: no code, only the settings entry point Scrapyd reads.

archiver's code, with its migrations and profiles, comes from the archiver package installed on
the Scrapyd host; this egg tells Scrapyd that project `archiver` runs with archiver.settings.
"""

from setuptools import setup

setup(
    name="archiver-scrapyd",
    version="1.0",
    packages=[],
    entry_points={"scrapy": ["settings = archiver.settings"]},
)

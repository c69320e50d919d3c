"""robots.txt obeyed by every request, not only by the first one that waited for it, and its
Crawl-delay kept as the least wait between two requests to the site.

Scrapy 2.19's RobotsTxtMiddleware parks the requests that arrive while a site's robots.txt is
being fetched on one Deferred; only the first gets the parsed rules, the others are resumed
with None and pass unchecked (a crawl's sitemap and feed requests, the 3rd and 4th URL of a
`scrape`). Here each of them reads the rules from where the fetch left them. Scrapy ignores
Crawl-delay; here it becomes the site's download slot delay (no jitter below it), and the
AutoThrottle below never lowers a slot under the delay its DOWNLOAD_SLOTS entry names.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.spiders import Spider
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from archiver import runstats

logger = logging.getLogger(__name__)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        agent = self._robotstxt_useragent or self._default_useragent
        read_delay = getattr(parser, "crawl_delay", None)
        delay = read_delay(agent) if read_delay else None
        if not delay or delay <= 0:
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        wanted = downloader.per_slot_settings.setdefault(key, {})
        wanted["delay"] = max(float(delay), float(wanted.get("delay", 0)))
        wanted["jitter"] = 0.0
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, wanted["delay"]), 0.0
        self._stats.set_value(runstats.crawl_delay(key), wanted["delay"])
        logger.info("%s asks for %.1f s between requests (robots.txt Crawl-delay)", netloc, delay)


class FlooredAutoThrottle(AutoThrottle):
    """AutoThrottle that never goes under a slot's own delay (a site's Crawl-delay)."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if floor is not None and slot.delay < floor:
            slot.delay = float(floor)

"""robots.txt obeyed by every request, not only by the first one that waited for it.

Scrapy 2.19's RobotsTxtMiddleware parks the requests that arrive while a site's robots.txt is
being fetched on one Deferred; only the first gets the parsed rules, the others are resumed
with None and pass unchecked (a crawl's sitemap and feed requests, the 3rd and 4th URL of a
`scrape`). Here each of them reads the rules from where the fetch left them.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled

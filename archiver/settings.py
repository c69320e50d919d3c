"""Scrapy settings for archiver: the one place crawl behaviour is configured.

`scrapy.cfg` points here, so `scrapy crawl article -a url=URL` from the repo root uses the same
settings as `archiver scrape URL`. Settings named ARCHIVER_* are ours; the rest are Scrapy's.
"""

from __future__ import annotations

from archiver._version import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# Say who we are; site operators can find us in their logs. ARCHIVER_CONTACT (a URL or an
# e-mail address) is added to it so they can reach whoever runs the crawl.
USER_AGENT = f"archiver/{__version__} (article and comment archiver; Scrapy)"
ARCHIVER_CONTACT = None

# Politeness by default: robots.txt obeyed, one request at a time per site, a delay that
# AutoThrottle stretches when the site slows down.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# A one-off scrape should fail in seconds, not Scrapy's default three minutes.
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
# Retries wait first: as long as a 429/503's Retry-After asks, else 1 s, 2 s, 4 s… (capped).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Scrapy's own hands robots.txt's rules to the first waiting request only (crawl/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.crawling.robots.SharedRobotsTxtMiddleware": 100,
    "archiver.crawling.middlewares.PoliteRetryMiddleware": 550,
    # Scrapy's decoders, refusing what they cannot undo (the reader of the WARC uses the same).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "archiver.crawling.compression.ContentDecodingMiddleware": 590,
    # Before robots.txt (100): a redirect elsewhere must not fetch even that site's robots.txt.
    "archiver.crawling.middlewares.StayOnSiteMiddleware": 50,
    # Next to the downloader: what the server sent, before decompression, retries, redirects.
    "archiver.warc.middleware.WarcMiddleware": 950,
}
# Our errbacks log each final failure as an error with its URL; Scrapy's own "gave up
# retrying" line is the same failure, so it is a warning (not counted twice in the run's errors).
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
ARCHIVER_RETRY_BACKOFF = 1.0
ARCHIVER_RETRY_MAX_WAIT = 120.0
# 404/410 reach the spider: a known article that answers them is marked gone, not forgotten.
HTTPERROR_ALLOWED_CODES = [404, 410]
# Article pages with long threads can be large; refuse the absurd, warn on the big.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# Scrapy 2.19 starts an HTTP remote-control server by default, and the telnet console listens
# on a port: an unattended archiver needs neither.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Backpressure: stop taking responses while 1 MB of them wait for parsing and storing (Scrapy's
# default, 5 MB, lets a crawl whose writer is the slower side queue ~100 MB of parsed threads).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000

# Failed and dropped items named by their URL in the log, not by every field (crawl/logformat.py).
LOG_FORMATTER = "archiver.crawling.logformat.ItemNamingLogFormatter"
EXTENSIONS = {
    "archiver.crawling.progress.CrawlProgress": 500,
    # AutoThrottle that keeps a site's robots.txt Crawl-delay as its least delay (crawl/robots.py).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "archiver.crawling.robots.FlooredAutoThrottle": 0,
}
# Progress of a crawl: "bar" on a terminal, "log" for a line every ARCHIVER_PROGRESS_INTERVAL
# seconds, None for neither (the CLI picks bar or log; `scrapy crawl` keeps Scrapy's LogStats).
ARCHIVER_PROGRESS = None
ARCHIVER_PROGRESS_INTERVAL = 60.0

ITEM_PIPELINES = {
    "archiver.pipelines.dates.DateNormalizationPipeline": 300,
    "archiver.pipelines.replytree.ReplyTreePipeline": 400,
    "archiver.pipelines.rest.RestCrossCheckPipeline": 500,
    "archiver.pipelines.store.ArchiveStorePipeline": 800,
}

# --- archiver's own settings -------------------------------------------------------------
# Database: a SQLite path or SQLAlchemy URL; None means $ARCHIVER_DB or <data home>/archive.sqlite3.
ARCHIVER_DB = None
# What the crawl_runs row records as the command and its arguments.
ARCHIVER_RUN_COMMAND = "scrapy crawl"
ARCHIVER_RUN_ARGUMENTS = None
# Site keys the archive names other names of a site (`archiver sites alias`): alias → site key.
# The CLI and API read them from the archive; redirects between a site's names are followed.
ARCHIVER_SITE_ALIASES: dict[str, str] = {}
# The PostgreSQL crawl locks `archiver crawl` holds ({"pid", "keys"}): every write checks them.
ARCHIVER_LOCK_FENCE: dict | None = None
# How many stored articles a run's summary (and its crawl_runs row) names.
ARCHIVER_SUMMARY_ARTICLES = 1000
# The site spider takes a crawl lock per site unless its caller (`archiver crawl`) holds them.
ARCHIVER_LOCK_HELD = False

# Where a page links the WordPress REST API, read /wp-json/wp/v2/comments?post=ID too and check
# each comment's parent and date against the HTML (disagreements are logged and counted).
ARCHIVER_REST_CROSSCHECK = True

# When a site crawl looks at a thread again (crawling/revisit.py): a quarter of the article's age,
# at least an hour, at most 30 days; sooner while it gains comments.
ARCHIVER_REVISIT_MIN_HOURS = 1.0
ARCHIVER_REVISIT_MAX_DAYS = 30.0
ARCHIVER_REVISIT_AGE_FRACTION = 0.25

# Read from the environment only, not settings: ARCHIVER_HOME (the data home, archiver.home),
# ARCHIVER_NOW (where a run's clock starts, archiver.clock), ARCHIVER_DB as the default archive.

# The raw page archive: every response as WARC records (request + response, gzip per record).
ARCHIVER_WARC = True
ARCHIVER_WARC_DIR = None  # None: archiver.config.warc_dir (warc/ beside archive.sqlite3, …)
ARCHIVER_WARC_MAX_SIZE = 1_000_000_000  # bytes per file before the next (Heritrix's default)

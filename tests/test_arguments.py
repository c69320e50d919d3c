"""Spider arguments as one typed model (issue 21): the API's values and `scrapy crawl -a` /
Scrapyd strings give the same model, and the run's row records the same thing either way."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone

import pytest
from archiver.spiders.article import ArticleSpider
from archiver.spiders.site import SiteSpider

from archiver.crawling.arguments import CrawlArguments, ScrapeArguments


def test_strings_and_values_give_one_model_and_one_record() -> None:
    as_strings = CrawlArguments.of(site_urls="https://a.example.jp/x\nhttps://user:pw@b.example/",
                                   full="true", since="2021-12-24", max_articles="5")  # fmt: skip
    as_values = CrawlArguments.of(site_urls=["https://a.example.jp/", "https://user:pw@b.example/"],
                                  full=True, since=date(2021, 12, 24), max_articles=5)  # fmt: skip
    assert as_strings == as_values
    assert as_values.recorded() == {"sites": ["https://a.example.jp/", "https://user:***@b.example/"],
                                    "full": True, "since": "2021-12-24",
                                    "max_articles": 5}  # fmt: skip
    instant = CrawlArguments.of("https://a.example.jp/", since="2021-12-24T09:00:00+09:00")
    assert instant.since == datetime(2021, 12, 24, 9, tzinfo=timezone(timedelta(hours=9)))
    one = ScrapeArguments.of("https://a.example.jp/2021/12/post/")
    assert one.recorded() == {"url": "https://a.example.jp/2021/12/post/"}
    assert pickle.loads(pickle.dumps(as_values)) == as_values  # a child process gets the same


def test_the_spiders_take_the_model_or_strings_alike() -> None:
    model = CrawlArguments.of(site_urls=["https://a.example.jp/"], since=date(2021, 12, 24))
    given, parsed = SiteSpider(arguments=model), SiteSpider(site_url="https://a.example.jp/",
                                                            since="2021-12-24")  # fmt: skip
    assert given.crawl_arguments == parsed.crawl_arguments == model
    assert ArticleSpider(url="https://a.example.jp/p/").urls == ["https://a.example.jp/p/"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ScrapeArguments.of(), "needs a URL"),
        (lambda: CrawlArguments.of("ftp://a.example.jp/"), "is not a site URL"),
        (lambda: CrawlArguments.of("https://a.example.jp/", since="24.12.2021"), "Invalid"),
    ],
)
def test_a_bad_argument_is_one_clear_value_error(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()

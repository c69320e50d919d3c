"""Extraction health: how much of what the pages show a run extracted, per site, and the drops
against the site's previous runs that mean its templates changed.

Pure: the store pipeline feeds it each stored article (with what the archive held before) and
asks it at the end for the run's figures and its drops.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from archiver.items import KIND_COMMENT, ArticleItem, PageBefore

# A figure below this share of the site's previous run's is a drop; a page below this share of
# the comments it shows is short.
DROP_RATIO = 0.9
EXAMPLES = 5  # URLs kept per kind of problem
# A share is compared only over enough of what it counts, in both runs: a run of one article
# with one undated comment is no template change. (share → its count, the minimum)
SAMPLES = {
    "comments_extracted_share": ("comments_shown", 20),
    "dates_parsed_share": ("comments", 20),
    "with_author_share": ("comments", 20),
    "markup_recognized_share": ("pages_with_comments", 5),
}


@dataclass
class SiteHealth:
    """One site's figures for one run; shares are None when nothing was measured."""

    articles: int = 0
    comments_shown: int = 0  # over pages that show a count
    comments_extracted: int = 0  # on those same pages
    comments: int = 0
    dates_parsed: int = 0
    with_author: int = 0
    pages_with_comments: int = 0  # pages that show comments or hold some
    pages_without_markup: int = 0  # ... where no known comment markup was found
    short_pages: list[str] = field(default_factory=list)  # extracted < 90% of shown
    unrecognized_pages: list[str] = field(default_factory=list)
    undated_pages: list[str] = field(default_factory=list)
    drops: list[dict[str, str]] = field(default_factory=list)  # {"url" or "figure", "what"}

    def shares(self) -> dict[str, float | None]:
        return {
            "comments_extracted_share": _share(self.comments_extracted, self.comments_shown),
            "dates_parsed_share": _share(self.dates_parsed, self.comments),
            "with_author_share": _share(self.with_author, self.comments),
            "markup_recognized_share": _share(
                self.pages_with_comments - self.pages_without_markup, self.pages_with_comments
            ),
        }

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), **self.shares()}


class RunHealth:
    """The run's health, site by site."""

    def __init__(self) -> None:
        self.sites: dict[str, SiteHealth] = {}

    def observe(self, item: ArticleItem, before: PageBefore | None) -> None:
        site = self.sites.setdefault(item.domain, SiteHealth())
        site.articles += 1
        comments = [c for c in item.comments if c.kind == KIND_COMMENT]
        shown = item.comment_count_shown
        site.comments += len(comments)
        site.dates_parsed += sum(1 for c in comments if c.posted_at is not None)
        site.with_author += sum(1 for c in comments if c.author)
        if any(c.posted_at is None for c in comments):
            _example(site.undated_pages, item.fetched_url)
        if shown:
            site.comments_shown += shown
            site.comments_extracted += min(len(comments), shown)
        if shown or comments or (before is not None and before.comment_count):
            site.pages_with_comments += 1
            if item.comment_markup is None:
                site.pages_without_markup += 1
                _example(site.unrecognized_pages, item.fetched_url)
        short = bool(shown) and len(comments) < DROP_RATIO * (shown or 0)
        if short:
            _example(site.short_pages, item.fetched_url)
        if before is not None and _dropped(before, short, item.comment_markup, shown):
            site.drops.append(
                {
                    "url": item.fetched_url,
                    "what": f"{len(comments)} comments extracted of {shown or 0} shown "
                    f"(markup {item.comment_markup or 'not recognized'}); the last fetch "
                    f"had {before.comment_count} of {before.comment_count_shown or 0} "
                    f"({before.comment_markup or 'no markup'})",
                }
            )

    def compare(self, previous: dict[str, dict[str, Any]]) -> None:
        """Add the figures that fell below 90% of the site's previous run's (`health` JSON)."""
        for domain, site in self.sites.items():
            earlier = previous.get(domain) or {}
            now = asdict(site)
            for name, share in site.shares().items():
                before = earlier.get(name)
                if share is None or not isinstance(before, int | float):
                    continue
                count, minimum = SAMPLES[name]
                if now[count] < minimum or (earlier.get(count) or 0) < minimum:
                    continue
                if share < DROP_RATIO * before:
                    examples = {
                        "comments_extracted_share": site.short_pages,
                        "markup_recognized_share": site.unrecognized_pages,
                        "dates_parsed_share": site.undated_pages,
                    }.get(name, [])
                    site.drops.append(
                        {
                            "figure": name,
                            "what": f"{name} {share:.0%}, the previous run {before:.0%}"
                            + (f"; e.g. {', '.join(examples)}" if examples else ""),
                        }
                    )

    @property
    def drops(self) -> list[tuple[str, dict[str, str]]]:
        return [(domain, drop) for domain, site in self.sites.items() for drop in site.drops]

    def as_json(self) -> dict[str, Any]:
        return {domain: site.as_json() for domain, site in self.sites.items()}


def _dropped(before: PageBefore, short: bool, markup: str | None, shown: int | None) -> bool:
    """The archive's copy was a good extraction (a known markup, not short of the shown count)
    and this one is not: short, or with no known markup on a page that has comments."""
    if before.comment_markup is None and before.comment_count == 0:
        return False
    if before.comment_count < DROP_RATIO * (before.comment_count_shown or 0):
        return False
    return short or (markup is None and bool(shown or before.comment_count))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _example(urls: list[str], url: str) -> None:
    if len(urls) < EXAMPLES and url not in urls:
        urls.append(url)

"""Extraction health: how much of what the pages show a run extracted, per site, and the drops
against the site's previous runs that mean its templates changed.

Pure: the store pipeline feeds it each stored article (with what the archive held before) and
asks it at the end for the run's figures and its drops.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from archiver.items import KIND_COMMENT, ArticleItem, PageBefore
from archiver.parse.text import CONTROL_CHARS

# A figure below this share of the site's previous run's is a drop; a page below this share of
# the comments it shows is short.
DROP_RATIO = 0.9
EXAMPLES = 5  # URLs kept per kind of problem
PROBLEM_PAGES = 20  # pages kept per site with what each lacks
# A share is compared only over enough of what it counts, in both runs: a run of one article
# with one undated comment is no template change. (share → its count, the minimum)
SAMPLES = {
    "comments_extracted_share": ("comments_shown", 20),
    "dates_parsed_share": ("comments", 20),
    "with_author_share": ("comments", 20),
    "markup_recognized_share": ("pages_with_comments", 5),
}
# ... and over several articles in both: one article's share is that thread's (its commenters
# may all be anonymous), not the site's templates; a scrape of one article and a crawl of its
# site are no two samples of one thing. The same page's own drops are judged page by page.
SAMPLE_ARTICLES = 3


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
    # Pages holding fewer comments than they show (their count, or their comment ids), and of
    # those the ones the site's profile accepts (it counts more than it prints).
    pages_short: int = 0
    pages_short_accepted: int = 0
    empty_bodies: int = 0  # comments whose text is empty
    unparsed_dates: int = 0  # comments whose date text did not parse
    replacement_chars: int = 0  # U+FFFD in the stored text: bytes the page's encoding had not
    # Control characters in the stored text (C0 but tab and newline, DEL, C1, bidi embeddings,
    # overrides and isolates): kept as the page had them, never printed raw (cli/terminal).
    control_chars: int = 0
    # Per page, what it lacks: {"url", "read", "shown", "empty_bodies", "unparsed_dates",
    # "without_author", "replacement_chars"} for the first PROBLEM_PAGES pages with any.
    problem_pages: list[dict[str, Any]] = field(default_factory=list)
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

    def observe(
        self, item: ArticleItem, before: PageBefore | None, accept_shortfall: bool = False
    ) -> Shortfall | None:
        """Count the stored article; return its shortfall where it holds fewer comments than
        it shows (the caller says so, naming the URL)."""
        site = self.sites.setdefault(item.domain, SiteHealth())
        site.articles += 1
        comments = [c for c in item.comments if c.kind == KIND_COMMENT]
        shown = item.comment_count_shown
        site.comments += len(comments)
        site.dates_parsed += sum(1 for c in comments if c.posted_at is not None)
        with_author = sum(1 for c in comments if c.author)
        site.with_author += with_author
        empty = sum(1 for c in comments if not c.body_text)
        unparsed = sum(1 for c in comments if c.posted_raw and c.posted_at is None)
        site.empty_bodies += empty
        site.unparsed_dates += unparsed
        replaced = _replacements(item)
        site.replacement_chars += replaced
        site.control_chars += sum(len(CONTROL_CHARS.findall(text)) for text in _texts(item))
        shortfall = _shortfall(item, before, accept_shortfall)
        if shortfall is not None:
            site.pages_short += 1
            site.pages_short_accepted += int(shortfall.accepted)
        without_author = len(comments) - with_author
        if (shortfall or empty or unparsed or without_author or replaced) and len(
            site.problem_pages
        ) < PROBLEM_PAGES:
            site.problem_pages.append(
                {
                    "url": item.fetched_url,
                    "read": len(item.comments),
                    "shown": shortfall.shown if shortfall else None,
                    "empty_bodies": empty,
                    "unparsed_dates": unparsed,
                    "without_author": without_author,
                    "replacement_chars": replaced,
                }
            )
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
        return shortfall

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
                if min(site.articles, earlier.get("articles") or 0) < SAMPLE_ARTICLES:
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


@dataclass(frozen=True)
class Shortfall:
    """A page that holds fewer comments than it shows."""

    read: int
    shown: int
    by: str  # what shows them: "count" (the page's comment count) or "ids" (its comment ids)
    accepted: bool  # the site's profile accepts it: reported, not failed
    moving: bool  # a thread over several pages that changed while it was fetched
    # The REST API listed every comment it gives visitors and each is kept: what is still
    # missing it does not list (pingbacks and trackbacks need an editor's login).
    rest_exhausted: bool = False

    @property
    def fails(self) -> bool:
        return not (self.accepted or self.moving or self.rest_exhausted)

    def describe(self) -> str:
        what = "its comment count" if self.by == "count" else "comment ids in its HTML"
        line = f"{self.read} comments read, the page shows {self.shown} ({what})"
        if self.accepted:
            return line + "; accepted by the site's profile (it counts more than it prints)"
        if self.moving:
            return line + "; the thread changed while its pages were fetched"
        if self.rest_exhausted:
            return line + "; the REST API lists no more to visitors (pings it never lists)"
        return line


def _shortfall(item: ArticleItem, before: PageBefore | None, accept: bool) -> Shortfall | None:
    read, counted, ids = len(item.comments), item.comment_count_shown or 0, item.comment_ids_shown
    shown = max(counted, ids)
    if read >= shown:
        return None
    gap = shown - read
    # Accepted only while it stays as it was: a shortfall that grows is a new loss.
    accepted = accept and (
        before is None or gap <= (before.comment_count_shown or 0) - before.comment_count
    )
    return Shortfall(
        read=read,
        shown=shown,
        by="ids" if ids > counted else "count",
        accepted=accepted,
        moving=item.pages_fetched > 1 and ids <= read,
        rest_exhausted=item.rest_comments is not None
        and set(item.rest_comments) <= {c.external_id for c in item.comments},
    )


def _dropped(before: PageBefore, short: bool, markup: str | None, shown: int | None) -> bool:
    """The archive's copy was a good extraction (a known markup, not short of the shown count)
    and this one is not: short, or with no known markup on a page that has comments."""
    if before.comment_markup is None and before.comment_count == 0:
        return False
    if before.comment_count < DROP_RATIO * (before.comment_count_shown or 0):
        return False
    return short or (markup is None and bool(shown or before.comment_count))


def _texts(item: ArticleItem) -> list[str]:
    texts = [item.title or "", item.body_text or ""]
    return texts + [text for c in item.comments for text in (c.author or "", c.body_text or "")]


def _replacements(item: ArticleItem) -> int:
    return sum(text.count("\ufffd") for text in _texts(item))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _example(urls: list[str], url: str) -> None:
    if len(urls) < EXAMPLES and url not in urls:
        urls.append(url)

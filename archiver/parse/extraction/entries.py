"""The entries a page shows, told apart: a listing's teasers, each titled by a link to its own
page, from an article page's one entry, whose title links nowhere else.

Blog engines other than WordPress give their home, archive and tag pages no body class to tell
them by, but mark each post in them as an article (`<article>`, `hentry`/`h-entry`, a schema.org
item) with its title linked to the post: the heading inside the link, the link inside the
heading, or a card link that covers the entry. An article page's own entry has a heading too,
unlinked or linked to itself; the teasers of its related posts do not make it a listing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

# Elements that mark one post: HTML5, the hAtom and h-entry microformats, schema.org items.
_ENTRIES = etree.XPath(
    "//article | //*[contains(concat(' ', normalize-space(@class), ' '), ' hentry ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' h-entry ')"
    " or contains(@itemtype, 'BlogPosting') or contains(@itemtype, 'NewsArticle')]"
)
_HEADING = etree.XPath("(.//h1 | .//h2 | .//h3)[1]")
_LINK_AROUND = etree.XPath("ancestor::a[@href][1]")
_LINK_INSIDE = etree.XPath(".//a[@href][1]")
_LABELLED = etree.XPath(".//a[@href and (@aria-label or @title)]")


@dataclass(frozen=True)
class Entries:
    teasers: int  # entries whose title links to another page
    main: bool  # an entry whose title links nowhere else: the page's own post

    @property
    def listing(self) -> bool:
        return self.teasers >= 2 and not self.main


def page_entries(root: HtmlElement, url: str, canonical: str | None = None) -> Entries:
    """The page's outermost entries with a title, as teasers or its own."""
    found = [e for e in _ENTRIES(root) if isinstance(e, HtmlElement)]
    marked = set(found)  # the proxies are held in `found`: one element, one object
    own = {_page_key(url, url)} | ({_page_key(url, canonical)} if canonical else set())
    teasers, main = 0, False
    for entry in found:
        if any(ancestor in marked for ancestor in entry.iterancestors()):
            continue  # an entry within an entry: a quoted or related post, a comment
        headings = _HEADING(entry)
        if not headings:
            continue
        href = _title_link(entry, headings[0])
        if href is not None and _page_key(url, href) not in own:
            teasers += 1
        else:
            main = True
    return Entries(teasers, main)


def _title_link(entry: HtmlElement, heading: HtmlElement) -> str | None:
    """Where the entry's title links: a link around the heading (or around the whole entry, a
    card), the first link inside the heading, or a link of the entry labelled with the title
    (an empty link laid over the card, named for screen readers)."""
    around = _LINK_AROUND(heading)
    if around:
        return around[0].get("href")
    inside = _LINK_INSIDE(heading)
    if inside:
        return inside[0].get("href")
    title = " ".join(heading.text_content().split())
    for link in _LABELLED(entry):
        label = link.get("aria-label") or link.get("title") or ""
        if title and title in " ".join(label.split()):
            return link.get("href")
    return None


def _page_key(base: str, href: str) -> tuple[str, str]:
    """A page as host and path, so that a link to the page itself (another scheme, a query, a
    fragment, a trailing slash) is known for one."""
    parts = urlsplit(urljoin(base, href.strip()))
    return (parts.hostname or "").removeprefix("www."), parts.path.rstrip("/") or "/"

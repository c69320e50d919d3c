"""What an article points to: its sources (参考:/出典: lines), related articles, previous/next
articles and tags. Pure functions of the parsed page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

# "参考:", "出典：", "※アイキャッチ画像の出典:", "Source:": a label ending in a source word, a colon.
_SOURCE = re.compile(
    r"^※?\s*(?P<label>[^:：\n]{0,24}?(?:参考|出典|引用元|ソース|Source))\s*[:：]\s*(?P<text>.+)$"
)
_RELATED_LINE = re.compile(r"^\s*(?:関連記事|関連|あわせて読みたい)\s*[:：]")
RELATED_CLASSES = ("p-related", "p-related-posts", "related-posts", "jp-relatedposts", "yarpp-related",
                   "crp_related")  # fmt: skip
PREVIOUS_CLASSES = ("p-nav01__item--prev", "post-navigation-link-previous", "nav-previous")
NEXT_CLASSES = ("p-nav01__item--next", "post-navigation-link-next", "nav-next")
_BLOCKS = ("p", "li", "div", "dd", "figcaption", "blockquote")


@dataclass(frozen=True)
class SourceLine:
    label: str  # 参考, 出典, アイキャッチ画像の出典, …
    text: str
    url: str | None


def source_lines(body: HtmlElement | None, page_url: str) -> list[SourceLine]:
    if body is None:
        return []
    sources = []
    for block in _lines(body):
        text = " ".join(block.text_content().split())
        match = _SOURCE.match(text)
        if match:
            link = block.find(".//a[@href]")
            url = urljoin(page_url, link.get("href", "").strip()) if link is not None else None
            sources.append(SourceLine(match["label"].strip(), match["text"].strip(), url))
    return sources


def related_links(body: HtmlElement | None, blocks: list[HtmlElement], page_url: str) -> list[str]:
    """Links of the body's 関連記事: lines, then of the theme's related-posts block."""
    urls: list[str] = []
    if body is not None:
        for block in _lines(body):
            if _RELATED_LINE.match(block.text_content()):
                urls += [a.get("href", "") for a in block.iter("a") if a.get("href")]
    for block in blocks:
        urls += [a.get("href", "") for a in block.iter("a") if a.get("href")]
    absolute = (urljoin(page_url, u.strip()).split("#", 1)[0] for u in urls)
    return list(dict.fromkeys(u for u in absolute if u != page_url))


def adjacent_link(container: HtmlElement | None, page_url: str) -> str | None:
    """The previous/next article link in a post-navigation item."""
    if container is None:
        return None
    link = container if container.tag == "a" else container.find(".//a[@href]")
    if link is None or not link.get("href"):
        return None
    return urljoin(page_url, link.get("href", "").strip())


def _lines(body: HtmlElement) -> list[HtmlElement]:
    """The body's innermost text blocks (a paragraph, not the div around it)."""
    found = []
    for element in body.iter(*_BLOCKS):
        if not any(child.tag in _BLOCKS for child in element):
            found.append(element)
    return found

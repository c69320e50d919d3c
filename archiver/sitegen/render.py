"""Pages of the generated site: articles in three WordPress markups, archives, sitemaps, feeds,
robots.txt and the REST comments endpoint. Pure functions of the state and the site's base URL.

The markups follow what the real thing prints: TCD-family themes (grandfleet.info's), core
`wp_list_comments()` of classic themes (html5 walker), and block themes' comment template.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from archiver.sitegen.layout import (
    default_page,
    page_count,
    page_tops,
    replies_by_parent,
    thread_comments,
    walk,
)
from archiver.sitegen.model import CATEGORIES, SiteArticle, SiteComment, SiteState

UTC = ZoneInfo("UTC")
SITEMAP_PAGE = 200  # URLs per sitemap file (WordPress uses 2000; smaller shows paging)
FEED_ITEMS = 10


def comment_page_path(article: SiteArticle, page: int) -> str:
    return f"{article.path}comment-page-{page}/"


def body_html(comment: SiteComment) -> str:
    return "\n".join(
        "<p>" + "<br />\n".join(escape(line, quote=False) for line in paragraph) + "</p>"
        for paragraph in comment.body
    )


def body_text(comment: SiteComment) -> str:
    """What the archive must store for this body (SPEC: text rule)."""
    return "\n\n".join("\n".join(paragraph) for paragraph in comment.body)


def shown_date(comment: SiteComment, markup: str) -> str:
    """The date text a markup shows: TCD a day, classic and block a day and time."""
    if markup == "tcd":
        return f"{comment.posted:%Y}年 {comment.posted.month}月 {comment.posted.day}日"
    hour = comment.posted.hour % 12 or 12
    half = "AM" if comment.posted.hour < 12 else "PM"
    return f"{comment.posted:%Y}年{comment.posted.month}月{comment.posted.day}日 {hour}:{comment.posted:%M} {half}"


def article_page(state: SiteState, article: SiteArticle, base: str, page: int | None) -> str:
    page = page or default_page(state, article)
    url = base + article.path
    category = CATEGORIES[article.category]
    tags = "".join(
        f'<a href="{base}/tag/{escape(t)}/" rel="tag">{escape(t)}</a>' for t in article.tags
    )
    paragraphs = "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in article.body)
    comments = COMMENT_MARKUPS.get(article.markup, _unknown_comments)(state, article, base, page)
    count = len(thread_comments(article))
    body_class = (
        f"post-template-default single single-post postid-{article.id} single-format-standard"
    )
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>{escape(article.title)} | 生成サイト</title>
<link rel="canonical" href="{url}">
<link rel="shortlink" href="{base}/?p={article.id}">
<link rel="https://api.w.org/" href="{base}/wp-json/">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:modified_time" content="{article.modified.isoformat()}">
</head>
<body class="{body_class}">
<article class="p-entry post-{article.id} post type-post">
<header>
<p class="p-entry__cat"><a href="{base}/category/{article.category}/" rel="category tag">{category}</a></p>
<h1 class="p-entry__title entry-title">{escape(article.title)}</h1>
<p class="p-entry__tags">{tags}</p>
</header>
<div class="p-entry__body entry-content">
{paragraphs}
</div>
</article>
{comments.replace("{count}", str(count))}
</body>
</html>
"""


def _votes(comment: SiteComment) -> str:
    if comment.votes is None:
        return ""
    return (
        '<div class="wpulike wpulike-default"><div class="wp_ulike_general_class">'
        f'<button type="button" class="wp_ulike_btn" data-ulike-id="{comment.id}"></button>'
        f'<span class="count-box wp_ulike_counter_up" data-ulike-counter-value="{comment.votes}">'
        f"{comment.votes}</span></div></div>"
    )


def _pager(state: SiteState, article: SiteArticle, base: str, page: int, css: str) -> str:
    pages = page_count(state, article)
    if pages == 1:
        return ""
    links = []
    for number in range(1, pages + 1):
        if number == page:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
        else:
            href = base + comment_page_path(article, number) + "#comments"
            links.append(f'<a class="page-numbers" href="{href}">{number}</a>')
    return f'<div class="{css}">{"".join(links)}</div>'


def _tree(
    state: SiteState, article: SiteArticle, page: int, item, list_class: str = "children"
) -> str:
    """Nested `<li>` of the page's comments, `item(comment, depth, inner)` giving each one.

    Flat markup (themes whose callback prints every comment at one level, nesting shown only by
    `depth-N` classes): the replies follow their parent instead of sitting inside it.
    """
    children = replies_by_parent(thread_comments(article))
    tops = page_tops(state, article, page)
    flat = article.markup == "flat"

    def render(comment: SiteComment, depth: int) -> str:
        replies = children.get(comment.id, [])
        inner = "".join(render(r, depth + 1) for r in replies)
        if flat:
            return item(comment, depth, "", bool(replies)) + inner
        nested = f'<ol class="{list_class}">{inner}</ol>' if replies else ""
        return item(comment, depth, nested, bool(replies))

    return "".join(render(top, 1) for top in tops)


def _classes(comment: SiteComment, depth: int, has_replies: bool, extra: str = "") -> str:
    parity = "odd" if comment.id % 2 else "even"
    parent = " parent" if has_replies else ""
    return f"{comment.kind} {parity} thread-{parity} depth-{depth}{parent}{extra}"


def _tcd_comments(state: SiteState, article: SiteArticle, base: str, page: int) -> str:
    def item(comment: SiteComment, depth: int, nested: str, has_replies: bool) -> str:
        return f"""<li class="{_classes(comment, depth, has_replies, " c-comment__list-item")}" id="comment-{comment.id}">
<div class="c-comment__item-header"><ul class="c-comment__item-meta">
<li class="c-comment__item-author">{escape(comment.author, quote=False)}</li>
<li><time class="c-comment__item-date">{shown_date(comment, "tcd")}</time></li>
</ul></div>
<div class="c-comment__item-body">
{body_html(comment)}
</div>
{_votes(comment)}
<ul class="c-comment__item-act"><li><a rel="nofollow" class="comment-reply-link" href="{article.path}?replytocom={comment.id}#respond">返信</a></li></ul>
{nested}</li>
"""

    trackbacks = "".join(
        f'<li class="{c.kind} c-comment__list-item" id="comment-{c.id}"><div class="c-comment__item-header">'
        f'<ul class="c-comment__item-meta"><li class="c-comment__item-author">{escape(c.author)}</li>'
        f'<li><time class="c-comment__item-date">{shown_date(c, "tcd")}</time></li></ul></div>'
        f'<div class="c-comment__item-body">{body_html(c)}</div></li>'
        for c in article.present()
        if c.kind != "comment"
    ) or (
        '<li class="c-comment__list-item"><div class="c-comment__item-body">'
        "<p>この記事へのトラックバックはありません。</p></div></li>"
    )
    pings = sum(1 for c in article.present() if c.kind != "comment")
    return f"""<div class="c-comment">
<ul class="c-comment__tab">
<li class="c-comment__tab-item is-active"><p>コメント ( {{count}} )</p></li>
<li class="c-comment__tab-item"><p>トラックバック ( {pings} )</p></li>
</ul>
<div id="js-comment-area" class="c-comment__tab-panel is-active">
<ol id="comments" class="c-comment__list">
{_tree(state, article, page, item)}
</ol>
{_pager(state, article, base, page, "c-comment__pager")}
</div>
<div id="js-trackback-area" class="c-comment__tab-panel"><ol class="c-comment__list">{trackbacks}</ol></div>
</div>
<div id="respond"><form id="commentform"><textarea id="comment"></textarea></form></div>"""


def _classic_comments(state: SiteState, article: SiteArticle, base: str, page: int) -> str:
    def item(comment: SiteComment, depth: int, nested: str, has_replies: bool) -> str:
        return f"""<li id="comment-{comment.id}" class="{_classes(comment, depth, has_replies)}">
<article id="div-comment-{comment.id}" class="comment-body">
<footer class="comment-meta">
<div class="comment-author vcard"><b class="fn">{escape(comment.author, quote=False)}</b> <span class="says">より:</span></div>
<div class="comment-metadata"><a href="{base}{comment_page_path(article, page)}#comment-{comment.id}"><time datetime="{comment.posted.isoformat()}">{shown_date(comment, "classic")}</time></a></div>
</footer>
<div class="comment-content">
{body_html(comment)}
</div>
{_votes(comment)}
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{article.path}?replytocom={comment.id}#respond">返信</a></div>
</article>
{nested}</li>
"""

    pings = "".join(
        f'<li id="comment-{c.id}" class="{c.kind} even thread-even depth-1"><div class="comment-body">'
        f'ピンバック: <a href="https://example.org/{c.id}/" class="url">{escape(c.author)}</a></div></li>'
        for c in article.present()
        if c.kind != "comment"
    )
    return f"""<div id="comments" class="comments-area">
<h2 class="comments-title">「{escape(article.title)}」への{{count}}件のフィードバック</h2>
<ol class="comment-list">
{_tree(state, article, page, item)}{pings}
</ol>
<nav class="navigation comment-navigation" aria-label="コメント">{_pager(state, article, base, page, "nav-links")}</nav>
<div id="respond" class="comment-respond"><form id="commentform"><textarea id="comment"></textarea></form></div>
</div>"""


def _block_comments(state: SiteState, article: SiteArticle, base: str, page: int) -> str:
    def item(comment: SiteComment, depth: int, nested: str, has_replies: bool) -> str:
        return f"""<li id="comment-{comment.id}" class="{_classes(comment, depth, has_replies)}">
<div class="wp-block-group">
<div class="wp-block-comment-author-name">{escape(comment.author, quote=False)}</div>
<div class="wp-block-comment-date"><time datetime="{comment.posted.isoformat()}"><a href="{base}{comment_page_path(article, page)}#comment-{comment.id}">{shown_date(comment, "block")}</a></time></div>
<div class="wp-block-comment-content">{body_html(comment)}</div>
{_votes(comment)}
<div class="wp-block-comment-reply-link"><a rel="nofollow" class="comment-reply-link" href="{article.path}?replytocom={comment.id}#respond">返信</a></div>
</div>
{nested}</li>
"""

    # Block themes print pings with the same template, last, like core's comment query.
    pings = "".join(item(c, 1, "", False) for c in article.present() if c.kind != "comment")
    return f"""<div class="wp-block-comments" id="comments">
<h2 class="wp-block-comments-title">「{escape(article.title)}」への{{count}}件のフィードバック</h2>
<ol class="wp-block-comment-template">
{_tree(state, article, page, item)}{pings}
</ol>
<nav class="wp-block-comments-pagination">{_pager(state, article, base, page, "wp-block-comments-pagination-numbers")}</nav>
<div id="respond" class="comment-respond"><form id="commentform"><textarea id="comment"></textarea></form></div>
</div>"""


def _unknown_comments(state: SiteState, article: SiteArticle, base: str, page: int) -> str:
    """A comment plugin no reader knows: a WordPress comment list, but items with no ids in any
    form a comment plugin leaves (the generic reader needs them), names all unfamiliar."""
    items = "".join(
        f'<li class="xyz-talk" data-xyz="{c.id}"><span class="xyz-who">{escape(c.author)}</span>'
        f'<div class="xyz-said">{body_html(c)}</div></li>'
        for c, _depth in walk(page_tops(state, article, page), {})
    )
    return f'<ol class="commentlist xyz-thread">{items}</ol>'


COMMENT_MARKUPS = {
    "tcd": _tcd_comments,
    "classic": _classic_comments,
    "flat": _classic_comments,
    "block": _block_comments,
}


def category_page(state: SiteState, slug: str, base: str, page: int) -> str | None:
    if slug not in CATEGORIES:
        return None
    articles = [a for a in state.live_articles() if a.category == slug]
    return _archive_page(state, articles, f"{base}/category/{slug}", page, CATEGORIES[slug])


def home_page(state: SiteState, base: str, page: int) -> str | None:
    """The front page and its older pages (/page/N/): every live article, newest first."""
    articles = sorted(state.live_articles(), key=lambda a: a.published, reverse=True)
    return _archive_page(state, articles, base, page, "生成サイト", css="home blog")


def _archive_page(
    state: SiteState,
    articles: list[SiteArticle],
    root: str,
    page: int,
    title: str,
    css: str = "archive category",
) -> str | None:
    size = state.per_category_page
    pages = max(1, -(-len(articles) // size))
    if page > pages:
        return None
    shown = articles[(page - 1) * size : page * size]
    items = "".join(
        f'<article class="post-{a.id}"><h2 class="entry-title"><a href="{root.split("/category/")[0]}{a.path}">'
        f"{escape(a.title)}</a></h2></article>\n"
        for a in shown
    )
    older = (
        f'<a class="next page-numbers" href="{root}/page/{page + 1}/">次へ</a>'
        if page < pages
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="UTF-8"><title>{title}</title>'
        f'</head><body class="{css}"><main>{items}</main>'
        f'<nav class="navigation pagination">{older}</nav></body></html>'
    )


def last_modified(article: SiteArticle) -> datetime:
    """When the article page last changed: its own edit or its newest comment."""
    return max([article.modified, *(c.posted for c in article.present())])


def wp_sitemap_index(state: SiteState, base: str, extra: tuple[str, ...] = ()) -> str:
    """WordPress core's `wp-sitemap.xml` (no lastmod in its index); `extra`: more sitemap URLs."""
    return _sitemap_index(state, lambda n: f"{base}/wp-sitemap-posts-post-{n}.xml", None, extra)


def seo_sitemap_index(state: SiteState, base: str) -> str:
    """The SEO plugins' `sitemap_index.xml` (Yoast-style file names, with lastmod)."""
    return _sitemap_index(
        state, lambda n: f"{base}/post-sitemap{'' if n == 1 else n}.xml", state.now
    )


def _sitemap_index(
    state: SiteState, file_url, lastmod: datetime | None, extra: tuple[str, ...] = ()
) -> str:
    files = max(1, -(-len(state.live_articles()) // SITEMAP_PAGE))
    stamp = f"<lastmod>{lastmod.astimezone(UTC).isoformat()}</lastmod>" if lastmod else ""
    urls = [file_url(n) for n in range(1, files + 1)] + list(extra)
    entries = "".join(f"<sitemap><loc>{url}</loc>{stamp}</sitemap>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    )


def posts_sitemap(state: SiteState, base: str, number: int) -> str | None:
    articles = sorted(state.live_articles(), key=lambda a: a.id)
    chunk = articles[(number - 1) * SITEMAP_PAGE : number * SITEMAP_PAGE]
    if not chunk:
        return None
    return urlset([(base + a.path, last_modified(a)) for a in chunk])


def urlset(entries: list[tuple[str, datetime | None]]) -> str:
    """A sitemap of page URLs, each with its lastmod when given."""
    urls = "".join(
        f"<url><loc>{url}</loc>"
        + (f"<lastmod>{lastmod.astimezone(UTC).isoformat()}</lastmod>" if lastmod else "")
        + "</url>"
        for url, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def rss_feed(state: SiteState, base: str) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}{a.path}</link>"
        f'<guid isPermaLink="false">{base}/?p={a.id}</guid>'
        f"<pubDate>{a.published.astimezone(UTC):%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<slash:comments>{len(thread_comments(a))}</slash:comments></item>"
        for a in state.live_articles()[:FEED_ITEMS]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>生成サイト</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    )


def atom_feed(state: SiteState, base: str) -> str:
    entries = "".join(
        f'<entry><title>{escape(a.title)}</title><link rel="alternate" href="{base}{a.path}"/>'
        f"<id>{base}/?p={a.id}</id><published>{a.published.isoformat()}</published>"
        f"<updated>{last_modified(a).isoformat()}</updated></entry>"
        for a in state.live_articles()[:FEED_ITEMS]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>生成サイト</title><updated>{state.now.isoformat()}</updated>{entries}</feed>"
    )


def robots_txt(base: str) -> str:
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {base}/wp-sitemap.xml\n"
    )


def rest_comments(
    state: SiteState, article: SiteArticle, base: str, page: int, per_page: int
) -> tuple[str, int, int]:
    """`/wp-json/wp/v2/comments?post=ID`: (JSON, total, total pages), oldest first like `order=asc`."""
    comments = [c for c in article.present() if c.kind == "comment"]
    total = len(comments)
    pages = max(1, -(-total // per_page))
    chunk = comments[(page - 1) * per_page : page * per_page]
    data = [
        {
            "id": c.id,
            "post": article.id,
            "parent": c.parent or 0,
            "author_name": c.author,
            "date": c.posted.replace(tzinfo=None).isoformat(),
            "date_gmt": c.posted.astimezone(UTC).replace(tzinfo=None).isoformat(),
            "link": f"{base}{article.path}#comment-{c.id}",
            "content": {"rendered": body_html(c)},
            "type": "comment",
        }
        for c in chunk
    ]
    return json.dumps(data, ensure_ascii=False), total, pages

"""Comment markup families met on real pages, re-created around threads of our own text: the
saved fixtures under tests/fixtures/families/ (tools/make_family_fixtures.py writes them) and the
random threads of the property tests are rendered here, with the rows they must read back as.

The structures re-create what each family prints (element nesting, ids, class names); no theme's
code or text is copied. Expected rows come from the thread itself, never from a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Comment:
    id: int
    parent: int | None
    author: str
    day: int  # of March 2024, Japan time
    time: str  # HH:MM
    body: tuple[str, ...]  # paragraphs; a line break inside one is "\n"
    votes: int


SPRING = (
    Comment(
        101, None, "山田", 1, "09:15", ("初めて書き込みます。\n駅前の桜がもう咲いていました。",), 3
    ),
    Comment(102, 101, "名無し", 1, "10:02", ("本当ですか。今年は早いですね。",), 0),
    Comment(
        104,
        102,
        "山田",
        1,
        "12:30",
        ("写真を撮っておけばよかったです。", "明日また行ってみます。"),
        1,
    ),
    Comment(105, 101, "鈴木", 2, "08:00", ("週末には満開になりそうです。",), 2),
    Comment(103, None, "佐藤", 1, "11:45", ("川沿いの道も見頃だと聞きました。",), 5),
)


def replies_of(thread: tuple[Comment, ...], parent: int | None) -> list[Comment]:
    return [c for c in thread if c.parent == parent]


def render(thread: tuple[Comment, ...], family: str) -> str:
    """The thread's comments in the family's markup, replies in the family's place."""
    one = FAMILIES[family][0]

    def tree(c: Comment, depth: int) -> str:
        return one(c, depth, [tree(r, depth + 1) for r in replies_of(thread, c.id)])

    return "".join(tree(c, 1) for c in replies_of(thread, None))


def body_html(c: Comment) -> str:
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in c.body)


def shown(c: Comment) -> str:
    return f"2024年3月{c.day}日 {c.time}"


def iso(c: Comment) -> str:
    return f"2024-03-{c.day:02d}T{c.time}:00+09:00"


def text_only(c: Comment) -> tuple[str, str | None]:
    return shown(c), None


def text_and_datetime(c: Comment) -> tuple[str, str | None]:
    return shown(c), iso(c)


def relative_with_title(c: Comment) -> tuple[str, str | None]:
    return "2 years ago", shown(c)


# Each family: how one comment and its replies are printed; the reader keeps the date shown
# (`posted_raw`) and, where the markup has one, its machine-readable twin (`posted_attr`).
def legacy(c: Comment, depth: int, replies: list[str]) -> str:
    """WordPress's legacy walker (themes without html5 support): the text straight in the body."""
    kids = "".join(replies)
    return (
        f'<li class="comment depth-{depth}" id="comment-{c.id}"><div id="div-comment-{c.id}" '
        f'class="comment-body"><div class="comment-author vcard"><img class="avatar" alt="" src="/a.png">'
        f'<cite class="fn">{c.author}</cite> <span class="says">より:</span></div>'
        f'<div class="comment-meta commentmetadata"><a href="#comment-{c.id}">{shown(c)}</a></div>'
        f'{body_html(c)}<div class="reply"><a class="comment-reply-link" href="?replytocom={c.id}#respond">'
        f"返信</a></div></div>" + (f'<ul class="children">{kids}</ul>' if kids else "") + "</li>"
    )


def cocoon(c: Comment, depth: int, replies: list[str]) -> str:
    """A theme that misspells its list's class and keeps the right one on the section around it."""
    kids = "".join(replies)
    return (
        f'<li class="comment depth-{depth}" id="comment-{c.id}"><div id="div-comment-{c.id}" '
        f'class="comment-body article"><div class="comment-author vcard"><cite class="fn">{c.author}'
        f'</cite> <span class="says">より:</span></div><div class="comment-meta commentmetadata">'
        f'<a href="#comment-{c.id}">\n      {shown(c)}</a></div><div class="comment-content">'
        f'{body_html(c)}</div><div class="reply"><a class="comment-reply-link" href="#">返信</a></div>'
        f"</div>" + (f'<ul class="children">{kids}</ul>' if kids else "") + "</li>"
    )


def wpdiscuz(c: Comment, depth: int, replies: list[str]) -> str:
    """A comments plugin with no lists: nested wrappers naming their parent, relative dates."""
    kids = "".join(replies)
    return (
        f"<div id='wpd-comm-{c.id}_{c.parent or 0}' class='comment depth-{depth} wpd-comment'>"
        f'<div class="wpd-comment-wrap"><div class="wpd-comment-left"><div class="wpd-avatar">'
        f'<img class="avatar" alt="{c.author}" src="/a.png"></div></div>'
        f'<div id="comment-{c.id}" class="wpd-comment-right"><div class="wpd-comment-header">'
        f'<div class="wpd-comment-author">{c.author}</div>'
        f'<div class="wpd-comment-date" title="{shown(c)}"><i class="far fa-clock"></i> 2 years ago</div>'
        f'</div><div class="wpd-comment-text">{body_html(c)}</div><div class="wpd-comment-footer">'
        f'<div class="wpd-vote"><div class="wpd-vote-up"></div><div class="wpd-vote-result" '
        f"title='{c.votes}'>{c.votes}</div></div><div class=\"wpd-reply-button\">返信</div></div>"
        f"</div></div>" + kids + "</div>"
    )


def li_comment(c: Comment, depth: int, replies: list[str]) -> str:
    """The list item named `li-comment-N` around an `article#comment-N` (Twenty Eleven's way)."""
    kids = "".join(replies)
    return (
        f'<li class="comment" id="li-comment-{c.id}"><article id="comment-{c.id}" class="comment">'
        f'<footer class="comment-meta"><div class="comment-author vcard"><span class="fn">{c.author}'
        f'</span> より: <a href="#comment-{c.id}"><time datetime="{iso(c)}">{shown(c)}</time></a>'
        f'</div></footer><div class="comment-content">{body_html(c)}</div><div class="reply">'
        f'<a class="comment-reply-link" href="#">返信</a></div></article>'
        + (f'<ol class="children">{kids}</ol>' if kids else "")
        + "</li>"
    )


def div_list(c: Comment, depth: int, replies: list[str]) -> str:
    """Comments as nested divs with no list at all (Twenty Twenty's way)."""
    kids = "".join(replies)
    return (
        f'<div class="comment depth-{depth}" id="comment-{c.id}"><article id="div-comment-{c.id}" '
        f'class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
        f'<span class="fn">{c.author}</span></div><div class="comment-metadata"><a href="#">'
        f'<time datetime="{iso(c)}" title="{shown(c)}">{shown(c)}</time></a></div></footer>'
        f'<div class="comment-content entry-content">{body_html(c)}</div></article>'
        + (f'<div class="children">{kids}</div>' if kids else "")
        + "</div>"
    )


def genesis(c: Comment, depth: int, replies: list[str]) -> str:
    """`article#article-comment-N` in a list item, the name in `comment-author-name`."""
    kids = "".join(replies)
    return (
        f'<li class="comment depth-{depth}" id="comment-{c.id}"><article id="article-comment-{c.id}">'
        f'<header class="comment-header"><p class="comment-author"><img class="avatar" alt="" '
        f'src="/a.png"><span class="comment-author-name">{c.author}</span> <span class="says">'
        f'より</span></p><p class="comment-meta"><time class="comment-time" datetime="{iso(c)}">'
        f'<a href="#comment-{c.id}">{shown(c)}</a></time></p></header><div class="comment-content">'
        f"{body_html(c)}</div></article>" + (f'<ul class="children">{kids}</ul>' if kids else "")
        + "</li>"
    )  # fmt: skip


def drupal(c: Comment, depth: int, replies: list[str]) -> str:
    """An empty anchor before each comment, replies in `div.indented` after it (Drupal 7)."""
    kids = "".join(replies)
    return (
        f'<a id="comment-{c.id}"></a><div class="comment clearfix"><div class="attribution">'
        f'<div class="submitted"><p class="commenter-name"><span class="username">{c.author}</span>'
        f'</p><p class="comment-time">{shown(c)}</p></div></div><div class="comment-text">'
        f'<div class="content"><div class="field-name-comment-body">{body_html(c)}</div></div>'
        f'<ul class="links inline"><li class="comment-reply"><a href="#">返信</a></li></ul></div>'
        f"</div>" + (f'<div class="indented">{kids}</div>' if kids else "")
    )


def after_parent(c: Comment, depth: int, replies: list[str]) -> str:
    """Replies in a list placed after their parent's element, not inside it."""
    kids = "".join(f"<li>{reply}</li>" for reply in replies)
    return (
        f'<div id="comment-{c.id}" class="comment"><div class="comment-author"><span class="fn">'
        f'{c.author}</span></div><span class="comment-date">{shown(c)}</span><div class="comment-text">'
        f"{body_html(c)}</div></div>" + (f'<ul class="children">{kids}</ul>' if kids else "")
    )


FAMILIES = {
    # family: (render, list opening, list closing, (posted_raw, posted_attr), votes shown)
    "legacy-walker": (legacy, '<ol class="comment-list">', "</ol>", text_only, False),
    "cocoon": (cocoon, '<section class="comment-list"><ol class="commets-list">', "</ol></section>",
               text_only, False),
    "wpdiscuz": (wpdiscuz, '<div class="wpd-thread-list">', "</div>", relative_with_title, True),
    "li-comment": (li_comment, '<ol class="commentlist">', "</ol>", text_and_datetime, False),
    "div-list": (div_list, '<div class="comments-inner">', "</div>", text_and_datetime, False),
    "genesis": (genesis, '<ol class="comment-list">', "</ol>", text_and_datetime, False),
    "drupal": (drupal, '<section class="comment-wrapper">', "</section>", text_only, False),
    "replies-after-parent": (after_parent, '<div class="comment-list">', "</div>", text_only,
                             False),
}  # fmt: skip


def page(thread: tuple[Comment, ...], family: str) -> str:
    _, opening, closing, _, _ = FAMILIES[family]
    comments = render(thread, family)
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        "<title>春の便り | 例のブログ</title>"
        '<meta property="og:type" content="article">'
        '<link rel="shortlink" href="http://127.0.0.1:8000/?p=77"></head>'
        '<body class="post-template-default single single-post postid-77">'
        '<article id="post-77" class="post"><h1 class="entry-title">春の便り</h1>'
        '<div class="entry-meta"><time class="entry-date" datetime="2024-02-29T18:00:00+09:00">'
        '2024年2月29日</time> <span class="cat-links"><a href="/category/kisetsu/" '
        'rel="category tag">季節</a></span></div>'
        '<div class="entry-content"><p>今年も桜の季節が近づいてきました。</p></div></article>'
        f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(thread)}件のコメント'
        f"</h2>{opening}{comments}{closing}"
        '<div id="respond"><form id="commentform"><textarea id="comment"></textarea></form></div>'
        "</div></body></html>\n"
    )  # fmt: skip


def expected(thread: tuple[Comment, ...], family: str) -> dict:
    _, _, _, attr, votes = FAMILIES[family]
    ordered: list[tuple[Comment, int, int | None]] = []  # comment, depth, parent's position

    def walk(parent: int | None, depth: int, parent_position: int | None) -> None:
        for c in replies_of(thread, parent):
            ordered.append((c, depth, parent_position))
            walk(c.id, depth + 1, len(ordered))

    walk(None, 1, None)
    return {
        "source": f"tools/make_family_fixtures.py, family {family}: our own thread",
        "article": {"title": "春の便り", "category": "季節", "wp_post_id": 77,
                    "published_at": "2024-02-29T18:00:00+09:00",
                    "comment_count_shown": len(thread), "comment_count": len(thread)},
        "comments": [
            {"position": n, "depth": depth, "parent_position": parent, "author": c.author,
             "posted_raw": attr(c)[0], "posted_attr": attr(c)[1],
             "posted_on": f"2024-03-{c.day:02d}",
             "body_text": "\n\n".join(c.body), "votes": c.votes if votes else None}
            for n, (c, depth, parent) in enumerate(ordered, start=1)
        ],
    }  # fmt: skip


# Where the fixtures are read and when (each fixture's fetch time is in its expected JSON).
FIXTURE_URL = "http://127.0.0.1:8000/2021/12/23/article/"
FIXTURE_FETCHED = "2026-12-02T00:00:00+00:00"


def expected_item(thread: tuple[Comment, ...], family: str) -> dict:
    """The whole item a crawl stores for the family's page (every field, as JSON): written
    from the page this module prints, never from a parser."""
    _, _, _, attr, votes = FAMILIES[family]
    rows: list[dict] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in replies_of(thread, parent):
            raw, attribute = attr(c)
            hours, minutes = (int(part) for part in c.time.split(":"))
            local = datetime(2024, 3, c.day, hours, minutes, tzinfo=ZoneInfo("Asia/Tokyo"))
            rows.append({
                "author": c.author, "body_html": body_html(c), "body_text": "\n\n".join(c.body),
                "depth": depth, "external_id": str(c.id), "key": str(c.id), "kind": "comment",
                "page_url": FIXTURE_URL, "parent_key": str(c.parent) if c.parent else None,
                "position": len(rows) + 1,
                "posted_at": local.astimezone(UTC).isoformat(),
                "posted_attr": attribute, "posted_on": f"2024-03-{c.day:02d}",
                "posted_precision": "second" if attribute and "T" in attribute else "minute",
                "posted_raw": raw, "source": "html", "votes": c.votes if votes else None,
            })  # fmt: skip
            walk(c.id, depth + 1)

    walk(None, 1)
    return {
        "author": None, "body_html": "<p>今年も桜の季節が近づいてきました。</p>",
        "body_text": "今年も桜の季節が近づいてきました。", "captures": [], "category": "季節",
        "comment_count_shown": len(thread), "comment_ids_shown": len(thread),
        "comment_markup": "generic", "comments": rows, "comments_complete": True,
        "date_formats": [], "domain": "127.0.0.1:8000", "fetched_at": FIXTURE_FETCHED,
        "fetched_url": FIXTURE_URL, "language": "ja", "modified_at": None, "modified_raw": None,
        "next_url": None, "pages_fetched": 1, "previous_url": None,
        "published_at": "2024-02-29T09:00:00+00:00", "published_on": "2024-02-29",
        "published_raw": "2024-02-29T18:00:00+09:00", "related_urls": [], "rest_api": None,
        "rest_comments": None, "sources": [], "tags": [], "timezone": "Asia/Tokyo",
        "timezone_shown": True, "title": "春の便り", "url": FIXTURE_URL, "visit": None,
        "wp_post_id": 77,
    }  # fmt: skip

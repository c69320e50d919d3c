"""Render the seed article (a text rendering of a real grandfleet.info page) as TCD-theme HTML.

The output is the fixture page `tests/fixtures/tcd/grandfleet-2021-12-23/page.html` and the page
`archiver demo` serves. Nesting is expressed only the way the real theme does it: `ol.children`
and `depth-N` classes; comment ids are assigned in display order because the text shows none.
The expected JSON beside the fixture is made by `tools/seed_expected.py`, not by this script.

Usage: python tools/render_seed_page.py SEED_TXT OUT_HTML [OUT_HTML ...]
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Facts the text rendering does not show; fixed here so the fixture is a complete page.
POST_ID = 19342
PUBLISHED = "2021-12-23T09:35:12+09:00"
MODIFIED = "2021-12-23T09:35:12+09:00"
SITE_URL = "https://grandfleet.info"
SLUG = "/european-region/russia-says-negotiations-with-nato-on-new-security-treaty-to-begin-in-january/"
FIRST_COMMENT_ID = 170401

BULLET = re.compile(r"^( *)• (.*)$")
DATE_TEXT = re.compile(r"^\d{4}年")


@dataclass
class SeedComment:
    depth: int
    author: str | None = None
    date: str = ""
    lines: list[str] = field(default_factory=list)
    votes: str | None = None
    replies: list[SeedComment] = field(default_factory=list)


def split_sections(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    start = lines.index("コメント")
    end = next(i for i in range(start, len(lines)) if "トラックバック" in lines[i])
    return lines[:start], lines[start + 1 : end]


def parse_comments(lines: list[str]) -> list[SeedComment]:
    roots: list[SeedComment] = []
    stack: list[SeedComment] = []
    current: SeedComment | None = None
    for line in lines:
        bullet = BULLET.match(line)
        if bullet:
            indent, value = len(bullet.group(1)), bullet.group(2).strip()
            depth = (indent - 4) // 2 + 1
            if current is None or current.date or current.depth != depth:
                current = SeedComment(depth=depth)
                del stack[depth - 1 :]
                (stack[-1].replies if stack else roots).append(current)
                stack.append(current)
            if DATE_TEXT.match(value):
                current.date = value
            else:
                current.author = value
        elif current is not None:
            current.lines.append(line.strip())
    for comment in _walk(roots):
        while comment.lines and not comment.lines[-1]:
            comment.lines.pop()
        if comment.lines and comment.lines[-1].isdigit():
            comment.votes = comment.lines.pop()
        while comment.lines and not comment.lines[-1]:
            comment.lines.pop()
        while comment.lines and not comment.lines[0]:
            comment.lines.pop(0)
    return roots


def _walk(comments: list[SeedComment]):
    for comment in comments:
        yield comment
        yield from _walk(comment.replies)


def paragraphs_html(lines: list[str]) -> str:
    blocks, block = [], []
    for line in [*lines, ""]:
        if line:
            block.append(html.escape(line, quote=False))
        elif block:
            blocks.append("<p>" + "<br />\n".join(block) + "</p>")
            block = []
    return "\n".join(blocks)


class CommentRenderer:
    def __init__(self) -> None:
        self.next_id = FIRST_COMMENT_ID
        self.thread = 0

    def render(self, comment: SeedComment, indent: str = "      ") -> str:
        comment_id = self.next_id
        self.next_id += 1
        if comment.depth == 1:
            self.thread += 1
        parity = "odd" if comment_id % 2 else "even"
        thread = "thread-odd" if self.thread % 2 else "thread-even"
        alt = " thread-alt" if comment.depth == 1 and self.thread % 2 == 0 else ""
        parent = " parent" if comment.replies else ""
        classes = (
            f"comment {parity} {thread}{alt} depth-{comment.depth}{parent} c-comment__list-item"
        )
        author = (
            f'\n{indent}    <li class="c-comment__item-author">{html.escape(comment.author)}</li>'
            if comment.author is not None
            else ""
        )
        count = (
            f' data-ulike-counter-value="{comment.votes}">{comment.votes}</span>'
            if comment.votes is not None
            else "></span>"
        )
        children = ""
        if comment.replies:
            inner = "\n".join(self.render(r, indent + "    ") for r in comment.replies)
            children = f'\n{indent}  <ol class="children">\n{inner}\n{indent}  </ol>'
        return f"""{indent}<li class="{classes}" id="comment-{comment_id}">
{indent}  <div class="c-comment__item-header">
{indent}   <ul class="c-comment__item-meta">{author}
{indent}    <li><time class="c-comment__item-date">{comment.date}</time></li>
{indent}   </ul>
{indent}  </div>
{indent}  <div class="c-comment__item-body">
{paragraphs_html(comment.lines)}
{indent}  </div>
{indent}  <div class="wpulike wpulike-default "><div class="wp_ulike_general_class wp_ulike_is_not_liked"><button type="button" aria-label="いいねボタン" data-ulike-id="{comment_id}" data-ulike-type="comment" data-ulike-template="wpulike-default" class="wp_ulike_btn wp_ulike_put_image wp_comment_btn_{comment_id}"></button><span class="count-box wp_ulike_counter_up"{count}</div></div>
{indent}  <ul class="c-comment__item-act">
{indent}    <li><a rel="nofollow" class="comment-reply-link" href="{SLUG}?replytocom={comment_id}#respond" data-commentid="{comment_id}" data-postid="{POST_ID}" aria-label="匿名 に返信">返信</a></li>
{indent}  </ul>{children}
{indent}</li>"""


def render_article_body(lines: list[str]) -> tuple[str, str, str, str, str]:
    category, title = lines[0].strip(), lines[2].strip()
    body_lines = [line.strip() for line in lines[3:]]
    end = next(i for i, line in enumerate(body_lines) if line.endswith("前のページ"))
    prev_title = body_lines[end].removesuffix("前のページ")
    next_title = next(
        line.removesuffix("次のページ") for line in body_lines if line.endswith("次のページ")
    )
    parts = []
    for line in body_lines[:end]:
        if not line:
            continue
        text = html.escape(line, quote=False)
        if line.startswith("参考:"):
            label = html.escape(line.removeprefix("参考:"), quote=False)
            href = "https://www.reuters.com/world/russia-says-security-talks-with-us-nato-begin-january-2021-12-22/"
            parts.append(f'<p>参考:<a href="{href}" target="_blank" rel="noopener">{label}</a></p>')
        elif line.startswith("関連記事:"):
            label = html.escape(line.removeprefix("関連記事:"), quote=False)
            parts.append(
                f'<p>関連記事:<a href="{SITE_URL}/european-region/related/">{label}</a></p>'
            )
        else:
            parts.append(f"<p>{text}</p>")
    return category, title, "\n".join(parts), prev_title, next_title


def render_page(seed_text: str) -> str:
    article_lines, comment_lines = split_sections(seed_text)
    category, title, body, prev_title, next_title = render_article_body(article_lines)
    roots = parse_comments(comment_lines)
    total = sum(1 for _ in _walk(roots))
    renderer = CommentRenderer()
    comments = "\n".join(renderer.render(c) for c in roots)
    esc_title = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width">
<title>{esc_title} | 航空万能論GF</title>
<link rel="canonical" href="{SITE_URL}{SLUG}">
<link rel="shortlink" href="{SITE_URL}/?p={POST_ID}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc_title}">
<meta property="og:url" content="{SITE_URL}{SLUG}">
<meta property="og:site_name" content="航空万能論GF">
<meta property="article:published_time" content="{PUBLISHED}">
<meta property="article:modified_time" content="{MODIFIED}">
</head>
<body class="post-template-default single single-post postid-{POST_ID} single-format-standard">
<main class="l-main">
<article class="p-entry">
  <header class="p-entry__header">
    <p class="p-entry__cat"><a href="{SITE_URL}/category/european-region/russia/" rel="category tag">{html.escape(category)}</a></p>
    <h1 class="p-entry__title">{esc_title}</h1>
    <time class="p-entry__date" datetime="2021-12-23">2021.12.23</time>
  </header>
  <div class="p-entry__body">
{body}
  </div>
</article>
<ul class="p-nav01">
  <li class="p-nav01__item p-nav01__item--prev"><a href="{SITE_URL}/asia/india-test/">{html.escape(prev_title)}<span>前のページ</span></a></li>
  <li class="p-nav01__item p-nav01__item--next"><a href="{SITE_URL}/asia/taiwan-submarine/">{html.escape(next_title)}<span>次のページ</span></a></li>
</ul>
<div class="c-comment">
  <ul class="c-comment__tab">
    <li class="c-comment__tab-item is-active"><p>コメント ( {total} )</p></li>
    <li class="c-comment__tab-item"><p>トラックバック ( 0 )</p></li>
  </ul>
  <div id="js-comment-area" class="c-comment__tab-panel is-active">
    <ol id="comments" class="c-comment__list">
{comments}
    </ol>
  </div>
  <div id="js-trackback-area" class="c-comment__tab-panel">
    <ol class="c-comment__list">
      <li class="c-comment__list-item"><div class="c-comment__item-body"><p>この記事へのトラックバックはありません。</p></div></li>
    </ol>
  </div>
</div>
</main>
</body>
</html>
"""


def main(argv: list[str]) -> int:
    seed, *outputs = argv
    page = render_page(Path(seed).read_text(encoding="utf-8"))
    for out in outputs:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

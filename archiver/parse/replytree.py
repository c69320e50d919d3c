"""Rebuild a reply tree from comments in display order: parents from depth, positions 1..N.

Pure and total: any depth sequence gives a consistent tree (depth = parent's depth + 1, no
cycles, positions 1..N); a depth that jumps more than one level below its predecessor is
clamped and counted, never trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from archiver.items import KIND_COMMENT, CommentItem


@dataclass(frozen=True)
class ThreadReport:
    comments: int
    max_depth: int
    depth_fixes: int


def build_thread(comments: Sequence[CommentItem]) -> ThreadReport:
    """Fill `key`, `parent_key`, `depth` and `position` of each comment, in place.

    `comments` is the thread in display order (tree pre-order). Pingbacks and trackbacks sit
    outside the thread: depth 1, no parent, no position.
    """
    stack: list[CommentItem] = []
    sibling_counts: dict[str | None, int] = {}
    fixes = 0
    position = 0
    for comment in comments:
        if comment.kind != KIND_COMMENT:
            comment.depth, comment.parent_key, comment.position = 1, None, None
            comment.key = comment.external_id or _built_key(comment, None, 0)
            continue
        depth = comment.depth if isinstance(comment.depth, int) else 1
        clamped = min(max(depth, 1), len(stack) + 1)
        fixes += clamped != depth
        del stack[clamped - 1 :]
        parent = stack[-1] if stack else None
        parent_key = parent.key if parent else None
        ordinal = sibling_counts.get(parent_key, 0) + 1
        sibling_counts[parent_key] = ordinal
        position += 1
        comment.depth, comment.parent_key, comment.position = clamped, parent_key, position
        comment.key = comment.external_id or _built_key(comment, parent_key, ordinal)
        stack.append(comment)
    max_depth = max((c.depth for c in comments if c.kind == KIND_COMMENT), default=0)
    return ThreadReport(comments=position, max_depth=max_depth, depth_fixes=fixes)


def _built_key(comment: CommentItem, parent_key: str | None, ordinal: int) -> str:
    """SPEC identity for a comment with no site id: never from the body, so an edit stays an edit.
    The date attribute before the text shown: what archives before `posted_attr` stored."""
    posted = comment.posted_attr or comment.posted_raw or ""
    material = "\x1f".join([comment.kind, comment.author, posted, parent_key or "", str(ordinal)])
    return "k" + hashlib.sha1(material.encode("utf-8")).hexdigest()[:20]

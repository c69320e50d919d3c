"""Rules are for markup families, not for pages: no hostname, title or commenter of the real pages
we score on (../shared/realpages) appears anywhere in the package's source or data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).parents[1]
LABELS = ROOT.parent / "shared" / "realpages" / "labels"
# Names too common to belong to one page.
GENERIC_NAMES = {"anonymous", "admin", "administrator", "guest", "gast", "anonym", "匿名", "名無し"}


def page_words() -> set[str]:
    words: set[str] = set()
    for path in LABELS.glob("*.json"):
        label = json.loads(path.read_text(encoding="utf-8"))
        host = urlsplit(label.get("original_url") or "").hostname
        if host:
            words.add(host.removeprefix("www."))
        if len(label.get("title") or "") >= 12:
            words.add(label["title"])
        for comment in label.get("comments", []):
            author = (comment.get("author") or "").strip()
            if len(author) >= 5 and author.casefold() not in GENERIC_NAMES:
                words.add(author)
    return words


@pytest.mark.skipif(not LABELS.is_dir(), reason=f"no real page labels at {LABELS}")
def test_no_real_page_is_named_in_the_package() -> None:
    words = page_words()
    assert len(words) > 100  # the labels were read
    # A name of one word is looked for as a whole word (Clare is not in "declare").
    single = {w.casefold() for w in words if re.fullmatch(r"[\w.-]+", w) and w.isascii()}
    phrases = {w.casefold() for w in words} - single
    found = []
    for path in sorted((ROOT / "archiver").rglob("*")):
        if path.suffix not in (".py", ".toml", ".txt", ".html", ".mako") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").casefold()
        tokens = set(re.findall(r"[\w.-]+", text)) | set(re.findall(r"\w+", text))
        hits = (single & tokens) | {w for w in phrases if w in text}
        found += [f"{path.relative_to(ROOT)}: {w}" for w in sorted(hits)]
    assert not found, "\n".join(found)

"""From extracted pages to items (archiver/parse/prepare.py)."""

from __future__ import annotations

from datetime import UTC, datetime

FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_german_comment_late_in_the_evening_keeps_its_own_day() -> None:
    from archiver.parse.prepare import prepare_page

    html = (
        '<html lang="de-DE"><head><meta property="og:type" content="article"></head><body>'
        '<h1 class="entry-title">Sommer</h1><time class="entry-date" '
        'datetime="2021-07-01T08:00:00+02:00">1. Juli 2021</time><ol class="comment-list">'
        '<li id="comment-4" class="comment depth-1"><article class="comment-body">'
        '<b class="fn">Anna</b><div class="comment-metadata"><time datetime='
        '"2021-07-10T23:30:00+02:00">10. Juli 2021 um 23:30</time></div>'
        '<div class="comment-content"><p>Schön.</p></div></article></li></ol></body></html>'
    )
    item = prepare_page(html, "http://127.0.0.1:8000/sommer/", FETCHED)
    assert item is not None and item.timezone == "Europe/Berlin"
    (comment,) = item.comments
    assert str(comment.posted_on) == "2021-07-10"  # not the next day in Japan
    assert comment.posted_at.isoformat() == "2021-07-10T21:30:00+00:00"

"""Site profiles as data: the built-in vote detector (the counters of the common comment-like
plugins in their real markup, never read from a body), markup families and renamed classes."""

from __future__ import annotations

import pytest

from archiver.parse.extraction import extract_page
from archiver.parse.profiles import load_profile

URL = "http://127.0.0.1:8000/2021/12/23/post/"
WIDGETS = {
    "wp-ulike": (
        '<div class="wpulike wpulike-default"><div class="wp_ulike_general_class wp_ulike_is_not_liked">'
        '<button type="button" data-ulike-id="7" data-ulike-type="comment" class="wp_ulike_btn">'
        '</button><span class="count-box wp_ulike_counter_up" data-ulike-counter-value="+12">+12'
        "</span></div></div>"
    ),
    "comments-like-dislike": (
        '<div class="cld-like-dislike-wrap cld-template-1"><div class="cld-like-wrap cld-common-wrap">'
        '<a href="javascript:void(0);" class="cld-like-trigger cld-like-dislike-trigger" '
        'data-comment-id="7" data-trigger-type="like"><i class="fas fa-thumbs-up"></i></a>'
        '<span class="cld-like-count-wrap cld-count-wrap">12\n    </span></div>'
        '<div class="cld-dislike-wrap cld-common-wrap"><a class="cld-dislike-trigger"></a>'
        '<span class="cld-dislike-count-wrap cld-count-wrap">3</span></div></div>'
    ),
    "thumbs-rating": (
        '<div class="thumbs-rating-container" id="thumbs-rating-7" data-content-id="7">'
        '<button type="button" class="thumbs-rating-up" data-vote="up" data-post-id="7">'
        '<svg class="thumbs-rating-icon"></svg><span class="thumbs-rating-count">12</span></button>'
        '<button type="button" class="thumbs-rating-down" data-vote="down" data-post-id="7">'
        '<svg></svg><span class="thumbs-rating-count">3</span></button></div>'
    ),
    "thumbs-rating-4": (
        '<div class="thumbs-rating-container"><span class="thumbs-rating-up" '
        'onclick="thumbs_rating_vote(7, 1);" data-text="Vote Up +">12</span>'
        '<span class="thumbs-rating-down" data-text="Vote Down -">3</span></div>'
    ),
}


def page(widget: str, body: str = "<p>本文です。</p>") -> str:
    return (
        '<html><head><meta property="og:type" content="article"></head><body>'
        '<h1 class="entry-title">題</h1><div class="entry-content"><p>記事</p></div>'
        '<ol class="comment-list"><li id="comment-7" class="comment depth-1">'
        '<article class="comment-body"><footer class="comment-meta"><div class="comment-author">'
        '<b class="fn">匿名</b></div><div class="comment-metadata"><time datetime='
        '"2021-12-23T09:00:00+09:00">2021年12月23日</time></div></footer>'
        f'<div class="comment-content">{body}</div>{widget}</article>'
        '<ol class="children"><li id="comment-8" class="comment depth-2"><article class="comment-body">'
        '<div class="comment-content"><p>返信</p></div></article></li></ol></li></ol></body></html>'
    )


@pytest.mark.parametrize("plugin", list(WIDGETS))
def test_each_plugin_counter_is_read(plugin: str) -> None:
    comments = extract_page(page(WIDGETS[plugin]), URL, load_profile("x")).comments
    assert [(c.external_id, c.votes) for c in comments] == [("7", 12), ("8", None)]


def test_no_counter_is_null_and_a_body_never_counts() -> None:
    assert extract_page(page(""), URL, load_profile("x")).comments[0].votes is None
    lookalike = WIDGETS["wp-ulike"].replace("+12", "+99")
    comments = extract_page(
        page("", body=f"<p>引用：</p>{lookalike}"), URL, load_profile("x")
    ).comments
    assert comments[0].votes is None
    assert "引用" in comments[0].body_text


def test_a_site_profile_names_its_markup_family(tmp_path, monkeypatch) -> None:
    """A profile is data: a new site of a known family needs a TOML file, no code."""
    from archiver.parse.profiles import SiteProfile

    html = page(WIDGETS["wp-ulike"])
    default = load_profile("x")
    assert extract_page(html, URL, default).comment_markup == "wp-classic"
    forced = SiteProfile(domain="x", timezone="Asia/Tokyo", vote_selectors=default.vote_selectors,
                         comment_markup="wp-block")  # fmt: skip
    # The profile's family is tried first; it never stops the others or the generic reader.
    assert extract_page(html, URL, forced).comment_markup == "wp-classic"
    assert load_profile("grandfleet.info").comment_markup == "tcd"


def test_a_profile_adds_class_names_for_a_renamed_field() -> None:
    from dataclasses import replace

    html = (
        page(WIDGETS["wp-ulike"])
        .replace('<div class="comment-author"><b class="fn">匿名</b></div>', "")
        .replace('<div class="comment-content">', '<span class="kakikomi-na">山田</span>'
                 '<div class="kakikomi-honbun">')
    )  # fmt: skip
    default = load_profile("x")
    plain = extract_page(html, URL, default).comments[0]
    assert plain.author == "" and plain.body_text != "本文です。"  # the name read as text
    own = replace(default, comment_classes=(("author", ("kakikomi-na",)),
                                            ("body", ("kakikomi-honbun",))))  # fmt: skip
    read = extract_page(html, URL, own).comments[0]
    assert (read.author, read.body_text, read.votes) == ("山田", "本文です。", 12)


def test_a_users_own_profile_in_the_data_home_overrides_ours(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path))
    (tmp_path / "profiles").mkdir()
    own = tmp_path / "profiles" / "grandfleet.info.toml"
    own.write_text('accept_shortfall = true\ntimezone = "Asia/Seoul"\n', encoding="utf-8")
    profile = load_profile("www.grandfleet.info")
    assert (profile.accept_shortfall, profile.own_timezone) == (True, "Asia/Seoul")
    assert profile.comment_markup == "tcd"  # ours still holds what the user's file does not say
    own.write_text("accept_shortfall = [", encoding="utf-8")
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path / "elsewhere"))
    assert not load_profile("grandfleet.info").accept_shortfall
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path))
    with pytest.raises(ValueError, match=r"grandfleet\.info\.toml is not valid TOML"):
        load_profile("grandfleet.info")

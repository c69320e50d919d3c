"""Canonical article URLs: the one place that decides what URL an article is stored under."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that never change what a page shows.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "ref", "amp"}
)
# Parameters that select a view of the same article (comment page, reply form).
VIEW_PARAMS = frozenset({"cpage", "replytocom"})
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2083  # Scrapy's URLLENGTH_LIMIT: a longer URL is dropped without a word


def checked_url(url: str, what: str) -> str:
    """`url` stripped, or ValueError saying in one line why it cannot be fetched: not
    http(s), no host, a port out of range, an IPv6 literal (the crawler's resolver takes
    none), longer than the crawler accepts. `what` names it in the message ("article URL")."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) {what}: {url[:200]!r}")
    try:
        parts.port  # noqa: B018 - urllib checks the range only when asked
    except ValueError:
        raise ValueError(f"the port of {url[:200]!r} is out of range (0-65535)") from None
    if ":" in parts.hostname:
        raise ValueError(f"IPv6 literal hosts cannot be fetched yet: {url[:200]!r}")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"{what} of {len(url)} characters, longer than the {MAX_URL_LENGTH} "
                         f"the crawler accepts: {url[:120]!r}…")  # fmt: skip
    return url


def without_password(url: str) -> str:
    """`url` as it may be kept in run records and logs: a password in it replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def canonical_url(url: str, declared: str | None = None) -> str:
    """The URL an article is stored under.

    A same-site `rel=canonical` (`declared`) wins; then scheme and host are lower-cased, the
    default port, fragment, tracking and comment-view parameters and a `/comment-page-N/` suffix
    are dropped, and a path whose last segment has no file extension ends with a slash
    (WordPress permalinks do).
    """
    if declared and same_site(url, declared):
        url = declared
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _COMMENT_PAGE.sub("/", parts.path) or "/"
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in VIEW_PARAMS and k not in TRACKING_PARAMS and not k.startswith("utm_")
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def is_comment_page(url: str) -> bool:
    """A page 2..N of an article's comments (`/comment-page-N/` or `?cpage=N`), not the article."""
    parts = urlsplit(url)
    return bool(_COMMENT_PAGE.search(parts.path)) or any(
        k == "cpage" for k, _ in parse_qsl(parts.query)
    )


def site_domain(url: str) -> str:
    """The site key of a URL: its host, lower-cased, without a leading `www.`, with a non-default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port not in (None, _DEFAULT_PORTS.get(parts.scheme.lower())):
        return f"{host}:{port}"
    return host


def same_site(url: str, other: str) -> bool:
    """Both URLs have one site key (a malformed port is no site)."""
    try:
        return site_domain(url) == site_domain(other)
    except ValueError:  # a malformed port in the page's own canonical link
        return False

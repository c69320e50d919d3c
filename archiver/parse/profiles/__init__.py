"""Site profiles: what we know about a site (timezone, where its vote counts live) as data files.

`default.toml` holds the defaults; `<domain>.toml` overrides them for one site. A profile is
looked up by the site's domain (`www.` stripped), so adding a site is adding a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class VoteSelector:
    """Where a comment's vote count is: a CSS selector inside the comment, read from `attr` or text."""

    css: str
    attr: str | None = None


@dataclass(frozen=True)
class SiteProfile:
    domain: str
    timezone: str
    vote_selectors: tuple[VoteSelector, ...]
    notes: str = ""
    # The comment markup family to read (a parser name: tcd, wp-classic, wp-block); None: the
    # first parser that recognizes the page.
    comment_markup: str | None = None
    # Extra class names per comment field (author, date, body) for a theme that renames them:
    # e.g. (("author", ("my-name",)),). Tried beside the family's own names.
    comment_classes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The site's own date forms (strptime), tried before the built-in ones.
    date_formats: tuple[str, ...] = ()
    # The zone the site's own file names (None: it names none, `timezone` is the default's).
    own_timezone: str | None = None


@lru_cache(maxsize=128)
def load_profile(domain: str) -> SiteProfile:
    """The profile for `domain`: its own file over the defaults, or the defaults alone."""
    data = _read("default.toml")
    own = _read(f"{domain.removeprefix('www.')}.toml")
    if own:
        data = {**data, **own}
    return SiteProfile(
        domain=domain,
        timezone=data.get("timezone", "Asia/Tokyo"),
        own_timezone=own.get("timezone"),
        vote_selectors=tuple(VoteSelector(**entry) for entry in data.get("votes", [])),
        notes=data.get("notes", ""),
        comment_markup=data.get("comment_markup"),
        date_formats=tuple(data.get("date_formats", [])),
        comment_classes=tuple(
            (role, tuple(names)) for role, names in sorted(data.get("comment_classes", {}).items())
        ),
    )


def _read(name: str) -> dict:
    resource = resources.files(__package__).joinpath(name)
    if not resource.is_file():
        return {}
    return tomllib.loads(resource.read_text(encoding="utf-8"))

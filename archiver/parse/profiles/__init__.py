"""Site profiles: what we know about a site (timezone, where its vote counts live) as data files.

`default.toml` holds the defaults; `<domain>.toml` overrides them for one site, and a user's own
`<data home>/profiles/<domain>.toml` overrides both (a site we ship nothing for, or a local
decision such as `accept_shortfall`). A profile is looked up by the site's domain (`www.`
stripped), so adding a site is adding a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from archiver.home import data_home


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
    # The site counts more comments than it ever prints (hidden, unapproved): a page short of its
    # count by no more than the last fetch is reported, not failed. Set after the same shortfall
    # over three runs, never to silence a new loss.
    accept_shortfall: bool = False


def load_profile(domain: str) -> SiteProfile:
    """The profile for `domain`: the user's file over ours over the defaults."""
    return _load(domain, data_home() / "profiles")


@lru_cache(maxsize=128)
def _load(domain: str, user_profiles: Path) -> SiteProfile:
    data = _read("default.toml")
    # The site key's file (`host:port`), else the host's: a host's profile covers its ports.
    key = domain.removeprefix("www.")
    names = dict.fromkeys((f"{key}.toml", f"{key.rpartition(':')[0] or key}.toml"))
    ours = next((found for name in names if (found := _read(name))), {})
    users = next((found for name in names if (found := _read_file(user_profiles / name))), {})
    own = {**ours, **users}
    if own:
        data = {**data, **own}
    return SiteProfile(
        domain=domain,
        timezone=data.get("timezone", "Asia/Tokyo"),
        own_timezone=own.get("timezone"),
        vote_selectors=tuple(VoteSelector(**entry) for entry in data.get("votes", [])),
        notes=data.get("notes", ""),
        comment_markup=data.get("comment_markup"),
        accept_shortfall=bool(data.get("accept_shortfall", False)),
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


def _read_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"site profile {path} is not valid TOML: {error}") from error

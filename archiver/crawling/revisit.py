"""When to look at a thread again: often while it is young and busy, rarely once it is old and quiet.

The interval grows with the article's age (a fraction of it) and shrinks with the comments the
last visit found new, between a floor and a ceiling. A thread that got 10 new comments since the
last visit is looked at 11 times sooner than a quiet one of the same age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from archiver import settings as defaults


@dataclass(frozen=True)
class RevisitPolicy:
    min_interval: timedelta = timedelta(hours=defaults.ARCHIVER_REVISIT_MIN_HOURS)
    max_interval: timedelta = timedelta(days=defaults.ARCHIVER_REVISIT_MAX_DAYS)
    # 0.25: a 4-day-old quiet thread is due again after a day
    age_fraction: float = defaults.ARCHIVER_REVISIT_AGE_FRACTION

    @classmethod
    def from_settings(cls, settings: Any) -> RevisitPolicy:
        """ARCHIVER_REVISIT_MIN_HOURS, ARCHIVER_REVISIT_MAX_DAYS, ARCHIVER_REVISIT_AGE_FRACTION."""
        return cls(
            min_interval=timedelta(
                hours=settings.getfloat(
                    "ARCHIVER_REVISIT_MIN_HOURS", defaults.ARCHIVER_REVISIT_MIN_HOURS
                )
            ),
            max_interval=timedelta(
                days=settings.getfloat(
                    "ARCHIVER_REVISIT_MAX_DAYS", defaults.ARCHIVER_REVISIT_MAX_DAYS
                )
            ),
            age_fraction=settings.getfloat(
                "ARCHIVER_REVISIT_AGE_FRACTION", defaults.ARCHIVER_REVISIT_AGE_FRACTION
            ),
        )

    def interval(self, age: timedelta, new_comments: int) -> timedelta:
        quiet = max(age, timedelta(0)) * self.age_fraction
        busy = quiet / (1 + max(new_comments, 0))
        return min(max(busy, self.min_interval), self.max_interval)

    def next_due(self, now: datetime, published_at: datetime | None, new_comments: int) -> datetime:
        """When a thread fetched at `now` is due again. Unknown age counts as brand new."""
        age = now - published_at if published_at is not None else timedelta(0)
        return now + self.interval(age, new_comments)

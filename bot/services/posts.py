"""Scheduled posts: the weekly red-flag tally, the monthly stars and grid ranking, the leaders'
digests and the collection-day call; each records the period it covered so nothing goes out twice.

Every builder reads committed data, computes with bot.domain.reports over bot.store.reports' SQL
aggregates, and returns Posts; `publish` writes them (a `posts` row and their outbox rows in one
transaction) unless it is a dry run. This module lists them for bot/jobs.py (which puts them on PTB's
JobQueue) and names them for the `post` command; the builders live in tally, monthly, digests and
collection, the plumbing in publish.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo
from typing import Any, Awaitable, Callable

from bot.domain.periods import At, Period, ReportSettings, last_complete, period_of
from bot.services.callback_week import weekly_callbacks
from bot.services.collection import collection_day
from bot.services.context import Ctx
from bot.services.digests import DIGEST_ROLE, digests
from bot.services.monthly import Standing, monthly, standings
from bot.services import quarterly
from bot.services.publish import HELPERS, Post, Tree, accept_seconds, publish
from bot.services.tally import weekly_tally

__all__ = [
    "DIGEST_ROLE",
    "HELPERS",
    "PERIOD_KINDS",
    "RUNNERS",
    "Builder",
    "Post",
    "Standing",
    "Tree",
    "accept_seconds",
    "collection_day",
    "default_period",
    "digests",
    "jobs_of",
    "monthly",
    "publish",
    "standings",
    "weekly_tally",
]

log = logging.getLogger(__name__)

Builder = Callable[[Ctx, datetime], Awaitable[list[Post]]]
Job = Callable[[Any], Awaitable[None]]


def _weekly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("week", now, ctx.config.timezone))


def _monthly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("month", now, ctx.config.timezone))


def jobs_of(settings: ReportSettings) -> list[tuple[str, At, Builder]]:
    """Each scheduled post: its name, when it runs, and what it builds."""
    return [
        ("weekly_tally", settings.weekly_tally, weekly_tally),
        ("monthly", settings.monthly, monthly),
        ("daily_digest", settings.daily_digest, digests),
        ("weekly_digest", settings.weekly_digest, _weekly_digest),
        ("monthly_digest", settings.monthly_digest, _monthly_digest),
        ("collection_day", settings.collection_day, collection_day),
        ("callback_review", settings.callback_review, weekly_callbacks),
        ("quarterly_stars", settings.quarterly_stars, quarterly.scheduled),
    ]


# --- the `post` command ------------------------------------------------------------------------

RUNNERS: dict[str, Builder] = {
    "weekly-tally": weekly_tally,
    "monthly": monthly,
    "digests": digests,
    "collection-day": collection_day,
    "callbacks": weekly_callbacks,
    "quarterly-stars": quarterly.quarterly_stars,
}
PERIOD_KINDS = {
    "weekly-tally": "week",
    "monthly": "month",
    "collection-day": "month",
    "callbacks": "week",
    "quarterly-stars": "quarter",
}


def default_period(command: str, now: datetime, zone: ZoneInfo) -> Period:
    """The period a command covers by default."""
    if command == "collection-day":
        return period_of("month", now, zone)
    return last_complete(PERIOD_KINDS.get(command, "day"), now, zone)

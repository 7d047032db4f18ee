"""Scheduled posts: the weekly red-flag tally, the monthly stars and grid ranking, the leaders'
digests and the collection-day call; each records the period it covered so nothing goes out twice.

Every builder reads committed data, computes with bot.domain.reports over bot.store.reports' SQL
aggregates, and returns Posts; `publish` writes them (a `posts` row and their outbox rows in one
transaction) unless it is a dry run. This module puts them on PTB's JobQueue and names them for the
`post` command; the builders live in tally, monthly, digests and collection, the plumbing in publish.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from bot.domain.periods import At, Period, ReportSettings, last_complete, period_of
from bot.services.collection import collection_day
from bot.services.context import Ctx
from bot.services.digests import DIGEST_ROLE, digests
from bot.services.monthly import Standing, monthly, standings
from bot.services.publish import HELPERS, Post, Tree, accept_seconds, publish
from bot.services.tally import weekly_tally

if TYPE_CHECKING:
    from telegram.ext import Application, JobQueue

__all__ = ["DIGEST_ROLE", "HELPERS", "PERIOD_KINDS", "RUNNERS", "Builder", "Post", "Standing", "Tree",
           "accept_seconds", "collection_day", "default_period", "digests", "jobs_of", "monthly", "publish",
           "schedule", "standings", "weekly_tally"]

log = logging.getLogger(__name__)

Builder = Callable[[Ctx, datetime], Awaitable[list[Post]]]
Job = Callable[[Any], Awaitable[None]]


def _weekly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("week", now, ctx.config.timezone))


def _monthly_digest(ctx: Ctx, now: datetime) -> Awaitable[list[Post]]:
    return digests(ctx, now, last_complete("month", now, ctx.config.timezone))


def jobs_of(settings: ReportSettings) -> list[tuple[str, At, Builder]]:
    """Each scheduled post: its name, when it runs, and what it builds."""
    return [("weekly_tally", settings.weekly_tally, weekly_tally), ("monthly", settings.monthly, monthly),
            ("daily_digest", settings.daily_digest, digests),
            ("weekly_digest", settings.weekly_digest, _weekly_digest),
            ("monthly_digest", settings.monthly_digest, _monthly_digest),
            ("collection_day", settings.collection_day, collection_day)]


def _callback(name: str, build: Builder) -> Job:
    """The JobQueue callback that builds and writes one scheduled post, logging (not raising) a failure."""
    async def run(context: Any) -> None:
        ctx: Ctx | None = context.application.bot_data.get("ctx")
        if ctx is None:
            return
        try:
            written = await build(ctx, datetime.now(timezone.utc))
            log.info("scheduled post %s: %d recipients", name, len(written))
        except Exception:
            log.exception("scheduled post %s failed", name)
    run.__name__ = f"post_{name}"
    return run


def schedule(app: Application) -> None:
    """Register every scheduled post on PTB's JobQueue in the configured time zone; with
    `reports.catch_up` set, a run at start makes a post whose moment passed that recently (the bot was
    down then); the posts table keeps it from repeating one already made."""
    config = app.bot_data["config"]
    settings = getattr(config, "reports", None)
    queue = app.job_queue
    if settings is None or not settings.enabled or queue is None:
        return
    for name, at, build in jobs_of(settings):
        _register(queue, name, at, config.timezone, _callback(name, build))
    if settings.catch_up > timedelta(0):
        queue.run_once(_catch_up(settings, config.timezone), when=15, name="post_catch_up")


def _register(queue: JobQueue, name: str, at: At, tz: tzinfo, cb: Job) -> None:
    """One post on the queue: monthly on its day, else daily on its weekdays."""
    when = at.clock.replace(tzinfo=tz)
    if at.monthday is not None:
        queue.run_monthly(cb, when=when, day=at.monthday, name=f"post_{name}")
    else:
        queue.run_daily(cb, time=when, days=at.ptb_days(), name=f"post_{name}")


def _catch_up(settings: ReportSettings, tz: tzinfo) -> Job:
    """The start-up run that makes each post whose moment passed within `catch_up`."""
    async def catch_up(context: Any) -> None:
        now = datetime.now(timezone.utc)
        for name, at, build in jobs_of(settings):
            if now - at.latest(now, tz) < settings.catch_up:
                await _callback(name, build)(context)
    return catch_up


# --- the `post` command ------------------------------------------------------------------------

RUNNERS: dict[str, Builder] = {"weekly-tally": weekly_tally, "monthly": monthly, "digests": digests,
                               "collection-day": collection_day}
PERIOD_KINDS = {"weekly-tally": "week", "monthly": "month", "collection-day": "month"}


def default_period(command: str, now: datetime, zone: tzinfo) -> Period:
    """The period a command covers by default."""
    if command == "collection-day":
        return period_of("month", now, zone)
    return last_complete({"weekly-tally": "week", "monthly": "month"}.get(command, "day"), now, zone)

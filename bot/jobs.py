"""Periodic work on PTB's JobQueue, the only module that talks to it: the deadline sweep, the scheduled
posts, the daily supervision reminders. Each job reads the services' context from the application and
logs (never raises) a failure: the next run tries again."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Any, Awaitable, Callable

from telegram.ext import Application, JobQueue

from bot.domain.periods import At, ReportSettings
from bot.services import posts, supervision, sweep
from bot.services.context import Ctx

log = logging.getLogger(__name__)
Job = Callable[[Any], Awaitable[None]]


def ptb_days(at: At) -> tuple[int, ...]:
    """PTB 20+ numbers weekdays 0 = Sunday ... 6 = Saturday for `JobQueue.run_daily(days=...)`
    (the domain counts Monday = 0, as Python does)."""
    return ((at.weekday + 1) % 7,) if at.weekday is not None else tuple(range(7))


def _ctx(context: Any) -> Ctx | None:
    return context.application.bot_data.get("ctx")


async def _sweep(context: Any) -> None:
    """Sweep deadlines with the current time."""
    if (ctx := _ctx(context)) is None:
        return
    try:
        await sweep.sweep(ctx, datetime.now(timezone.utc))
    except Exception as exc:  # the next tick tries again
        log.error("deadline sweep failed: %s", type(exc).__name__)


async def _supervision(context: Any) -> None:
    """Remind supervised tickets."""
    if (ctx := _ctx(context)) is None:
        return
    try:
        await supervision.remind_daily(ctx, datetime.now(timezone.utc))
    except Exception as exc:  # keep the bot running
        log.error("supervision reminders failed: %s", type(exc).__name__)


def _post(name: str, build: posts.Builder) -> Job:
    """The callback that builds and writes one scheduled post, logging (not raising) a failure."""

    async def run(context: Any) -> None:
        if (ctx := _ctx(context)) is None:
            return
        try:
            written = await build(ctx, datetime.now(timezone.utc))
            log.info("scheduled post %s: %d recipients", name, len(written))
        except Exception:
            log.exception("scheduled post %s failed", name)

    run.__name__ = f"post_{name}"
    return run


def _register_post(queue: JobQueue, name: str, at: At, tz: tzinfo, cb: Job) -> None:
    """One post on the queue: monthly on its day, else daily on its weekdays."""
    when = at.clock.replace(tzinfo=tz)
    if at.monthday is not None:
        queue.run_monthly(cb, when=when, day=at.monthday, name=f"post_{name}")
    else:
        queue.run_daily(cb, time=when, days=ptb_days(at), name=f"post_{name}")


def _catch_up(settings: ReportSettings, tz: tzinfo) -> Job:
    """The start-up run that makes each post whose moment passed within `catch_up` (the bot was down)."""

    async def catch_up(context: Any) -> None:
        now = datetime.now(timezone.utc)
        for name, at, build in posts.jobs_of(settings):
            if now - at.latest(now, tz) < settings.catch_up:
                await _post(name, build)(context)

    return catch_up


def schedule_posts(app: Application) -> None:
    """Every scheduled post in the configured time zone; the posts table keeps one from repeating."""
    config = app.bot_data["config"]
    settings = getattr(config, "reports", None)
    queue = app.job_queue
    if settings is None or not settings.enabled or queue is None:
        return
    for name, at, build in posts.jobs_of(settings):
        _register_post(queue, name, at, config.timezone, _post(name, build))
    if settings.catch_up > timedelta(0):
        queue.run_once(_catch_up(settings, config.timezone), when=15, name="post_catch_up")


def schedule_sweep(app: Application) -> None:
    """The one repeating deadline sweep."""
    if app.job_queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]): deadlines will not be swept")
        return
    interval = app.bot_data["config"].sweep_interval.total_seconds()
    app.job_queue.run_repeating(_sweep, interval=interval, first=1, name="deadline_sweep")


def schedule_supervision(app: Application) -> None:
    """Once a day, at the daily digest's time (09:00 without reports), remind supervised tickets."""
    config = app.bot_data["config"]
    if app.job_queue is None:
        return
    reports = getattr(config, "reports", None)
    at = reports.daily_digest.clock if reports is not None else time(9, 0)
    app.job_queue.run_daily(
        _supervision, time=at.replace(tzinfo=config.timezone), name="supervision_reminders"
    )


SCHEDULERS: list[Callable[[Application], None]] = [schedule_posts, schedule_sweep, schedule_supervision]


def schedule(app: Application) -> None:
    """Register every periodic job on the app's JobQueue."""
    for register in SCHEDULERS:
        register(app)

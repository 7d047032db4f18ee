"""Building the python-telegram-bot Application: handlers, the outbox deliverer, the database."""

from __future__ import annotations

import asyncio
import logging

from datetime import datetime, timezone

from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.request import BaseRequest
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot import commands, i18n, jobs, poison, startup
from bot.apilog import describe, quiet_recovered_faults
from bot.config import Config
from bot.delivery import Deliverer
from bot.handlers import (
    buttons,
    callbacks,
    casework,
    escalation,
    group,
    intake,
    lookup,
    start,
    stats,
    time_bank,
    worklog,
)
from bot.handlers.base import answer_press
from bot.pacing import PacedRateLimiter
from bot.services import reachability
from bot.services.context import Ctx
from bot.store import bot_facts
from bot.store.db import Database
from bot.transport import AiohttpRequest
from bot.web import open311

log = logging.getLogger(__name__)
DELIVERY_LANES = 8  # chats delivered to at once
CONNECTIONS = DELIVERY_LANES + 8  # the deliverer's lanes, handlers' answers and set-up calls
TELEGRAM_PER_SECOND = 30  # messages a second per bot token
OVERALL_PER_SECOND = 29  # the pace aimed at, one under: a late timer is made up without exceeding 30
HANDLER_MODULES = (
    start,
    group,
    worklog,
    intake,
    lookup,
    stats,
    buttons,
    escalation,
    casework,
    callbacks,
    time_bank,
)


async def _errors(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log errors without personal data: a Bot API fault as one warning line; anything else (a bug)
    with where it happened, the update skipped for good (recorded as processed, so a redelivery does
    not raise again), and a button presser told something went wrong."""
    err = context.error
    if isinstance(err, (NetworkError, RetryAfter)):
        log.warning("Bot API call failed while handling an update: %s", describe(err))
        return
    if not isinstance(update, Update):
        log.error("job failed: %s", poison.where(err))
        return
    await poison.skip(context.application, update.update_id, poison.where(err))
    if update.callback_query:
        await answer_press(update, i18n.label(i18n.DEFAULT, "error_generic"))


async def _post_init(app: Application) -> None:
    config: Config = app.bot_data["config"]
    db = await Database(config.database).open()
    deliverer = Deliverer(db, app.bot, concurrency=DELIVERY_LANES)
    me = await startup.required("getMe", app.bot.get_me, app.bot_data.get("stop"))
    if me.username:  # operator commands (roster invite links, collection-day buttons) read it from here
        await bot_facts.remember(db, "username", me.username, datetime.now(timezone.utc))
    app.bot_data["ctx"] = ctx = Ctx(db, config, deliverer.kick, me.username or "")
    deliverer.on_unreachable = lambda uow, user_id, cause: reachability.staff_blocked(
        ctx, uow, user_id, cause
    )
    app.bot_data["deliverer"] = deliverer
    app.bot_data["delivery_task"] = asyncio.create_task(deliverer.run_forever(), name="outbox")
    if config.open311.port is not None:
        runner = await open311.start(app.bot_data["ctx"], config.open311.listen, config.open311.port)
        app.bot_data["open311"] = runner
        log.info(
            "Open311 interface on http://%s:%d%s/",
            config.open311.listen,
            open311.bound_port(runner),
            open311.PREFIX,
        )
    await commands.install(app, db)


async def _post_shutdown(app: Application) -> None:
    task = app.bot_data.get("delivery_task")
    if task:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    if "open311" in app.bot_data:
        await app.bot_data.pop("open311").cleanup()
    ctx: Ctx | None = app.bot_data.get("ctx")
    if ctx:
        await ctx.db.close()


def rate_limiter() -> AIORateLimiter:
    """Telegram's limits for PTB: 29 messages a second overall on evenly spaced slots (`bot.pacing`: no
    burst, so no 429, and no time lost to late timers), and PTB's 20 a minute per group. (PTB's default
    AIORateLimiter lets a burst of 30 through on top of the steady 30/s, which Telegram answers with 429s.)"""
    return PacedRateLimiter(OVERALL_PER_SECOND, TELEGRAM_PER_SECOND)


def build(
    config: Config, request: BaseRequest | None = None, updates_request: BaseRequest | None = None
) -> Application:
    """The Application for this configuration, with every handler registered (by default on the
    aiohttp transport, `bot.transport`; the long poll gets a connection of its own; a given `request`
    alone serves the long poll too)."""
    quiet_recovered_faults()
    builder = ApplicationBuilder().request(request or AiohttpRequest(CONNECTIONS))
    builder = builder.get_updates_request(updates_request or request or AiohttpRequest(1))
    builder = (
        builder.token(config.token)
        .base_url(config.api_base_url)
        .base_file_url(config.file_base_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(32)
    )  # bot.polling keeps each chat in order
    if config.rate_limiter:
        builder = builder.rate_limiter(rate_limiter())
    app = builder.build()
    app.bot_data["config"] = config
    for module in HANDLER_MODULES:
        module.register(app)
    buttons.register_last(app)
    jobs.schedule(app)
    app.add_error_handler(_errors)
    return app

"""Start-up calls with backoff: required ones (getMe, deleteWebhook) are retried until they work;
optional ones (command menus, description) are logged in one line and retried later, never fatal."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta
from typing import Any, Awaitable, Callable

from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.cli import lang

log = logging.getLogger("bot.startup")
FIRST_DELAY, MAX_DELAY = 1.0, 60.0
OPTIONAL_RETRY, OPTIONAL_MAX = 30.0, 3600.0


class StopRequested(Exception):
    """SIGTERM/SIGINT arrived while a start-up call was waiting to be retried."""


def seconds(value: timedelta | float | int) -> float:
    """A RetryAfter's wait in seconds, whichever form PTB gives it in."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, TelegramError) else type(exc).__name__


async def required(
    name: str,
    call: Callable[[], Awaitable[Any]],
    stop: asyncio.Event | None = None,
    first: float | None = None,
) -> Any:
    """Await `call()` until it succeeds, backing off on network errors, 5xx answers and 429s."""
    delay = first or FIRST_DELAY
    while True:
        try:
            return await call()
        except RetryAfter as exc:
            wait = seconds(exc.retry_after)
        except NetworkError as exc:  # PTB raises NetworkError for 5xx answers and timeouts too
            wait, delay = delay, min(MAX_DELAY, delay * 2)
            log.warning(lang.say("startup_retry", method=name, error=_error(exc), seconds=round(wait, 1)))
        await _sleep(wait, stop)


async def begin(app: Application) -> asyncio.Event | None:
    """Stop on SIGINT or SIGTERM from now on, then initialise (getMe, retried); the stop event,
    or None when a signal came before the bot was up."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app.bot_data["stop"] = stop
    try:
        await required("getMe", app.initialize, stop)
    except StopRequested:
        return None
    return stop


async def _sleep(wait: float, stop: asyncio.Event | None) -> None:
    if stop is None:
        await asyncio.sleep(wait)
        return
    try:
        await asyncio.wait_for(stop.wait(), wait)
    except TimeoutError:
        return
    raise StopRequested


async def optional(
    app: Application, name: str, call: Callable[[], Awaitable[Any]], delay: float = OPTIONAL_RETRY
) -> bool:
    """Try `call()` once; on failure log one line and try again later on the JobQueue (doubling)."""
    try:
        await call()
        return True
    except TelegramError as exc:
        log.warning(lang.say("optional_failed", method=name, error=_error(exc), seconds=round(delay)))

    async def again(_: ContextTypes.DEFAULT_TYPE) -> None:
        await optional(app, name, call, min(OPTIONAL_MAX, delay * 2))

    if app.job_queue is not None:
        app.job_queue.run_once(again, delay, name=f"retry_{name}")
    return False

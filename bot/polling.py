"""Long polling that confirms an update to Telegram only after it was handled.

PTB's Updater confirms a batch of updates on its next getUpdates call, while they may still wait in
the update queue; a crash then loses them. Here each update is processed (its state change
committed) before the offset moves past it, so after a kill -9 Telegram delivers it again and the
store's processed-update ids make the second delivery change nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot import poison, startup
from bot.cli import lang

log = logging.getLogger(__name__)
CONFLICT_FIRST = 5.0  # seconds before polling again after a 409; doubles up to a minute


class Stopped(Exception):
    """The stop event was set while waiting for updates."""


async def _fetch(app: Application, offset: int | None, timeout: int, stop: asyncio.Event) -> list[Any]:
    """One long poll (raw JSON updates), abandoned as soon as `stop` is set (nothing new is confirmed
    by abandoning it)."""
    kwargs: dict[str, Any] = {"timeout": timeout, "allowed_updates": list(Update.ALL_TYPES)}
    if offset is not None:
        kwargs["offset"] = offset
    fetch = asyncio.ensure_future(_raw_updates(app, kwargs, timeout + 10))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not fetch.done():
        fetch.cancel()
        await asyncio.gather(fetch, return_exceptions=True)
        raise Stopped
    result = fetch.result()
    return result if isinstance(result, list) else []


async def _raw_updates(app: Application, kwargs: dict[str, Any], read_timeout: float) -> Any:
    """getUpdates as JSON: Bot.get_updates parses the whole batch at once, so one update it cannot
    parse would fail every update with it (and PTB then logs the batch, personal text included)."""
    return await app.bot._post("getUpdates", kwargs, read_timeout=read_timeout)  # noqa: SLF001


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def lane_of(update: Update) -> int:
    """Updates of one chat (or one user) are handled in order; different chats run side by side."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else update.update_id


async def process_batch(app: Application, updates: list[Update]) -> None:
    """Handle a batch: each chat's updates in order, chats concurrently; return when all are done."""
    lanes: dict[int, list[Update]] = {}
    for update in updates:
        lanes.setdefault(lane_of(update), []).append(update)

    async def run(lane: list[Update]) -> None:
        for update in lane:
            try:
                await app.process_update(update)
            except Exception as exc:  # handler errors go to the error handler; this is anything else
                await poison.skip(app, update.update_id, poison.where(exc))

    await asyncio.gather(*(run(lane) for lane in lanes.values()))


async def take_raw(app: Application, raw: list[Any]) -> None:
    """Parse a batch of raw updates, skip the poison ones (logged, recorded) and handle the rest."""
    updates = []
    for data in raw:
        update = poison.parse(app, data)
        if update is None:
            await poison.skip(app, poison.update_id_of(data), "cannot be parsed")
        else:
            updates.append(update)
    await process_batch(app, updates)


def _next_offset(raw: list[Any], offset: int | None) -> int | None:
    ids = [i for i in map(poison.update_id_of, raw) if i is not None]
    return max(ids) + 1 if ids else offset


async def poll(app: Application, stop: asyncio.Event, timeout: int = 10) -> None:
    """Fetch, process and only then confirm updates, until `stop` is set."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            raw = await _fetch(app, offset, timeout, stop)
            failures = 0
        except Stopped:
            break
        except RetryAfter as exc:
            await _pause(stop, startup.seconds(exc.retry_after))
            continue
        except Conflict:  # another getUpdates consumer (a second copy of the bot, or a webhook)
            failures += 1
            wait = min(60.0, CONFLICT_FIRST * 2 ** min(failures - 1, 5))
            log.error(lang.say("conflict", seconds=round(wait)))
            await _pause(stop, wait)
            continue
        except NetworkError as exc:  # includes timeouts; Telegram or the network is having a moment
            failures += 1
            log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
            await _pause(stop, min(30.0, 0.5 * 2 ** min(failures, 6)))
            continue
        if raw:
            await take_raw(app, raw)
            offset = _next_offset(raw, offset)
    if offset is not None:
        await _confirm(app, offset)


async def _confirm(app: Application, offset: int) -> None:
    try:
        await _raw_updates(
            app, {"offset": offset, "timeout": 0, "limit": 1, "allowed_updates": list(Update.ALL_TYPES)}, 10.0
        )
    except TelegramError:
        pass  # they will be delivered again and recognised as processed


async def serve(app: Application, timeout: int = 10) -> None:
    """Run the application until SIGINT or SIGTERM: initialise, poll, then shut down cleanly."""
    stop = await startup.begin(app)
    if stop is None:
        return
    try:
        if app.post_init:
            await app.post_init(app)
        await startup.required(
            "deleteWebhook", lambda: app.bot.delete_webhook(drop_pending_updates=False), stop
        )
        await app.start()
        try:
            await poll(app, stop, timeout)
        finally:
            await app.stop()
    except startup.StopRequested:
        pass
    finally:
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()

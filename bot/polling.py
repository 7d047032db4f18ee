"""Long polling that confirms an update to Telegram only after it was handled.

PTB's Updater confirms a batch of updates on its next getUpdates call, while they may still wait in
the update queue; a crash then loses them. Here each update is processed (its state change
committed) before the offset moves past it, so after a kill -9 Telegram delivers it again and the
store's processed-update ids make the second delivery change nothing.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import Application

log = logging.getLogger(__name__)


class Stopped(Exception):
    """The stop event was set while waiting for updates."""


async def _fetch(app: Application, offset: int | None, timeout: int, stop: asyncio.Event) -> list[Update]:
    """One long poll, abandoned as soon as `stop` is set (nothing new is confirmed by abandoning it)."""
    fetch = asyncio.ensure_future(app.bot.get_updates(
        offset=offset, timeout=timeout, read_timeout=timeout + 10, allowed_updates=Update.ALL_TYPES))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not fetch.done():
        fetch.cancel()
        await asyncio.gather(fetch, return_exceptions=True)
        raise Stopped
    return list(fetch.result())


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def _lane(update: Update) -> int:
    """Updates of one chat (or one user) are handled in order; different chats run side by side."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else update.update_id


async def process_batch(app: Application, updates: list[Update]) -> None:
    """Handle a batch: each chat's updates in order, chats concurrently; return when all are done."""
    lanes: dict[int, list[Update]] = {}
    for update in updates:
        lanes.setdefault(_lane(update), []).append(update)

    async def run(lane: list[Update]) -> None:
        for update in lane:
            await app.process_update(update)
    await asyncio.gather(*(run(lane) for lane in lanes.values()))


async def poll(app: Application, stop: asyncio.Event, timeout: int = 10) -> None:
    """Fetch, process and only then confirm updates, until `stop` is set."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            updates = await _fetch(app, offset, timeout, stop)
            failures = 0
        except Stopped:
            break
        except RetryAfter as exc:
            wait = exc.retry_after
            await _pause(stop, wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait))
            continue
        except NetworkError as exc:  # includes timeouts; Telegram or the network is having a moment
            failures += 1
            log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
            await _pause(stop, min(30.0, 0.5 * 2 ** min(failures, 6)))
            continue
        if updates:
            await process_batch(app, updates)
            offset = updates[-1].update_id + 1
    if offset is not None:
        await _confirm(app, offset)


async def _confirm(app: Application, offset: int) -> None:
    try:
        await app.bot.get_updates(offset=offset, timeout=0, allowed_updates=Update.ALL_TYPES)
    except NetworkError:
        pass  # they will be delivered again and recognised as processed


async def serve(app: Application, timeout: int = 10) -> None:
    """Run the application until SIGINT or SIGTERM: initialise, poll, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.bot.delete_webhook(drop_pending_updates=False)
        await app.start()
        try:
            await poll(app, stop, timeout)
        finally:
            await app.stop()
    finally:
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()

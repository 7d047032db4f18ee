"""Webhook mode: Telegram POSTs each update to our server, which answers 200 only after the update
was handled (its state change committed), so Telegram redelivers what a crash interrupted.

This follows PTB's "custom webhook bot" pattern (an aiohttp server in front of the Application)
rather than Updater.start_webhook, whose server answers 200 as soon as the update is queued — before
it is handled, which would lose it in a crash. Each chat's updates are handled in order.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import defaultdict
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot import poison, startup
from bot.config import Webhook
from bot.polling import lane_of

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SHUTDOWN_GRACE = 5.0  # seconds in-flight updates get at shutdown; unfinished ones are not answered


def path_of(url: str) -> str:
    """The path Telegram posts to (the proxy in front passes it through), `/` if none."""
    return urlsplit(url).path or "/"


class Receiver:
    """The aiohttp handler: check the secret, parse, handle in chat order, then answer 200."""

    def __init__(self, app: Application, secret: str) -> None:
        self.app, self.secret = app, secret
        self.lanes: dict[int, asyncio.Lock] = {}
        self.waiting: defaultdict[int, int] = defaultdict(int)  # a chat's lock lives while it is used

    async def __call__(self, request: web.Request) -> web.Response:
        """One delivery from Telegram."""
        given = request.headers.get(SECRET_HEADER, "")
        if self.secret and not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request without the right secret token from %s refused", request.remote)
            return web.Response(status=403)
        try:
            data = await request.json()
        except ValueError:
            await poison.skip(self.app, None, "body is not JSON")
            return web.Response()  # a redelivery would fail the same way
        update = poison.parse(self.app, data)
        if update is None:
            await poison.skip(self.app, poison.update_id_of(data), "cannot be parsed")
            return web.Response()
        await self.handle(update)
        return web.Response()

    async def handle(self, update: Update) -> None:
        """Process one update after the earlier ones of its chat (errors: logged, recorded, skipped)."""
        lane = lane_of(update)
        lock = self.lanes.setdefault(lane, asyncio.Lock())
        self.waiting[lane] += 1
        try:
            async with lock:
                await self.app.process_update(update)
        except Exception as exc:  # handler errors go to the error handler; this is anything else
            await poison.skip(self.app, update.update_id, poison.where(exc))
        finally:
            self.waiting[lane] -= 1
            if not self.waiting[lane]:
                del self.waiting[lane], self.lanes[lane]


async def _start_server(app: Application, hook: Webhook) -> web.AppRunner:
    server = web.Application()
    server.router.add_post(path_of(hook.url), Receiver(app, hook.secret_token))
    runner = web.AppRunner(
        server, shutdown_timeout=SHUTDOWN_GRACE, handler_cancellation=True, access_log=None
    )
    await runner.setup()
    await web.TCPSite(runner, hook.listen, hook.port).start()
    log.info("webhook: listening on %s:%d%s for %s", hook.listen, hook.port, path_of(hook.url), hook.url)
    return runner


async def serve_webhook(app: Application, hook: Webhook) -> None:
    """Run until SIGINT or SIGTERM: start, set the webhook, receive updates, shut down cleanly.

    The webhook stays set at shutdown: Telegram keeps the updates for the next start."""
    stop = await startup.begin(app)
    if stop is None:
        return
    runner: web.AppRunner | None = None
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        runner = await _start_server(app, hook)
        await startup.required(
            "setWebhook",
            lambda: app.bot.set_webhook(
                hook.url, secret_token=hook.secret_token or None, allowed_updates=Update.ALL_TYPES
            ),
            stop,
        )
        await stop.wait()
    except startup.StopRequested:
        pass
    finally:
        if runner is not None:
            await runner.cleanup()
        if app.running:
            await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()

"""Webhook delivery: secret header, redelivery after non-2xx and timeouts, 409 on getUpdates."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import BadRequest, Conflict

from bot.emulator import Emulator, EmulatorClient
from bot.emulator.webhook import SECRET_HEADER


class Receiver:
    """The bot's side of a webhook: records each POST and answers with the next scripted status."""

    def __init__(self) -> None:
        self.received: list[tuple[int, str | None]] = []
        self.script: list[int | str] = []  # status codes, or "hang" to never answer in time
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.received.append((update["update_id"], request.headers.get(SECRET_HEADER)))
        step = self.script.pop(0) if self.script else 200
        if step == "hang":
            await asyncio.sleep(5)
            step = 200
        return web.Response(status=int(step))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A webhook endpoint on a free port."""
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    await runner.cleanup()


async def test_webhook_delivers_with_secret_and_redelivers_until_2xx(emu: Emulator, tg, receiver) -> None:
    emu.webhook_retry = 0.05
    li = emu.user()
    receiver.script = [500, 502]
    assert await tg.set_webhook(receiver.url, secret_token="s3cret-TOKEN_1") is True
    sent = emu.send(li, li, "/start")
    await emu.wait_until(lambda: not emu.updates and len(receiver.received) == 3)
    update_id = emu.webhook_deliveries[0]["update_id"]
    assert receiver.received == [(update_id, "s3cret-TOKEN_1")] * 3
    assert [d["status"] for d in emu.webhook_deliveries] == [500, 502, 200]
    info = await tg.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
    assert sent["text"] == "/start"


async def test_webhook_timeout_and_refused_connection_are_not_delivered(emu: Emulator, tg, receiver) -> None:
    emu.webhook_retry, emu.webhook_timeout = 0.05, 0.3
    li = emu.user()
    receiver.script = ["hang"]
    await tg.set_webhook(receiver.url)
    emu.send(li, li, "/start")
    await emu.wait_until(lambda: not emu.updates, timeout=10)
    assert [d["status"] for d in emu.webhook_deliveries] == [None, 200]
    assert [secret for _, secret in receiver.received] == [None, None]
    assert (await tg.get_webhook_info()).last_error_message == "Read timeout expired"
    await tg.set_webhook("http://127.0.0.1:9/nobody-listens")
    emu.send(li, li, "again")
    await emu.wait_until(lambda: len(emu.webhook_deliveries) >= 4, timeout=10)
    info = await tg.get_webhook_info()
    assert info.pending_update_count == 1 and info.last_error_message == "Connection refused"


async def test_get_updates_refused_while_webhook_set_and_restored_by_delete(
    emu: Emulator, tg, receiver
) -> None:
    li = emu.user()
    receiver.script = [500] * 1000  # the bot's server keeps failing: nothing is confirmed
    emu.webhook_retry = 0.05
    await tg.set_webhook(receiver.url)
    emu.send(li, li, "/start")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await tg.get_updates()
    await emu.wait_until(lambda: len(receiver.received) >= 2)
    assert await tg.delete_webhook() is True
    assert (await tg.get_webhook_info()).url == ""
    updates = await tg.get_updates()
    assert [u.message.text for u in updates] == ["/start"]  # undelivered, so still pending


async def test_set_webhook_ends_a_waiting_long_poll(emu: Emulator, tg, receiver) -> None:
    poll = asyncio.create_task(tg.get_updates(timeout=30, read_timeout=40))
    await emu.wait_until(lambda: emu.calls["getUpdates"] == 1)
    await tg.set_webhook(receiver.url)
    with pytest.raises(Conflict, match="webhook is active"):
        await asyncio.wait_for(poll, 10)


async def test_set_webhook_checks_url_and_secret(emu: Emulator, tg) -> None:
    with pytest.raises(BadRequest, match="(?i)HTTPS url must be provided"):
        await tg.set_webhook("ftp://example.org/hook")
    with pytest.raises(BadRequest, match="(?i)secret token contains unallowed characters"):
        await tg.set_webhook("https://example.org/hook", secret_token="no spaces!")
    assert (await tg.get_webhook_info()).url == ""


async def test_webhook_state_through_control_api(emu: Emulator, url: str, tg, receiver) -> None:
    li = emu.user()
    await tg.set_webhook(receiver.url, secret_token="abc", drop_pending_updates=True)
    emu.send(li, li, "/start")
    await emu.wait_until(lambda: not emu.updates)
    async with EmulatorClient(url) as client:
        state = await client.webhook()
    assert state["info"]["url"] == receiver.url and state["info"]["pending_update_count"] == 0
    assert [d["status"] for d in state["deliveries"]] == [200]

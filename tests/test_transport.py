"""The aiohttp transport (`bot.transport`): real Bot API calls through PTB, and PTB's errors on failure."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import RequestData

from bot.emulator import Emulator, serve
from bot import transport
from bot.transport import AiohttpRequest

TOKEN = "123:ABC"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _bot(url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot", request=request)


@pytest.fixture
async def emulated() -> AsyncIterator[tuple[Emulator, str]]:
    emu = Emulator(token=TOKEN, bot_username="grid_bot", rate_limits=False)
    async with serve(emu) as url:
        yield emu, url


async def test_messages_edits_and_uploads_arrive_as_sent(emulated):
    emu, url = emulated
    alice = emu.user(id=501, first_name="Alice")
    emu.send(alice, alice, "/start")
    async with _bot(url, AiohttpRequest(4)) as bot:
        msg = await bot.send_message(alice.id, "<b>你好</b> & hello", parse_mode="HTML")
        await bot.edit_message_text("改过了", alice.id, msg.message_id)
        photo = await bot.send_photo(alice.id, InputFile(PNG, filename="chart.png"), caption="图表")
        updates = await bot.get_updates(timeout=0)
    assert msg.text == "你好 & hello" and photo.caption == "图表" and photo.photo
    assert [u.message.text for u in updates] == ["/start"]
    assert emu.stored(alice.id, msg.message_id).data["text"] == "改过了"


async def test_telegram_errors_become_ptb_errors(emulated):
    emu, url = emulated
    async with _bot(url, AiohttpRequest(2)) as bot:
        emu.fault("sendMessage", "429", retry_after=7)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "x")
    assert "7" in str(caught.value)  # the wait Telegram asked for reaches the deliverer


@pytest.fixture
async def stalling() -> AsyncIterator[tuple[str, asyncio.Event, list[str]]]:
    """A server whose /bot<token>/<method> answers only once `release` is set; it logs each request."""
    release, seen = asyncio.Event(), []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.match_info["method"])
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", release, seen
    finally:
        release.set()
        await runner.cleanup()


@pytest.fixture
async def opened() -> AsyncIterator[list[AiohttpRequest]]:
    made: list[AiohttpRequest] = []
    yield made
    for request in made:
        await request.shutdown()


async def _open(made: list[AiohttpRequest], request: AiohttpRequest) -> AiohttpRequest:
    await request.initialize()
    made.append(request)
    return request


async def test_a_silent_server_is_a_timeout_the_deliverer_retries(stalling, opened):
    url, release, seen = stalling
    request = await _open(opened, AiohttpRequest(2, read_timeout=0.2, write_timeout=0.1))
    with pytest.raises(TimedOut):
        await request.post(f"{url}/bot{TOKEN}/deleteMessage", RequestData([]))
    assert seen == ["deleteMessage"]


async def test_a_full_pool_times_out_without_sending(stalling, opened):
    url, release, seen = stalling
    request = await _open(opened, AiohttpRequest(1, read_timeout=None, pool_timeout=0.05))
    first = asyncio.ensure_future(request.post(f"{url}/bot{TOKEN}/deleteMessage"))
    while not seen:
        await asyncio.sleep(0.01)
    with pytest.raises(TimedOut, match="Pool timeout"):
        await request.post(f"{url}/bot{TOKEN}/sendMessage")
    release.set()
    assert await first is True
    assert seen == ["deleteMessage"]  # the second request never left


async def test_a_refused_connection_is_a_network_error_not_a_timeout():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the request: nothing listens there
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)


async def test_shut_down_transport_opens_again():
    request = AiohttpRequest(1)
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/x", "POST")
    await request.initialize()
    await request.shutdown()


async def test_call_sends_plain_json_and_returns_the_raw_result(emulated):
    """The deliverer's short path: keyboard, HTML and link options arrive as sent; the answer is JSON."""
    emu, url = emulated
    alice = emu.user(id=502, first_name="Alice")
    emu.send(alice, alice, "/start")
    keyboard = {"inline_keyboard": [[{"text": "✅ 接单", "callback_data": "t:1:acc"}]]}
    async with _bot(url, AiohttpRequest(2)) as bot:
        sent = await transport.call(
            bot,
            "sendMessage",
            {"chat_id": alice.id, "text": "<b>#1</b> 新任务", "parse_mode": "HTML", "reply_markup": keyboard},
        )
        edited = await transport.call(
            bot,
            "editMessageText",
            {"chat_id": alice.id, "message_id": sent["message_id"], "text": "已接单", "reply_markup": None},
        )
    assert isinstance(sent, dict) and sent["text"] == "#1 新任务"
    assert emu.stored(alice.id, sent["message_id"]).data["text"] == "已接单" == edited["text"]
    assert "reply_markup" not in emu.stored(alice.id, sent["message_id"]).data  # None is left out


async def test_call_takes_ptb_objects_among_the_parameters(emulated):
    """A keyboard given as PTB's own object reaches Telegram in its Bot API form (not a failed send)."""
    emu, url = emulated
    alice = emu.user(id=503, first_name="Alice")
    emu.send(alice, alice, "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅ 接单", callback_data="t:1:acc")]])
    async with _bot(url, AiohttpRequest(2)) as bot:
        sent = await transport.call(
            bot, "sendMessage", {"chat_id": alice.id, "text": "#1", "reply_markup": keyboard}
        )
    stored = emu.stored(alice.id, sent["message_id"]).data
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "t:1:acc"


async def test_call_raises_what_ptb_raises(emulated):
    emu, url = emulated
    stranger = emu.user(id=503, first_name="Bob")  # never started the bot
    alice = emu.user(id=505, first_name="Alice")
    emu.send(alice, alice, "/start")
    async with _bot(url, AiohttpRequest(2)) as bot:
        emu.fault("sendMessage", "429", retry_after=9)
        with pytest.raises(RetryAfter) as waited:
            await transport.call(bot, "sendMessage", {"chat_id": stranger.id, "text": "x"})
        with pytest.raises(Forbidden):
            await transport.call(bot, "sendMessage", {"chat_id": stranger.id, "text": "x"})
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await transport.call(bot, "editMessageText", {"chat_id": alice.id, "message_id": 99, "text": "x"})
        emu.fault("sendMessage", "502")
        with pytest.raises(NetworkError):
            await transport.call(bot, "sendMessage", {"chat_id": alice.id, "text": "x"})
    assert "9" in str(waited.value)


class _Recording(BaseRateLimiter):
    """A rate limiter that lets everything through and notes what it saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        self.seen.append((endpoint, data.get("chat_id")))
        return await callback(*args, **kwargs)


async def test_call_goes_through_the_bots_rate_limiter(emulated):
    emu, url = emulated
    alice = emu.user(id=504, first_name="Alice")
    emu.send(alice, alice, "/start")
    limiter = _Recording()
    bot = ExtBot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(2), rate_limiter=limiter)
    async with bot:
        await transport.call(bot, "sendMessage", {"chat_id": alice.id, "text": "hi"})
    assert limiter.seen[-1] == ("sendMessage", alice.id)  # (initialising the bot called getMe first)

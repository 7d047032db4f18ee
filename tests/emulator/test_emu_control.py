"""The /_emu HTTP control API through EmulatorClient, the web page route and the CLI."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.emulator import Emulator, EmulatorClient, EmulatorClientError, EmulatorError, EmulatorTimeout
from bot.emulator.cli import parse_args


async def bot_replies(emu: Emulator) -> None:
    """A tiny stand-in bot: answers every private message and callback through the Bot API."""
    offset = 0
    while True:
        status, body = await emu.call("getUpdates", {"offset": offset, "timeout": 5})
        for update in body["result"]:
            offset = update["update_id"] + 1
            if "message" in update and update["message"]["chat"]["type"] == "private":
                markup = '{"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}'
                await emu.call(
                    "sendMessage",
                    {
                        "chat_id": update["message"]["chat"]["id"],
                        "text": "echo " + update["message"].get("text", ""),
                        "reply_markup": markup,
                    },
                )
            if "callback_query" in update:
                await emu.call(
                    "answerCallbackQuery",
                    {"callback_query_id": update["callback_query"]["id"], "text": "done"},
                )


async def test_client_story(emu: Emulator, url: str) -> None:
    worker = asyncio.create_task(bot_replies(emu))
    try:
        async with EmulatorClient(url) as client:
            assert client.base_url == f"{url}/bot"
            li = await client.user(first_name="Li", username="li_w")
            wu = await client.user(first_name="Wu", language_code="en")
            sent = await client.send(li, None, "/start")
            assert sent["entities"][0]["type"] == "bot_command"
            reply = await client.wait_for(li, contains="echo /start")
            callback = await client.press(li, reply, "OK")
            await emu.wait_until(lambda: emu.callback_answer(callback), timeout=30)  # an event, not a count
            assert (await client.callback_answer(callback))["text"] == "done"
            group = await client.group("Block 7", members=[li, wu])
            await client.add_bot(group, li)
            await client.promote_bot(group)
            await client.send(wu, group, "hello all")
            await client.send_photo(wu, group, caption="lamp")
            await client.send_location(wu, group, 1.5, 2.5)
            edited = await client.edit(wu, (await client.messages(group))[1], "hello everyone")
            assert edited["text"] == "hello everyone" and edited["edit_date"]
            assert [m["plain_text"] for m in await client.messages(group, as_user=wu)][1:] == [
                "hello everyone",
                "lamp",
                None,
            ]
            assert (await client.last(group))["location"] == {"latitude": 1.5, "longitude": 2.5}
            new = await client.migrate(group)
            assert new["type"] == "supergroup" and new["bot_status"] == "administrator"
            chats = {c["id"]: c for c in await client.chats()}
            assert chats[group["id"]]["migrated_to"] == new["id"]
            await client.block(li)
            assert (await client.state())["users"][0]["blocked"] is True
            await client.unblock(li)
            await client.fault("getMe", "500")
            await client.fault_rate(0.5, kinds=["502"], seed=1)
            await client.clear_faults()
            assert (await client.rate_limits(per_second=5))["per_second"] == 5
            stats = await client.stats()
            assert stats["calls"]["sendMessage"] >= 1 and "too_many_requests" in stats
            assert (await client.log("answerCallbackQuery"))[0]["status"] == 200
            with pytest.raises(EmulatorClientError) as caught:
                await client.press(li, reply, "No such button")
            assert caught.value.status == 400 and "no callback button" in caught.value.error
            with pytest.raises(EmulatorClientError) as timeout:
                await client.wait_for(wu, timeout=0.1)
            assert timeout.value.status == 408
    finally:
        worker.cancel()


async def test_web_page_and_static_served(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/") as response:
            assert response.status == 200 and "Telegram emulator" in await response.text()


async def test_in_process_errors_are_clear(emu: Emulator) -> None:
    li, wu = emu.user(), emu.user()
    group = emu.group("G", members=[li])
    with pytest.raises(EmulatorError, match="not a member"):
        emu.send(wu, group, "hi")
    with pytest.raises(EmulatorError, match="no callback button"):
        emu.press(li, emu.send(li, li, "/start"), "x")
    with pytest.raises(EmulatorTimeout):
        await emu.wait_for(li, timeout=0.05)
    emu.block(li)
    with pytest.raises(EmulatorError, match="blocked the bot"):
        emu.send(li, li, "hello?")


async def test_wait_for_since_and_predicates(emu: Emulator) -> None:
    li = emu.user()
    emu.send(li, li, "/start")
    mark = emu.checkpoint()

    async def later() -> None:
        await asyncio.sleep(0.05)
        await emu.call("sendMessage", {"chat_id": li.id, "text": "first"})
        await emu.call("sendMessage", {"chat_id": li.id, "text": "second"})

    task = asyncio.create_task(later())
    second = await emu.wait_for(lambda m: m.get("text") == "second", timeout=2)
    assert second["message_id"] == 3
    assert (await emu.wait_for(li, since=mark))["text"] == "first"
    await task


def test_cli_arguments() -> None:
    args = parse_args(["--port", "9000", "--no-rate-limits", "--token", "1:X"])
    assert (args.host, args.port, args.no_rate_limits, args.token) == ("127.0.0.1", 9000, True, "1:X")

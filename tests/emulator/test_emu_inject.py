"""Trouble other tests inject: unparseable updates, any status on any method, a rival poller."""

from __future__ import annotations

import asyncio

import pytest
from telegram import BotCommand, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter

from bot.emulator import Emulator, EmulatorClient, EmulatorError

# PTB itself warns about RetryAfter.retry_after becoming a timedelta in v23.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def raw_updates(emu: Emulator, **params: object) -> list[dict]:
    status, body = await emu.call("getUpdates", params)
    assert status == 200, body
    return body["result"]


async def test_poison_update_in_process_cannot_be_parsed_by_ptb(emu: Emulator, tg) -> None:
    li = emu.user(first_name="Li")
    poison = emu.poison_update("poll_answer", user=li)
    emu.send(li, li, "/start")
    raw = await raw_updates(emu)
    assert [sorted(u) for u in raw] == [["poll_answer", "update_id"], ["message", "update_id"]]
    assert raw[0] == poison and "option_ids" not in raw[0]["poll_answer"]
    with pytest.raises(TypeError, match="option_ids"):
        Update.de_json(raw[0], tg)
    assert Update.de_json(raw[1], tg).message.text == "/start"
    with pytest.raises(TypeError):  # PTB's own getUpdates fails on the batch holding it
        await tg.get_updates()
    assert [u["update_id"] for u in await raw_updates(emu, offset=poison["update_id"] + 1)] == [
        raw[1]["update_id"]
    ]


@pytest.mark.parametrize("kind", ["callback_query", "message"])
async def test_other_poison_kinds(emu: Emulator, tg, kind: str) -> None:
    emu.poison_update(kind)
    with pytest.raises((TypeError, KeyError)):
        Update.de_json((await raw_updates(emu))[0], tg)


async def test_raw_update_injection_and_misuse(emu: Emulator, tg) -> None:
    injected = emu.inject_update({"future_update_kind": {"id": 7, "flag": True}})
    assert injected["future_update_kind"] == {"id": 7, "flag": True}
    assert (await raw_updates(emu)) == [injected]
    with pytest.raises(EmulatorError, match="exactly one field"):
        emu.inject_update({"message": {}, "poll": {}})
    with pytest.raises(EmulatorError, match="no poison update"):
        emu.poison_update("inline_query")


async def test_inject_and_poison_through_control_api(emu: Emulator, url: str, tg) -> None:
    async with EmulatorClient(url) as client:
        poison = await client.poison_update("poll_answer")
        raw = await client.inject_update(
            {"message": {"message_id": 9, "date": 0, "chat": {"id": 5, "type": "private"}}}
        )
    assert raw["update_id"] == poison["update_id"] + 1
    updates = await raw_updates(emu)
    assert [u["update_id"] for u in updates] == [poison["update_id"], raw["update_id"]]
    with pytest.raises(TypeError):
        Update.de_json(updates[0], tg)


async def test_fault_until_cleared_on_set_my_commands(emu: Emulator, tg) -> None:
    emu.fault("setMyCommands", "500", count=None)
    for _ in range(4):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await tg.set_my_commands([BotCommand("start", "Start")])
    emu.clear_faults("setMyCommands")
    assert await tg.set_my_commands([BotCommand("start", "Start")]) is True
    assert [e["status"] for e in emu.calls_to("setMyCommands")] == [500, 500, 500, 500, 200]


async def test_fault_any_status_with_description_n_times(emu: Emulator, tg) -> None:
    li = emu.user()
    emu.send(li, li, "/start")
    emu.fault("sendMessage", "403", count=2, description="Forbidden: bot was blocked by the user")
    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await tg.send_message(li.id, "x")
    await tg.send_message(li.id, "now it goes")
    emu.fault("getChat", "400")
    with pytest.raises(BadRequest, match="(?i)emulated fault"):
        await tg.get_chat(li.id)
    emu.fault("getMe", "503", count=0)
    with pytest.raises(NetworkError, match="Service Unavailable"):
        await tg.get_me()
    emu.clear_faults()
    assert (await tg.get_me()).username == "grid_bot"


async def test_faults_set_through_control_api_before_start_up(emu: Emulator, url: str, bot_factory) -> None:
    async with EmulatorClient(url) as client:
        await client.fault("getMe", "500", count=None)
        bot = bot_factory(url)
        with pytest.raises(NetworkError):
            await bot.initialize()  # start-up fails while the fault stands
        await client.fault("setMyCommands", "502", count=1)
        await client.clear_faults("getMe")
        async with bot:
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.set_my_commands([BotCommand("help", "Help")])
            assert await bot.set_my_commands([BotCommand("help", "Help")]) is True
    assert [e["status"] for e in emu.calls_to("getMe")][-1] == 200


async def test_second_get_updates_ends_the_first_at_once_with_conflict(emu: Emulator, tg) -> None:
    first = asyncio.create_task(tg.get_updates(timeout=30, read_timeout=40))
    await emu.wait_until(lambda: emu.calls["getUpdates"] == 1, timeout=10)
    second = await raw_updates(emu, timeout=0)
    assert second == []
    with pytest.raises(
        Conflict,
        match="terminated by other getUpdates request; make sure that only one bot instance is running",
    ):
        await asyncio.wait_for(first, 10)  # at once, not after its 30 s long poll


async def test_fault_limited_to_one_chat_holds_it_until_cleared(emu: Emulator, url: str, tg) -> None:
    li, wu = emu.user(), emu.user()
    for who in (li, wu):
        emu.send(who, who, "/start")
    async with EmulatorClient(url) as client:
        await client.fault("sendMessage", "429", count=None, retry_after=1, chat=li.id)
    for _ in range(3):
        with pytest.raises(RetryAfter):
            await tg.send_message(li.id, "held")
        await tg.send_message(wu.id, "not held")  # other chats are not affected
    emu.clear_faults("sendMessage")
    await tg.send_message(li.id, "released")
    assert [m["text"] for m in emu.inbox(li)] == ["/start", "released"]
    assert [m["text"] for m in emu.inbox(wu)] == ["/start"] + ["not held"] * 3

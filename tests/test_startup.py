"""Start-up calls retried, optional ones never fatal (issue 10 point 7); command menus by scope (14.8);
poison updates skipped and recorded (10 point 8); a 409 Conflict logged and survived (14.2)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot import commands, polling, startup
from bot.cli import lang
from bot.store import bot_facts
from tests.harness import Harness


@pytest.fixture
async def h(tmp_path):
    harness = Harness(tmp_path)
    yield harness
    if "ctx" in harness.app.bot_data:
        await harness.stop()


def _calls(h: Harness, method: str) -> list[dict]:
    return [p for n, p in h.transport.calls if n == method]


async def test_a_500_on_set_my_commands_at_start_up_is_logged_once_and_retried_later(h, caplog):
    h.transport.fail_next["setMyCommands"] = (500, "Internal Server Error")
    with caplog.at_level(logging.WARNING, logger="bot.startup"):
        await h.start()
    failed = [r for r in caplog.records if "setMyCommands" in r.getMessage()]
    assert len(failed) == 1 and "Internal Server Error" in failed[0].getMessage()
    assert failed[0].exc_info is None, "a recovered fault is one line, not a traceback"
    assert [j.name for j in h.app.job_queue.jobs()].count("retry_setMyCommands[default,zh]") == 1
    assert len(_calls(h, "setMyCommands")) == len(commands.scopes()) * 2, "the other menus were still set"


async def test_get_me_failing_at_start_up_is_retried_until_it_works(h, monkeypatch):
    monkeypatch.setattr(startup, "FIRST_DELAY", 0.01)
    h.transport.fail_next["getMe"] = (502, "Bad Gateway")
    await startup.required("getMe", h.app.initialize)  # as polling.serve starts the application
    assert len(_calls(h, "getMe")) == 2
    await h.start()
    assert await bot_facts.recall(h.ctx.db, "username") == "grid_bot", "the username is stored once known"


async def test_required_calls_stop_waiting_when_asked_to_stop(monkeypatch):
    async def down() -> None:
        from telegram.error import NetworkError

        raise NetworkError("Bad Gateway")

    stop = asyncio.Event()
    stop.set()
    with pytest.raises(startup.StopRequested):
        await startup.required("getMe", down, stop)


async def test_menus_by_scope_and_language(h):
    await h.start()
    await commands.set_staff_menus(h.app, h.ctx.db)
    menus = {}
    for p in _calls(h, "setMyCommands"):
        scope = p.get("scope") or {"type": "default"}
        key = (scope["type"], scope.get("chat_id"), p.get("language_code"))
        menus[key] = [c["command"] for c in p["commands"]]
    assert menus[("default", None, None)] == list(commands.RESIDENT)
    assert menus[("all_private_chats", None, "en")] == list(commands.RESIDENT)
    assert (
        "queue" not in menus[("all_private_chats", None, None)]
        and "bind" not in menus[("default", None, None)]
    )
    assert menus[("all_group_chats", None, None)] == list(commands.GROUP)
    assert "bind" in menus[("all_chat_administrators", None, "en")]
    staff = {chat for (kind, chat, _) in menus if kind == "chat"}
    assert staff == {9001, 9002, 9003, 9004, 9005}, "each bound staff member's private chat"
    assert menus[("chat", 9004, None)] == list(commands.STAFF) and "queue" in menus[("chat", 9004, "en")]
    first = _calls(h, "setMyCommands")[:2]
    assert [p.get("language_code") for p in first] == [None, "en"], "zh is the default, en by language_code"
    assert first[0]["commands"][-1]["description"] != first[1]["commands"][-1]["description"]


async def test_someone_who_left_the_roster_loses_the_staff_menu(h):
    await h.start()
    await commands.set_staff_menus(h.app, h.ctx.db)
    async with h.ctx.db.write() as conn:
        await conn.execute("UPDATE people SET active = 0 WHERE tg_user_id = 9005")
    await commands.set_staff_menus(h.app, h.ctx.db)
    deleted = [p["scope"]["chat_id"] for p in _calls(h, "deleteMyCommands")]
    assert deleted == [9005]
    calls = len(_calls(h, "setMyCommands"))
    await commands.set_staff_menus(h.app, h.ctx.db)
    assert len(_calls(h, "setMyCommands")) == calls, "chats that have the menu are not set again"


def _message(update_id: int, uid: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": uid, "type": "private", "first_name": "U"},
            "from": {"id": uid, "is_bot": False, "first_name": "U", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


POISON = {
    "update_id": 900,
    "poll_answer": {"poll_id": "1", "user": {"id": 5, "is_bot": False, "first_name": "x"}},
}


async def test_an_unparseable_update_is_skipped_recorded_and_the_rest_handled(h, caplog):
    await h.start()
    with caplog.at_level(logging.ERROR, logger="bot.poison"):
        await polling.take_raw(h.app, [POISON, _message(901, 4242, "/help")])
    await h.deliverer.deliver_due()
    assert h.ctx.db and await h.ctx.db.fetchone("SELECT 1 FROM processed_updates WHERE update_id = 900")
    assert h.sent(4242), "the update after the poison one was handled"
    assert [r.getMessage() for r in caplog.records if "900" in r.getMessage()]
    assert polling._next_offset([POISON, _message(901, 1, "/help")], None) == 902


async def test_an_update_whose_handling_raises_is_logged_without_its_text_and_recorded(
    h, caplog, monkeypatch
):
    await h.start()
    from bot.handlers import start as start_handlers

    async def broken(update, context):
        raise ValueError("secret complaint text 13912345678")

    for handler in h.app.handlers[0]:
        if getattr(handler, "commands", None) == frozenset({"help"}):
            monkeypatch.setattr(handler, "callback", broken)
    assert start_handlers
    with caplog.at_level(logging.INFO):
        await polling.take_raw(h.app, [_message(950, 4243, "/help")])
    assert await h.ctx.db.fetchone("SELECT 1 FROM processed_updates WHERE update_id = 950")
    text = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "ValueError" in text and "950" in text
    assert "secret" not in text and "13912345678" not in text


async def test_a_409_conflict_is_logged_with_what_to_check_and_polling_goes_on(h, caplog, monkeypatch):
    await h.start()
    lang.use("en")
    monkeypatch.setattr(polling, "CONFLICT_FIRST", 0.01)
    h.transport.fail_next["getUpdates"] = (409, "Conflict: terminated by other getUpdates request")
    stop = asyncio.Event()
    original = h.transport.do_request

    async def counting(url, *args, **kwargs):
        if url.endswith("getUpdates") and len(_calls(h, "getUpdates")) >= 2:
            stop.set()
        return await original(url, *args, **kwargs)

    monkeypatch.setattr(h.transport, "do_request", counting)
    with caplog.at_level(logging.ERROR, logger="bot.polling"):
        await asyncio.wait_for(polling.poll(h.app, stop, timeout=0), 10)
    lines = [r.getMessage() for r in caplog.records if "409" in r.getMessage()]
    lang.use("zh")
    assert len(lines) == 1 and "no second copy of the bot runs with this token" in lines[0]
    assert all(r.exc_info is None for r in caplog.records)

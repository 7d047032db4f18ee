"""Stale buttons: when someone else takes a ticket, the previous assignee's request is edited to say
who has it (no Accept/Decline left); after auto-confirm the resident's 👍/👎 question is edited too."""

from __future__ import annotations

from datetime import timedelta

from bot.store.db import dt
from tests.harness import Harness
from tests.test_story import GROUP, LEADER, RESIDENT, VOLUNTEER, WORKER, _bound
from tests.test_sweep import OTHER_WORKER, _escalated, _sweep, bot2, roster  # noqa: F401 (fixtures)


def _request(bot, chat: int) -> dict:
    """The first request (with Accept) sent to a chat."""
    return next(
        m for m in bot.sent(chat) if m["method"] == "sendMessage" and "t:1:acc" in str(m.get("reply_markup"))
    )


def _edits_of(bot, chat: int, message_id: int) -> list[dict]:
    return [
        p
        for n, p in bot.transport.calls
        if n == "editMessageText" and int(p["chat_id"]) == chat and int(p["message_id"]) == message_id
    ]


async def _request_id(bot, chat: int) -> int:
    row = await bot.ctx.db.fetchone(
        "SELECT message_id FROM outbox WHERE chat_id = ? AND json_extract(payload, '$.extra.tag') = "
        "'request' "
        "ORDER BY id LIMIT 1",
        (chat,),
    )
    return row[0]


async def test_a_volunteers_claim_retires_the_workers_request(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜")
    _request(bot, WORKER)
    await bot.press(VOLUNTEER, GROUP, 1, "t:1:clm")
    edits = _edits_of(bot, WORKER, await _request_id(bot, WORKER))
    assert len(edits) == 1 and "刘洋" in edits[0]["text"] and "无需再处理" in edits[0]["text"], edits
    assert not edits[0].get("reply_markup"), "no Accept/Decline left"


async def test_a_leaders_take_retires_the_workers_request(bot):
    await _escalated(bot)
    await bot.press(LEADER, LEADER, 1, "e:1:tak")
    edits = _edits_of(bot, WORKER, await _request_id(bot, WORKER))
    assert len(edits) == 1 and "王芳" in edits[0]["text"] and not edits[0].get("reply_markup"), edits


async def test_a_reassign_retires_the_previous_request(bot2):
    await _escalated(bot2)
    await bot2.press(LEADER, LEADER, 1, "e:1:rsg")
    await bot2.press(LEADER, LEADER, 2, bot2.button(bot2.last(LEADER), "e:1:rsg:"))
    edits = _edits_of(bot2, WORKER, await _request_id(bot2, WORKER))
    assert len(edits) == 1 and "孙磊" in edits[0]["text"] and not edits[0].get("reply_markup"), edits
    assert bot2.button(bot2.last(OTHER_WORKER), "t:1:acc"), "the new assignee's request is live"


async def test_a_decline_retires_the_decliners_request(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 邻居占用车位")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    await bot.say(WORKER, WORKER, "我这周出差")
    edits = _edits_of(bot, WORKER, await _request_id(bot, WORKER))
    assert len(edits) == 1 and edits[0]["text"].startswith("↩️ 您已退回") and "王芳" in edits[0]["text"], edits


async def test_auto_confirm_retires_the_residents_question(tmp_path):
    bot = await Harness(tmp_path, auto_confirm=timedelta(days=3)).start()
    try:
        await _bound(bot)
        await bot.say(RESIDENT, RESIDENT, "/start")  # the resident can be told privately
        await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
        await bot.press(WORKER, WORKER, 1, "t:1:acc")
        await bot.press(WORKER, WORKER, 1, "t:1:cls")
        await bot.say(WORKER, WORKER, "已更换灯泡")
        question = next(m for m in bot.sent(RESIDENT) if "t:1:yes" in str(m.get("reply_markup")))
        row = await bot.ctx.db.fetchone(
            "SELECT o.message_id, t.confirm_due FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
            "WHERE o.chat_id = ? AND json_extract(o.payload, '$.extra.tag') = 'confirm'",
            (RESIDENT,),
        )
        assert question["text"] and row[0] is not None
        await _sweep(bot, dt(row[1]))
        edits = _edits_of(bot, RESIDENT, row[0])
        assert len(edits) == 1 and "自动视为解决" in edits[0]["text"] and not edits[0].get("reply_markup"), (
            edits
        )
    finally:
        await bot.stop()

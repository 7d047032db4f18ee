"""A declined ticket reaches the leader as declined: by whom and why, not as a plain new task."""

from __future__ import annotations

from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound


async def test_leader_sees_who_declined_and_why(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 邻居占用车位")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    await bot.say(WORKER, WORKER, "我这周出差")
    request = bot.last(LEADER)
    lines = request["text"].split("\n")
    assert lines[0].startswith("↩️ <b>退回的任务 #1</b>") and "新任务" not in request["text"], lines
    assert lines[1] == "网格员 赵强 退回了此任务，理由：我这周出差", lines
    assert "邻居占用车位" in request["text"]
    bot.button(request, "t:1:acc")


async def test_declined_task_in_english_for_an_english_leader(bot):
    await _bound(bot)
    await bot.say(LEADER, LEADER, "/lang en")
    await bot.say(RESIDENT, GROUP, "/complain 邻居占用车位")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    await bot.say(WORKER, WORKER, "away this week")
    text = bot.last(LEADER)["text"]
    assert text.startswith("↩️ <b>Declined task #1</b>") and "declined it. Reason: away this week" in text, (
        text
    )

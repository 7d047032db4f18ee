"""Before the bot asks for a reason, a note or a date, it checks the same rule the answer will meet
(bot.domain.authorisation), without running the transition on made-up input."""

from __future__ import annotations

from datetime import datetime

from tests.test_story import GROUP, RESIDENT, WORKER, _bound


async def test_more_time_can_be_asked_for_when_the_deadline_is_29_february(bot):
    """The old check ran the request with a date "a year after the deadline", which 29 February has not."""
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    leap = datetime(2028, 2, 29, 17, 0, tzinfo=bot.ctx.config.timezone).timestamp()
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE tickets SET resolve_due = ? WHERE id = 1", (leap,))
    await bot.press(WORKER, WORKER, 1, "c:1:ext")
    prompt = bot.last(WORKER)
    assert "延期" in prompt["text"] and prompt["reply_markup"]["force_reply"]
    assert "出了点问题" not in bot.answers()[-1]

"""A complaint's group learns nothing of who complained or what about: the card shows the number and
the status; a resident who never started the bot gets a neutral word with a private link."""

from __future__ import annotations

from tests.test_story import GROUP, RESIDENT, WORKER, _bound


async def _accepted(bot, command: str) -> None:
    await _bound(bot)
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET can_delete = 1")  # the bot removes the complaint
    await bot.say(RESIDENT, GROUP, command)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")


async def test_after_accept_the_group_sees_no_name_and_no_matter(bot):
    await _accepted(bot, "/complain 环境卫生 3单元门口垃圾没人清理")
    group = "\n".join(m["text"] for m in bot.sent(GROUP)[2:])  # after the bind messages
    for secret in ("Resident", "tg://user?id=5001", "赵强", "环境卫生", "垃圾"):
        assert secret not in group, (secret, group)
    card = bot.last(GROUP)["text"]
    assert card.startswith("📋 <b>#1</b>\n状态：办理中") and "有新进展" in card


async def test_a_resident_who_started_the_bot_is_told_privately_and_the_group_nothing(bot):
    await bot.say(RESIDENT, RESIDENT, "/start")
    await _accepted(bot, "/complain 环境卫生 3单元门口垃圾没人清理")
    assert "赵强" in bot.last(RESIDENT)["text"]
    assert "有新进展" not in bot.last(GROUP)["text"] and "赵强" not in bot.last(GROUP)["text"]


async def test_a_wish_may_stay_public(bot):
    await _accepted(bot, "/wish 帮老人买菜")
    card = bot.last(GROUP)["text"]
    assert "帮老人买菜" in card and "赵强" in card

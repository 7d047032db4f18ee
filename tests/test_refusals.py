"""A refusal is answered once: its answer and the update's processed mark commit together, so an update
Telegram delivers again after a restart sends nothing the second time (issue 9 point 12)."""

from __future__ import annotations

from tests.test_story import GROUP, RESIDENT, _bound


def _texts(bot, chat: int) -> list[str]:
    return [m.get("text", "") for m in bot.sent(chat)]


async def test_refused_bind_redelivered_sends_nothing_again(bot):
    await _bound(bot)
    before = len(bot.sent(GROUP))
    update = await bot.say(RESIDENT, GROUP, "/bind GN-1-2")  # a resident may not bind
    refusal = _texts(bot, GROUP)[before:]
    assert len(refusal) == 1 and refusal[0], refusal
    await bot.feed(update)  # the same update again, as after a crash
    assert _texts(bot, GROUP)[before:] == refusal


async def test_refused_press_redelivered_is_answered_quietly(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    update = await bot.press(RESIDENT, RESIDENT, 1, "t:1:acc")  # a resident cannot accept
    assert bot.answers()[-1]  # the refusal, as an alert
    calls = len(bot.transport.calls)
    await bot.feed(update)
    again = [(n, p) for n, p in bot.transport.calls[calls:] if n != "getMe"]
    assert [n for n, _ in again] == ["answerCallbackQuery"] and not again[0][1].get("text"), again


async def test_a_new_refused_update_is_still_answered(bot):
    """Only the same update is silenced: the resident trying again gets the refusal again."""
    await _bound(bot)
    before = len(bot.sent(GROUP))
    await bot.say(RESIDENT, GROUP, "/bind GN-1-2")
    await bot.say(RESIDENT, GROUP, "/bind GN-1-2")
    assert len(_texts(bot, GROUP)[before:]) == 2

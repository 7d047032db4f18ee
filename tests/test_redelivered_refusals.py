"""A refusal is decided inside the service's own transaction, with the update's processed mark: the same
update delivered again (after a crash, before Telegram heard it was handled) repeats nothing."""

from __future__ import annotations

from tests.test_story import GROUP, RESIDENT, _bound

NEIGHBOUR = 5002
UNBOUND = -300


def _texts(bot, chat: int) -> list[str]:
    return [m.get("text", "") for m in bot.sent(chat)]


async def test_a_bare_wish_in_a_group_not_bound_is_refused_at_once_and_once(bot):
    """Asking for the text first would only lead to a refusal of the answer."""
    update = await bot.say(RESIDENT, UNBOUND, "/wish")
    sent = bot.sent(UNBOUND)
    assert len(sent) == 1 and "绑定" in sent[0]["text"], sent
    assert "force_reply" not in (sent[0].get("reply_markup") or {})
    await bot.feed(update)
    assert bot.sent(UNBOUND) == sent


async def test_someone_elses_prompt_answered_is_refused_once(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain")
    prompt = (await bot.ctx.db.fetchone("SELECT message_id FROM prompts WHERE user_id = ?", (RESIDENT,)))[0]
    before = len(bot.sent(GROUP))
    update = await bot.say(NEIGHBOUR, GROUP, "井盖松动", reply_to=prompt)
    refusal = _texts(bot, GROUP)[before:]
    assert len(refusal) == 1 and refusal[0], refusal
    await bot.feed(update)
    assert _texts(bot, GROUP)[before:] == refusal
    await bot.say(RESIDENT, GROUP, "路灯坏了", reply_to=prompt)  # the owner still can
    assert "#1" in bot.last(GROUP)["text"]


async def test_a_private_message_without_a_draft_gets_the_help_once(bot):
    update = await bot.say(RESIDENT, RESIDENT, "你好")
    help_ = _texts(bot, RESIDENT)
    assert len(help_) == 1 and "/new" in help_[0], help_
    await bot.feed(update)
    assert _texts(bot, RESIDENT) == help_


async def test_help_and_the_bind_usage_redelivered_are_sent_once(bot):
    await _bound(bot)
    before = len(bot.sent(GROUP))
    for text in ("/help", "/bind"):
        update = await bot.say(RESIDENT, GROUP, text)
        await bot.feed(update)
    answers = _texts(bot, GROUP)[before:]
    assert len(answers) == 2 and "/wish" in answers[0] and "/bind" in answers[1], answers

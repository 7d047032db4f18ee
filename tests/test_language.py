"""Every message to a person in that person's language: their /lang choice, else the roster's, else
their Telegram language; every group message in the group's."""

from __future__ import annotations

from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound

NEWCOMER = 6001


def _from(uid: int, language: str) -> dict:
    return {"from": {"id": uid, "is_bot": False, "first_name": "Walt", "language_code": language}}


async def _roster_locale(bot, code: str, locale: str) -> None:
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE people SET locale = ? WHERE code = ?", (locale, code))


async def test_a_newcomer_with_english_telegram_gets_english_and_the_lang_hint(bot):
    await bot.say(NEWCOMER, NEWCOMER, "/start", **_from(NEWCOMER, "en-GB"))
    text = bot.last(NEWCOMER)["text"]
    assert text.startswith("Hello! What would you like to submit?") and "/lang zh" in text, text
    await bot.say(NEWCOMER + 1, NEWCOMER + 1, "/start", **_from(NEWCOMER + 1, "zh-hans"))
    assert "/lang en" in bot.last(NEWCOMER + 1)["text"]


async def test_lang_choice_beats_telegram_language(bot):
    await bot.say(NEWCOMER, NEWCOMER, "/lang zh", **_from(NEWCOMER, "en"))
    await bot.say(NEWCOMER, NEWCOMER, "/new", **_from(NEWCOMER, "en"))
    assert bot.last(NEWCOMER)["text"].startswith("您好")


async def test_an_invited_worker_with_roster_locale_en_is_welcomed_in_english(bot):
    await _roster_locale(bot, "p006", "en")
    row = await bot.ctx.db.fetchone("SELECT invite_code FROM people WHERE code = 'p006'")
    await bot.say(NEWCOMER, NEWCOMER, f"/start inv_{row[0]}", **_from(NEWCOMER, "zh"))
    text = bot.last(NEWCOMER)["text"]
    assert text.startswith("👋 陈静, your account is linked."), text


async def test_a_worker_with_roster_locale_en_gets_english_prompts_and_toasts(bot):
    await _bound(bot)
    await _roster_locale(bot, "p004", "en")
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    assert bot.last(WORKER)["text"].startswith("🔔 <b>New task #1</b>")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    prompt = bot.last(WORKER)
    assert prompt["reply_markup"]["force_reply"] and "请回复" not in prompt["text"], prompt["text"]
    await bot.press(WORKER, GROUP, 1, "t:1:yes")  # not theirs to confirm: a toast, in their language
    assert bot.answers()[-1].isascii(), bot.answers()[-1]


async def test_a_group_refusal_message_stays_in_the_groups_language(bot):
    await _bound(bot)
    await _roster_locale(bot, "p004", "en")
    await bot.say(WORKER, GROUP, "/bind NOPE-1")
    assert not bot.last(GROUP)["text"].isascii()
    await bot.say(LEADER, LEADER, "/lang en")
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    await bot.press(LEADER, GROUP, 1, "t:1:yes")
    assert bot.answers()[-1].isascii()

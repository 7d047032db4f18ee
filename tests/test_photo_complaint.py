"""A photo captioned only /complain: the bot asks for the text (as /complain alone does) and, once the
complaint is recorded, removes the photo from the group along with the answer."""

from __future__ import annotations

from tests.test_story import GROUP, RESIDENT, WORKER, _bound

PHOTO = [{"file_id": "PHOTO9", "file_unique_id": "u9", "width": 90, "height": 90}]


async def test_bare_captioned_photo_asks_for_text_then_records_and_removes_it(bot):
    await _bound(bot)
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET can_delete = 1")
    await bot.feed(
        {
            "message": {
                "message_id": 81,
                "date": 0,
                "chat": bot.chat(GROUP),
                "from": bot.user(RESIDENT),
                "photo": PHOTO,
                "caption": "/complain",
            }
        }
    )
    prompt = bot.last(GROUP)
    assert prompt["reply_markup"]["force_reply"] is True and "不能为空" not in prompt["text"], prompt
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets"))[0] == 0
    asked = await bot.ctx.db.fetchone(
        "SELECT message_id, photo_file_id FROM prompts WHERE chat_id = ?", (GROUP,)
    )
    assert asked[1] == "PHOTO9", "the photo waits with the question"
    answer = await bot.say(RESIDENT, GROUP, "井盖松动有危险", reply_to=asked[0])
    row = await bot.ctx.db.fetchone("SELECT kind, text, photo_file_id FROM tickets WHERE id = 1")
    assert tuple(row) == ("complaint", "井盖松动有危险", "PHOTO9")
    deleted = {int(p["message_id"]) for n, p in bot.transport.calls if n == "deleteMessage"}
    assert deleted == {81, answer["message"]["message_id"]}, "the photo and the text both leave the group"
    assert any(m["method"] == "sendPhoto" and m["photo"] == "PHOTO9" for m in bot.sent(WORKER))

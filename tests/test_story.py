"""The whole story through the handlers: setup, group intake, accept, close, confirm, reopen, claim."""

from __future__ import annotations

GROUP = -100
RESIDENT, WORKER, LEADER, VOLUNTEER, ADMIN = 5001, 9004, 9003, 9005, 9001


async def _bound(bot) -> None:
    await bot.feed(
        {
            "my_chat_member": {
                "chat": bot.chat(GROUP),
                "from": bot.user(ADMIN),
                "date": 0,
                "old_chat_member": {"status": "left", "user": {"id": 777, "is_bot": True, "first_name": "G"}},
                "new_chat_member": {
                    "status": "member",
                    "user": {"id": 777, "is_bot": True, "first_name": "G"},
                },
            }
        }
    )
    await bot.say(LEADER, GROUP, "/bind GN-1-1")


async def test_leader_binds_group_and_group_gets_deep_link(bot):
    await _bound(bot)
    msg = bot.last(GROUP)
    assert "幸福小区网格" in msg["text"]
    url = msg["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.startswith("https://t.me/grid_bot?start=g_")


async def test_resident_cannot_bind_group(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/bind GN-1-2")
    assert "负责人" in bot.last(GROUP)["text"]


async def test_complaint_story_accept_close_confirm_rate(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
    card = bot.last(GROUP)
    assert "#1" in card["text"] and "环境卫生" not in card["text"], "the group card: number and status only"
    assert "楼道垃圾" not in card["text"], "a complaint's text must never reach the group"
    request = bot.last(WORKER)
    assert "楼道垃圾" in request["text"]
    await bot.press(WORKER, WORKER, 1, bot.button(request, "t:1:acc"))
    edits = [m for m in bot.sent(GROUP) if m["method"] == "editMessageText"]
    assert edits and "办理中" in edits[-1]["text"] and "赵强" not in edits[-1]["text"]  # card edited in place
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    prompt = bot.last(WORKER)
    assert prompt["reply_markup"]["force_reply"] is True
    await bot.say(WORKER, WORKER, "已联系保洁清运完毕")
    ask = bot.last(GROUP)  # the resident never started the bot: a neutral word and a private link
    assert "有新进展" in ask["text"] and "楼道垃圾" not in ask["text"] and "Resident" not in ask["text"]
    assert ask["reply_markup"]["inline_keyboard"][-1][0]["url"] == "https://t.me/grid_bot?start=t_1"
    await bot.say(LEADER, LEADER, "/start t_1")
    assert bot.last(LEADER)["text"].startswith("找不到这个编号的事项"), (
        "only the resident is shown their ticket"
    )
    await bot.say(RESIDENT, RESIDENT, "/start t_1")
    told = bot.last(RESIDENT)
    assert "楼道垃圾" in told["text"] and "待确认" in told["text"]
    await bot.press(RESIDENT, RESIDENT, 60, bot.button(told, "t:1:yes"))
    await bot.press(RESIDENT, RESIDENT, 60, "t:1:r:5")
    assert "5" in bot.last(RESIDENT)["text"]
    assert "🚩" in [m for m in bot.sent(WORKER) if "确认" in m["text"]][-1]["text"]


async def test_second_accept_press_changes_nothing(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    before = len(bot.transport.calls)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    assert "已经接过" in bot.answers()[-1]
    sent_after = [c for c in bot.transport.calls[before:] if c[0] != "answerCallbackQuery"]
    assert sent_after == []


async def test_redelivered_update_changes_nothing(bot):
    await _bound(bot)
    update = await bot.say(RESIDENT, GROUP, "/wish 帮忙修一下水龙头")
    count = len(bot.sent(GROUP))
    await bot.feed(update)
    assert len(bot.sent(GROUP)) == count
    rows = await bot.ctx.db.fetchall("SELECT COUNT(*) FROM tickets")
    assert rows[0][0] == 1


async def test_wish_claimed_from_group_card_by_volunteer(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜")
    card = bot.last(GROUP)
    assert "帮老人买菜" in card["text"], "wishes are public"
    data = bot.button(card, "t:1:clm")
    await bot.press(RESIDENT + 1, GROUP, 1, data)
    assert "志愿者" in bot.answers()[-1]
    await bot.press(VOLUNTEER, GROUP, 1, data)
    assert "刘洋" in bot.last(GROUP)["text"]
    assert "reply_markup" not in bot.last(GROUP) or not bot.last(GROUP).get("reply_markup")


async def test_not_resolved_reopens_to_same_worker(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 噪音扰民")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已劝导")
    await bot.press(RESIDENT, GROUP, 60, "t:1:no")
    assert "尚未解决" in bot.last(WORKER)["text"]
    row = await bot.ctx.db.fetchone("SELECT status, reopen_count, assignee_id FROM tickets WHERE id = 1")
    assert (row[0], row[1]) == ("accepted", 1)


async def test_decline_asks_reason_and_goes_to_small_group_leader(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 邻居占用车位")
    await bot.press(WORKER, WORKER, 1, "t:1:dec")
    assert bot.last(WORKER)["reply_markup"]["force_reply"]
    await bot.say(WORKER, WORKER, "我这周出差")
    request = bot.last(LEADER)
    assert "邻居占用车位" in request["text"]
    bot.button(request, "t:1:acc")


async def test_forged_button_data_is_refused_politely(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    await bot.press(RESIDENT, RESIDENT, 1, "t:1:acc")
    await bot.press(RESIDENT, RESIDENT, 1, "t:999:acc")
    await bot.press(RESIDENT, RESIDENT, 1, "garbage")
    assert len(bot.answers()) == 3 and all(bot.answers())
    row = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1")
    assert row[0] == "open"


async def test_answered_prompt_does_not_swallow_later_private_messages(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已修好")
    await bot.say(WORKER, WORKER, "/new")
    await bot.press(WORKER, WORKER, 2, "d:kind:wish")
    await bot.press(WORKER, WORKER, 3, "d:cat:errand")
    await bot.say(WORKER, WORKER, "帮独居老人取药")
    assert "照片" in bot.last(WORKER)["text"], "the text went to the draft, not to the old close prompt"


async def test_group_prompt_reply_opens_ticket_once(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain")
    prompt_calls = [
        p
        for n, p in bot.transport.calls
        if n == "sendMessage" and p.get("reply_markup", {}).get("force_reply")
    ]
    assert prompt_calls
    prompt_id = bot.transport.next_id[GROUP]
    await bot.say(RESIDENT + 1, GROUP, "我也来说两句", reply_to=prompt_id)
    assert "给别人" in bot.last(GROUP)["text"]
    await bot.say(RESIDENT, GROUP, "电梯经常困人", reply_to=prompt_id)
    await bot.say(RESIDENT, GROUP, "再说一遍", reply_to=prompt_id)
    rows = await bot.ctx.db.fetchall("SELECT text FROM tickets")
    assert [r[0] for r in rows] == ["电梯经常困人"]


async def test_photo_with_complain_caption_opens_a_ticket_with_the_photo(bot):
    await _bound(bot)
    photo = [{"file_id": "PHOTO1", "file_unique_id": "u1", "width": 90, "height": 90}]
    await bot.feed(
        {
            "message": {
                "message_id": 77,
                "date": 0,
                "chat": bot.chat(GROUP),
                "from": bot.user(RESIDENT),
                "photo": photo,
                "caption": "/complain 井盖松动 有危险",
            }
        }
    )
    row = await bot.ctx.db.fetchone("SELECT kind, text, photo_file_id FROM tickets WHERE id = 1")
    assert tuple(row) == ("complaint", "井盖松动 有危险", "PHOTO1")
    sent = bot.sent(WORKER)
    assert sent[-2]["method"] == "sendPhoto" and sent[-2]["photo"] == "PHOTO1", "the worker sees the photo"
    assert "井盖松动" in sent[-1]["text"]
    await bot.feed(
        {
            "message": {
                "message_id": 78,
                "date": 0,
                "chat": bot.chat(GROUP),
                "from": bot.user(RESIDENT),
                "photo": photo,
                "caption": "/complain@OtherBot 不是给我的",
            }
        }
    )
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets"))[0] == 1

"""Setup, lookups, languages and group lifecycle through the handlers."""

from __future__ import annotations

from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound

BOT = {"id": 777, "is_bot": True, "first_name": "G"}


def _member_change(bot, status: str, **rights) -> dict:
    new = {"status": status, "user": BOT, **rights}
    if status == "administrator":
        new.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        )
    return {
        "my_chat_member": {
            "chat": bot.chat(GROUP),
            "from": bot.user(LEADER),
            "date": 0,
            "old_chat_member": {"status": "member", "user": BOT},
            "new_chat_member": new,
        }
    }


async def test_invite_link_binds_staff_account(bot):
    row = await bot.ctx.db.fetchone("SELECT invite_code FROM people WHERE code = 'p006'")
    await bot.say(4242, 4242, f"/start inv_{row[0]}")
    assert "陈静" in bot.last(4242)["text"] and "网格员" in bot.last(4242)["text"]
    bound = await bot.ctx.db.fetchone("SELECT tg_user_id FROM people WHERE code = 'p006'")
    assert bound[0] == 4242


async def test_bad_invite_is_refused_politely(bot):
    await bot.say(4243, 4243, "/start inv_nonsense")
    assert "邀请链接无效" in bot.last(4243)["text"]


async def test_guided_private_intake_from_group_deep_link(bot):
    await _bound(bot)
    url = bot.last(GROUP)["reply_markup"]["inline_keyboard"][0][0]["url"]
    payload = url.split("start=")[1]
    await bot.say(RESIDENT, RESIDENT, f"/start {payload}")
    await bot.press(RESIDENT, RESIDENT, 1, bot.button(bot.last(RESIDENT), "d:kind:complaint"))
    await bot.press(RESIDENT, RESIDENT, 2, bot.button(bot.last(RESIDENT), "d:cat:dispute"))
    await bot.say(RESIDENT, RESIDENT, "楼上每晚十二点后还在装修")
    await bot.press(RESIDENT, RESIDENT, 3, bot.button(bot.last(RESIDENT), "d:skip:photo"))
    await bot.feed(
        {
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": bot.chat(RESIDENT),
                "from": bot.user(RESIDENT),
                "location": {"latitude": 34.1, "longitude": 108.9},
            }
        }
    )
    ack = bot.last(RESIDENT)["text"]
    assert "#1" in ack and "楼上每晚" in ack
    assert "楼上每晚" in bot.last(WORKER)["text"] and "34.1" in bot.last(WORKER)["text"]
    assert not any("楼上每晚" in m["text"] for m in bot.sent(GROUP)), "complaint text stays out of the group"


async def test_guided_intake_refuses_out_of_step_answers(bot):
    await bot.say(RESIDENT, RESIDENT, "/new")
    await bot.say(RESIDENT, RESIDENT, "随便说点什么")
    assert "这一步" in bot.last(RESIDENT)["text"]
    await bot.press(RESIDENT, RESIDENT, 1, "d:cancel")
    assert "已取消" in bot.last(RESIDENT)["text"]


async def test_status_my_and_queue_show_timelines(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.say(RESIDENT, RESIDENT, "/status 1")
    text = bot.last(RESIDENT)["text"]
    assert "#1" in text and "提交" in text and "接单" in text and "井盖松动" in text
    await bot.say(RESIDENT, RESIDENT, "/my")
    assert "井盖松动" in bot.last(RESIDENT)["text"]
    await bot.say(WORKER, WORKER, "/queue")
    assert "#1" in bot.last(WORKER)["text"]
    await bot.say(RESIDENT + 7, RESIDENT + 7, "/status 1")
    assert "无权查看" in bot.last(RESIDENT + 7)["text"], "a neighbour cannot read someone else's ticket"
    await bot.say(RESIDENT, RESIDENT, "/queue")
    assert "网格工作人员" in bot.last(RESIDENT)["text"]


async def test_status_in_group_hides_complaint_text(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 井盖松动")
    await bot.say(RESIDENT, GROUP, "/status 1")
    assert "#1" in bot.last(GROUP)["text"] and "井盖松动" not in bot.last(GROUP)["text"]


async def test_language_per_user_and_per_group(bot):
    await _bound(bot)
    await bot.say(RESIDENT, RESIDENT, "/lang en")
    assert "English" in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, RESIDENT, "/my")
    assert "My tickets" in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, GROUP, "/lang en")
    assert "负责人" in bot.last(GROUP)["text"], "only leaders set a group's language"
    await bot.say(LEADER, GROUP, "/lang en")
    await bot.say(RESIDENT, GROUP, "/complain road broken")
    assert "Status" in bot.last(GROUP)["text"]


async def test_unbound_group_asks_for_binding(bot):
    await bot.say(RESIDENT, -555, "/wish 帮忙")
    assert "/bind" in bot.last(-555)["text"]


async def test_complaint_deleted_from_group_when_bot_may_delete(bot):
    await _bound(bot)
    await bot.feed(_member_change(bot, "administrator"))
    update = await bot.say(RESIDENT, GROUP, "/complain 隔壁老王家狗乱叫")
    deleted = [p for n, p in bot.transport.calls if n == "deleteMessage"]
    assert deleted and int(deleted[0]["message_id"]) == update["message"]["message_id"]
    assert "保护隐私" in bot.last(GROUP)["text"]


async def test_group_upgraded_to_supergroup_keeps_binding(bot):
    await _bound(bot)
    new_id = -1009999
    await bot.feed(
        {
            "message": {
                "message_id": 500,
                "date": 0,
                "chat": bot.chat(GROUP),
                "from": bot.user(LEADER),
                "migrate_to_chat_id": new_id,
            }
        }
    )
    row = await bot.ctx.db.fetchone("SELECT grid FROM groups WHERE chat_id = ?", (new_id,))
    assert row[0] == "GN-1-1"
    await bot.say(RESIDENT, new_id, "/wish 借个梯子")
    assert "借个梯子" in bot.last(new_id)["text"]


async def test_bot_removed_from_group_is_recorded(bot):
    await _bound(bot)
    await bot.feed(_member_change(bot, "left"))
    row = await bot.ctx.db.fetchone("SELECT member FROM groups WHERE chat_id = ?", (GROUP,))
    assert row[0] == 0


async def test_abuse_limits_tell_the_resident_when_to_submit_again(tmp_path):
    from tests.harness import Harness

    bot = await Harness(tmp_path, max_submissions_per_hour=2, max_open_per_resident=10).start()
    try:
        await _bound(bot)
        for i in range(3):
            await bot.say(RESIDENT, GROUP, f"/wish 第{i}件事")
        assert "之后再提交" in bot.last(GROUP)["text"]
        count = await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets")
        assert count[0] == 2
    finally:
        await bot.stop()


async def test_open_ticket_limit(tmp_path):
    from tests.harness import Harness

    bot = await Harness(tmp_path, max_open_per_resident=1).start()
    try:
        await _bound(bot)
        await bot.say(RESIDENT, GROUP, "/wish 第一件")
        await bot.say(RESIDENT, GROUP, "/wish 第二件")
        assert "1 项事项" in bot.last(GROUP)["text"]
    finally:
        await bot.stop()


async def test_worker_leaving_the_grid_hands_open_tickets_to_leader(bot, tmp_path):
    from bot.domain.roster import load_roster
    from bot.services.roster import apply
    from tests.harness import ROSTER
    from datetime import datetime, timezone

    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 下水道堵了")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    smaller = tmp_path / "r.csv"
    smaller.write_text(
        "\n".join(
            l for l in ROSTER.read_text(encoding="utf-8").splitlines() if not l.startswith("person,p004")
        ),
        encoding="utf-8",
    )
    summary = await apply(bot.ctx.db, load_roster(smaller), datetime.now(timezone.utc), bot.ctx)
    await bot.deliverer.deliver_due()
    assert summary.tickets_handed_over == 1
    row = await bot.ctx.db.fetchone("SELECT status, assignee_id FROM tickets WHERE id = 1")
    leader = await bot.ctx.db.fetchone("SELECT id FROM people WHERE code = 'p003'")
    assert (row[0], row[1]) == ("open", leader[0])
    assert "下水道堵了" in bot.last(LEADER)["text"]
    bot.button(bot.last(LEADER), "t:1:acc")


async def test_guided_intake_asks_for_the_grid_when_unknown(bot):
    await bot.say(RESIDENT, RESIDENT, "/new")
    await bot.press(RESIDENT, RESIDENT, 1, "d:kind:wish")
    await bot.press(RESIDENT, RESIDENT, 2, "d:cat:errand")
    await bot.say(RESIDENT, RESIDENT, "帮忙搬一下冰箱")
    await bot.press(RESIDENT, RESIDENT, 3, "d:skip:photo")
    await bot.press(RESIDENT, RESIDENT, 4, "d:skip:location")
    ask = bot.last(RESIDENT)
    assert "网格" in ask["text"] and bot.button(ask, "d:grid:GN-1-1")
    await bot.say(RESIDENT, RESIDENT, "不存在的网格")
    assert "找不到这个网格" in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, RESIDENT, "和平里网格")
    row = await bot.ctx.db.fetchone("SELECT grid, text FROM tickets WHERE id = 1")
    assert tuple(row) == ("GN-1-2", "帮忙搬一下冰箱")

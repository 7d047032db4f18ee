"""The story of tests/test_story.py told for real: the bot process polls the emulator over HTTP.

Each test asserts what each person sees in their own chats (the group as a member sees it, their
private chat with the bot), pressing buttons by the labels people read.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
GROUP_TITLE = "幸福小区网格群"
World = object  # the `grid` fixture's type, see conftest.py

COMPLAINT = "楼道垃圾三天没人清运"


def _bot_texts(w: World, chat) -> list[str]:
    return [m.get("plain_text") or "" for m in w.from_bot(chat)]


async def _accepted(w: World, command: str, number: int = 1) -> tuple[dict, dict]:
    """`command` is sent in the group by the resident; the worker accepts. Returns (card, request)."""
    w.emu.send(w.resident, w.group, command)
    card = await w.wait(w.group, contains=f"#{number}")
    request = await w.wait(w.worker, contains=f"新任务 #{number}")
    w.emu.press(w.worker, request, "✅ 接单")
    await w.edited(card, "办理中")
    return card, await w.edited(request, "您已接单")


# ---- story 1 ---------------------------------------------------------------------------------
async def test_setup_staff_start_bot_added_leader_binds(grid: World):
    w = grid
    for person in w.staff:  # Telegram's rule: the bot may write to them only after /start
        assert w.emu.user_of(person).started
        assert any("您的账号已绑定" in t for t in w.seen(person))
    assert "/bind" in w.hello["plain_text"]
    bound = w.bound
    assert "幸福小区网格" in bound["plain_text"] and "/complain" in bound["plain_text"]
    button = bound["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "📝 私下提交"
    assert button["url"].startswith("https://t.me/grid_bot?start=g_")
    # every member sees the same two bot messages in the group, in order
    for member in (w.leader, w.resident, w.worker):
        seen = [t for t in w.seen(member, w.group) if "/bind" in t or "已绑定" in t]
        assert seen[-1].startswith("✅ 本群已绑定到网格：幸福小区网格")
    assert w.emu.chat_of(w.group).title == GROUP_TITLE
    assert w.db("SELECT grid FROM groups WHERE chat_id = ?", (w.group.id,)) == [("GN-1-1",)]


async def test_resident_cannot_bind(grid: World):
    w = grid
    w.emu.send(w.resident, w.group, "/bind GN-1-2")
    refusal = await w.wait(w.group, contains="负责人")
    assert "只有本网格或上级的负责人" in refusal["plain_text"]


# ---- story 2 ---------------------------------------------------------------------------------
async def test_group_complaint_accept_close_confirm_rate(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 环境卫生 {COMPLAINT}")
    card = await w.wait(w.group, contains="#1")
    assert card["plain_text"].startswith("📋 #1\n") and "环境卫生" not in card["plain_text"]
    assert "待接单" in card["plain_text"]
    assert COMPLAINT not in card["plain_text"], "a complaint's text never reaches the group"
    assert w.buttons(card) == []

    request = await w.wait(w.worker, contains="新任务 #1")
    assert COMPLAINT in request["plain_text"] and "诉求 · 环境卫生" in request["plain_text"]
    assert w.buttons(request) == ["✅ 接单", "↩️ 退单"]
    assert not any(COMPLAINT in t for t in w.seen(w.volunteer)), "only the assignee hears the text"

    # the worker accepts: the card is edited in place, the resident is told who and by when
    accept = emu.press(w.worker, request, "✅ 接单")
    assert (await w.answer(accept))["text"] == "已接单 #1"
    card = await w.edited(card, "办理中")
    assert "赵强" not in card["plain_text"] and COMPLAINT not in card["plain_text"]
    told = await w.edited(card, "有新进展")  # on the card itself: a neutral word and a private link
    assert "陈阿姨" not in told["plain_text"] and not any(
        e.get("url", "").startswith("tg://user?id=5001") or e["type"] == "text_mention"
        for e in told.get("entities", [])
    ), "the resident is not named in the group"
    request = await w.edited(request, "您已接单 #1")
    assert w.buttons(request) == ["🏁 办结", "💬 无法解决（说明）", "📣 转交部门", "⏳ 申请延期", "↩️ 退单"]
    assert w.emu.inbox(w.resident) == [], "this resident never started the bot: nothing private"

    # the worker closes with a note, answering the ForceReply prompt
    close = emu.press(w.worker, request, "🏁 办结")
    prompt = await w.wait(w.worker, contains="请回复此消息")
    assert prompt["force_reply"] and prompt["force_reply"]["force_reply"] is True
    assert (await w.answer(close))["text"] == "请回复办理结果"
    await w.reply(w.worker, prompt, "已联系保洁清运完毕")
    asked = await w.edited(card, "待确认")  # the resident never started the bot: a neutral word, a link
    assert "陈阿姨" not in asked["plain_text"] and COMPLAINT not in asked["plain_text"]
    assert "保洁" not in asked["plain_text"] and w.buttons(asked) == ["🔒 私下查看"]
    await w.wait(w.worker, contains="已办结 #1，等待居民确认")

    # the resident opens the private chat from that button (/start t_1) and is told there
    emu.send(w.resident, w.resident, "/start t_1")
    ask = await w.wait(w.resident, contains="待确认")
    assert COMPLAINT in ask["plain_text"] and w.buttons(ask) == ["👍 已解决", "👎 未解决"]

    # the resident confirms, rates 5, and the worker hears both
    emu.press(w.resident, ask, "👍 已解决")
    rating = await w.edited(ask, "请为 #1 的服务打分")
    assert w.buttons(rating) == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]
    await w.edited(card, "已办结")
    flag = await w.wait(w.worker, contains="居民已确认 #1 办结")
    assert "🚩" in flag["plain_text"]
    emu.press(w.resident, rating, "5⭐")
    rated = await w.edited(rating, "5 星评价")
    assert w.buttons(rated) == []
    await w.wait(w.worker, contains="居民为 #1 打了 5 星")

    # what each person saw in the end
    group_view = w.seen(w.resident, w.group)
    assert not any(COMPLAINT in t for t in _bot_texts(w, w.group))
    assert sum("📋 #1" in t for t in group_view) == 1, "one card, edited in place"
    worker_view = w.seen(w.worker)
    for expected in ("您已接单 #1", "请回复此消息", "已办结 #1", "居民已确认 #1", "居民为 #1 打了 5 星"):
        assert any(expected in t for t in worker_view), expected
    assert len(w.from_bot(w.leader)) == 1, "the leader only got the answer to /start"
    assert w.db("SELECT status, rating FROM tickets WHERE id = 1") == [("done", 5)]


# ---- story 3 ---------------------------------------------------------------------------------
async def test_not_resolved_reopens_to_same_worker_told_privately(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.neighbour, w.neighbour, "/start")  # this resident has a private chat with the bot
    await w.wait(w.neighbour, contains="请选择要提交的类型")
    emu.send(w.neighbour, w.group, "/complain 矛盾调解 楼上半夜装修噪音扰民")
    card = await w.wait(w.group, contains="#1")
    received = await w.wait(w.neighbour, contains="已收到您的诉求 #1")
    assert "网格员 赵强" in received["plain_text"] and "装修" in received["plain_text"]
    request = await w.wait(w.worker, contains="新任务 #1")
    emu.press(w.worker, request, "✅ 接单")
    told = await w.wait(w.neighbour, contains="已由 网格员 赵强 接单")
    assert told["plain_text"].startswith("👍 您的 #1") and "预计" in told["plain_text"]
    await w.edited(card, "办理中")
    request = await w.edited(request, "您已接单")
    assert not any("接单，预计" in t for t in _bot_texts(w, w.group)), "told privately, not in the group"

    emu.press(w.worker, request, "🏁 办结")
    prompt = await w.wait(w.worker, contains="请回复此消息")
    await w.reply(w.worker, prompt, "已上门劝导")
    ask = await w.wait(w.neighbour, contains="问题解决了吗")
    assert "已上门劝导" in ask["plain_text"] and w.buttons(ask) == ["👍 已解决", "👎 未解决"]
    no = emu.press(w.neighbour, ask, "👎 未解决")
    assert (await w.answer(no))["text"] == "已重新打开 #1"
    await w.edited(ask, "已重新打开 #1")
    back = await w.wait(w.worker, contains="尚未解决")
    assert (
        "#1" in back["plain_text"]
        and "装修" in back["plain_text"]
        and w.buttons(back) == ["🏁 办结", "💬 无法解决（说明）", "📣 转交部门", "⏳ 申请延期", "↩️ 退单"]
    )
    await w.edited(card, "办理中")
    assert w.db("SELECT status, reopen_count, assignee_id FROM tickets WHERE id = 1")[0][:2] == (
        "accepted",
        1,
    )


# ---- story 4 ---------------------------------------------------------------------------------
async def test_wish_claimed_from_group_card_by_volunteer(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, "/wish 帮楼上独居老人买菜")
    card = await w.wait(w.group, contains="#1")
    assert "微心愿" in card["plain_text"], card["plain_text"]
    assert "帮楼上独居老人买菜" in card["plain_text"].splitlines(), "wishes are public, on their own line"
    assert w.buttons(card) == ["🙋 我来认领"]

    nope = emu.press(w.passer, card, "🙋 我来认领")
    toast = await w.answer(nope)
    assert toast["text"] == "只有本网格的网格员或志愿者可以认领。" and toast["show_alert"]

    claim = emu.press(w.volunteer, card, "🙋 我来认领")
    assert (await w.answer(claim))["text"] == "已认领 #1"
    card = await w.edited(card, "志愿者 刘洋")
    assert "办理中" in card["plain_text"] and w.buttons(card) == []
    await w.wait(w.group, contains="已由 志愿者 刘洋 接单")
    mine = await w.wait(w.volunteer, contains="您已接单 #1")
    assert "帮楼上独居老人买菜" in mine["plain_text"] and w.buttons(mine) == [
        "🏁 办结",
        "💬 无法解决（说明）",
        "📣 转交部门",
        "⏳ 申请延期",
        "↩️ 退单",
    ]
    if any("新任务 #1" in t for t in w.seen(w.worker)):  # the worker had the request: told it's taken
        await w.wait(w.worker, contains="已由 志愿者 刘洋 接手")


# ---- story 5 ---------------------------------------------------------------------------------
async def test_bot_admin_deletes_complaint_typed_in_group(grid: World):
    w, emu = grid, grid.emu
    emu.promote_bot(w.group, can_delete_messages=True)
    typed = emu.send(w.resident, w.group, f"/complain 环境卫生 {COMPLAINT}")
    card = await w.wait(w.group, contains="#1")
    assert "原诉求消息已删除" in card["plain_text"] and COMPLAINT not in card["plain_text"]
    await w.until(lambda: emu.stored(w.group, typed["message_id"]).deleted)
    for member in (w.resident, w.passer, w.leader):
        assert not any(COMPLAINT in t for t in w.seen(member, w.group)), member.first_name
    request = await w.wait(w.worker, contains="新任务 #1")
    assert COMPLAINT in request["plain_text"]


# ---- story 6 ---------------------------------------------------------------------------------
async def test_restart_after_press_loses_and_duplicates_nothing(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 环境卫生 {COMPLAINT}")
    card = await w.wait(w.group, contains="#1")
    request = await w.wait(w.worker, contains="新任务 #1")

    # (a) processed but not confirmed: the getUpdates that would confirm the press's offset is
    # refused (429, retry in 30 s); the bot handles the press, then dies by SIGKILL.
    await w.confirmed()  # the bot's long poll is in flight
    emu.fault("getUpdates", "429", retry_after=30)
    accept = emu.press(w.worker, request, "✅ 接单")
    await w.edited(card, "办理中")
    request = await w.edited(request, "您已接单")
    assert (await w.answer(accept))["text"] == "已接单 #1"
    await w.settled()  # its messages are recorded as sent
    assert any("callback_query" in u for u in emu.updates), "the press is still unconfirmed"
    w.bot.kill()
    answers = len(emu.calls_to("answerCallbackQuery"))
    await w.restart_bot()  # the press is delivered again ...
    await w.confirmed()
    await w._poll(lambda: len(emu.calls_to("answerCallbackQuery")) > answers, "redelivered press not handled")
    again = emu.calls_to("answerCallbackQuery")[answers]  # ... and only acknowledged: already done
    assert again["params"]["callback_query_id"] == accept and "text" not in again["params"]

    # (b) killed before the bot even read it: the press is delivered to the next process
    close = emu.press(w.worker, request, "🏁 办结")
    w.bot.kill()
    await w.restart_bot()
    prompt = await w.wait(w.worker, contains="请回复此消息")
    assert (await w.answer(close))["text"] == "请回复办理结果"
    await w.reply(w.worker, prompt, "已联系保洁清运完毕")
    await w.edited(card, "待确认")
    await w.settled()

    card_id = card["message_id"]
    edits = [
        c
        for c in emu.calls_to("editMessageText")
        if str(c["params"].get("chat_id")) == str(w.group.id)
        and str(c["params"].get("message_id")) == str(card_id)
        and c["status"] == 200
    ]
    assert len(edits) == 2, [e["params"].get("text") for e in edits]  # accepted, then closed
    assert "办理中" in edits[0]["params"]["text"] and "待确认" in edits[1]["params"]["text"]
    texts = _bot_texts(w, w.group)
    assert sum("📬 #1" in t for t in texts) == 1  # the resident's news on the card, once, naming nobody
    assert sum("请回复此消息" in t for t in w.seen(w.worker)) == 1
    assert w.db(
        "SELECT action, COUNT(*) FROM ticket_events WHERE ticket_id = 1 GROUP BY action ORDER BY action"
    ) == [("accept", 1), ("close", 1), ("submit", 1)]


# ---- story 7 ---------------------------------------------------------------------------------
async def test_private_guided_intake_from_group_deep_link(grid: World):
    w, emu = grid, grid.emu
    code = w.deep_link_code()
    assert code.startswith("g_")
    emu.send(w.passer, w.passer, f"/start {code}")
    kind = await w.wait(w.passer, contains="请选择要提交的类型")
    assert w.buttons(kind) == ["微心愿", "诉求", "取消"]
    emu.press(w.passer, kind, "诉求")
    category = await w.wait(w.passer, contains="请选择类别")
    assert "环境卫生" in w.buttons(category)
    emu.press(w.passer, category, "设施维修")
    await w.wait(w.passer, contains="请用文字描述")
    emu.send(w.passer, w.passer, "3号楼楼道灯坏了一周")
    photo = await w.wait(w.passer, contains="如有照片")
    emu.press(w.passer, photo, "跳过")
    location = await w.wait(w.passer, contains="请发送位置")
    emu.press(w.passer, location, "跳过")
    ack = await w.wait(w.passer, contains="已收到您的诉求 #1")
    assert "设施维修" in ack["plain_text"] and "3号楼楼道灯坏了一周" in ack["plain_text"]
    request = await w.wait(w.worker, contains="新任务 #1")
    assert "3号楼楼道灯坏了一周" in request["plain_text"] and w.buttons(request) == ["✅ 接单", "↩️ 退单"]
    assert not any("3号楼" in t for t in _bot_texts(w, w.group)), "a private complaint stays private"


async def test_reply_while_prompt_send_in_flight(grid: World):
    """A reply that overtakes the bot's bookkeeping of its prompt (slow API answer) still counts."""
    w, emu = grid, grid.emu
    _, request = await _accepted(w, f"/complain 环境卫生 {COMPLAINT}")
    await w.settled()
    emu.fault("sendMessage", "timeout_after", hold=2.0)  # the prompt is shown; the bot hears back 2 s later
    emu.press(w.worker, request, "🏁 办结")
    prompt = await w.wait(w.worker, contains="请回复此消息")
    emu.send(w.worker, w.worker, "已联系保洁清运完毕", reply_to=prompt)
    outcome = await w.wait(
        lambda m: any(
            s in (m.get("plain_text") or "") for s in ("问题解决了吗", "已办结 #1", "这一步不需要", "/new")
        )
    )
    assert "这一步不需要" not in outcome["plain_text"] and "/new" not in outcome["plain_text"]


async def test_sigterm_stops_the_bot_promptly(world: World):
    """SIGTERM abandons the long poll in flight: the bot stops at once, not after the poll timeout."""
    w = world
    w.emu.send(w.admin, w.admin, "/start")
    await w.wait(w.admin, contains="您的账号已绑定")
    await w.confirmed()  # the bot has just started its next 10 s long poll
    # a bot that waited for the poll to end would need about 10 s; 6 s leaves a loaded machine room
    assert await w.bot.stop(timeout=6.0), "still running 6 s after SIGTERM: it waited for its long poll"
    assert w.bot.proc.returncode == 0

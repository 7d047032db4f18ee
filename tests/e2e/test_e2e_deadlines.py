"""Deadlines for real (issue 4): SLAs of seconds, the bot process's own sweep, the emulator's clock.

The bot runs with `[sla.normal]` of a few seconds, `[schedule] sweep_interval = "1s"` and quiet hours
off, so a complaint's whole acceptance ladder — reminder before the deadline, the overdue notice,
the escalation to the small-group leader — happens within seconds, delivered over HTTP like any
other notice. Every test reads what people see in their chats and checks the bot's event log.
"""

from __future__ import annotations

import asyncio
import time

import pytest

pytestmark = pytest.mark.e2e
World = object  # the `grid` fixture's type, see conftest.py

COMPLAINT = "小区东门路灯不亮"
SOON = "将于"  # deadline_soon.j2: "⏰ #1（…）将于 HH:MM 到期，请尽快接单。"
PASSED = "已超过接单时限"  # deadline_passed.j2
ESCALATED = "超时未接单"  # escalated.j2
NO_REPORTS = {"reports.enabled": False}  # no scheduled post may wander into the group mid-test


def _count(w: World, user, text: str) -> int:
    return sum(text in t for t in w.seen(user))


def _events(w: World, ticket: int = 1) -> list[tuple[str, str]]:
    return w.db("SELECT action, detail FROM ticket_events WHERE ticket_id = ? ORDER BY id", (ticket,))


def _sent_at(w: World, message: dict) -> float:
    """When the emulator performed the bot's sendMessage that created `message`."""
    chat, mid = str(message["chat"]["id"]), message["message_id"]
    return next(
        c["time"]
        for c in w.emu.calls_to("sendMessage")
        if c["status"] == 200 and str(c["params"].get("chat_id")) == chat and c.get("message_id") == mid
    )


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.time()))


# ---- the ladder: reminder, overdue, escalation; the leader takes it and the ladder stops ---------
# Deadlines are far enough apart that a loaded machine cannot reorder them: the reminder is due 5 s
# after the complaint and the deadline 15 s after that. Each absence check waits for a later message
# the bot must send (a second ticket's ladder) rather than for a fixed time.
@pytest.mark.bot_config(
    {
        **NO_REPORTS,
        "sla.normal.accept": "20s",
        "sla.normal.resolve": "1h",
        "sla.urgent.accept": "2s",
        "sla.urgent.resolve": "1h",
        "reminders.before": "15s",
        "escalation.window": "3s",
        "schedule.sweep_interval": "1s",
    }
)
async def test_reminder_overdue_escalation_and_leader_takes(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 设施维修 {COMPLAINT}")
    card = await w.wait(w.group, contains="#1")
    await w.wait(w.worker, contains="新任务 #1")
    accept_due = w.db("SELECT accept_due FROM tickets WHERE id = 1")[0][0]

    # 15 s before the deadline: the worker is reminded, with the request's own buttons
    soon = await w.wait(w.worker, contains=SOON, timeout=60)
    assert soon["plain_text"].startswith("⏰ #1") and COMPLAINT in soon["plain_text"]
    assert w.buttons(soon) == ["✅ 接单", "↩️ 退单"]
    assert _sent_at(w, soon) < accept_due, "the reminder came before the deadline"

    # at the deadline: the worker hears it passed (and who was told); the leader gets the escalation
    passed = await w.wait(w.worker, contains=PASSED, timeout=60)
    assert passed["plain_text"].startswith("⚠️ #1") and "已报告 党小组长 王芳" in passed["plain_text"]
    assert passed["message_id"] > soon["message_id"]
    escalated = await w.wait(w.leader, contains=ESCALATED, timeout=60)
    assert time.time() >= accept_due - 0.5
    assert escalated["plain_text"].startswith("🔺 #1 超时未接单") and COMPLAINT in escalated["plain_text"]
    assert "负责人：网格员 赵强" in escalated["plain_text"]
    assert w.buttons(escalated) == ["📣 催办", "🔁 改派", "🙋 我来接手"]

    # the leader takes it: the card shows the leader, the worker is freed
    take = emu.press(w.leader, escalated, "🙋 我来接手")
    assert (await w.answer(take))["text"] == "已接手 #1"
    card = await w.edited(card, "党小组长 王芳")
    assert "办理中" in card["plain_text"] and "赵强" not in card["plain_text"]
    mine = await w.edited(escalated, "您已接手 #1")
    assert w.buttons(mine) == ["🏁 办结", "💬 无法解决（说明）", "📣 转交部门", "⏳ 申请延期", "↩️ 退单"]
    await w.wait(w.worker, contains="已由 党小组长 王芳 接手")
    # (the group learns it from the card alone: a complaint's news there names nobody)

    # the ladder stops. Level 2 (the big-grid leader) was due for #1 one window (3 s) after level 1.
    # An urgent complaint submitted now reaches level 2 at 2 + 3 s from now, later than #1 would
    # have: once the big-grid leader hears of #2, the sweeps have passed #1's moment
    emu.send(w.resident, w.group, "/complain 安全隐患 电动车在楼道充电")
    await w.wait(w.big_leader, contains="#2", timeout=60)
    await w.caught_up()
    for boss in (w.big_leader, w.admin):
        assert not any("#1" in t for t in w.seen(boss)), f"{boss.first_name} was told after the take"
    assert _count(w, w.worker, f"{SOON}") == 1 and _count(w, w.worker, "⚠️ #1") == 1
    about_1 = [m for m in w.from_bot(w.leader) if "#1" in (m.get("plain_text") or "")]
    assert len(about_1) == 1, "the one escalation, now taken"
    assert w.db("SELECT status, assignee_id FROM tickets WHERE id = 1") == [("accepted", 3)]  # p003
    actions = [a for a, _ in _events(w)]
    assert actions == ["submit", "remind", "remind", "escalate", "take"], actions


# ---- a restart between the reminder's moment and the sweep -----------------------------------
# The reminder is due 8 s after the complaint, the deadline 22 s after that: the bot is stopped as
# soon as the ticket is stored, the reminder's moment passes while it is down, and a restart has
# 22 s to send it. The second restart is proven to have swept by the overdue notice it must send.
@pytest.mark.bot_config(
    {
        **NO_REPORTS,
        "sla.normal.accept": "30s",
        "sla.normal.resolve": "1h",
        "reminders.before": "22s",
        "escalation.window": "1h",
        "schedule.sweep_interval": "1s",
    }
)
async def test_restart_across_the_reminder_moment_sends_it_once(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 设施维修 {COMPLAINT}")
    await w._race(w._poll(lambda: w.db("SELECT 1 FROM tickets WHERE id = 1"), "no ticket #1"))
    w.bot.kill()  # down before the reminder moment ...
    await w.bot.stop()
    accept_due = w.db("SELECT accept_due FROM tickets WHERE id = 1")[0][0]
    remind_at = accept_due - 22
    assert not [a for a, _ in _events(w) if a == "remind"], "the bot reminded before it was stopped"
    await _sleep_until(remind_at + 1.0)  # ... which passes while it is down
    assert _count(w, w.worker, SOON) == 0
    await w.start_bot()
    soon = await w.wait(w.worker, contains=SOON, timeout=max(accept_due - time.time(), 0) + 30)
    assert _sent_at(w, soon) < accept_due, "the reminder must come before the deadline it announces"
    assert soon["plain_text"].startswith("⏰ #1")
    await w.settled()  # recorded as sent; now restart once more
    w.bot.kill()
    await w.restart_bot()
    passed = await w.wait(w.worker, contains=PASSED, timeout=max(accept_due - time.time(), 0) + 60)
    await w.caught_up()  # the new process swept past the reminder
    assert passed["plain_text"].startswith("⚠️ #1")
    assert _count(w, w.worker, SOON) == 1, w.seen(w.worker)
    reminders = [d for a, d in _events(w) if a == "remind"]
    assert len(reminders) == 2 and '"before"' in reminders[0] and '"overdue"' in reminders[1], reminders
    sends = [
        c
        for c in emu.calls_to("sendMessage")
        if str(c["params"].get("chat_id")) == str(w.worker.id)
        and SOON in (c["params"].get("text") or "")
        and c["status"] == 200
    ]
    assert len(sends) == 1


# ---- auto-confirm ------------------------------------------------------------------------------
@pytest.mark.bot_config({**NO_REPORTS, "tickets.auto_confirm": "4s", "schedule.sweep_interval": "1s"})
async def test_unanswered_closed_ticket_is_auto_confirmed(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 环境卫生 {COMPLAINT}")
    card = await w.wait(w.group, contains="#1")
    request = await w.wait(w.worker, contains="新任务 #1")
    emu.press(w.worker, request, "✅ 接单")
    request = await w.edited(request, "您已接单 #1")
    emu.press(w.worker, request, "🏁 办结")
    prompt = await w.wait(w.worker, contains="请回复此消息")
    await w.reply(w.worker, prompt, "已修好")
    asked = await w.edited(card, "待确认")  # the resident never started the bot: a neutral word on the card
    assert "有新进展" in asked["plain_text"] and "陈阿姨" not in asked["plain_text"]
    closed_at, confirm_due = w.db("SELECT closed_at, confirm_due FROM tickets WHERE id = 1")[0]
    assert confirm_due - closed_at == pytest.approx(4, abs=0.01)

    # the resident never answers: 4 s later the ticket is done and they are told, in the group
    told = await w.wait(
        lambda m: (
            m["chat"]["id"] == card["chat"]["id"]
            and m["message_id"] == card["message_id"]
            and "已办结" in (m.get("plain_text") or "")
        ),
        timeout=60,
    )
    assert time.time() >= confirm_due
    assert "陈阿姨" not in told["plain_text"] and COMPLAINT not in told["plain_text"], (
        "nobody named in the group"
    )
    await w.wait(w.worker, contains="#1 已自动确认办结")
    await w.settled()
    assert w.db("SELECT status FROM tickets WHERE id = 1") == [("done",)]
    assert [a for a, _ in _events(w)] == ["submit", "accept", "close", "auto_confirm"]
    assert not any("陈阿姨" in (m.get("plain_text") or "") for m in w.from_bot(w.group))

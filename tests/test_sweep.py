"""The deadline sweep and the leaders' escalation buttons, through the store, the outbox and the handlers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain.sla import QuietHours
from bot.services.sweep import sweep
from bot.store.db import dt
from tests.harness import ROSTER, Harness
from tests.test_story import _bound

GROUP = -100
RESIDENT, ADMIN, BIG, LEADER, WORKER = 5001, 9001, 9002, 9003, 9004
OTHER_WORKER, FOREIGN_WORKER = 9007, 9008
HOUR = timedelta(hours=1)


async def _complaint(bot) -> dict:
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 路灯坏了好几天")
    row = await bot.ctx.db.fetchone("SELECT * FROM tickets WHERE id = 1")
    return {k: dt(row[k]) for k in ("created_at", "accept_due", "resolve_due", "confirm_due")}


async def _sweep(bot, when: datetime) -> int:
    """Run the sweep at `when` and deliver what is due by then."""
    bot.deliverer.clock = lambda: when
    n = await sweep(bot.ctx, now=when)
    await bot.deliverer.deliver_due()
    return n


def _with(bot, chat: int, needle: str) -> list[dict]:
    return [m for m in bot.sent(chat) if needle in m.get("text", "")]


async def _actions(bot) -> list[str]:
    rows = await bot.ctx.db.fetchall("SELECT action FROM ticket_events WHERE ticket_id = 1 ORDER BY id")
    return [r[0] for r in rows]


@pytest.fixture
def roster(tmp_path) -> Path:
    """The demo roster plus a second gridworker of GN-1-1 and a gridworker of GN-1-2 with Telegram."""
    path = tmp_path / "roster.csv"
    path.write_text(
        ROSTER.read_text(encoding="utf-8")
        + "person,p007,孙磊,,,worker@GN-1-1,9007,,zh\n"
        + "person,p008,周敏,,,worker@GN-1-2,9008,,zh\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def bot2(tmp_path, roster):
    h = await Harness(tmp_path).start(roster)
    yield h
    await h.stop()


# --- reminders and escalation ---------------------------------------------------------------


async def test_reminders_and_each_escalation_level_reach_the_right_people(bot):
    due = (await _complaint(bot))["accept_due"]
    assert await _sweep(bot, due - 2 * HOUR) == 0  # planned at submission: nothing due yet
    assert _with(bot, WORKER, "⏰") == []
    await _sweep(bot, due - timedelta(minutes=30))
    soon = _with(bot, WORKER, "⏰")
    assert len(soon) == 1 and "#1" in soon[0]["text"] and bot.button(soon[0], "t:1:acc")
    assert _with(bot, LEADER, "🔺") == []

    await _sweep(bot, due)
    passed = _with(bot, WORKER, "⚠️")
    assert len(passed) == 1 and "王芳" in passed[0]["text"]
    up = _with(bot, LEADER, "🔺")
    assert len(up) == 1 and "路灯坏了好几天" in up[0]["text"] and "赵强" in up[0]["text"]
    for action in ("nud", "rsg", "tak"):
        bot.button(up[0], f"e:1:{action}")
    assert _with(bot, BIG, "🔺") == [] and _with(bot, ADMIN, "🔺") == []

    await _sweep(bot, due + 2 * HOUR)
    assert len(_with(bot, BIG, "🔺")) == 1 and _with(bot, ADMIN, "🔺") == []
    await _sweep(bot, due + 4 * HOUR)
    assert len(_with(bot, ADMIN, "🔺")) == 1
    assert await _sweep(bot, due + 40 * HOUR) == 0, "the ladder has ended"
    assert await _actions(bot) == ["submit", "remind", "remind", "escalate", "escalate", "escalate"]
    assert not any("路灯" in m["text"] for m in bot.sent(GROUP)), "nothing of a complaint reaches the group"


async def test_sweeping_twice_sends_each_step_once(bot):
    due = (await _complaint(bot))["accept_due"]
    await _sweep(bot, due)
    before = len(bot.transport.calls)
    assert await _sweep(bot, due) == 0
    assert await _sweep(bot, due + timedelta(minutes=30)) == 0
    assert len(bot.transport.calls) == before
    assert len(_with(bot, WORKER, "⚠️")) == 1 and len(_with(bot, LEADER, "🔺")) == 1


async def test_a_restart_neither_repeats_nor_loses_a_step(tmp_path):
    first = await Harness(tmp_path).start()
    due = (await _complaint(first))["accept_due"]
    await _sweep(first, due)
    assert len(_with(first, WORKER, "⚠️")) == 1
    await first.stop()

    second = await Harness(tmp_path).start()  # same database file
    try:
        await _sweep(second, due + timedelta(minutes=1))
        assert _with(second, WORKER, "⚠️") == [] and _with(second, LEADER, "🔺") == []
        await _sweep(second, due + 2 * HOUR)
        await _sweep(second, due + 2 * HOUR)
        assert len(_with(second, BIG, "🔺")) == 1
    finally:
        await second.stop()


async def test_a_crash_before_the_deadline_still_delivers_one_overdue_notice(tmp_path):
    first = await Harness(tmp_path).start()
    due = (await _complaint(first))["accept_due"]
    await first.stop()  # down before the reminder and the deadline

    second = await Harness(tmp_path).start()
    try:
        await _sweep(second, due + 3 * HOUR)
        await _sweep(second, due + 3 * HOUR)
        assert _with(second, WORKER, "⏰") == [], "no stale 'due soon' after the deadline"
        assert len(_with(second, WORKER, "⚠️")) == 1 and len(_with(second, LEADER, "🔺")) == 1
        assert _with(second, BIG, "🔺") == [], "the next level gets its own window from now"
    finally:
        await second.stop()


async def test_acceptance_stops_the_ladder(bot):
    due = (await _complaint(bot))["accept_due"]
    await _sweep(bot, due)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    for k in (2, 4, 6):
        await _sweep(bot, due + k * HOUR)
    assert _with(bot, BIG, "🔺") == [] and _with(bot, ADMIN, "🔺") == []
    row = await bot.ctx.db.fetchone(
        "SELECT escalation_level, next_due, resolve_due FROM tickets WHERE id = 1"
    )
    assert row[0] == 0 and row[1] == pytest.approx(row[2] - 1800)  # next: the resolution reminder


async def test_resolution_deadline_reminds_and_escalates(bot):
    times = await _complaint(bot)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    due = times["resolve_due"]
    await _sweep(bot, due - timedelta(minutes=30))
    soon = _with(bot, WORKER, "⏰")
    assert len(soon) == 1 and bot.button(soon[0], "t:1:cls")
    await _sweep(bot, due)
    assert len(_with(bot, WORKER, "⚠️")) == 1 and len(_with(bot, LEADER, "🔺")) == 1


async def test_closure_stops_the_ladder_and_silence_auto_confirms(tmp_path):
    bot = await Harness(tmp_path, auto_confirm=timedelta(days=5)).start()
    try:
        await _closure_then_silence(bot)
    finally:
        await bot.stop()


async def _closure_then_silence(bot) -> None:
    times = await _complaint(bot)
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await _sweep(bot, times["resolve_due"])
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已更换灯泡")
    row = await bot.ctx.db.fetchone("SELECT confirm_due FROM tickets WHERE id = 1")
    confirm_due = dt(row[0])
    for k in (2, 4, 6):
        await _sweep(bot, times["resolve_due"] + k * HOUR)
    assert _with(bot, BIG, "🔺") == [] and _with(bot, ADMIN, "🔺") == []
    await _sweep(bot, confirm_due - timedelta(seconds=1))
    assert "已办结" not in bot.last(GROUP)["text"]
    assert await _sweep(bot, confirm_due) == 1
    told = bot.last(GROUP)  # the resident never started the bot: a neutral word on the card
    assert "已办结" in told["text"] and "有新进展" in told["text"] and "路灯" not in told["text"]
    assert told["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("?start=t_1")
    assert "🚩" in _with(bot, WORKER, "自动确认")[-1]["text"]
    row = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1")
    assert row[0] == "done"
    assert (await _actions(bot))[-1] == "auto_confirm"
    assert await _sweep(bot, confirm_due + HOUR) == 0


async def test_quiet_hours_hold_a_reminder_until_morning(tmp_path):
    h = await Harness(tmp_path, quiet_hours=QuietHours(time(22, 0), time(7, 0))).start()
    try:
        due = (await _complaint(h))["accept_due"]
        local = due.astimezone(h.config.timezone)
        night = local.replace(hour=23, minute=0, second=0, microsecond=0)
        night = night if night >= local else night + timedelta(days=1)
        morning = (night + timedelta(hours=8)).replace(hour=7)
        await _sweep(h, night)
        assert _with(h, WORKER, "⚠️") == [] and _with(h, LEADER, "🔺") == []
        h.deliverer.clock = lambda: morning - timedelta(seconds=1)
        await h.deliverer.deliver_due()
        assert _with(h, WORKER, "⚠️") == []
        h.deliverer.clock = lambda: morning
        await h.deliverer.deliver_due()
        assert len(_with(h, WORKER, "⚠️")) == 1 and len(_with(h, LEADER, "🔺")) == 1
    finally:
        await h.stop()


# --- the leaders' buttons -------------------------------------------------------------------


async def _escalated(bot) -> dict:
    times = await _complaint(bot)
    await _sweep(bot, times["accept_due"])
    return times


async def test_leader_nudges_the_assignee(bot):
    await _escalated(bot)
    await bot.press(LEADER, LEADER, 1, "e:1:nud")
    assert "催办" in bot.answers()[-1]
    nudge = _with(bot, WORKER, "📣")
    assert len(nudge) == 1 and "王芳" in nudge[0]["text"] and bot.button(nudge[0], "t:1:acc")
    assert (await _actions(bot))[-1] == "nudge"
    await bot.press(LEADER, LEADER, 1, "e:1:nud")
    assert "稍后" in bot.answers()[-1], "a second nudge right away is refused, so a worker is not spammed"
    assert len(_with(bot, WORKER, "📣")) == 1


async def test_leader_takes_the_ticket(bot):
    await _escalated(bot)
    await bot.press(LEADER, LEADER, 1, "e:1:tak")
    assert "接手" in bot.answers()[-1]
    row = await bot.ctx.db.fetchone(
        "SELECT t.status, p.tg_user_id FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = 1"
    )
    assert tuple(row) == ("accepted", LEADER)
    edited = bot.last(LEADER)
    assert edited["method"] == "editMessageText" and bot.button(edited, "t:1:cls")
    assert "无需再处理" in bot.last(WORKER)["text"]
    await bot.press(LEADER, LEADER, 1, "e:1:tak")
    assert "已经在您手上" in bot.answers()[-1]


async def test_leader_reassigns_to_another_worker_of_the_grid(bot2):
    await _escalated(bot2)
    await bot2.press(LEADER, LEADER, 1, "e:1:rsg")
    chooser = bot2.last(LEADER)
    data = bot2.button(chooser, "e:1:rsg:")
    assert "孙磊" in str(chooser["reply_markup"]) and "赵强" not in str(chooser["reply_markup"])
    assert "周敏" not in str(chooser["reply_markup"]), "only workers of the ticket's grid"
    await bot2.press(LEADER, LEADER, 2, data)
    assert "改派" in bot2.answers()[-1]
    request = bot2.last(OTHER_WORKER)
    assert "路灯坏了好几天" in request["text"] and bot2.button(request, "t:1:acc")
    assert "孙磊" in bot2.last(WORKER)["text"] and "无需再处理" in bot2.last(WORKER)["text"]
    row = await bot2.ctx.db.fetchone("SELECT status, escalation_level FROM tickets WHERE id = 1")
    assert tuple(row) == ("open", 0)
    assert (await _actions(bot2))[-1] == "reassign"
    await bot2.press(OTHER_WORKER, OTHER_WORKER, 3, "t:1:acc")
    assert (await bot2.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1"))[0] == "accepted"


async def test_reassign_without_another_worker_is_refused_politely(bot):
    await _escalated(bot)
    await bot.press(LEADER, LEADER, 1, "e:1:rsg")
    assert "没有其他网格员" in bot.answers()[-1]


@pytest.mark.parametrize("presser", [RESIDENT, WORKER, FOREIGN_WORKER, OTHER_WORKER])
async def test_escalation_buttons_are_refused_to_anyone_but_a_leader(bot2, presser):
    await _escalated(bot2)
    before = await bot2.ctx.db.fetchone("SELECT * FROM tickets WHERE id = 1")
    events = await _actions(bot2)
    calls = len(bot2.transport.calls)
    for data in ("e:1:nud", "e:1:tak", "e:1:rsg", "e:1:rsg:7"):
        await bot2.press(presser, presser, 1, data)
    answers = bot2.answers()[-4:]
    assert all("负责人" in a for a in answers), answers
    assert tuple(await bot2.ctx.db.fetchone("SELECT * FROM tickets WHERE id = 1")) == tuple(before)
    assert await _actions(bot2) == events
    assert [c for c in bot2.transport.calls[calls:] if c[0] != "answerCallbackQuery"] == []


async def test_forged_escalation_data_changes_nothing(bot2):
    await _escalated(bot2)
    foreign = await bot2.ctx.db.fetchone("SELECT id FROM people WHERE tg_user_id = ?", (FOREIGN_WORKER,))
    await bot2.press(LEADER, LEADER, 1, f"e:1:rsg:{foreign[0]}")  # a worker of another grid
    await bot2.press(LEADER, LEADER, 1, "e:1:rsg:99999")
    await bot2.press(LEADER, LEADER, 1, "e:999:tak")
    await bot2.press(LEADER, LEADER, 1, "e:1:nud:5")
    await bot2.press(LEADER, LEADER, 1, "e:1:zzz")
    answers = bot2.answers()[-5:]
    assert answers[0] == answers[1] and "本网格" in answers[0]
    assert "找不到" in answers[2] and "失效" in answers[3] and "失效" in answers[4]
    row = await bot2.ctx.db.fetchone("SELECT status, assignee_id FROM tickets WHERE id = 1")
    assert row[0] == "open"
    assert (await _actions(bot2))[-1] == "escalate"


async def test_a_redelivered_press_changes_nothing(bot):
    await _escalated(bot)
    update = await bot.press(LEADER, LEADER, 1, "e:1:nud")
    await bot.feed(update)
    assert len(_with(bot, WORKER, "📣")) == 1

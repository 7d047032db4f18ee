"""Scheduled posts through the real services and deliverer with the fake transport: the weekly
tally (a chart), monthly stars and ranking, digests, collection day, no repeats, the CLI dry run."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cli import post as post_cli
from bot.domain.periods import parse_period
from bot.services import posts
from bot.services.context import UsernameUnknown

SH = ZoneInfo("Asia/Shanghai")
G1, G2 = -100, -200
RESIDENT, RESIDENT2, WORKER, LEADER, VOLUNTEER, ADMIN, BIG = 5001, 5002, 9004, 9003, 9005, 9001, 9002
SECRET = "楼道垃圾三天没人清运"
TIME_COLUMNS = (
    "created_at",
    "accepted_at",
    "closed_at",
    "done_at",
    "accept_due",
    "resolve_due",
    "confirm_due",
    "response_due",
    "next_due",
)


async def _bind(bot, chat, uid, grid):
    await bot.feed(
        {
            "my_chat_member": {
                "chat": bot.chat(chat),
                "from": bot.user(uid),
                "date": 0,
                "old_chat_member": {"status": "left", "user": {"id": 777, "is_bot": True, "first_name": "G"}},
                "new_chat_member": {
                    "status": "member",
                    "user": {"id": 777, "is_bot": True, "first_name": "G"},
                },
            }
        }
    )
    await bot.say(uid, chat, f"/bind {grid}")


async def _close(bot, worker, n, note="办好了"):
    await bot.press(worker, worker, 1, f"t:{n}:cls")
    await bot.say(worker, worker, note)


async def _shift(bot, ticket, local: datetime):
    """Move a ticket's whole history so that it was submitted at `local` (keeping its intervals)."""
    first = await bot.ctx.db.fetchone("SELECT MIN(at) FROM ticket_events WHERE ticket_id = ?", (ticket,))
    delta = local.replace(tzinfo=SH).timestamp() - first[0]
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE ticket_events SET at = at + ? WHERE ticket_id = ?", (delta, ticket))
        sets = ", ".join(f"{c} = {c} + :d" for c in TIME_COLUMNS)
        await conn.execute(f"UPDATE tickets SET {sets} WHERE id = :id", {"d": delta, "id": ticket})


async def _story(bot):
    await _bind(bot, G1, LEADER, "GN-1-1")
    await _bind(bot, G2, ADMIN, "GN-1-2")
    # 1: complaint, accepted, closed, confirmed, 5 stars -> a flag for 赵强
    await bot.say(RESIDENT, G1, f"/complain 环境卫生 {SECRET}")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await _close(bot, WORKER, 1)
    await bot.press(RESIDENT, G1, 50, "t:1:yes")
    await bot.press(RESIDENT, G1, 50, "t:1:r:5")
    # 2: wish claimed by the volunteer, closed, confirmed, 4 stars -> a flag for 刘洋
    await bot.say(RESIDENT, G1, "/wish 帮老人买菜")
    await bot.press(VOLUNTEER, G1, 1, "t:2:clm")
    await _close(bot, VOLUNTEER, 2)
    await bot.press(RESIDENT, G1, 51, "t:2:yes")
    await bot.press(RESIDENT, G1, 51, "t:2:r:4")
    # 3: reopened, closed again, confirmed, 3 stars -> exactly one more flag for 赵强
    await bot.say(RESIDENT, G1, "/complain 噪音扰民")
    await bot.press(WORKER, WORKER, 1, "t:3:acc")
    await _close(bot, WORKER, 3, "已劝导")
    await bot.press(RESIDENT, G1, 52, "t:3:no")
    await _close(bot, WORKER, 3, "再次劝导")
    await bot.press(RESIDENT, G1, 52, "t:3:yes")
    await bot.press(RESIDENT, G1, 52, "t:3:r:3")
    # 4: the worker submits one himself: completed, but no flag
    await bot.say(WORKER, G1, "/complain 路灯坏了")
    await bot.press(WORKER, WORKER, 1, "t:4:acc")
    await _close(bot, WORKER, 4)
    await bot.press(WORKER, G1, 53, "t:4:yes")
    # 5 and 6: GN-1-2 never accepts (its worker is not on Telegram); 7: GN-1-1 accepts, in February
    await bot.say(RESIDENT2, G2, "/complain 路面塌陷")
    await bot.say(RESIDENT2, G2, "/complain 井盖松动")
    await bot.say(RESIDENT, G1, "/complain 楼道灯不亮")
    await bot.press(WORKER, WORKER, 1, "t:7:acc")
    rows = await bot.ctx.db.fetchall("SELECT id, status, self_submitted FROM tickets ORDER BY id")
    assert [tuple(r) for r in rows][:4] == [(1, "done", 0), (2, "done", 0), (3, "done", 0), (4, "done", 1)]
    for n, when in {
        1: datetime(2025, 3, 4, 10),
        2: datetime(2025, 3, 5, 10),
        3: datetime(2025, 3, 6, 10),
        4: datetime(2025, 3, 6, 11),
        5: datetime(2025, 3, 6, 9),
        6: datetime(2025, 2, 10, 9),
        7: datetime(2025, 2, 11, 9),
    }.items():
        await _shift(bot, n, when)
    async with bot.ctx.db.write() as conn:  # the groups were bound before the story began
        await conn.execute("UPDATE groups SET bound_at = ?", (datetime(2025, 1, 2, tzinfo=SH).timestamp(),))
    bot.transport.calls.clear()


def _texts(bot, chat):
    return [m.get("text") or m.get("caption") or "" for m in bot.sent(chat)]


def _all_text(bot):
    return "\n".join(str(p) for _, p in bot.transport.calls)


async def test_weekly_tally_chart_numbers_and_no_repeat(bot):
    await _story(bot)
    now = datetime(2025, 3, 10, 9, 0, tzinfo=SH)
    written = await posts.weekly_tally(bot.ctx, now)
    assert {p.chat_id for p in written} == {G1, G2} and written[0].period == "2025-W10"
    await bot.deliverer.deliver_due()
    photos = [p for n, p in bot.transport.calls if n == "sendPhoto" and int(p["chat_id"]) == G1]
    assert len(photos) == 1 and photos[0]["_uploads"]["photo"] > 1000  # a PNG uploaded
    caption = photos[0]["caption"]
    assert "1. 赵强：🟦3 🟩3 🚩2 ｜ 🟦3 🟩3 🚩2" in caption  # flags: 1 and 3; 4 was self-submitted
    assert "2. 刘洋：🟦1 🟩1 🚩1" in caption
    assert "合计：🟦4 🟩4 🚩3" in caption
    assert SECRET not in _all_text(bot) and "Resident" not in caption
    before = len(bot.transport.calls)
    assert await posts.weekly_tally(bot.ctx, now) == []  # a re-run (or restart) posts nothing twice
    await bot.deliverer.deliver_due()
    assert len(bot.transport.calls) == before


async def test_monthly_stars_ranking_bottom_and_repeat(bot):
    await _story(bot)
    now = datetime(2025, 4, 1, 9, 0, tzinfo=SH)
    written = await posts.monthly(bot.ctx, now)
    kinds = sorted((p.kind, p.chat_id) for p in written)
    assert kinds == [("monthly", G2), ("monthly", G1), ("monthly_admin", ADMIN), ("monthly_bottom", BIG)]
    await bot.deliverer.deliver_due()
    group = _texts(bot, G1)[-1]
    assert "🥇 赵强 · 🚩2" in group and "🥈 刘洋 · 🚩1" in group
    assert "1. 🟡 幸福小区网格：100% · 80% · 67%" in group and "2. 🔴 和平里网格：0% · — · —" in group
    assert "流动红旗：<b>幸福小区网格</b>" in group
    bottom = _texts(bot, BIG)[-1]
    assert "和平里网格" in bottom and "第 2 名" in bottom and "连续两个月" in bottom
    admin = _texts(bot, ADMIN)[-1]
    assert "连续两个月列后两名：<b>和平里网格</b>" in admin
    assert _texts(bot, LEADER) == []  # GN-1-1 is not in the bottom two
    assert SECRET not in _all_text(bot)
    assert await posts.monthly(bot.ctx, now) == []


async def test_digests_daily_weekly_monthly(bot):
    await _story(bot)
    now = datetime(2025, 3, 7, 8, 0, tzinfo=SH)
    written = await posts.digests(bot.ctx, now)  # yesterday: 2025-03-06
    assert [(p.kind, p.chat_id, p.period) for p in written] == [("digest_day", LEADER, "2025-03-06")]
    await bot.deliverer.deliver_due()
    text = _texts(bot, LEADER)[-1]
    assert "每日汇总" in text and "幸福小区网格" in text
    assert "新增 2 · 未办结 1 · 24小时内到期 0 · 已超期 1 · 重开 1" in text and "⏰ 超期事项：#7" in text
    assert "• 赵强：新增 2" in text and "• 刘洋：" in text
    assert SECRET not in text
    week = await posts.digests(bot.ctx, now, parse_period("2025-W10", SH))
    assert [(p.kind, p.chat_id) for p in week] == [("digest_week", BIG)]
    month = await posts.digests(bot.ctx, now, parse_period("2025-03", SH))
    assert [(p.kind, p.chat_id) for p in month] == [("digest_month", ADMIN)]
    await bot.deliverer.deliver_due()
    admin = _texts(bot, ADMIN)[-1]
    assert "合计：新增 5" in admin and "和平里网格" in admin and "⏰ 超期事项：#" in admin
    assert await posts.digests(bot.ctx, now) == []


async def test_collection_day_has_deep_link_button(bot):
    await _story(bot)
    now = datetime(2025, 3, 23, 9, 0, tzinfo=SH)
    assert len(await posts.collection_day(bot.ctx, now)) == 2
    await bot.deliverer.deliver_due()
    msg = bot.last(G1)
    assert "收集日" in msg["text"]
    assert msg["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/grid_bot?start=g_")
    assert await posts.collection_day(bot.ctx, now + timedelta(days=1)) == []


async def test_cli_dry_run_prints_and_writes_nothing(bot):
    await _story(bot)
    out = io.StringIO()
    code = await post_cli.run(
        bot.config,
        "weekly-tally",
        "2025-W10",
        dry_run=True,
        send=False,
        now=datetime(2025, 3, 10, 9, tzinfo=SH),
        out=out,
    )
    assert code == 0
    printed = out.getvalue()
    assert "[photo: PNG chart" in printed and "赵强" in printed and "没有写入任何内容" in printed
    rows = await bot.ctx.db.fetchall("SELECT COUNT(*) FROM posts")
    assert rows[0][0] == 0
    out = io.StringIO()
    assert await post_cli.run(bot.config, "monthly", "2025-W10", False, False, out=out) == 2
    assert await post_cli.run(bot.config, "collection-day", "2025-03", False, False, out=out) == 0
    rows = await bot.ctx.db.fetchall("SELECT kind, period, COUNT(*) FROM posts GROUP BY kind, period")
    assert [tuple(r) for r in rows] == [("collection_day", "2025-03", 2)]


async def test_long_tally_goes_as_caption_plus_text(bot):
    await _story(bot)
    async with bot.ctx.db.write() as conn:
        for i in range(60):
            await conn.execute(
                "INSERT INTO people (code, name, invite_code) VALUES (?, ?, ?)",
                (f"x{i}", f"志愿者{i:02d}号", f"inv{i}"),
            )
            await conn.execute("INSERT INTO roles VALUES (last_insert_rowid(), 'GN-1-1', 'volunteer')")
    await posts.weekly_tally(bot.ctx, datetime(2025, 3, 10, 9, tzinfo=SH))
    await bot.deliverer.deliver_due()
    sent = bot.sent(G1)
    assert sent[0]["method"] == "sendPhoto" and len(sent[0]["caption"]) <= 1024
    assert all(m["method"] == "sendMessage" for m in sent[1:]) and "志愿者59号" in "".join(_texts(bot, G1))


async def test_schedule_registers_posts_in_local_time(bot):
    jobs = {j.name: j for j in bot.app.job_queue.jobs()}
    tally = str(jobs["post_weekly_tally"].job.trigger)
    assert (
        "day_of_week='mon'" in tally
        and "hour='9'" in tally
        and str(jobs["post_weekly_tally"].job.trigger.timezone) == "Asia/Shanghai"
    )
    assert "day='23'" in str(jobs["post_collection_day"].job.trigger)
    assert "day='1'" in str(jobs["post_monthly"].job.trigger)
    assert "hour='8'" in str(jobs["post_daily_digest"].job.trigger)
    assert "post_catch_up" not in jobs  # off unless reports.catch_up is set


async def test_cli_collection_day_uses_the_username_from_get_me_and_refuses_without_one(bot, capsys):
    await _story(bot)
    out = io.StringIO()
    assert await post_cli.run(bot.config, "collection-day", "2025-03", True, False, out=out) == 0
    assert "https://t.me/grid_bot?start=g_" in out.getvalue(), "the username getMe gave at start-up"
    async with bot.ctx.db.write() as conn:
        await conn.execute("DELETE FROM bot_facts WHERE key = 'username'")
    with pytest.raises(UsernameUnknown):  # post_cli.main prints the operator's message for this
        await post_cli.run(bot.config, "collection-day", "2025-03", False, False, out=io.StringIO())
    rows = await bot.ctx.db.fetchall("SELECT COUNT(*) FROM posts")
    assert rows[0][0] == 0 and "t.me/bot?" not in out.getvalue()


async def test_monthly_grid_colours_in_both_languages_by_the_configured_thresholds(bot):
    from dataclasses import replace

    from bot.domain.assessment import ColourRule

    await _story(bot)
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET locale = 'en' WHERE chat_id = ?", (G2,))
    now = datetime(2025, 4, 1, 9, 0, tzinfo=SH)

    async def group_texts() -> dict[int, str]:
        written = await posts.monthly(bot.ctx, now, dry_run=True)
        return {p.chat_id: "\n".join(n.text or "" for n in p.notices) for p in written if p.kind == "monthly"}

    texts = await group_texts()
    # 幸福 100% · 80% · 67% (mean 82%) and ticket 7 overdue: yellow; 和平里 0% with nothing accepted: red
    assert "1. 🟡 幸福小区网格：" in texts[G1] and "2. 🔴 和平里网格：" in texts[G1]
    assert "网格考评：🔵 蓝 · 🟡 黄 · 🔴 红" in texts[G1]
    assert "1. 🟡 幸福小区网格:" in texts[G2] and "Grid colours: 🔵 blue · 🟡 yellow · 🔴 red" in texts[G2]
    assessment = bot.ctx.config.assessment
    bot.ctx.config = replace(
        bot.ctx.config, assessment=replace(assessment, colours=ColourRule(blue_from=0.8, blue_max_overdue=1))
    )
    assert "1. 🔵 幸福小区网格：" in (await group_texts())[G1]
    bot.ctx.config = replace(
        bot.ctx.config, assessment=replace(assessment, colours=ColourRule(enabled=False))
    )
    off = (await group_texts())[G1]
    assert "1. 幸福小区网格：100% · 80% · 67%" in off and "🔴" not in off and "网格考评" not in off

"""/stats through process_update for each role: leaders (their grids, a chart), workers (their own
figures), residents (told it is for staff), in Chinese and English; this month and last month."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.domain.periods import month_of
from tests.test_posts import G1, LEADER, RESIDENT, SECRET, SH, VOLUNTEER, WORKER, _bind, _close, _shift

ADMIN = 9001


async def _month(bot):
    """This month: #1 accepted, closed, confirmed and rated by 赵强's work (a red flag); #2 a wish the
    volunteer claimed and still holds. #3 last month: accepted, closed and confirmed (赵强 again)."""
    await _bind(bot, G1, LEADER, "GN-1-1")
    await bot.say(RESIDENT, G1, f"/complain 环境卫生 {SECRET}")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await _close(bot, WORKER, 1)
    await bot.press(RESIDENT, G1, 50, "t:1:yes")
    await bot.press(RESIDENT, G1, 50, "t:1:r:5")
    await bot.say(RESIDENT, G1, "/wish 帮老人买菜")
    await bot.press(VOLUNTEER, G1, 1, "t:2:clm")
    await bot.say(RESIDENT, G1, "/complain 路灯坏了")
    await bot.press(WORKER, WORKER, 1, "t:3:acc")
    await _close(bot, WORKER, 3)
    await bot.press(RESIDENT, G1, 52, "t:3:yes")
    last = month_of(datetime.now(timezone.utc), SH).previous().start + timedelta(days=3, hours=10)
    await _shift(bot, 3, last.replace(tzinfo=None))
    bot.transport.calls.clear()


def _photos(bot, chat):
    return [p for n, p in bot.transport.calls if n == "sendPhoto" and int(p["chat_id"]) == chat]


def _text(message):
    return message.get("text") or message.get("caption") or ""


async def test_leader_gets_the_grids_month_so_far_with_a_chart(bot):
    await _month(bot)
    await bot.say(LEADER, LEADER, "/stats")
    photos = _photos(bot, LEADER)
    assert len(photos) == 1 and photos[0]["_uploads"]["photo"] > 1000
    text = "\n".join(_text(m) for m in bot.sent(LEADER))
    month = datetime.now(timezone.utc).astimezone(SH)
    assert f"幸福小区网格 · {month.year}年{month.month}月至今" in text
    assert "新增 2 · 未办结 1 · 已超期 0" in text
    assert "1. 赵强：🟦1 🟩1 🚩1" in text and "2. 刘洋：🟦1 🟩0 🚩0" in text
    assert "满意率 100%（1/1）" in text and SECRET not in text and "Resident" not in text


async def test_leader_last_month_and_english(bot):
    await _month(bot)
    await bot.say(LEADER, LEADER, "/lang en")
    bot.transport.calls.clear()
    await bot.say(LEADER, LEADER, "/stats last")
    text = "\n".join(_text(m) for m in bot.sent(LEADER))
    last = month_of(datetime.now(timezone.utc), SH).previous().start
    assert f"幸福小区网格 · {last.strftime('%B')} {last.year}" in text
    assert (
        "New 1 · open 1 · overdue 0" in text
        and "Last month: /stats last" not in text
        and "1. 赵强: 🟦1 🟩1 🚩1" in text
    )
    assert "刘洋" not in text  # nothing last month: left out


async def test_admin_sees_the_whole_community(bot):
    await _month(bot)
    await bot.say(ADMIN, ADMIN, "/stats")
    text = "\n".join(_text(m) for m in bot.sent(ADMIN))
    assert "工农社区 ·" in text and "1. 赵强：🟦1 🟩1 🚩1" in text


async def test_worker_gets_own_figures_without_a_chart(bot):
    await _month(bot)
    await bot.say(VOLUNTEER, VOLUNTEER, "/stats")
    assert _photos(bot, VOLUNTEER) == []
    text = _text(bot.last(VOLUNTEER))
    assert "我的数据" in text and "🟦接单 1 · 🟩办结 0 · 🚩红旗 0" in text and "手上未办结 1" in text
    assert "赵强" not in text
    await bot.say(WORKER, WORKER, "/lang en")
    await bot.say(WORKER, WORKER, "/stats")
    text = _text(bot.last(WORKER))
    assert "My figures" in text and "🟦Accepted 1 · 🟩completed 1 · 🚩red flags 1" in text


async def test_residents_groups_and_bad_arguments_get_a_polite_answer(bot):
    await _month(bot)
    await bot.say(RESIDENT, RESIDENT, "/stats")
    assert "工作人员" in _text(bot.last(RESIDENT)) and "/my" in _text(bot.last(RESIDENT))
    await bot.say(RESIDENT, RESIDENT, "/lang en")
    await bot.say(RESIDENT, RESIDENT, "/stats")
    assert "for grid staff" in _text(bot.last(RESIDENT))
    before = len(bot.sent(G1))
    await bot.say(LEADER, G1, "/stats")
    assert "私聊" in _text(bot.last(G1)) and len(bot.sent(G1)) == before + 1 and _photos(bot, G1) == []
    await bot.say(LEADER, LEADER, "/stats 2025")
    assert "/stats last" in _text(bot.last(LEADER)) and _photos(bot, LEADER) == []


async def test_a_redelivered_stats_update_answers_once(bot):
    await _month(bot)
    update = await bot.say(WORKER, WORKER, "/stats")
    count = len(bot.sent(WORKER))
    from telegram import Update

    await bot.app.process_update(Update.de_json(update, bot.app.bot))
    await bot.deliverer.deliver_due()
    assert len(bot.sent(WORKER)) == count

"""Digest wording: periods named as an office names them, "yesterday" only for yesterday, idle
helpers on one line, and a heading on every part after the first."""

from __future__ import annotations

from datetime import datetime

from bot.domain.periods import parse_period
from bot.services import posts
from bot.services.publish import text_messages
from tests.test_posts import ADMIN, LEADER, SH, _story, _texts


async def _idle_workers(bot, n: int) -> None:
    async with bot.ctx.db.write() as conn:
        for i in range(n):
            cur = await conn.execute(
                "INSERT INTO people (code, name, invite_code) VALUES (?, ?, ?)",
                (f"IDLE{i}", f"闲{i}", f"inv-idle-{i}"),
            )
            await conn.execute(
                "INSERT INTO roles (person_id, grid, role) VALUES (?, 'GN-1-1', 'worker')", (cur.lastrowid,)
            )


async def test_daily_digest_names_yesterday_and_groups_idle_workers(bot):
    await _story(bot)
    await _idle_workers(bot, 90)
    await posts.digests(bot.ctx, datetime(2025, 3, 7, 8, 0, tzinfo=SH))
    await bot.deliverer.deliver_due()
    text = _texts(bot, LEADER)[-1]
    assert text.startswith("📊 <b>每日汇总</b> · 3月6日\n"), text
    assert "新增、重开按昨日计，三率按3月1日至3月6日计" in text
    assert "• 其余 90 人无新增、无待办" in text and "闲1" not in text
    assert text.count("\n• ") == 3, text  # 刘洋, 赵强 and the idle line
    assert "<i>按人员：</i>\n• " in text


async def test_digest_for_another_period_names_it_instead_of_yesterday(bot):
    await _story(bot)
    await posts.digests(bot.ctx, datetime(2025, 3, 7, 8, 0, tzinfo=SH), parse_period("2025-03-07", SH))
    await posts.digests(bot.ctx, datetime(2025, 3, 7, 8, 0, tzinfo=SH), parse_period("2025-W10", SH))
    await bot.deliverer.deliver_due()
    day = _texts(bot, LEADER)[-1]
    assert "昨日" not in day and "新增、重开按3月7日计" in day, day
    week = [t for t in _texts(bot, 9002) if "每周汇总" in t][-1]
    assert "每周汇总</b> · 3月3日–3月9日（第10周）" in week and "上周" not in week, week


async def test_monthly_digest_in_english_names_the_month(bot):
    await _story(bot)
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE people SET locale = 'en' WHERE tg_user_id = ?", (ADMIN,))
    await posts.digests(bot.ctx, datetime(2025, 4, 1, 8, 0, tzinfo=SH), parse_period("2025-03", SH))
    await bot.deliverer.deliver_due()
    text = _texts(bot, ADMIN)[-1]
    assert text.startswith("📊 <b>Monthly digest</b> · March 2025\n") and "last month" in text, text


def test_every_part_after_the_first_has_a_heading():
    rows = "\n".join(f"• 网格员{i}：新增 1，未办结 1" for i in range(400))
    parts = text_messages(1, "📊 <b>每日汇总</b>\n" + rows, continued="📊 <b>每日汇总</b>（续）")
    assert len(parts) > 1
    assert all(p.text.startswith("📊 <b>每日汇总</b>（续）\n• ") for p in parts[1:])
    assert all(len(p.text.encode("utf-16-le")) // 2 <= 4096 for p in parts)

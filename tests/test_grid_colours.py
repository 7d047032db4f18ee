"""Grid colours (蓝黄红) stored with the monthly post, and a grid red two months running reported to the
admin privately, with both months' figures, in the admin's language, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.assessment import ColourRule
from bot.domain.periods import parse_period
from bot.services import posts
from tests.test_posts import ADMIN, BIG, SECRET, SH, _all_text, _story, _texts

MARCH, APRIL = datetime(2025, 3, 1, 9, tzinfo=SH), datetime(2025, 4, 1, 9, tzinfo=SH)


async def _stored(bot) -> list[tuple]:
    rows = await bot.ctx.db.fetchall(
        "SELECT month, grid, colour, on_time, due, overdue, marks FROM grid_colours ORDER BY month, grid"
    )
    return [tuple(r) for r in rows]


async def _february_and_march(bot) -> list[posts.Post]:
    await posts.monthly(bot.ctx, MARCH, parse_period("2025-02", SH))
    return await posts.monthly(bot.ctx, APRIL)


async def test_each_grids_colour_is_stored_with_the_monthly_post_and_a_dry_run_stores_nothing(bot):
    await _story(bot)
    await posts.monthly(bot.ctx, APRIL, dry_run=True)
    assert await _stored(bot) == []
    await posts.monthly(bot.ctx, APRIL)
    # 幸福: 100% · 80% · 67% with ticket 7 overdue: yellow; 和平里: two tickets due, none accepted: red
    assert await _stored(bot) == [
        ("2025-03", "GN-1-1", "yellow", 4, 4, 1, 0),
        ("2025-03", "GN-1-2", "red", 0, 1, 2, 0),
    ]
    await posts.monthly(bot.ctx, APRIL)  # a re-run keeps what was posted
    assert len(await _stored(bot)) == 2


async def test_a_grid_red_two_months_running_is_reported_to_the_admin_with_both_months(bot):
    await _story(bot)
    written = await _february_and_march(bot)
    assert [(p.kind, p.chat_id) for p in written if p.kind == "monthly_red"] == [("monthly_red", ADMIN)]
    await bot.deliverer.deliver_due()
    alert = next(t for t in _texts(bot, ADMIN) if "连续两个月红色网格" in t)
    assert "🔴 <b>工农社区 · 连续两个月红色网格</b>" in alert
    assert "<b>和平里网格</b>" in alert and "幸福小区网格" not in alert
    assert "• 2025年3月：响应率 0%（0/1）" in alert and "超期 2 件 · 督办 0 次" in alert
    assert "• 2025年2月：响应率 0%（0/1）" in alert
    assert not any("连续两个月红色" in t for t in _texts(bot, BIG)), "the admin only"
    assert SECRET not in _all_text(bot)
    assert [p for p in await posts.monthly(bot.ctx, APRIL) if p.kind == "monthly_red"] == []


async def test_the_alert_is_in_the_admins_language(bot):
    await _story(bot)
    await bot.say(ADMIN, ADMIN, "/lang en")
    await _february_and_march(bot)
    await bot.deliverer.deliver_due()
    alert = next(t for t in _texts(bot, ADMIN) if "red two months running" in t)
    assert "<b>和平里网格</b>\n• March 2025: response 0% (0/1)" in alert
    assert "· 2 overdue · 0 supervision marks\n• February 2025: response 0% (0/1)" in alert


async def test_no_alert_without_a_red_month_before(bot):
    await _story(bot)
    written = await posts.monthly(bot.ctx, APRIL)  # February was never stored
    assert "monthly_red" not in {p.kind for p in written}
    async with bot.ctx.db.write() as conn:
        await conn.execute(
            "INSERT INTO grid_colours VALUES ('GN-1-2', '2025-04', 'yellow', 1, 1, 0, 0, 0, 0, 0, 0, 0)"
        )
    may = await posts.monthly(bot.ctx, datetime(2025, 6, 1, 9, tzinfo=SH), parse_period("2025-05", SH))
    assert "monthly_red" not in {p.kind for p in may}, "yellow in April, whatever May is"


async def test_colours_switched_off_store_nothing_and_report_nothing(bot):
    await _story(bot)
    a = bot.ctx.config.assessment
    bot.ctx.config = replace(bot.ctx.config, assessment=replace(a, colours=ColourRule(enabled=False)))
    written = await _february_and_march(bot)
    assert "monthly_red" not in {p.kind for p in written} and await _stored(bot) == []


async def test_the_admins_monthly_table_shows_each_grids_colour(bot):
    await _story(bot)
    await bot.say(ADMIN, ADMIN, "/lang en")
    written = await posts.monthly(bot.ctx, APRIL, dry_run=True)
    (admin,) = ["\n".join(n.text or "" for n in p.notices) for p in written if p.kind == "monthly_admin"]
    assert "1. 🟡 幸福小区网格: 100% · 80% · 67%\n2. 🔴 和平里网格: 0% · — · —\n" in admin
    assert "Grid colours: 🔵 blue · 🟡 yellow · 🔴 red" in admin

"""Tally periods: a week running into a new month keeps its first days in a month column; weeks and
months named as an office names them; "—" explained; no tally of a week before the group was bound."""

from __future__ import annotations

from datetime import datetime

from bot.domain.periods import bound_during, month_columns, parse_period
from bot.services import posts
from tests.test_posts import G1, G2, SH, _shift, _story, _texts


def test_a_week_across_two_months_has_a_column_for_each():
    w49 = parse_period("2026-W49", SH)
    nov, dec = month_columns(w49, SH)
    assert (nov.start, nov.end) == (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))
    assert (dec.start, dec.end) == (datetime(2026, 12, 1, tzinfo=SH), w49.end)
    w50 = parse_period("2026-W50", SH)
    assert [(m.start, m.end) for m in month_columns(w50, SH)] == [(datetime(2026, 12, 1, tzinfo=SH), w50.end)]


def test_only_groups_bound_before_the_week_ended_get_its_tally():
    w49 = parse_period("2026-W49", SH)
    assert bound_during(datetime(2026, 12, 2, 15, tzinfo=SH), w49)  # bound mid-week: its week
    assert not bound_during(datetime(2026, 12, 9, 15, tzinfo=SH), w49)  # bound the week after


async def _story_in_w49(bot) -> None:
    """The story's four completed tickets moved to Monday 30 November and Tuesday 1 December 2026."""
    await _story(bot)
    for n, day in {1: 30, 2: 30, 3: 1, 4: 1}.items():
        await _shift(bot, n, datetime(2026, 11 if day == 30 else 12, day, 10))
    async with bot.ctx.db.write() as conn:
        await conn.execute(
            "UPDATE groups SET bound_at = ? WHERE chat_id = ?",
            (datetime(2026, 12, 9, 15, tzinfo=SH).timestamp(), G2),
        )  # bound in week 50
    bot.deliverer.clock = lambda: datetime(2026, 12, 14, 10, tzinfo=SH)  # the posts are due when written


async def test_weekly_tally_across_two_months_shows_both_and_names_the_week(bot):
    await _story_in_w49(bot)
    written = await posts.weekly_tally(
        bot.ctx, datetime(2026, 12, 14, 9, tzinfo=SH), parse_period("2026-W49", SH)
    )
    assert [p.chat_id for p in written] == [G1], "a group bound the week after gets no tally of this week"
    await bot.deliverer.deliver_due()
    text = _texts(bot, G1)[-1]
    assert "\n11月30日–12月6日（第49周）\n" in text and "2026-W49" not in text, text
    assert "本周 ｜ 11月 ｜ 12月至今" in text
    assert "赵强：🟦3 🟩3 🚩2 ｜ 🟦1 🟩1 🚩1 ｜ 🟦2 🟩2 🚩1" in text, text  # 4 was self-submitted


async def test_weekly_tally_in_english_names_the_week(bot):
    await _story_in_w49(bot)
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET locale = 'en' WHERE chat_id = ?", (G1,))
    await posts.weekly_tally(bot.ctx, datetime(2026, 12, 7, 9, tzinfo=SH))
    await bot.deliverer.deliver_due()
    text = _texts(bot, G1)[-1]
    assert "\n30 Nov – 6 Dec (week 49)\n" in text and "this week | Nov | Dec so far" in text, text


async def test_monthly_post_names_the_month_and_explains_the_dash(bot):
    await _story(bot)
    await posts.monthly(bot.ctx, datetime(2025, 4, 1, 9, 0, tzinfo=SH))
    await bot.deliverer.deliver_due()
    group = _texts(bot, G1)[-1]
    assert "工农社区 · 2025年3月 月度晒单" in group and "2025-03" not in group
    assert "2. 🔴 和平里网格：0% · — · —" in group and "注：“—”表示本月没有可计算的事项" in group

"""The quarterly star rating (一季一评星) through the real services and deliverer with the fake transport:
each worker told privately with their figures, the admin's whole table, the group naming only its
five-star workers, call-back results counted, once per quarter, zh and en, the switch and the CLI."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, time

import pytest

from bot.cli import post as post_cli
from bot.config import ConfigError, from_dict
from bot.domain.periods import At
from bot.services import posts, quarterly
from tests.test_posts import ADMIN, G1, G2, SECRET, SH, WORKER, _all_text, _story, _texts

APRIL = datetime(2025, 4, 1, 9, 30, tzinfo=SH)


def _rule(bot, **changes) -> None:
    a = bot.ctx.config.assessment
    bot.ctx.config = replace(bot.ctx.config, assessment=replace(a, stars=replace(a.stars, **changes)))


async def _post(bot, now: datetime = APRIL) -> list[posts.Post]:
    written = await quarterly.quarterly_stars(bot.ctx, now)
    await bot.deliverer.deliver_due()
    return written


def _kinds(written: list[posts.Post]) -> list[tuple[str, int]]:
    return sorted((p.kind, p.chat_id) for p in written)


async def test_each_worker_is_told_their_stars_privately_with_their_figures(bot):
    await _story(bot)
    written = await _post(bot)
    # 赵强 has Telegram; 陈静 (和平里) has none: she is only in the admin's table. No five-star: no group post
    assert _kinds(written) == [("stars_admin", ADMIN), ("stars_worker", WORKER)]
    assert {p.period for p in written} == {"2025-Q1"}
    text = _texts(bot, WORKER)[-1]
    assert text.startswith("⭐ <b>2025年第一季度 服务星级</b>\n赵强，您本季度获评 ⭐⭐⭐（3 星）。\n\n")
    assert "🚩 红旗 2 面（15 面计满分）\n" in text
    assert "📈 响应率 100%（4/4）· 解决率 75%（3/4）· 满意率 50%（1/2）\n" in text
    assert "📞 本季度没有回访结果（不计入评分）\n" in text
    assert "评分 44 分（满分 100）：红旗占 40%，三率占 40%，回访占 20%" in text
    assert SECRET not in _all_text(bot) and "Resident" not in _all_text(bot)


async def test_the_admin_gets_the_whole_table_most_stars_first(bot):
    await _story(bot)
    await _post(bot)
    table = _texts(bot, ADMIN)[-1]
    assert table.startswith(
        "📋 <b>2025年第一季度 网格员星级</b>\n\n⭐⭐⭐ <b>赵强</b>（幸福小区网格）· 44 分\n"
    )
    assert "🚩2 · 响应 100% · 解决 75% · 满意 50% · 回访 —\n\n⭐ <b>陈静</b>（和平里网格）· 0 分\n" in table
    assert "🚩0 · 响应 0% · 解决 — · 满意 — · 回访 —" in table
    assert "5 星 0 人 · 4 星 0 人 · 3 星 1 人 · 2 星 0 人 · 1 星 1 人" in table
    assert "刘洋" not in table, "a volunteer is not rated as a gridworker"


async def test_the_group_names_only_its_own_five_star_workers(bot):
    await _story(bot)
    _rule(bot, flag_target=2)  # 赵强's two flags now fill the flag part: 88 points, five stars
    written = await _post(bot)
    assert ("stars_group", G1) in _kinds(written) and ("stars_group", G2) not in _kinds(written)
    group = _texts(bot, G1)[-1]
    assert group == (
        "🌟 <b>2025年第一季度 五星网格员</b>\n恭喜 赵强 获评五星！\n感谢各位网格员这一季度的服务。"
    )
    assert _texts(bot, G2) == []
    assert "⭐⭐⭐⭐⭐（5 星）" in _texts(bot, WORKER)[-1]


async def test_a_rerun_sends_nothing_twice(bot):
    await _story(bot)
    _rule(bot, flag_target=2)
    assert len(await _post(bot)) == 3
    sent = len(bot.transport.calls)
    assert await _post(bot) == []
    assert await quarterly.scheduled(bot.ctx, APRIL.replace(day=2)) == []  # a restart the next day
    assert len(bot.transport.calls) == sent


async def test_in_english_for_a_worker_and_a_group_that_chose_it(bot):
    await _story(bot)
    _rule(bot, flag_target=2)
    await bot.say(WORKER, WORKER, "/lang en")
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET locale = 'en' WHERE chat_id = ?", (G1,))
    await _post(bot)
    text = _texts(bot, WORKER)[-1]
    assert text.startswith(
        "⭐ <b>Q1 2025 service stars</b>\n赵强, this quarter you earned ⭐⭐⭐⭐⭐ (5 stars).\n"
    )
    assert "🚩 2 red flags (2 earn the whole flag part)\n" in text
    assert "📞 No call-back results this quarter (left out of the score)\n" in text
    assert "Score 88 of 100: red flags 40%, the three rates 40%, call-backs 20%" in text
    assert _texts(bot, G1)[-1].startswith("🌟 <b>Q1 2025 five-star gridworkers</b>\nCongratulations to 赵强")
    assert "<b>2025年第一季度 网格员星级</b>" in _texts(bot, ADMIN)[-1], "the admin keeps Chinese"


async def test_call_back_results_of_the_quarter_count(bot):
    await _story(bot)
    async with bot.ctx.db.write() as conn:
        for ticket, result in ((1, "satisfied"), (3, "unsatisfied"), (2, "unreachable")):
            await conn.execute(
                "INSERT INTO callbacks VALUES (?, '2025-W10', 2, 4, 'GN-1-1', ?, ?, ?)",
                (ticket, datetime(2025, 3, 10, tzinfo=SH).timestamp(), result, APRIL.timestamp() - 86400 * 3),
            )
    await _post(bot)
    text = _texts(bot, WORKER)[-1]
    # satisfied 1 of the 2 reached (unreachable left out): 0.4·2/15 + 0.4·0.75 + 0.2·0.5 = 45 (44 without)
    assert "📞 回访满意率 50%（1/2）\n" in text and "评分 45 分" in text
    assert "回访 50%（1/2）" in _texts(bot, ADMIN)[-1]


async def test_switched_off_nothing_is_posted(bot):
    await _story(bot)
    _rule(bot, enabled=False)
    assert await _post(bot) == []
    assert _texts(bot, WORKER) == [] and _texts(bot, ADMIN) == []


async def test_the_schedule_posts_only_in_a_quarters_first_month(bot):
    await _story(bot)
    assert await quarterly.scheduled(bot.ctx, datetime(2025, 5, 1, 9, 30, tzinfo=SH)) == []
    assert len(await quarterly.scheduled(bot.ctx, APRIL)) == 2
    jobs = {j.name: j for j in bot.app.job_queue.jobs()}
    trigger = str(jobs["post_quarterly_stars"].job.trigger)
    assert "day='1'" in trigger and "hour='9'" in trigger and "minute='30'" in trigger


async def test_the_post_command_takes_a_quarter(bot, capsys):
    await _story(bot)
    out = io.StringIO()
    assert await post_cli.run(bot.config, "quarterly-stars", "2025-03", False, False, out=out) == 2
    assert "2025-Q1" in capsys.readouterr().err
    code = await post_cli.run(bot.config, "quarterly-stars", "2025-Q1", True, False, now=APRIL, out=out)
    assert code == 0 and "=== stars_worker 2025-Q1 -> chat 9004" in out.getvalue()
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM posts"))[0] == 0
    assert await post_cli.run(bot.config, "quarterly-stars", None, False, False, now=APRIL, out=out) == 0
    rows = await bot.ctx.db.fetchall("SELECT kind, period FROM posts ORDER BY kind")
    assert [tuple(r) for r in rows] == [("stars_admin", "2025-Q1"), ("stars_worker", "2025-Q1")]


def test_the_run_is_scheduled_by_its_own_key_and_a_bad_one_is_named():
    cfg = from_dict({"schedule": {"quarterly_stars": "2 10:00"}}, path="g.toml", need_token=False)
    assert cfg.reports.quarterly_stars == At(time(10, 0), monthday=2)
    assert ("quarterly_stars", cfg.reports.quarterly_stars, quarterly.scheduled) in posts.jobs_of(cfg.reports)
    with pytest.raises(ConfigError) as info:
        from_dict({"schedule": {"quarterly_stars": "mon 09:00"}}, path="g.toml", need_token=False)
    assert str(info.value).startswith("g.toml: [schedule.quarterly_stars] ")


async def test_a_long_table_is_split_into_messages_each_headed(bot):
    await _story(bot)
    async with bot.ctx.db.write() as conn:
        for i in range(80):
            await conn.execute(
                "INSERT INTO people (code, name, invite_code) VALUES (?, ?, ?)",
                (f"w{i}", f"网格员{i:02d}号", f"winv{i}"),
            )
            await conn.execute("INSERT INTO roles VALUES (last_insert_rowid(), 'GN-1-2', 'worker')")
    await _post(bot)
    parts = _texts(bot, ADMIN)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert parts[0].startswith("📋 <b>2025年第一季度 网格员星级</b>\n")
    assert all(p.startswith("📋 <b>2025年第一季度 网格员星级</b>（续）\n") for p in parts[1:])
    joined = "\n".join(parts)
    assert all(f"<b>网格员{i:02d}号</b>" in joined for i in range(80))
    assert "1 星 81 人" in parts[-1]

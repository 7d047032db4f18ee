"""The work log in the small-group leader's daily digest: each worker's count and lines, the photos as
albums of at most ten, the workers idle for `idle_days`; nothing when switched off or in other digests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from bot.config_assessment import WorkLogRule
from bot.domain.periods import day_of, parse_period
from bot.services import posts
from bot.store.uow import unit_of_work
from tests.harness import Harness
from tests.test_posts import SH
from tests.test_story import LEADER, WORKER
from tests.test_worklog import _photo

BIG = 9002


def _calls(bot, chat: int, method: str) -> list[dict]:
    return [p for n, p in bot.transport.calls if n == method and int(p["chat_id"]) == chat]


async def _today_digest(bot) -> None:
    now = datetime.now(timezone.utc)
    await posts.digests(bot.ctx, now, day_of(now, SH))
    await bot.deliverer.deliver_due()


async def _person(bot, code: str) -> int:
    return (await bot.ctx.db.fetchone("SELECT id FROM people WHERE code = ?", (code,)))[0]


async def _add(
    bot, code: str, at: datetime, text: str, photo: str | None = None, grid: str = "GN-1-1"
) -> None:
    pid = await _person(bot, code)
    async with unit_of_work(bot.ctx.db) as uow:
        await uow.work_logs.add(pid, grid, at, text, photo, None)


async def test_the_leaders_digest_carries_the_days_entries_and_their_photos_as_an_album(bot):
    await _photo(bot, WORKER, WORKER, "/log 走访3-2-401独居老人")
    await bot.say(WORKER, WORKER, "/log 巡查消防通道 <畅通>")
    await _photo(bot, WORKER, WORKER, "/log 清理楼道小广告")
    await _today_digest(bot)
    digest = next(m["text"] for m in bot.sent(LEADER) if "每日汇总" in m.get("text", ""))
    part = digest[digest.index("📒 <b>工作日志</b>") :]
    lines = part.splitlines()
    assert lines[1] == "• 赵强：3 条", part
    assert lines[2].endswith(" 走访3-2-401独居老人 📷") and lines[3].endswith(" 巡查消防通道 &lt;畅通&gt;")
    assert lines[4].endswith(" 清理楼道小广告 📷") and lines[-1] == "📷 照片 2 张附在下方。", part
    (album,) = _calls(bot, LEADER, "sendMediaGroup")
    assert [m["media"] for m in album["media"]] == ["LARGE1", "LARGE1"]
    caption = album["media"][0]["caption"]
    assert caption.startswith("<b>赵强</b> · ") and caption.endswith("\n走访3-2-401独居老人")
    assert all(m["type"] == "photo" and m["parse_mode"] == "HTML" for m in album["media"])
    assert not _calls(bot, WORKER, "sendMediaGroup") and not _calls(bot, BIG, "sendMediaGroup")


async def test_many_photos_go_in_albums_of_at_most_ten_and_a_lone_one_as_a_photo(bot):
    now = datetime.now(timezone.utc)
    start = day_of(now, SH).start
    for i in range(31):
        await _add(bot, "p004", start + timedelta(minutes=i), f"第{i}条", f"PH{i}")
    await _today_digest(bot)
    albums = _calls(bot, LEADER, "sendMediaGroup")
    assert [len(a["media"]) for a in albums] == [10, 10, 10]
    assert [m["media"] for a in albums for m in a["media"]] == [f"PH{i}" for i in range(30)]
    text = next(m["text"] for m in bot.sent(LEADER) if "工作日志" in m.get("text", ""))
    assert "📷 照片 30 张附在下方，另有 1 张未附上。" in text and "• 赵强：31 条" in text


async def test_eleven_photos_are_two_albums_and_one_is_a_plain_photo(tmp_path):
    for count, expected in ((11, [6, 5]), (1, [])):
        bot = await Harness(tmp_path / str(count)).start()
        try:
            start = day_of(datetime.now(timezone.utc), SH).start
            for i in range(count):
                await _add(bot, "p004", start + timedelta(minutes=i), f"第{i}条", f"PH{i}")
            await _today_digest(bot)
            assert [len(a["media"]) for a in _calls(bot, LEADER, "sendMediaGroup")] == expected
            photos = [p for p in _calls(bot, LEADER, "sendPhoto") if p.get("photo", "").startswith("PH")]
            assert len(photos) == (count == 1) and (count != 1 or "第0条" in photos[0]["caption"])
        finally:
            await bot.stop()


async def test_a_worker_with_no_entry_for_idle_days_is_named(bot):
    ten_days_ago = datetime.now(timezone.utc) - timedelta(days=10)
    async with bot.ctx.db.write() as conn:
        await conn.execute(
            "UPDATE bot_facts SET at = ? WHERE key = 'work_log_since'", (ten_days_ago.timestamp(),)
        )
        cur = await conn.execute(
            "INSERT INTO people (code, name, invite_code) VALUES ('p007', '孙丽', 'inv-7')"
        )
        await conn.execute("INSERT INTO roles VALUES (?, 'GN-1-1', 'worker')", (cur.lastrowid,))
    start = day_of(datetime.now(timezone.utc), SH).start
    await _add(bot, "p004", start - timedelta(days=3, seconds=1), "三天多以前")
    await _today_digest(bot)
    text = next(m["text"] for m in bot.sent(LEADER) if "工作日志" in m.get("text", ""))
    assert "⚠️ 已连续 3 天未记日志：孙丽、赵强" in text and "• 当日无人记日志" in text, text
    await bot.say(WORKER, WORKER, "/log 今天走访了")
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    (post,) = await posts.digests(bot.ctx, tomorrow, day_of(tomorrow, SH), dry_run=True)
    part = post.notices[0].text.split("📒")[1]
    assert "⚠️ 已连续 3 天未记日志：孙丽\n" in part + "\n" and "赵强" not in part, part


async def test_nobody_is_idle_before_the_log_has_run_idle_days(bot):
    await _today_digest(bot)
    assert all("工作日志" not in m.get("text", "") for m in bot.sent(LEADER)), "nothing to report: no part"


async def test_in_english_and_only_in_the_daily_digest(bot):
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE people SET locale = 'en' WHERE tg_user_id = ?", (LEADER,))
    await _photo(bot, WORKER, WORKER, "/log visited the elderly at 3-2-401")
    await _today_digest(bot)
    text = next(m["text"] for m in bot.sent(LEADER) if "Daily digest" in m.get("text", ""))
    assert "📒 <b>Work log</b>" in text and "• 赵强: 1 entry\n" in text and "📷 1 photo below." in text
    assert [p["photo"] for p in _calls(bot, LEADER, "sendPhoto")][-1] == "LARGE1"
    now = datetime.now(timezone.utc)
    week = await posts.digests(
        bot.ctx, now, parse_period(now.astimezone(SH).strftime("%G-W%V"), SH), dry_run=True
    )
    assert week and all(
        "Work log" not in n.text and "工作日志" not in n.text for p in week for n in p.notices
    )


async def test_switched_off_the_digest_has_no_work_log(tmp_path):
    cfg = Harness(tmp_path).config
    bot = await Harness(tmp_path, assessment=replace(cfg.assessment, work_log=WorkLogRule(False))).start()
    try:
        await _add(bot, "p004", datetime.now(timezone.utc), "走访", "PH1")
        await _today_digest(bot)
        assert any("每日汇总" in m.get("text", "") for m in bot.sent(LEADER))
        assert all("工作日志" not in (m.get("text") or m.get("caption") or "") for m in bot.sent(LEADER))
        assert not _calls(bot, LEADER, "sendMediaGroup")
    finally:
        await bot.stop()


async def test_the_ledgers_grid_summary_counts_the_periods_work_log_entries(bot, tmp_path):
    import openpyxl

    from tests.test_ledger import _export

    march = datetime(2025, 3, 5, 2, 0, tzinfo=timezone.utc)
    for at, grid in (
        (march, "GN-1-1"),
        (march, "GN-1-1"),
        (datetime(2025, 2, 27, tzinfo=timezone.utc), "GN-1-1"),
    ):
        await _add(bot, "p004", at, "走访", grid=grid)
    await _add(bot, "p006", march, "入户", grid="GN-1-2")
    book = openpyxl.load_workbook(await _export(bot, tmp_path))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    grids = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert {g: v["工作日志条数"] for g, v in grids.items()} == {"GN": 0, "GN-1": 0, "GN-1-1": 2, "GN-1-2": 1}
    assert "走访" not in "\n".join(
        str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r
    )


async def test_an_entry_sent_as_an_album_shows_all_its_photos_captioned_once(bot):
    await _photo(bot, WORKER, WORKER, "/log 走访3-2-401独居老人", album="ALB1", file_id="A1")
    await _photo(bot, WORKER, WORKER, None, album="ALB1", file_id="A2")
    await _photo(bot, WORKER, WORKER, "/log 清理楼道小广告", file_id="B1")
    await _today_digest(bot)
    text = next(m["text"] for m in bot.sent(LEADER) if "工作日志" in m.get("text", ""))
    assert "走访3-2-401独居老人 📷×2\n" in text and "清理楼道小广告 📷\n" in text + "\n"
    assert "• 赵强：2 条" in text and "📷 照片 3 张附在下方。" in text
    (album,) = _calls(bot, LEADER, "sendMediaGroup")
    assert [m["media"] for m in album["media"]] == ["A1", "A2", "B1"]
    captions = [m["caption"] for m in album["media"]]
    assert (
        captions[0].endswith("\n走访3-2-401独居老人")
        and "\n" not in captions[1]
        and "走访" not in captions[1]
    )
    assert captions[2].endswith("\n清理楼道小广告")


async def test_a_leader_of_two_grids_sees_each_grids_log_under_its_name_and_captions_fit(bot):
    async with bot.ctx.db.write() as conn:
        leader = (
            await (await conn.execute("SELECT id FROM people WHERE tg_user_id = ?", (LEADER,))).fetchone()
        )[0]
        await conn.execute("INSERT INTO roles VALUES (?, 'GN-1-2', 'small_leader')", (leader,))
    start = day_of(datetime.now(timezone.utc), SH).start
    await _add(bot, "p004", start + timedelta(hours=2), "长" * 1000, "PH1")
    await _add(bot, "p006", start + timedelta(hours=3), "和平里入户走访", "PH2", grid="GN-1-2")
    await _today_digest(bot)
    text = "\n".join(m["text"] for m in bot.sent(LEADER) if m.get("text"))
    part = text[text.index("📒 <b>工作日志</b>") :]
    assert part.index("<b>幸福小区网格</b>\n• 赵强：1 条") < part.index("<b>和平里网格</b>\n• 陈静：1 条"), (
        part
    )
    (album,) = _calls(bot, LEADER, "sendMediaGroup")
    from bot import telegram_text as tt

    assert all(tt.tg_len(m["caption"]) <= tt.TELEGRAM_CAPTION_LIMIT for m in album["media"])

"""The daily work log (issue 13 point 1): /log in the private chat, with a photo captioned /log, as a
line alone, or asked for; refused politely to non-workers, in groups and for bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from bot.config_assessment import WorkLogRule
from tests.harness import Harness
from tests.test_story import GROUP, LEADER, RESIDENT, VOLUNTEER, WORKER, _bound

T_ANY = (datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))
PHOTO = [
    {"file_id": "SMALL1", "file_unique_id": "s1", "width": 90, "height": 90},
    {"file_id": "LARGE1", "file_unique_id": "l1", "width": 1280, "height": 960},
]


async def _photo(
    bot, uid: int, chat: int, caption: str | None, album: str | None = None, file_id: str = "LARGE1"
) -> None:
    photo = [PHOTO[0], {**PHOTO[1], "file_id": file_id}]
    msg = {"message_id": 500, "date": 0, "chat": bot.chat(chat), "from": bot.user(uid), "photo": photo}
    if caption is not None:
        msg["caption"] = caption
    if album is not None:
        msg["media_group_id"] = album
    await bot.feed({"message": msg})


async def _logs(bot) -> list[tuple]:
    rows = await bot.ctx.db.fetchall(
        "SELECT p.code, w.grid, w.text, w.photo_file_id, w.ticket_id FROM work_logs w "
        "JOIN people p ON p.id = w.person_id ORDER BY w.id"
    )
    return [tuple(r) for r in rows]


async def test_a_photo_captioned_log_is_stored_with_its_largest_size_and_confirmed(bot):
    await _photo(bot, WORKER, WORKER, "/log 走访3-2-401独居老人")
    assert await _logs(bot) == [("p004", "GN-1-1", "走访3-2-401独居老人", "LARGE1", None)]
    told = bot.last(WORKER)["text"]
    assert "已记入今天的工作日志，附照片 1 张" in told and "走访3-2-401独居老人" in told


async def test_a_line_alone_is_stored_and_confirmed_in_the_workers_language(bot):
    await bot.say(WORKER, WORKER, "/lang en")
    await bot.say(WORKER, WORKER, "/log checked the fire doors of building 3")
    assert await _logs(bot) == [("p004", "GN-1-1", "checked the fire doors of building 3", None, None)]
    assert bot.last(WORKER)["text"].startswith("✅ Added to today's work log:")


async def test_log_alone_asks_for_the_line_and_a_photo_then_stores_the_answers(bot):
    await bot.say(WORKER, WORKER, "/log")
    ask = bot.last(WORKER)
    assert ask["reply_markup"]["force_reply"] is True and "请发一句话" in ask["text"]
    await _photo(bot, WORKER, WORKER, None)  # the photo first: kept, and the line asked for again
    assert await _logs(bot) == [] and "照片已收到" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "清理楼道小广告")
    assert await _logs(bot) == [("p004", "GN-1-1", "清理楼道小广告", "LARGE1", None)]
    await bot.say(WORKER, WORKER, "你好")  # the question was answered: plain text is no entry any more
    assert len(await _logs(bot)) == 1


async def test_non_workers_are_refused_politely_and_nothing_is_stored(bot):
    for uid in (RESIDENT, VOLUNTEER, LEADER):
        await bot.say(uid, uid, "/log 走访")
        assert "工作日志由网格员记录" in bot.last(uid)["text"]
    await bot.say(RESIDENT, RESIDENT, "/log")
    assert "工作日志由网格员记录" in bot.last(RESIDENT)["text"], "no question for someone who may not log"
    assert await _logs(bot) == []


async def test_log_in_a_group_points_to_the_private_chat_and_stores_nothing(bot):
    await _bound(bot)
    await bot.say(WORKER, GROUP, "/log 走访3-2-401独居老人")
    await _photo(bot, WORKER, GROUP, "/log 走访3-2-401独居老人")
    told = [m["text"] for m in bot.sent(GROUP)[-2:]]
    assert told == ["工作日志不在群里记录：请在与我的私聊中发送 /log。"] * 2
    assert await _logs(bot) == []


async def test_bad_input_gets_a_clear_answer(bot):
    await bot.say(WORKER, WORKER, "/log #abc 修好了")
    assert "事项编号不对" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "/log " + "长" * 1001)
    assert "最多 1000 字" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "/log #1 补照片")
    assert "#1 不是您办结的事项" in bot.last(WORKER)["text"]
    assert await _logs(bot) == []


async def test_a_plain_leading_number_is_part_of_the_line_not_a_ticket(bot):
    await bot.say(WORKER, WORKER, "/log 3 户老人已走访")
    assert await _logs(bot) == [("p004", "GN-1-1", "3 户老人已走访", None, None)]


async def _closed_by_worker(bot) -> None:
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已联系保洁清运完毕")


async def test_a_photo_is_added_to_a_ticket_the_worker_closed(bot):
    await _closed_by_worker(bot)
    await _photo(bot, WORKER, WORKER, "/log #1 清运后的楼道")
    assert await _logs(bot) == [("p004", "GN-1-1", "清运后的楼道", "LARGE1", 1)]
    assert "（事项 #1）" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "/log #1")  # the ticket alone: asked for the line, then stored with it
    assert "事项 #1" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "复查干净")
    assert (await _logs(bot))[-1] == ("p004", "GN-1-1", "复查干净", None, 1)


async def test_the_closed_message_offers_a_button_to_add_a_photo_to_the_ticket(bot):
    await _closed_by_worker(bot)
    closed = next(m for m in reversed(bot.sent(WORKER)) if "已办结" in m["text"])
    await bot.press(WORKER, WORKER, 1, bot.button(closed, "w:1:log"))
    assert bot.answers()[-1] == "请发送照片，并在照片说明里写一句话"
    ask = bot.last(WORKER)
    assert "事项 #1" in ask["text"] and "办结后的照片" in ask["text"] and ask["reply_markup"]["force_reply"]
    await _photo(bot, WORKER, WORKER, "清运后楼道已干净")
    assert await _logs(bot) == [("p004", "GN-1-1", "清运后楼道已干净", "LARGE1", 1)]
    await bot.press(RESIDENT, RESIDENT, 1, "w:1:log")  # a forged press by someone else stores nothing
    assert "工作日志由网格员记录" in bot.answers()[-1] and len(await _logs(bot)) == 1


async def test_an_open_ticket_takes_no_entry_yet(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    await bot.say(WORKER, WORKER, "/log #1 在处理")
    assert "#1 不是您办结的事项" in bot.last(WORKER)["text"]


async def test_switched_off_the_log_is_refused_and_absent_from_help(tmp_path):
    cfg = Harness(tmp_path).config
    off = replace(cfg.assessment, work_log=WorkLogRule(enabled=False))
    bot = await Harness(tmp_path, assessment=off).start()
    try:
        await bot.say(WORKER, WORKER, "/log 走访")
        assert "未启用工作日志" in bot.last(WORKER)["text"] and await _logs(bot) == []
        await bot.say(WORKER, WORKER, "/help")
        assert "/log" not in bot.last(WORKER)["text"]
        await _closed_by_worker(bot)
        closed = next(m for m in reversed(bot.sent(WORKER)) if "已办结" in m["text"])
        assert not closed.get("reply_markup"), "no photo button while the log is off"
    finally:
        await bot.stop()


async def test_help_lists_log_in_both_languages(bot):
    await bot.say(WORKER, WORKER, "/help")
    assert "/log 内容" in bot.last(WORKER)["text"]
    await bot.say(WORKER, WORKER, "/lang en")
    await bot.say(WORKER, WORKER, "/help")
    assert "/log text — a worker's daily work log" in bot.last(WORKER)["text"]


async def test_an_album_captioned_log_is_one_entry_with_all_its_photos(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, bot.button(bot.last(WORKER), "t:1:acc"))
    await bot.press(WORKER, WORKER, 1, "t:1:cls")  # a close prompt is waiting: the album must not answer it
    await _photo(bot, WORKER, WORKER, "/log 走访3-2-401独居老人", album="ALB1", file_id="A1")
    await _photo(bot, WORKER, WORKER, None, album="ALB1", file_id="A2")
    await _photo(bot, WORKER, WORKER, None, album="ALB1", file_id="A3")
    assert await _logs(bot) == [("p004", "GN-1-1", "走访3-2-401独居老人", "A1", None)]
    (entry,) = await bot.ctx.read().work_logs.between(["GN-1-1"], T_ANY[0], T_ANY[1])
    assert entry.photos == ("A1", "A2", "A3")
    assert bot.last(WORKER)["text"] == "📷 已附到这条工作日志（共 3 张照片）"
    status = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = 1")
    assert status[0] == "accepted", "the album's photos did not close the ticket"
    await _photo(bot, WORKER, WORKER, None, album="OTHER", file_id="B1")  # someone else's album: not a log
    assert len((await bot.ctx.read().work_logs.between(["GN-1-1"], *T_ANY))[0].photos) == 3


async def test_a_workers_personal_data_export_holds_their_work_log(bot):
    from bot.services import privacy

    await _photo(bot, WORKER, WORKER, "/log 走访3-2-401独居老人", album="ALB1", file_id="A1")
    await _photo(bot, WORKER, WORKER, None, album="ALB1", file_id="A2")
    doc = await privacy.export(bot.ctx.db, WORKER)
    (entry,) = doc["staff"]["work_log"]
    assert (entry["text"], entry["photo_file_id"], entry["more_photos"]) == (
        "走访3-2-401独居老人",
        "A1",
        "A2",
    )
    assert (await privacy.export(bot.ctx.db, RESIDENT))["staff"] is None


async def _staff_menus(bot) -> dict:
    from bot import commands

    await commands.set_staff_menus(bot.app, bot.ctx.db)
    menus = {}
    for name, p in bot.transport.calls:
        if name == "setMyCommands" and (p.get("scope") or {}).get("chat_id") == WORKER:
            menus[p.get("language_code")] = {c["command"]: c["description"] for c in p["commands"]}
    return menus


async def test_the_staff_menu_lists_log_in_both_languages(bot):
    menus = await _staff_menus(bot)
    assert (
        menus[None]["log"] == "记工作日志（可附照片）"
        and menus["en"]["log"] == "Daily work log (with a photo)"
    )


async def test_switched_off_the_staff_menu_has_no_log(tmp_path):
    cfg = Harness(tmp_path).config
    bot = await Harness(tmp_path, assessment=replace(cfg.assessment, work_log=WorkLogRule(False))).start()
    try:
        menus = await _staff_menus(bot)
        assert menus and all("log" not in m and "queue" in m for m in menus.values())
    finally:
        await bot.stop()

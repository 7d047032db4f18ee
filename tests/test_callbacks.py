"""The weekly call-back review through the real services, handlers and deliverer (fake transport): the
sample reaches the big-grid leader privately with name, phone and buttons; presses are recorded once;
"not satisfied" asks a note and sends the ticket back to its handler; results per worker and grid."""

from __future__ import annotations

import io
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.cli import export, lang
from bot.cli import post as post_cli
from bot.config import ConfigError, from_dict
from bot.config_assessment import Assessment, CallbackRule
from bot.domain.callbacks import Results
from bot.domain.periods import At
from bot.domain.periods import parse_period
from bot.services import posts
from bot.services.callback_week import weekly_callbacks
from tests.harness import ROSTER, Harness
from tests.test_posts import _bind, _close, _shift

SH = ZoneInfo("Asia/Shanghai")
G1 = -100
RESIDENT, WORKER, LEADER, BIG, ADMIN = 5001, 9004, 9003, 9002, 9001
PHONE = "138 0013 8000"
MONDAY = datetime(2025, 3, 10, 9, 0, tzinfo=SH)
TEXTS = ["楼道垃圾三天没人清运", "路灯不亮", "下水道堵了", "电梯异响"]


@pytest.fixture
async def bot(tmp_path: Path):
    """The demo roster plus the resident as a roster person with a phone (no role)."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        ROSTER.read_text(encoding="utf-8") + f"person,r001,陈桂兰,,,,{RESIDENT},{PHONE},zh\n",
        encoding="utf-8",
    )
    h = await Harness(tmp_path).start(roster)
    yield h
    await h.stop()


async def _done_tickets(bot: Harness, n: int) -> None:
    """n complaints in GN-1-1, accepted, closed and confirmed by the resident in the week 2025-W10."""
    await _bind(bot, G1, LEADER, "GN-1-1")
    await bot.say(RESIDENT, RESIDENT, "/start")
    for i in range(1, n + 1):
        await bot.say(RESIDENT, G1, f"/complain {TEXTS[i - 1]}")
        await bot.press(WORKER, WORKER, 1, f"t:{i}:acc")
        await _close(bot, WORKER, i, "已处理")
        await bot.press(RESIDENT, RESIDENT, 1, f"t:{i}:yes")
        await _shift(bot, i, datetime(2025, 3, 4 + i, 10))
    bot.transport.calls.clear()


def _reviews(bot: Harness) -> list[dict]:
    return [m for m in bot.sent(BIG) if "reply_markup" in m and "回访 #" in m["text"]]


async def _first(bot: Harness) -> tuple[dict, int, int]:
    """The first review message sent to the leader, its ticket and its message id."""
    msg = _reviews(bot)[0]
    tid = int(msg["text"].split("回访 #")[1].split("<")[0])
    row = await bot.ctx.db.fetchone(
        "SELECT message_id FROM outbox WHERE chat_id = ? AND ticket_id = ? AND message_id IS NOT NULL "
        "AND json_extract(payload, '$.extra.tag') = 'callback'",
        (BIG, tid),
    )
    return msg, tid, row[0]


async def _prompt_id(bot: Harness) -> int:
    row = await bot.ctx.db.fetchone("SELECT message_id FROM prompts WHERE user_id = ?", (BIG,))
    return row[0]


async def test_sample_goes_privately_to_the_big_grid_leader_with_name_phone_and_buttons(bot):
    await _done_tickets(bot, 4)
    written = await weekly_callbacks(bot.ctx, MONDAY)
    assert [(p.kind, p.chat_id, p.period) for p in written] == [("callback", BIG, "2025-W10")]
    await bot.deliverer.deliver_due()
    sent = bot.sent(BIG)
    assert (
        "本周回访审核" in sent[0]["text"]
        and "办结并确认 4 件" in sent[0]["text"]
        and "抽取 3 件" in sent[0]["text"]
    )
    reviews = _reviews(bot)
    assert len(reviews) == 3  # 20% of 4 rounded up is 1, at least 3
    first = reviews[0]["text"]
    assert ">Resident</a>" in first and f"☎️ {PHONE}" in first and "经办：网格员 赵强" in first
    assert any(t in first for t in TEXTS) and "办结说明：已处理" in first
    rows = reviews[0]["reply_markup"]["inline_keyboard"]
    labels = [b["text"] for b in rows[0]]
    assert labels == ["😊 满意", "😞 不满意", "📵 未接通"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in rows[0])
    for chat in (G1, LEADER, WORKER, ADMIN, RESIDENT):  # nobody else hears of it, no group at all
        assert not [m for m in bot.sent(chat) if PHONE in m.get("text", "") or "回访" in m.get("text", "")]


async def test_a_week_is_sent_once_and_a_ticket_is_never_sampled_twice(bot):
    await _done_tickets(bot, 4)
    first = await weekly_callbacks(bot.ctx, MONDAY)
    assert await weekly_callbacks(bot.ctx, MONDAY) == []  # a restart or a re-run sends nothing
    # the next week the same tickets are no longer new; even a re-run for W10 under another period key
    # (an operator's `post callbacks --period 2025-W10` after a wipe of posts) draws only the rest
    async with bot.ctx.db.write() as conn:
        await conn.execute("DELETE FROM posts")
    again = await weekly_callbacks(bot.ctx, MONDAY)
    sampled = await bot.ctx.db.fetchall("SELECT ticket_id FROM callbacks ORDER BY ticket_id")
    assert len(first[0].notices) == 4 and len(again[0].notices) == 2  # the fourth ticket only
    assert sorted(r[0] for r in sampled) == [1, 2, 3, 4]


async def test_satisfied_is_recorded_once_and_the_message_shows_it_without_buttons(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    msg, tid, mid = await _first(bot)
    data = bot.button(msg, f"v:{tid}:ok")
    await bot.press(BIG, BIG, mid, data)
    edited = bot.last(BIG)
    assert edited["method"] == "editMessageText" and "回访结果：<b>😊 满意</b>" in edited["text"]
    assert not (edited.get("reply_markup") or {}).get("inline_keyboard")
    assert bot.answers()[-1] == "已记录：满意"
    await bot.press(BIG, BIG, mid, bot.button(msg, f"v:{tid}:na"))  # a stale second press
    assert bot.answers()[-1] == "这件回访已经记录过了。"
    rows = await bot.ctx.db.fetchall("SELECT result FROM callbacks WHERE ticket_id = ?", (tid,))
    assert [r[0] for r in rows] == ["satisfied"]
    events = await bot.ctx.db.fetchall(
        "SELECT action FROM ticket_events WHERE ticket_id = ? AND action LIKE 'callback%'", (tid,)
    )
    assert [e[0] for e in events] == ["callback_satisfied"]


async def test_only_the_leader_it_was_sent_to_may_answer(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    msg = _reviews(bot)[0]
    data = msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    for intruder in (ADMIN, LEADER, WORKER, RESIDENT):
        await bot.press(intruder, intruder, 1, data)
        assert bot.answers()[-1] == "这件回访不是发给您的。"
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM callbacks WHERE result IS NOT NULL"))[0] == 0


async def test_not_satisfied_asks_a_note_then_reopens_to_the_handler(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    msg, tid, mid = await _first(bot)
    await bot.press(BIG, BIG, mid, bot.button(msg, f"v:{tid}:no"))
    prompt = bot.last(BIG)
    assert "回访不满意" in prompt["text"] and prompt["reply_markup"]["force_reply"] is True
    assert bot.answers()[-1] == "请回复居民的意见"
    pid = await _prompt_id(bot)
    status = await bot.ctx.db.fetchone("SELECT status FROM tickets WHERE id = ?", (tid,))
    assert status[0] == "done"  # nothing changes before the note
    bot.transport.calls.clear()
    await bot.say(BIG, BIG, "居民说垃圾只清了一半", reply_to=pid)
    t = await bot.ctx.db.fetchone(
        "SELECT status, assignee_id, reopen_count FROM tickets WHERE id = ?", (tid,)
    )
    assert t[0] == "accepted" and t[2] == 1
    worker = bot.last(WORKER)
    assert f"#{tid}</b> 回访不满意，退回重办" in worker["text"] and "居民说垃圾只清了一半" in worker["text"]
    assert bot.button(worker, f"t:{tid}:cls")  # the handler can close it again
    leader = [m["text"] for m in bot.sent(BIG)]
    assert any("回访结果：<b>😞 不满意，已退回重办</b>" in x for x in leader)
    assert any(f"#{tid}</b> 已退回 网格员 赵强 重新办理" in x for x in leader)
    resident = bot.last(RESIDENT)["text"]
    assert "已重新办理" in resident and "李娜" not in resident and "居民说" not in resident
    assert all("居民说" not in m.get("text", "") for m in bot.sent(G1))  # the group card names nobody
    # a second note (a stale prompt answered again) changes nothing
    await bot.say(BIG, BIG, "再说一次", reply_to=pid)
    again = await bot.ctx.db.fetchone("SELECT reopen_count FROM tickets WHERE id = ?", (tid,))
    assert again[0] == 1


async def test_the_resident_timeline_shows_the_call_back_but_not_who_called(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    msg, tid, mid = await _first(bot)
    await bot.press(BIG, BIG, mid, bot.button(msg, f"v:{tid}:na"))
    await bot.say(RESIDENT, RESIDENT, f"/status {tid}")
    text = bot.last(RESIDENT)["text"]
    assert "回访：未接通" in text and "李娜" not in text


async def test_results_per_worker_and_grid_feed_the_weekly_digest(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    answers = ["ok", "na", "no"]
    for msg, code in zip(_reviews(bot), answers):
        tid = int(msg["text"].split("回访 #")[1].split("<")[0])
        await bot.press(BIG, BIG, 1, bot.button(msg, f"v:{tid}:{code}"))
        if code == "no":
            await bot.say(BIG, BIG, "还没修好", reply_to=await _prompt_id(bot))
    week = parse_period("2025-W11", SH)
    found = await bot.ctx.read().reports.callback_results(week.start, week.end)
    assert found == {}  # answered now (real time), not in March 2025
    now = datetime.now(ZoneInfo("UTC"))
    this = parse_period(now.astimezone(SH).strftime("%G-W%V"), SH)
    found = await bot.ctx.read().reports.callback_results(this.start, this.end)
    assert found == {("GN-1-1", 4): Results(satisfied=1, unsatisfied=1, unreachable=1)}
    assert found[("GN-1-1", 4)].rate == 0.5
    written = await posts.digests(bot.ctx, now, this)
    await bot.deliverer.deliver_due()
    assert [p.chat_id for p in written] == [BIG]
    digest = bot.last(BIG)["text"]
    section = digest.split("<b>幸福小区网格</b>")[1].split("<b>")[0]
    assert "📞 回访满意率 50%（1/2）· 未接通 1" in section
    assert "｜回访 50%" in section.split("• 赵强：")[1].split("\n")[0]
    assert PHONE not in digest and "陈桂兰" not in digest
    assert "重开 1" in section  # the call-back's reopen counts as a reopen


async def test_stats_show_call_back_satisfaction_per_area_grid_and_worker(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    for msg, code in zip(_reviews(bot), ["ok", "ok", "na"]):
        tid = int(msg["text"].split("回访 #")[1].split("<")[0])
        await bot.press(BIG, BIG, 1, bot.button(msg, f"v:{tid}:{code}"))
    await bot.say(BIG, BIG, "/stats")
    text = "\n".join(m.get("caption") or m.get("text") or "" for m in bot.sent(BIG)[-2:])  # a chart, its text
    assert "📞 回访满意率 100%（2/2）· 未接通 1" in text and "赵强：🟦" in text and "📞100%" in text
    await bot.say(WORKER, WORKER, "/stats")
    mine = bot.last(WORKER)["text"]
    assert "📞 回访满意率 100%（2/2）· 未接通 1" in mine and PHONE not in mine


async def test_ledger_summary_has_call_back_satisfaction_per_grid_and_no_contact(bot, tmp_path):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    for msg, code in zip(_reviews(bot), ["ok", "no", "na"]):
        tid = int(msg["text"].split("回访 #")[1].split("<")[0])
        await bot.press(BIG, BIG, 1, bot.button(msg, f"v:{tid}:{code}"))
        if code == "no":
            await bot.say(BIG, BIG, "还没修好", reply_to=await _prompt_id(bot))
    now = datetime.now(SH)
    month = parse_period(now.strftime("%Y-%m"), SH)
    out = tmp_path / "ledger.xlsx"
    lang.use("zh")
    span = ["--from", month.start.date().isoformat(), "--to", month.last_day.isoformat()]
    assert await export.run(bot.config, export.parse(["ledger", *span, "--out", str(out)]), now=now) == 0
    book = openpyxl.load_workbook(out)
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    grids = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    happy = grids["GN-1-1"]
    assert (happy["回访满意率"], happy["回访接通"], happy["回访未接通"]) == (0.5, 2, 1)
    assert grids["GN-1-2"]["回访满意率"] is None
    cells = "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert PHONE not in cells and "还没修好" not in cells
    march = tmp_path / "march.xlsx"
    span = ["--from", "2025-03-01", "--to", "2025-03-31", "--out", str(march)]
    assert await export.run(bot.config, export.parse(["ledger", *span]), now=now) == 0
    rows = list(openpyxl.load_workbook(march).worksheets[0].iter_rows(values_only=True))
    results = {r[0]: dict(zip(rows[0], r))["回访结果"] for r in rows[1:]}
    assert sorted(results.values()) == sorted(["满意", "不满意（重办）", "未接通"])


async def test_operator_dry_run_prints_the_sample_without_names_or_phones_and_records_nothing(bot):
    await _done_tickets(bot, 3)
    out = io.StringIO()
    code = await post_cli.run(bot.config, "callbacks", "2025-W10", True, False, now=MONDAY, out=out)
    printed = out.getvalue()
    assert code == 0 and "=== callback 2025-W10 -> chat 9002" in printed and "回访 #1" in printed
    assert (
        PHONE not in printed
        and "Resident" not in printed
        and str(RESIDENT) not in printed
        and "•••</a> · ☎️ •••" in printed
    )
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM callbacks"))[0] == 0
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM posts"))[0] == 0
    assert await post_cli.run(bot.config, "callbacks", "2025-03", True, False, out=out) == 2  # a week only


def test_the_weekly_run_is_scheduled_by_its_own_key_and_a_bad_one_is_named():
    cfg = from_dict({"schedule": {"callback_review": "fri 17:30"}}, path="g.toml", need_token=False)
    assert cfg.reports.callback_review == At(time(17, 30), weekday=4)
    assert ("callback_review", cfg.reports.callback_review, weekly_callbacks) in posts.jobs_of(cfg.reports)
    with pytest.raises(ConfigError) as info:
        from_dict({"schedule": {"callback_review": "daily"}}, path="g.toml", need_token=False)
    assert str(info.value).startswith("g.toml: [schedule.callback_review] ")


async def test_switched_off_nothing_is_sampled_or_sent(tmp_path: Path):
    off = Assessment(callbacks=CallbackRule(enabled=False))
    h = await Harness(tmp_path, assessment=off).start()
    try:
        await _done_tickets(h, 3)
        assert await weekly_callbacks(h.ctx, MONDAY) == []
        assert (await h.ctx.db.fetchone("SELECT COUNT(*) FROM callbacks"))[0] == 0
    finally:
        await h.stop()


async def test_not_satisfied_when_the_handler_has_left_goes_to_the_nearest_leader(bot):
    await _done_tickets(bot, 3)
    await weekly_callbacks(bot.ctx, MONDAY)
    await bot.deliverer.deliver_due()
    msg, tid, mid = await _first(bot)
    async with bot.ctx.db.write() as conn:  # 赵强 left the roster after closing it
        await conn.execute("UPDATE people SET active = 0 WHERE tg_user_id = ?", (WORKER,))
    await bot.press(BIG, BIG, mid, bot.button(msg, f"v:{tid}:no"))
    await bot.say(BIG, BIG, "路灯还是不亮", reply_to=await _prompt_id(bot))
    row = await bot.ctx.db.fetchone(
        "SELECT t.status, p.tg_user_id FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = ?",
        (tid,),
    )
    assert tuple(row) == ("accepted", LEADER)
    assert "路灯还是不亮" in bot.last(LEADER)["text"] and bot.button(bot.last(LEADER), f"t:{tid}:cls")

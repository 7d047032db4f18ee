"""The volunteer time bank through the handlers: the hours question after a wish is done, typed and
bad answers, counting on the resident's confirmation (not on a reopen), /my, the claimer's view of an
account holder's balance, paying for one's own wish, and the off-switch."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.cli import export, lang
from bot.config_assessment import Assessment, TimeBankRule
from bot.domain.periods import period_of
from bot.domain.sla import QuietHours
from bot.services import posts
from bot.services.sweep import sweep
from bot.store import privacy as store_privacy
from bot.store.db import dt
from tests.harness import Harness
from tests.test_story import _bound

GROUP = -100
RESIDENT, WORKER, VOLUNTEER, LEADER = 5001, 9004, 9005, 9003


async def _done_by_volunteer(bot, text: str = "帮老人买菜", n: int = 1) -> None:
    """A resident's wish claimed from the card and closed by the volunteer."""
    await bot.say(RESIDENT, GROUP, f"/wish {text}")
    await bot.press(VOLUNTEER, GROUP, 50 + n, f"t:{n}:clm")
    await bot.press(VOLUNTEER, VOLUNTEER, 60 + n, f"t:{n}:cls")
    await bot.say(VOLUNTEER, VOLUNTEER, "已经买好送到了")


async def _balance(bot, person_code: str = "p005") -> list[tuple]:
    rows = await bot.ctx.db.fetchall(
        "SELECT b.kind, b.minutes, b.counted_at IS NOT NULL FROM time_bank b "
        "JOIN people p ON p.id = b.person_id WHERE p.code = ? ORDER BY b.id",
        (person_code,),
    )
    return [tuple(r) for r in rows]


async def test_the_helper_is_asked_for_hours_and_they_count_when_the_resident_confirms(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    ask = bot.last(VOLUNTEER)
    assert "这次服务用了多长时间" in ask["text"] and "最多 24 小时" in ask["text"]
    labels = [b["text"] for row in ask["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["0.5 小时", "1 小时", "2 小时", "其他时长…"]
    await bot.press(VOLUNTEER, VOLUNTEER, 70, bot.button(ask, "h:1:120"))
    assert "已记录心愿 <b>#1</b> 的服务时长 2 小时" in bot.last(VOLUNTEER)["text"]
    assert "居民确认后计入" in bot.last(VOLUNTEER)["text"]
    assert await _balance(bot) == [("earn", 120, 0)], "pending until the resident confirms"
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")
    assert "2 小时服务时长已计入您的时间银行" in bot.last(VOLUNTEER)["text"]
    assert await _balance(bot) == [("earn", 120, 1)]
    timeline = await bot.ctx.db.fetchall("SELECT action FROM ticket_events WHERE ticket_id = 1 ORDER BY id")
    assert [r[0] for r in timeline][-2:] == ["hours", "confirm"]


async def test_a_reopened_wish_leaves_the_hours_pending_and_a_second_answer_replaces_them(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:60")
    await bot.press(RESIDENT, GROUP, 80, "t:1:no")
    assert await _balance(bot) == [("earn", 60, 0)]
    await bot.press(VOLUNTEER, VOLUNTEER, 71, "t:1:cls")
    await bot.say(VOLUNTEER, VOLUNTEER, "这次买齐了")
    await bot.press(VOLUNTEER, VOLUNTEER, 72, "h:1:120")
    assert await _balance(bot) == [("earn", 120, 0)]
    await bot.press(RESIDENT, GROUP, 81, "t:1:yes")
    assert await _balance(bot) == [("earn", 120, 1)]
    await bot.press(VOLUNTEER, VOLUNTEER, 73, "h:1:30")
    assert bot.answers()[-1] == "这个心愿的服务时长已经计入，不能再改了。"
    assert await _balance(bot) == [("earn", 120, 1)]


@pytest.mark.parametrize("typed,minutes", [("1.5", 90), ("1小时30分", 90), ("90分钟", 90), ("2h", 120)])
async def test_other_hours_are_typed_as_people_write_them(bot, typed, minutes):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:x")
    prompt = bot.last(VOLUNTEER)
    assert prompt["reply_markup"]["force_reply"] is True and "1小时30分" in prompt["text"]
    await bot.say(VOLUNTEER, VOLUNTEER, typed)
    assert await _balance(bot) == [("earn", minutes, 0)]


async def test_bad_or_too_many_hours_are_refused_politely_and_the_question_stays(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:x")
    await bot.say(VOLUNTEER, VOLUNTEER, "挺久的")
    assert bot.last(VOLUNTEER)["text"] == "没看懂这个时长。请回复例如 1.5、1小时30分 或 90分钟。"
    await bot.say(VOLUNTEER, VOLUNTEER, "30小时")
    assert "没看懂" in bot.last(VOLUNTEER)["text"], "more than a day is not a time people mean"
    assert await _balance(bot) == []
    await bot.say(VOLUNTEER, VOLUNTEER, "1.5")
    assert await _balance(bot) == [("earn", 90, 0)]


async def test_the_cap_per_wish_comes_from_the_config(tmp_path):
    rule = Assessment(time_bank=TimeBankRule(True, 2.0))
    bot = await Harness(tmp_path).start()
    bot.ctx.config = replace(bot.ctx.config, assessment=rule)
    try:
        await _bound(bot)
        await _done_by_volunteer(bot)
        assert "最多 2 小时" in bot.last(VOLUNTEER)["text"]
        await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:x")
        await bot.say(VOLUNTEER, VOLUNTEER, "3")
        assert bot.last(VOLUNTEER)["text"] == "一个心愿最多记录 2 小时，请重新回复。"
        assert await _balance(bot) == []
    finally:
        await bot.stop()


async def test_only_the_helper_who_completed_the_wish_may_record(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(WORKER, WORKER, 70, "h:1:60")
    assert bot.answers()[-1] == "只有办结这个心愿的志愿者可以记录服务时长。"
    await bot.press(VOLUNTEER, VOLUNTEER, 71, "h:1:9999")
    assert "最多记录 24 小时" in bot.answers()[-1]
    assert await _balance(bot) == []


async def test_my_shows_a_volunteers_balance_in_their_language(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:120")
    await bot.say(VOLUNTEER, VOLUNTEER, "/my")
    assert (
        "时间银行</b>：余额 0 小时\n已计入 0 小时 · 已支付 0 小时 · 待居民确认 2 小时"
        in bot.last(VOLUNTEER)["text"]
    )
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")
    await bot.say(VOLUNTEER, VOLUNTEER, "/lang en")
    await bot.say(VOLUNTEER, VOLUNTEER, "/my")
    text = bot.last(VOLUNTEER)["text"]
    assert "Time bank</b>: 2 h to spend\nearned 2 h · spent 0 h · waiting for residents 0 h" in text


async def test_a_resident_without_an_account_sees_no_time_bank_in_my(bot):
    await _bound(bot)
    await bot.say(RESIDENT, RESIDENT, "/my")
    assert "时间银行" not in bot.last(RESIDENT)["text"]


async def _volunteer_with_two_hours(bot) -> None:
    await _bound(bot)
    await bot.say(VOLUNTEER, VOLUNTEER, "/start")
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:120")
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")


async def test_whoever_claims_an_account_holders_wish_sees_their_balance(bot):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我搬一下柜子")
    await bot.press(WORKER, GROUP, 90, "t:2:clm")
    assert "该居民时间银行余额 2 小时" in bot.last(WORKER)["text"]
    await bot.say(RESIDENT, GROUP, "/wish 帮我取快递")
    await bot.press(WORKER, GROUP, 91, "t:3:clm")
    assert "时间银行" not in bot.last(WORKER)["text"], "a resident without an account shows nothing"


async def test_an_account_holder_pays_for_their_wish_and_cannot_overdraw(bot):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我搬一下柜子")
    await bot.press(WORKER, GROUP, 90, "t:2:clm")
    await bot.press(WORKER, WORKER, 91, "t:2:cls")
    await bot.say(WORKER, WORKER, "搬好了")
    await bot.press(WORKER, WORKER, 92, "h:2:60")
    await bot.press(VOLUNTEER, GROUP, 93, "t:2:yes")
    offer = bot.last(VOLUNTEER)
    assert offer["text"] == (
        "⏱ 网格员 赵强 为您的心愿 <b>#2</b> 服务了 1 小时。\n"
        "您的时间银行余额 2 小时。要用时间银行支付这 1 小时吗？"
    )
    await bot.press(VOLUNTEER, VOLUNTEER, 94, bot.button(offer, "h:2:pay"))
    assert "余额 1 小时" in bot.last(VOLUNTEER)["text"]
    assert "支付了您的 1 小时服务" in bot.last(WORKER)["text"]
    assert await _balance(bot) == [("earn", 120, 1), ("pay", 60, 1)]
    await bot.press(VOLUNTEER, VOLUNTEER, 94, "h:2:pay")
    assert bot.answers()[-1] == "这个心愿已经用时间银行支付过了。"
    assert await _balance(bot) == [("earn", 120, 1), ("pay", 60, 1)]


async def test_paying_more_than_the_balance_is_refused_politely(bot):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我修热水器")
    await bot.press(WORKER, GROUP, 90, "t:2:clm")
    await bot.press(WORKER, WORKER, 91, "t:2:cls")
    await bot.say(WORKER, WORKER, "修好了")
    await bot.press(VOLUNTEER, GROUP, 93, "t:2:yes")
    await bot.press(WORKER, WORKER, 92, "h:2:x")
    await bot.say(WORKER, WORKER, "3小时")
    assert "要用时间银行支付这 3 小时吗" in bot.last(VOLUNTEER)["text"], "offered once the hours arrive"
    await bot.press(VOLUNTEER, VOLUNTEER, 94, "h:2:pay")
    assert bot.answers()[-1] == "时间银行余额不足：您有 2 小时，这次需要 3 小时。"
    assert await _balance(bot) == [("earn", 120, 1)]
    await bot.press(RESIDENT, VOLUNTEER, 95, "h:2:pay")
    assert bot.answers()[-1] == "只有提交人本人可以回答。"


async def test_switched_off_there_is_no_question_no_balance_and_buttons_are_refused(tmp_path):
    bot = await Harness(tmp_path).start()
    off = Assessment(time_bank=TimeBankRule(False, 24.0))
    bot.ctx.config = replace(bot.ctx.config, assessment=off)
    try:
        await _bound(bot)
        await _done_by_volunteer(bot)
        assert "多长时间" not in bot.last(VOLUNTEER)["text"]
        await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:60")
        assert bot.answers()[-1] == "时间银行未开启。"
        await bot.say(VOLUNTEER, VOLUNTEER, "/my")
        assert "时间银行" not in bot.last(VOLUNTEER)["text"]
        assert await _balance(bot) == []
    finally:
        await bot.stop()


async def test_hours_count_when_the_clock_confirms_a_wish_left_unanswered(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:90")
    row = await bot.ctx.db.fetchone("SELECT confirm_due FROM tickets WHERE id = 1")
    assert await sweep(bot.ctx, dt(row[0]) - timedelta(seconds=1)) == 0
    assert await _balance(bot) == [("earn", 90, 0)]
    bot.deliverer.clock = lambda: dt(row[0])
    assert await sweep(bot.ctx, dt(row[0])) == 1
    await bot.deliverer.deliver_due()
    told = bot.last(VOLUNTEER)["text"]
    assert "已自动确认办结" in told and "1.5 小时服务时长已计入您的时间银行" in told
    assert await _balance(bot) == [("earn", 90, 1)]


async def _monthly_text(bot, locale: str = "zh") -> str:
    """This month's post in the group (dry run), in the group's language."""
    async with bot.ctx.db.write() as conn:
        await conn.execute("UPDATE groups SET locale = ? WHERE chat_id = ?", (locale, GROUP))
    zone = bot.ctx.config.timezone
    month = period_of("month", datetime.now(zone), zone)
    written = await posts.monthly(bot.ctx, month.end, period=month, dry_run=True)
    return "\n".join(n.text or "" for p in written if p.chat_id == GROUP for n in p.notices)


async def test_the_monthly_post_thanks_the_top_volunteers_by_hours_counted(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:90")
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")
    await bot.say(RESIDENT, GROUP, "/wish 帮我换灯泡")
    await bot.press(WORKER, GROUP, 81, "t:2:clm")
    await bot.press(WORKER, WORKER, 82, "t:2:cls")
    await bot.say(WORKER, WORKER, "换好了")
    await bot.press(WORKER, WORKER, 83, "h:2:120")  # recorded, but the resident has not confirmed
    text = await _monthly_text(bot)
    assert "🤝 <b>感谢志愿者</b>（本月时间银行计入时长）\n1. 刘洋 · 1.5 小时\n" in text
    assert "赵强 · 2 小时" not in text, "pending hours are not thanked"
    assert "Resident" not in text and "帮老人买菜" not in text, "nobody who asked, nothing of what"
    await bot.press(RESIDENT, GROUP, 84, "t:2:yes")
    english = await _monthly_text(bot, "en")
    assert "(time-bank hours counted this month)\n1. 赵强 · 2 h\n2. 刘洋 · 1.5 h\n" in english


async def test_switched_off_the_monthly_post_has_no_thanks(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:90")
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")
    assert "感谢志愿者" in await _monthly_text(bot)
    bot.ctx.config = replace(bot.ctx.config, assessment=Assessment(time_bank=TimeBankRule(False, 24.0)))
    assert "感谢志愿者" not in await _monthly_text(bot)


async def _ledger(bot, tmp_path) -> list[dict]:
    today = datetime.now(bot.ctx.config.timezone).date().isoformat()
    out = tmp_path / "ledger.xlsx"
    lang.use("zh")
    args = export.parse(["ledger", "--from", today, "--to", today, "--out", str(out)])
    assert await export.run(bot.config, args) == 0
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


async def test_the_ledger_carries_each_wishs_hours_their_state_and_payment(bot, tmp_path):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我搬一下柜子")
    await bot.press(WORKER, GROUP, 90, "t:2:clm")
    await bot.press(WORKER, WORKER, 91, "t:2:cls")
    await bot.say(WORKER, WORKER, "搬好了")
    await bot.press(WORKER, WORKER, 92, "h:2:90")
    await bot.press(VOLUNTEER, GROUP, 93, "t:2:yes")
    await bot.press(VOLUNTEER, VOLUNTEER, 94, "h:2:pay")
    await bot.say(RESIDENT, GROUP, "/wish 帮我取快递")
    await bot.press(WORKER, GROUP, 95, "t:3:clm")
    await bot.press(WORKER, WORKER, 96, "t:3:cls")
    await bot.say(WORKER, WORKER, "取到了")
    await bot.press(WORKER, WORKER, 97, "h:3:30")
    rows = await _ledger(bot, tmp_path)
    cells = [(r["编号"], r["志愿时长（小时）"], r["时长状态"], r["时间银行支付（小时）"]) for r in rows]
    assert cells == [(1, 2, "已计入", None), (2, 1.5, "已计入", 1.5), (3, 0.5, "待居民确认", None)]


async def test_switched_off_the_ledger_has_no_hours_columns(tmp_path):
    bot = await Harness(tmp_path).start()
    try:
        bot.config = replace(bot.config, assessment=Assessment(time_bank=TimeBankRule(False, 24.0)))
        await _bound(bot)
        await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜")
        rows = await _ledger(bot, tmp_path)
        assert rows and "志愿时长（小时）" not in rows[0]
    finally:
        await bot.stop()


async def test_a_volunteer_who_does_their_own_wish_is_not_asked_and_cannot_record(bot):
    await _bound(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 小区门口的长椅我去修一下")
    await bot.press(VOLUNTEER, GROUP, 50, "t:1:clm")
    await bot.press(VOLUNTEER, VOLUNTEER, 51, "t:1:cls")
    await bot.say(VOLUNTEER, VOLUNTEER, "修好了")
    assert not any("多长时间" in m.get("text", "") for m in bot.sent(VOLUNTEER))
    await bot.press(VOLUNTEER, VOLUNTEER, 52, "h:1:60")
    assert bot.answers()[-1] == "自己的心愿不计入时间银行。"
    assert await _balance(bot) == []


async def test_the_leaders_digest_carries_the_hours_counted_in_its_period(bot):
    await _bound(bot)
    await _done_by_volunteer(bot)
    await bot.press(VOLUNTEER, VOLUNTEER, 70, "h:1:90")
    await bot.press(RESIDENT, GROUP, 80, "t:1:yes")
    zone = bot.ctx.config.timezone
    today = period_of("day", datetime.now(zone), zone)

    async def digest(day) -> str:
        written = await posts.digests(bot.ctx, day.end, period=day, dry_run=True)
        return "\n".join(n.text or "" for p in written if p.chat_id == LEADER for n in p.notices)

    text = await digest(today)
    assert text.endswith("\n\n⏱ <b>时间银行</b>：本期计入 1.5 小时（志愿者 1 人）\n• 刘洋 1.5 小时")
    assert "时间银行" not in await digest(today.previous()), "nothing counted that day: no part"
    bot.ctx.config = replace(bot.ctx.config, assessment=Assessment(time_bank=TimeBankRule(False, 24.0)))
    assert "时间银行" not in await digest(today)


async def test_declining_to_pay_keeps_the_hours_and_a_redelivered_press_changes_nothing(bot):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我搬一下柜子")
    await bot.press(WORKER, GROUP, 90, "t:2:clm")
    await bot.press(WORKER, WORKER, 91, "t:2:cls")
    await bot.say(WORKER, WORKER, "搬好了")
    await bot.press(WORKER, WORKER, 92, "h:2:60")
    await bot.press(VOLUNTEER, GROUP, 93, "t:2:yes")
    await bot.press(VOLUNTEER, VOLUNTEER, 94, "h:2:no")
    assert bot.last(VOLUNTEER)["text"] == "好的，心愿 <b>#2</b> 不使用时间银行支付。"
    assert await _balance(bot) == [("earn", 120, 1)]
    press = await bot.press(VOLUNTEER, VOLUNTEER, 94, "h:2:pay")
    sent = len(bot.sent(VOLUNTEER))
    await bot.feed(press)  # the same update again, as after a crash
    assert len(bot.sent(VOLUNTEER)) == sent
    assert await _balance(bot) == [("earn", 120, 1), ("pay", 60, 1)]
    spent = await bot.ctx.db.fetchall("SELECT action FROM ticket_events WHERE action = 'hours_paid'")
    assert len(spent) == 1


async def _release(bot, chat: int, needle: str) -> list[bool]:
    """For each outbox row to `chat` whose text holds `needle`: True if it was held for later."""
    rows = await bot.ctx.db.fetchall(
        "SELECT payload, created_at, not_before FROM outbox WHERE chat_id = ?", (chat,)
    )
    return [r[2] > r[1] for r in rows if needle in (json.loads(r[0]).get("text") or "")]


async def _paid_wish(bot, n: int, confirm_first: bool) -> None:
    """The volunteer's wish n, done by the worker; the hours recorded before or after the confirmation."""
    await bot.say(VOLUNTEER, GROUP, "/wish 帮我搬一下柜子")
    await bot.press(WORKER, GROUP, 90, f"t:{n}:clm")
    await bot.press(WORKER, WORKER, 91, f"t:{n}:cls")
    await bot.say(WORKER, WORKER, "搬好了")
    steps = [(VOLUNTEER, GROUP, f"t:{n}:yes"), (WORKER, WORKER, f"h:{n}:60")]
    for who, chat, data in steps if confirm_first else steps[::-1]:
        await bot.press(who, chat, 92, data)


async def test_in_quiet_hours_the_actors_hear_at_once_and_a_resident_not_acting_waits(tmp_path):
    local = datetime.now(ZoneInfo("Asia/Shanghai"))  # the harness's office time zone
    around_now = QuietHours((local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time())
    bot = await Harness(tmp_path, quiet_hours=around_now).start()
    try:
        await _volunteer_with_two_hours(bot)
        assert await _release(bot, VOLUNTEER, "这次服务用了多长时间") == [False], "the helper has just closed"
        await _paid_wish(bot, 2, confirm_first=False)
        assert await _release(bot, VOLUNTEER, "#2</b> 服务了") == [False], "the resident is confirming"
        await _paid_wish(bot, 3, confirm_first=True)
        assert await _release(bot, VOLUNTEER, "#3</b> 服务了") == [True], "the resident is not acting"
    finally:
        await bot.stop()


async def test_a_volunteers_personal_data_export_holds_their_time_bank(bot):
    await _volunteer_with_two_hours(bot)
    doc = await store_privacy.export(bot.ctx.db, VOLUNTEER)
    lines = doc["staff"]["time_bank"]
    assert [(x["ticket_id"], x["kind"], x["minutes"]) for x in lines] == [(1, "earn", 120)]
    assert isinstance(lines[0]["counted_at"], str) and isinstance(lines[0]["recorded_at"], str)
    assert (await store_privacy.export(bot.ctx.db, RESIDENT))["staff"] is None


async def test_a_volunteers_stats_show_the_hours_counted_this_month_and_the_balance(bot):
    await _volunteer_with_two_hours(bot)
    await bot.say(VOLUNTEER, VOLUNTEER, "/stats")
    text = bot.last(VOLUNTEER)["text"]
    assert "\n⏱ 时间银行：本期计入 2 小时 · 余额 2 小时\n待办事项：/queue" in text
    await bot.say(WORKER, WORKER, "/stats")
    assert "时间银行" not in bot.last(WORKER)["text"], "a worker who never recorded hours has no account"

"""Casework for real (issue 11): the bot process against the emulator — a return rerouted, an extension
approved and refused, a "me too" and a duplicate question, a supervision mark in a digest, a referral
escalating when the liaison does not report, a working-day deadline skipping a weekend and holidays,
and one running into a year no calendar covers (the operator warned at start-up, the admin told).

Every wait is on a message or a database state the bot must produce; nothing is asserted after a sleep.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import ROOT, ROSTER

pytestmark = pytest.mark.e2e
World = object
NO_REPORTS = {"reports.enabled": False}
SH = ZoneInfo("Asia/Shanghai")
EXTRA_PEOPLE = "person,p007,孙丽,,,worker@GN-1-1,9007,,zh\nperson,p008,钱进,,,liaison@GN,9008,,zh\n"


async def _cli(w: World, *args: str) -> str:
    """`python -m bot ARGS --config <the bot's config>` as the operator runs it on the server."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--config",
        str(w.bot.config),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        },
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, f"{args} failed:\n{out.decode()}\n{err.decode()}"
    return out.decode()


async def _more_people(w: World) -> tuple:
    """A second worker of GN-1-1 (孙丽, 9007) and an agency liaison (钱进, 9008), both started."""
    roster = Path(w.tmp) / "roster_more.csv"
    roster.write_text(ROSTER.read_text(encoding="utf-8") + EXTRA_PEOPLE, encoding="utf-8")
    await _cli(w, "roster", "import", str(roster))
    second, liaison = w.emu.user(id=9007, first_name="孙丽"), w.emu.user(id=9008, first_name="钱进")
    for person in (second, liaison):
        w.emu.send(person, person, "/start")
        await w.wait(person, contains="您的账号已绑定")
    return second, liaison


def _in(chat, pred):
    """A message in `chat` (a user's private chat or a group) for which `pred` holds."""
    return lambda m: m["chat"]["id"] == chat.id and pred(m)


def _press(w: World, user, message: dict, text: str) -> str:
    return w.emu.press(user, message, text)


async def test_a_return_reaches_the_leader_with_its_reason_and_is_rerouted(grid: World):
    w, emu = grid, grid.emu
    second, _ = await _more_people(w)
    emu.send(w.resident, w.group, "/complain 环境卫生 楼道垃圾三天没人清运")
    request = await w.wait(w.worker, contains="新任务 #1")
    assert w.buttons(request) == ["✅ 接单", "↩️ 退单"]
    _press(w, w.worker, request, "↩️ 退单")
    reasons = await w.wait(w.worker, contains="的原因？")
    _press(w, w.worker, reasons, "不属本网格")
    returned = await w.wait(w.leader, contains="#1 被退单")
    assert "原因：不属本网格" in returned["plain_text"] and "退回人：网格员 赵强" in returned["plain_text"]
    assert w.buttons(returned) == ["孙丽 · 幸福小区网格", "🚫 非本辖区事项（说明后办结）"]
    await w.wait(w.worker, contains="已交 党小组长 王芳 改派")
    press = _press(w, w.leader, returned, "孙丽 · 幸福小区网格")
    assert (await w.answer(press))["text"] == "已改派 #1"
    assert "新任务 #1" in (await w.wait(second, contains="新任务 #1"))["plain_text"]
    assert [a for (a,) in w.db("SELECT action FROM ticket_events WHERE ticket_id = 1 ORDER BY id")] == [
        "submit",
        "return",
        "reroute",
    ]


async def test_me_too_and_the_duplicate_question(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.neighbour, w.neighbour, "/start")
    await w.wait(w.neighbour)
    emu.send(w.resident, w.group, "/complain 设施维修 3号楼前路灯坏了")
    card = await w.wait(
        _in(w.group, lambda m: "#1" in (m.get("plain_text") or "") and "🙋 我也遇到" in str(m))
    )
    _press(w, w.neighbour, card, "🙋 我也遇到")
    card = await w.edited(card, "🙋 1")
    assert w.buttons(card) == ["🙋 我也遇到 (1)"]
    again = _press(w, w.neighbour, card, "🙋 我也遇到 (1)")
    assert "已经点过" in (await w.answer(again))["text"]

    emu.send(w.neighbour, w.group, "/complain 设施维修 路灯又不亮了")
    question = await w.wait(w.neighbour, contains="是同一件事吗")
    assert "#1" in question["plain_text"] and "#2" in question["plain_text"]
    assert w.buttons(question) == ["是，把我加上", "不是，这是新的"]
    _press(w, w.neighbour, question, "是，把我加上")
    await w.wait(w.neighbour, contains="已合并")
    assert w.db("SELECT status, merged_into FROM tickets WHERE id = 2") == [("merged", 1)]
    assert w.db("SELECT support_count FROM tickets WHERE id = 1") == [(1,)]  # the same neighbour, once


@pytest.mark.bot_config(NO_REPORTS)
async def test_an_extension_approved_then_a_second_refused_by_the_big_grid_leader(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.neighbour, w.neighbour, "/start")
    await w.wait(w.neighbour)
    emu.send(w.neighbour, w.group, "/complain 环境卫生 垃圾站满了")
    request = await w.wait(w.worker, contains="新任务 #1")
    _press(w, w.worker, request, "✅ 接单")
    mine = await w.wait(_in(w.worker, lambda m: "⏳ 申请延期" in str(m.get("reply_markup"))))
    due = datetime.fromtimestamp(w.db("SELECT resolve_due FROM tickets WHERE id = 1")[0][0], SH)
    _press(w, w.worker, mine, "⏳ 申请延期")
    prompt = await w.wait(w.worker, contains="申请延期 #1")
    new = (due + timedelta(days=4)).date()
    await w.reply(w.worker, prompt, f"{new:%Y-%m-%d} 17:00 等待清运车排班")
    ask = await w.wait(w.leader, contains="#1 延期申请")
    assert "原因：等待清运车排班" in ask["plain_text"] and w.buttons(ask) == ["✅ 批准", "❌ 驳回"]
    _press(w, w.leader, ask, "✅ 批准")
    told = await w.wait(w.neighbour, contains="需要更多时间")
    assert f"{new.month}月{new.day}日 17:00" in told["plain_text"]
    assert datetime.fromtimestamp(
        w.db("SELECT resolve_due FROM tickets WHERE id = 1")[0][0], SH
    ) == datetime.combine(new, time(17, 0), SH)

    _press(w, w.worker, mine, "⏳ 申请延期")
    first = prompt["message_id"]
    prompt = await w.wait(
        _in(w.worker, lambda m: "申请延期 #1" in (m.get("plain_text") or "") and m["message_id"] > first)
    )
    await w.reply(w.worker, prompt, f"{new + timedelta(days=3):%Y-%m-%d} 还要等")
    second = await w.wait(w.big_leader, contains="第二次延期")
    _press(w, w.big_leader, second, "❌ 驳回")
    await w.wait(w.worker, contains="延期未获批准")
    assert datetime.fromtimestamp(
        w.db("SELECT resolve_due FROM tickets WHERE id = 1")[0][0], SH
    ) == datetime.combine(new, time(17, 0), SH)


@pytest.mark.bot_config(NO_REPORTS)
async def test_a_supervision_mark_shows_in_the_leaders_digest(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, "/complain 环境卫生 楼道堆物")
    await w.wait(w.worker, contains="新任务 #1")
    emu.send(w.big_leader, w.big_leader, "/redcard 1")  # 挂牌督办: the big-grid leader
    await w.wait(w.worker, contains="挂牌督办")
    await w.wait(w.group, contains="🟥 挂牌督办")
    await _cli(w, "post", "digests")
    digest = await w.wait(w.leader, contains="每日汇总")
    assert "📌 督办：#1（挂牌）" in digest["plain_text"]


@pytest.mark.bot_config({**NO_REPORTS, "casework.report_within": "4s", "schedule.sweep_interval": "1s"})
async def test_a_referral_the_liaison_does_not_report_back_escalates(grid: World):
    w, emu = grid, grid.emu
    _, liaison = await _more_people(w)
    emu.send(w.resident, w.group, "/complain 设施维修 井盖松动")
    request = await w.wait(w.worker, contains="新任务 #1")
    _press(w, w.worker, request, "✅ 接单")
    mine = await w.wait(_in(w.worker, lambda m: "📣 转交部门" in str(m.get("reply_markup"))))
    _press(w, w.worker, mine, "📣 转交部门")
    choose = await w.wait(w.worker, contains="转交给哪位部门联络人")
    _press(w, w.worker, choose, "钱进")
    prompt = await w.wait(w.worker, contains="已转交哪里办理")
    await w.reply(w.worker, prompt, "已转市政设施管理处")
    referred = await w.wait(liaison, contains="#1 转交给您")
    assert w.buttons(referred) == ["🙋 报到"]
    late = await w.wait(w.leader, contains="未在", timeout=60)
    assert "钱进" in late["plain_text"] and "#1" in late["plain_text"]
    await w.wait(w.worker, contains="未在")
    detail = w.db("SELECT detail FROM ticket_events WHERE action = 'escalate'")
    assert len(detail) == 1 and '"deadline": "report"' in detail[0][0]


def _holiday_block(today: date) -> list[date]:
    """Today through the first Sunday after tomorrow: a weekend and office holidays in one block."""
    days, d = [today], today
    while not (d > today + timedelta(days=1) and d.weekday() == 6):
        d += timedelta(days=1)
        days.append(d)
    return days


def _first_working_day_after(block: list[date]) -> date:
    import chinese_calendar

    d = block[-1] + timedelta(days=1)
    while True:
        try:
            working = chinese_calendar.is_workday(d)
        except NotImplementedError:
            working = d.weekday() < 5
        if working:
            return d
        d += timedelta(days=1)


TODAY = datetime.now(SH).date()
BLOCK = _holiday_block(TODAY)


@pytest.mark.bot_config({**NO_REPORTS, "sla.normal.resolve": "1wd", "calendar.file": "office_calendar.toml"})
async def test_a_working_day_deadline_skips_the_weekend_and_the_holidays(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, "/complain 环境卫生 楼道垃圾")
    request = await w.wait(w.worker, contains="新任务 #1")
    due = datetime.fromtimestamp(w.db("SELECT resolve_due FROM tickets WHERE id = 1")[0][0], SH)
    expected = datetime.combine(_first_working_day_after(BLOCK), time(17, 0), SH)
    assert due == expected
    assert f"{expected.month}月{expected.day}日 17:00 前办结" in request["plain_text"]


@pytest.mark.bot_config(
    {
        **NO_REPORTS,
        "sla.normal.resolve": "300wd",
        "calendar.official": False,
        "calendar.file": "this_year.toml",
        "schedule.sweep_interval": "1s",
    }
)
async def test_a_deadline_in_a_year_no_calendar_covers_warns_the_operator_and_tells_the_admin(grid: World):
    w, emu = grid, grid.emu
    missing = TODAY.year + 1  # the office file covers this year only; 300 working days reach the next
    warning = next(line for line in w.bot.stderr().splitlines() if "bot.calendar" in line)
    assert f"{missing} 年还没有工作日日历" in warning and "this_year.toml" in warning  # the operator's zh
    emu.send(w.resident, w.group, "/complain 环境卫生 楼道垃圾")
    request = await w.wait(w.worker, contains="新任务 #1")
    _press(w, w.worker, request, "✅ 接单")
    told = await w.wait(w.admin, contains=f"缺少 {missing} 年的工作日日历")
    assert "#1" in told["plain_text"] and "this_year.toml" in told["plain_text"]
    assert "楼道垃圾" not in told["plain_text"]
    due = datetime.fromtimestamp(w.db("SELECT resolve_due FROM tickets WHERE id = 1")[0][0], SH)
    assert due.year >= missing and due.weekday() < 5  # counted Monday to Friday: the ticket goes on
    assert w.db("SELECT json_extract(detail, '$.year') FROM ticket_events WHERE action = 'calendar_gap'") == [
        (missing,)
    ]


@pytest.fixture(autouse=True)
def _office_calendar(tmp_path: Path) -> None:
    """The office's calendar files beside the bot's config: the block above as holidays, for this
    year and the next; and one that covers this year only."""
    holidays = ", ".join(f'"{d.isoformat()}"' for d in BLOCK)
    for name, years in (
        ("office_calendar.toml", sorted({TODAY.year, TODAY.year + 1})),
        ("this_year.toml", [TODAY.year]),
    ):
        (tmp_path / name).write_text(f"years = {years}\nholidays = [{holidays}]\n", encoding="utf-8")

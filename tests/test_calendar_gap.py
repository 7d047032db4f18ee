"""A working-time deadline that runs into a year no calendar covers (issue 11, point 6).

The package stops at its last known year (2026 for chinesecalendar 1.11), so in late December a
`3wd` deadline falls in a year nobody covers. Start-up warns the operator a month ahead, in their
language, naming the office file to extend; at run time the deadline is counted Monday to Friday (no
ticket is lost), the timeline says so, and the community admin is told privately, once per year.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import config as config_mod
from bot import i18n
from bot.cli import lang
from bot.cli.run import warn_calendar
from bot.config_calendar import year_ahead_gap
from bot.domain.sla import Tier
from bot.domain.workdays import WorkCalendar
from bot.services import sweep
from tests.harness import Harness
from tests.test_story import ADMIN, GROUP, RESIDENT, WORKER, _bound

TZ = ZoneInfo("Asia/Shanghai")
THIS_YEAR = datetime.now(TZ).year
# Only this year is known (the office file's `years`); 300 working days always reach the next one.
CALENDAR = WorkCalendar(TZ, years=frozenset({THIS_YEAR}), file="calendar.toml")
LONG = Tier("normal", timedelta(hours=2), 300 * CALENDAR.day_length, frozenset({"resolve"}), CALENDAR)


def test_start_up_warns_a_month_ahead_naming_the_year_and_the_file(caplog):
    config = config_mod.from_dict({"sla": {"normal": {"resolve": "3wd"}}}, need_token=False)
    assert year_ahead_gap(config.tiers, datetime(2026, 11, 30, 10, tzinfo=TZ)) == 2027  # the package ends
    assert year_ahead_gap(config.tiers, datetime(2026, 10, 30, 10, tzinfo=TZ)) is None
    assert year_ahead_gap(config_mod.from_dict({}, need_token=False).tiers, datetime(2026, 12, 30)) is None
    for locale, words in (
        ("zh", ["2027 年还没有工作日日历", "办公日历文件（calendar.toml）"]),
        ("en", ["no working-day calendar for 2027", "office calendar file (calendar.toml)"]),
    ):
        lang.use(locale)
        cal = replace(config.calendar, file="calendar.toml")
        with caplog.at_level(logging.WARNING, "bot.calendar"):
            caplog.clear()
            assert warn_calendar(replace(config, calendar=cal), datetime(2026, 12, 20, tzinfo=TZ)) == 2027
        assert all(w in caplog.text for w in words), caplog.text
    lang.use("zh")


def test_start_up_with_a_covered_next_year_says_nothing(tmp_path, caplog):
    (tmp_path / "cal.toml").write_text('years = [2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    config = config_mod.from_dict(
        {"calendar": {"file": "cal.toml"}, "sla": {"normal": {"resolve": "3wd"}}},
        base_dir=tmp_path,
        need_token=False,
    )
    with caplog.at_level(logging.WARNING, "bot.calendar"):
        assert warn_calendar(config, datetime(2026, 12, 20, tzinfo=TZ)) is None
    assert not caplog.records


@pytest.fixture
async def bot(tmp_path):
    h = Harness(tmp_path)
    tiers = {**h.config.tiers, "normal": LONG}
    h = Harness(tmp_path, tiers=tiers, calendar=CALENDAR)
    await h.start()
    await _bound(h)
    yield h
    await h.stop()


async def _sweep(bot) -> None:
    await sweep.sweep(bot.ctx, datetime.now(timezone.utc))
    await bot.deliverer.deliver_due()


async def test_the_admin_is_told_privately_once_which_year_is_missing(bot):
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    due = datetime.fromtimestamp(
        (await bot.ctx.db.fetchone("SELECT resolve_due FROM tickets WHERE id = 1"))[0], TZ
    )
    assert due.year > THIS_YEAR and due.weekday() < 5  # counted Monday to Friday, not lost
    before = len(bot.sent(ADMIN))
    await _sweep(bot)
    told = bot.sent(ADMIN)[before:]
    assert len(told) == 1, told
    text = told[0]["text"]
    assert f"缺少 {THIS_YEAR + 1} 年的工作日日历" in text and "calendar.toml" in text and "#1" in text
    assert "楼道垃圾" not in text  # the category and number only
    events = await bot.ctx.db.fetchall("SELECT action, detail FROM ticket_events WHERE ticket_id = 1")
    assert [a for a, d in events if a == "calendar_gap"] == ["calendar_gap"]

    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道又堆了杂物")
    await bot.press(WORKER, WORKER, 2, "t:2:acc")
    await _sweep(bot)
    assert len(bot.sent(ADMIN)) == before + 1  # told once for the year, not once per ticket
    row = await bot.ctx.db.fetchone(
        "SELECT COUNT(*) FROM ticket_events WHERE action = 'calendar_gap' AND ticket_id = 2"
    )
    assert row[0] == 1  # still on that ticket's timeline


def test_the_admin_notice_reads_well_in_both_languages():
    from types import SimpleNamespace

    t = SimpleNamespace(id=12)
    due = datetime(2027, 1, 4, 17, tzinfo=TZ)
    params = dict(t=t, category="环境卫生", tz=TZ, due=due, what="resolve", year=2027, file="calendar.toml")
    zh = i18n.render("zh", "calendar_gap_admin", **params)
    en = i18n.render("en", "calendar_gap_admin", **{**params, "category": "Sanitation"})
    assert zh.splitlines()[0] == "📅 <b>缺少 2027 年的工作日日历</b>"
    assert "#12（环境卫生）的办结时限落在 2027 年：1月4日 17:00" in zh
    assert "办公日历文件 calendar.toml 中写入 years = [2027]" in zh and len(zh.splitlines()) == 4
    assert "The resolution deadline of #12 (Sanitation) falls in 2027: 4 Jan 17:00" in en
    assert "years = [2027]" in en and len(en.splitlines()) == 4
    assert date(2027, 1, 4).weekday() == 0

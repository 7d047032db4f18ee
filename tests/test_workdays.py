"""Working-day deadlines (bot/domain/workdays.py) on the official calendar and the office's file."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from bot.config import ConfigError, from_dict
from bot.domain import tickets as T
from bot.domain.workdays import CalendarGap, WorkCalendar, deadline, parse_span
from tests.test_domain_tickets import new_ticket

TZ = ZoneInfo("Asia/Shanghai")
OFFICIAL = WorkCalendar(TZ, official=chinese_calendar.is_workday)
WD = OFFICIAL.day_length  # 8 working hours, 09:00-17:00


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_three_working_days_skip_the_national_day_week_and_its_weekend():
    # Tue 29 Sep 2026 10:00: Tue 7 h, Wed 8 h, 1-7 Oct holiday (with Sat and Sun), Thu 8 Oct 8 h, Fri 1 h.
    assert deadline(at(2026, 9, 29, 10), 3 * WD, OFFICIAL) == at(2026, 10, 9, 10)


def test_a_make_up_saturday_counts_as_a_working_day():
    assert OFFICIAL.is_workday(date(2026, 10, 10))  # Saturday, 调休
    # Fri 9 Oct 10:00 + 2 wd: Fri 7 h, Sat 10 Oct 8 h, Sunday off, Mon 12 Oct 1 h.
    assert deadline(at(2026, 10, 9, 10), 2 * WD, OFFICIAL) == at(2026, 10, 12, 10)


def test_an_ordinary_weekend_is_skipped_and_working_hours_run_only_in_office_hours():
    assert deadline(at(2026, 11, 27, 10), 3 * WD, OFFICIAL) == at(2026, 12, 2, 10)  # Fri -> Wed
    assert deadline(at(2026, 11, 27, 16), timedelta(hours=16), OFFICIAL) == at(2026, 12, 1, 16)
    assert deadline(at(2026, 11, 29, 22), timedelta(hours=1), OFFICIAL) == at(2026, 11, 30, 10)  # Sun night
    assert deadline(at(2026, 11, 30, 17), WD, OFFICIAL) == at(2026, 12, 1, 17)  # at closing time


def test_the_office_file_covers_a_year_the_package_does_not_know():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    office = WorkCalendar(
        TZ,
        holidays=frozenset({date(2027, 1, 1)}),
        years=frozenset({2027}),
        official=chinese_calendar.is_workday,
    )
    # Thu 31 Dec 2026 10:00 + 2 wd: Thu 7 h, New Year's Day off, weekend off, Mon 4 Jan 8 h, Tue 1 h.
    assert deadline(at(2026, 12, 31, 10), 2 * WD, office) == at(2027, 1, 5, 10)


def test_a_deadline_in_a_year_no_calendar_covers_is_an_error_naming_the_year():
    with pytest.raises(CalendarGap) as gap:
        deadline(at(2026, 12, 31, 10), 2 * WD, OFFICIAL)
    assert gap.value.year == 2027


def test_spans_in_working_days_and_hours():
    assert parse_span("3wd", OFFICIAL) == timedelta(hours=24)
    assert parse_span("16WH", OFFICIAL) == timedelta(hours=16)
    assert parse_span("3d", OFFICIAL) is None and parse_span("0wd", OFFICIAL) is None


def test_a_working_day_tier_sets_the_tickets_deadlines_on_the_working_clock(tmp_path):
    config = from_dict({"sla": {"normal": {"accept": "16wh", "resolve": "3wd"}}}, need_token=False)
    tier = config.tiers["normal"]
    assert tier.working == {"accept", "resolve"}
    t, _ = T.submit(new_ticket(), tier, 11, at(2026, 9, 29, 10))
    assert t.resolve_due == at(2026, 10, 9, 10)
    assert t.accept_due == at(2026, 10, 8, 10)


def test_the_office_file_and_hours_come_from_the_configuration(tmp_path):
    (tmp_path / "cal.toml").write_text(
        'years = [2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-01-09"]\n', encoding="utf-8"
    )
    config = from_dict(
        {"calendar": {"file": "cal.toml", "opens": "08:30", "closes": "17:30"}},
        base_dir=tmp_path,
        need_token=False,
    )
    cal = config.calendar
    assert (cal.opens, cal.closes) == (time(8, 30), time(17, 30))
    assert not cal.is_workday(date(2027, 1, 1)) and cal.is_workday(date(2027, 1, 9))


def test_a_working_tier_without_a_calendar_for_this_year_stops_the_bot_with_a_clear_message():
    data = {"calendar": {"official": False}, "sla": {"normal": {"resolve": "3wd"}}}
    with pytest.raises(ConfigError) as error:
        from_dict(data, need_token=False)
    year = datetime.now(TZ).year
    assert f"{year}" in error.value.text("en") and "office calendar file" in error.value.text("en")
    assert "日历" in error.value.text("zh") and error.value.key == "sla.normal"


@pytest.mark.parametrize(
    "content", ['years = [2027]\nholidays = ["not a date"]\n', "years = 'x'\n", "= broken"]
)
def test_a_bad_office_file_is_named(tmp_path, content):
    (tmp_path / "cal.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        from_dict({"calendar": {"file": "cal.toml"}}, base_dir=tmp_path, need_token=False)
    assert "cal.toml" in error.value.text("en") and "办公日历文件" in error.value.text("zh")

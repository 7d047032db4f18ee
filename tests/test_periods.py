"""Period maths: weeks from Monday 00:00 local, months, year ends, time zones, schedules."""

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import config as config_mod
from bot.jobs import ptb_days
from bot.domain.periods import At, day_of, last_complete, month_of, parse_at, parse_period, week_of

SH = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


def test_sunday_late_evening_shanghai_is_still_that_week_but_utc_moment_is_earlier():
    # Sunday 2025-03-09 23:30 in Shanghai is 15:30 UTC the same Sunday
    moment = datetime(2025, 3, 9, 15, 30, tzinfo=UTC)
    w = week_of(moment, SH)
    assert w.key == "2025-W10"
    assert w.start == datetime(2025, 3, 3, tzinfo=SH) and w.end == datetime(2025, 3, 10, tzinfo=SH)
    # 16:30 UTC is Monday 00:30 in Shanghai: next week there, still Sunday in UTC
    later = datetime(2025, 3, 9, 16, 30, tzinfo=UTC)
    assert week_of(later, SH).key == "2025-W11"
    assert week_of(later, ZoneInfo("UTC")).key == "2025-W10"


def test_week_across_year_end_uses_iso_week():
    w = week_of(datetime(2024, 12, 31, 12, tzinfo=SH), SH)
    assert w.key == "2025-W01" and w.start.date().isoformat() == "2024-12-30"
    assert w.previous().key == "2024-W52"
    assert parse_period("2025-W01", SH) == w


def test_month_and_year_end():
    m = month_of(datetime(2024, 12, 31, 20, tzinfo=UTC), SH)  # already 1 Jan 04:00 in Shanghai
    assert m.key == "2025-01"
    d = month_of(datetime(2024, 12, 15, tzinfo=SH), SH)
    assert d.key == "2024-12" and d.end == datetime(2025, 1, 1, tzinfo=SH)
    assert d.next().key == "2025-01" and d.previous().key == "2024-11"
    assert month_of(datetime(2024, 2, 10, tzinfo=SH), SH).end == datetime(2024, 3, 1, tzinfo=SH)


def test_last_complete_and_until():
    now = datetime(2025, 3, 10, 9, 0, tzinfo=SH)  # Monday 09:00
    assert last_complete("week", now, SH).key == "2025-W10"
    assert last_complete("month", now, SH).key == "2025-02"
    assert last_complete("day", now, SH).key == "2025-03-09"
    so_far = month_of(now, SH).until(now)
    assert so_far.start == datetime(2025, 3, 1, tzinfo=SH) and so_far.end == now


def test_day_in_zone():
    assert day_of(datetime(2025, 3, 9, 16, 30, tzinfo=UTC), SH).key == "2025-03-10"


def test_parse_period_kinds_and_errors():
    assert parse_period("2025-03", SH).kind == "month"
    assert parse_period("2025-03-04", SH).kind == "day"
    assert parse_period("2025-w10", SH).kind == "week"
    with pytest.raises(ValueError):
        parse_period("March", SH)


def test_schedule_parsing_and_ptb_weekdays():
    mon = parse_at("mon 09:00", weekly=True)
    assert mon == At(time(9, 0), weekday=0) and ptb_days(mon) == (1,)  # PTB: 0 = Sunday
    assert ptb_days(parse_at("sun 20:30", weekly=True)) == (0,)
    assert parse_at("23", monthly=True) == At(time(9, 0), monthday=23)
    assert parse_at("1 08:30", monthly=True).clock == time(8, 30)
    assert parse_at("8:00").clock == time(8, 0)
    with pytest.raises(ValueError):
        parse_at("someday", weekly=True)
    with pytest.raises(ValueError):
        parse_at("31 09:00", monthly=True)


def test_latest_scheduled_moment():
    at = At(time(9, 0), weekday=0)
    now = datetime(2025, 3, 11, 3, 0, tzinfo=UTC)  # Tuesday 11:00 Shanghai
    assert at.latest(now, SH) == datetime(2025, 3, 10, 9, 0, tzinfo=SH)


def test_config_keys():
    cfg = config_mod.from_dict(
        {"schedule": {"weekly_tally": "fri 18:00", "collection_day": 20, "daily_digest": "07:30"}},
        need_token=False,
    )
    assert cfg.reports.weekly_tally.weekday == 4 and cfg.reports.collection_day.monthday == 20
    assert cfg.reports.daily_digest.clock == time(7, 30)
    with pytest.raises(config_mod.ConfigError, match="schedule.monthly"):
        config_mod.from_dict({"schedule": {"monthly": "first"}}, need_token=False)

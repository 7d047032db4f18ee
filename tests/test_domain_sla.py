"""SLA durations and quiet hours (bot/domain/sla.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.sla import DEFAULT_TIERS, QuietHours, format_duration, parse_duration

TZ = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, second, tzinfo=TZ)


# --- parse_duration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        (" 2H ", timedelta(hours=2)),
        ("0h30m", timedelta(minutes=30)),
    ],
)
def test_parse_duration_accepts_units_and_combinations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "abc", "0s", "0h0m", "5x", "-1h", "30", "1.5h", "h", "2h!"])
def test_parse_duration_rejects_malformed_or_non_positive(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_duration_error_message_quotes_the_input_and_gives_examples():
    with pytest.raises(ValueError, match=r"'5x'.*e\.g\. 90s"):
        parse_duration("5x")


# --- format_duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=90), "90s"),
        (timedelta(minutes=30), "30m"),
        (timedelta(hours=1, minutes=30), "90m"),
        (timedelta(hours=2), "2h"),
        (timedelta(hours=36), "36h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=7), "1w"),
        (timedelta(days=14), "2w"),
        (timedelta(seconds=59), "59s"),
    ],
)
def test_format_duration_uses_the_largest_whole_unit(delta, text):
    assert format_duration(delta) == text


@pytest.mark.parametrize("text", ["90s", "30m", "2h", "3d", "1w", "1h30m", "1d12h", "25h", "1w1s"])
def test_format_then_parse_round_trips(text):
    delta = parse_duration(text)
    assert parse_duration(format_duration(delta)) == delta


@pytest.mark.parametrize("tier", list(DEFAULT_TIERS.values()), ids=list(DEFAULT_TIERS))
def test_default_tiers_round_trip_through_text(tier):
    assert parse_duration(format_duration(tier.accept)) == tier.accept
    assert parse_duration(format_duration(tier.resolve)) == tier.resolve


def test_default_tiers():
    assert (DEFAULT_TIERS["urgent"].accept, DEFAULT_TIERS["urgent"].resolve) == (
        timedelta(minutes=30),
        timedelta(hours=24),
    )
    assert (DEFAULT_TIERS["normal"].accept, DEFAULT_TIERS["normal"].resolve) == (
        timedelta(hours=2),
        timedelta(days=3),
    )
    assert (DEFAULT_TIERS["wish"].accept, DEFAULT_TIERS["wish"].resolve) == (
        timedelta(hours=24),
        timedelta(days=7),
    )


# --- QuietHours across midnight (22:00-07:00) -----------------------------------------------

NIGHT = QuietHours(time(22, 0), time(7, 0))


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (local(6, 21, 59, 59), False),
        (local(6, 22, 0), True),
        (local(6, 23, 30), True),
        (local(7, 0, 0), True),
        (local(7, 6, 59, 59), True),
        (local(7, 7, 0), False),
        (local(7, 12, 0), False),
    ],
)
def test_night_window_contains(moment, quiet):
    assert NIGHT.contains(moment) is quiet


def test_night_window_judges_the_local_wall_clock_of_a_converted_instant():
    utc_instant = datetime(2024, 5, 6, 15, 0, tzinfo=timezone.utc)  # 23:00 in Shanghai
    assert NIGHT.contains(utc_instant.astimezone(TZ))
    assert not NIGHT.contains(datetime(2024, 5, 6, 3, 0, tzinfo=timezone.utc).astimezone(TZ))  # 11:00


def test_message_late_in_the_evening_is_released_at_seven_next_morning():
    released = NIGHT.release_time(local(6, 23, 30))
    assert released == local(7, 7, 0)
    assert released.tzinfo is TZ


def test_message_at_exactly_ten_pm_waits_until_next_morning():
    assert NIGHT.release_time(local(6, 22, 0)) == local(7, 7, 0)


def test_message_after_midnight_is_released_at_seven_the_same_morning():
    assert NIGHT.release_time(local(7, 3, 15, 20)) == local(7, 7, 0)


def test_message_outside_quiet_hours_goes_out_immediately():
    moment = local(7, 9, 41, 7)
    assert NIGHT.release_time(moment) is moment


@pytest.mark.parametrize("moment", [local(6, 22, 0), local(6, 23, 59, 59), local(7, 0, 0), local(7, 6, 59)])
def test_released_moment_is_outside_the_window_and_not_earlier(moment):
    released = NIGHT.release_time(moment)
    assert released >= moment
    assert not NIGHT.contains(released)


def test_window_ending_on_the_half_hour_releases_on_the_half_hour():
    w = QuietHours(time(22, 30), time(6, 45))
    assert w.release_time(local(7, 6, 30)) == local(7, 6, 45)
    assert w.release_time(local(6, 23, 0)) == local(7, 6, 45)
    assert not w.contains(local(6, 22, 29))


def test_window_end_with_seconds_releases_the_same_morning():
    w = QuietHours(time(22, 0), time(7, 0, 30))
    assert w.release_time(local(7, 7, 0, 15)) == local(7, 7, 0, 30)


# --- QuietHours within one day (12:00-14:00) ------------------------------------------------

NOON = QuietHours(time(12, 0), time(14, 0))


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (local(6, 11, 59), False),
        (local(6, 12, 0), True),
        (local(6, 13, 59, 59), True),
        (local(6, 14, 0), False),
        (local(6, 23, 0), False),
        (local(6, 3, 0), False),
    ],
)
def test_same_day_window_contains(moment, quiet):
    assert NOON.contains(moment) is quiet


def test_same_day_window_releases_at_its_end_on_the_same_day():
    assert NOON.release_time(local(6, 13, 15)) == local(6, 14, 0)
    assert NOON.release_time(local(6, 12, 0)) == local(6, 14, 0)


def test_same_day_window_lets_evening_messages_through():
    moment = local(6, 20, 0)
    assert NOON.release_time(moment) is moment


def test_window_with_equal_start_and_end_is_never_quiet():
    w = QuietHours(time(8, 0), time(8, 0))
    assert not any(w.contains(local(6, h)) for h in range(24))

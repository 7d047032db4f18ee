"""Quarters (一季一评星): local calendar quarters, their keys, names, and parsing `2025-Q1`."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import i18n
from bot.domain.periods import is_quarter_start, last_complete, parse_period, quarter_of

SH = ZoneInfo("Asia/Shanghai")


def test_a_quarter_is_three_local_months():
    q = quarter_of(datetime(2025, 5, 20, tzinfo=SH), SH)
    assert (q.start, q.end, q.key) == (
        datetime(2025, 4, 1, tzinfo=SH),
        datetime(2025, 7, 1, tzinfo=SH),
        "2025-Q2",
    )


def test_the_quarter_is_cut_in_local_time():
    # 31 Mar 17:00 UTC is already 1 April in Shanghai: the second quarter
    assert quarter_of(datetime(2025, 3, 31, 17, tzinfo=timezone.utc), SH).key == "2025-Q2"


def test_last_complete_quarter_crosses_the_year():
    q = last_complete("quarter", datetime(2026, 1, 1, 9, tzinfo=SH), SH)
    assert (q.key, q.start, q.end) == (
        "2025-Q4",
        datetime(2025, 10, 1, tzinfo=SH),
        datetime(2026, 1, 1, tzinfo=SH),
    )
    assert q.next().key == "2026-Q1" and q.previous().key == "2025-Q3"


@pytest.mark.parametrize(
    "text, key", [("2025-Q1", "2025-Q1"), ("2025-q4", "2025-Q4"), (" 2026-Q3 ", "2026-Q3")]
)
def test_parse_quarter(text, key):
    assert parse_period(text, SH).key == key


@pytest.mark.parametrize("text", ["2025-Q0", "2025-Q5", "2025Q1"])
def test_parse_refuses_what_is_no_quarter(text):
    with pytest.raises(ValueError, match="2025-Q1"):
        parse_period(text, SH)


def test_quarter_starts_are_january_april_july_october():
    starts = [m for m in range(1, 13) if is_quarter_start(datetime(2025, m, 1, 9, tzinfo=SH), SH)]
    assert starts == [1, 4, 7, 10]


def test_quarter_names():
    q = parse_period("2026-Q4", SH)
    assert (i18n.period_name("zh", q), i18n.period_name("en", q)) == ("2026年第四季度", "Q4 2026")

"""Charts with matplotlib: the tally (this week beside the month so far), the ranking; the CJK font
path and the readable fallback without one (numbered rows, English words, no missing glyphs)."""

from __future__ import annotations

import logging
import struct
import warnings
from zoneinfo import ZoneInfo

import pytest

from bot.domain import reports as rep
from bot.domain.periods import parse_period
from bot.services import chart, tally

SH = ZoneInfo("Asia/Shanghai")
NAMES = ("赵强", "刘洋", "欧阳娜娜")


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _panels(n: int) -> list[chart.Panel]:
    bars = [chart.Bar(f"{NAMES[i % 3]}{i}", i, i + 1, i % 2, i + 1) for i in range(n)]
    return [chart.Panel("本周", bars, "this week"), chart.Panel("11月至今", bars, "November so far")]


def _missing_glyphs(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = draw()
    return result, [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_without_a_cjk_font_rows_are_numbered_and_nothing_is_a_missing_glyph():
    (png, named), missing = _missing_glyphs(
        lambda: chart.tally_png(
            "幸福小区网格 · 11月23日–11月29日（第48周） 红旗榜",
            _panels(3),
            ("接单", "办结", "红旗"),
            None,
            "GN-1-1 · 23 Nov – 29 Nov (week 48)",
        )
    )
    assert named is False and missing == [] and _size(png)[0] > 600
    (png, named), missing = _missing_glyphs(
        lambda: chart.ranking_png(
            "工农社区 · 2026年11月 网格排名",
            [chart.RateRow("幸福小区网格", 1, 0.8, None)],
            ("响应率", "解决率", "满意率"),
            None,
            "November 2026",
        )
    )
    assert named is False and missing == []


def test_latin_names_are_drawn_without_a_cjk_font():
    bars = [chart.Bar("Zhao Qiang", 1, 1, 1), chart.Bar("Liu Yang", 0, 2, 1)]
    _, named = chart.tally_png(
        "Grid 1 · 23 Nov – 29 Nov",
        [chart.Panel("this week", bars)],
        ("accepted", "completed", "red flags"),
        None,
    )
    assert named is True


def test_with_a_cjk_font_names_are_drawn():
    font = chart.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    (png, named), missing = _missing_glyphs(
        lambda: chart.tally_png(
            "幸福小区网格 · 11月23日–11月29日（第48周） 红旗榜", _panels(3), ("接单", "办结", "红旗"), font
        )
    )
    assert named is True and missing == []


def test_height_follows_the_rows_no_empty_half_canvas():
    small = _size(chart.tally_png("t", _panels(2), ("a", "b", "c"))[0])
    big = _size(chart.tally_png("t", _panels(12), ("a", "b", "c"))[0])
    assert small[0] == big[0] and small[1] < big[1] / 2.5


def test_no_font_is_one_log_warning(monkeypatch, caplog):
    monkeypatch.setattr(chart, "_fontconfig", lambda: [])
    monkeypatch.setattr(chart, "_font_manager", lambda: [])
    chart.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.services.chart"):
            assert chart.cjk_font() is None and chart.cjk_font() is None
        assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
        assert "fonts-noto-cjk" in caplog.records[0].getMessage()
        assert chart.cjk_font("/no/such/font.ttf") is None  # a configured path that cannot draw Chinese
    finally:
        chart.cjk_font.cache_clear()


def _week_data(week: str) -> tally._Week:
    period = parse_period(week, SH)
    months = tally.month_columns(period, SH)
    return tally._Week(period, months, None, {}, [{} for _ in months], [], None)


def test_tally_panels_leave_out_idle_workers_and_name_the_periods():
    data = _week_data("2026-W49")  # 30 Nov – 6 Dec: runs into December
    busy, idle = rep.Counts(1, 1, 1), rep.Counts()
    rows = [
        {"name": "赵强", "week": busy, "months": [busy, idle]},
        {"name": "陈静", "week": idle, "months": [idle, idle]},
        {"name": "刘洋", "week": idle, "months": [idle, busy]},
    ]
    panels = tally._panels("zh", data, rows)
    assert [p.heading for p in panels] == ["本周", "2026年11月", "2026年12月至今"]
    assert [[(b.label, b.number) for b in p.bars] for p in panels][0] == [("赵强", 1), ("刘洋", 3)]
    en = tally._panels("en", data, rows)
    assert [p.heading for p in en] == ["this week", "November 2026", "December 2026 so far"]
    assert tally._panels("zh", data, [rows[1]]) == []

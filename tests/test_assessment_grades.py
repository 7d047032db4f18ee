"""Pure rules behind the stored grid colours and the quarterly stars: edge cases."""

from __future__ import annotations

from bot.domain.assessment import Colour, ColourRule, GridMonth, graded, reds_twice
from bot.domain.reports import Rates

RULE = ColourRule()
POOR = Rates(on_time=1, due=4)


def test_graded_keeps_the_figures_behind_the_colour() -> None:
    g = graded("G1", "2025-03", POOR, 2, 1, RULE)
    assert g == GridMonth("G1", "2025-03", Colour.RED, POOR, 2, 1)


def test_a_grid_without_a_colour_is_not_graded() -> None:
    assert graded("G1", "2025-03", Rates(), 0, 0, RULE) is None


def test_reds_twice_pairs_this_month_with_the_month_before_in_grid_order() -> None:
    now = [
        GridMonth(g, "2025-03", c) for g, c in [("G3", Colour.RED), ("G1", Colour.RED), ("G2", Colour.RED)]
    ]
    before = {
        "G1": GridMonth("G1", "2025-02", Colour.RED, POOR, 3),
        "G2": GridMonth("G2", "2025-02", Colour.YELLOW),
        "G3": GridMonth("G3", "2025-02", Colour.RED),
    }
    pairs = reds_twice(now, before)
    assert [(a.grid, b.month, b.overdue) for a, b in pairs] == [("G1", "2025-02", 3), ("G3", "2025-02", 0)]


def test_no_month_before_or_not_red_now_is_no_alert() -> None:
    before = {"G1": GridMonth("G1", "2025-02", Colour.RED)}
    assert reds_twice([GridMonth("G2", "2025-03", Colour.RED)], before) == []
    assert reds_twice([GridMonth("G1", "2025-03", Colour.BLUE)], before) == []
    assert reds_twice([], before) == []

"""Pure rules behind the stored grid colours and the quarterly star table: edge cases."""

from __future__ import annotations

from bot.domain.assessment import (
    Colour,
    ColourRule,
    GridMonth,
    Quarter,
    StarRule,
    graded,
    rate_all,
    reds_twice,
)
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


# --- quarterly stars ---------------------------------------------------------------------------

PERFECT = Rates(on_time=4, due=4, resolved=4, evaluated=4, satisfied=4, rated=4)


def test_ratings_most_stars_first_then_the_higher_score_then_the_person() -> None:
    quarters = {
        7: Quarter(flags=15, rates=PERFECT),  # 100: five stars
        3: Quarter(flags=3, rates=PERFECT),  # (0.08 + 0.4) / 0.8 = 60: four stars
        5: Quarter(flags=15, rates=PERFECT, callback_satisfied=1, callback_reached=2),  # 90: five
        2: Quarter(flags=3, rates=PERFECT),  # the same as 3
    }
    found = rate_all(quarters, StarRule())
    assert [(r.person_id, r.stars, round(r.score * 100)) for r in found] == [
        (7, 5, 100),
        (5, 5, 90),
        (2, 4, 60),
        (3, 4, 60),
    ]
    assert found[1].quarter == quarters[5], "the figures stay with the rating"


def test_only_call_backs_weighed_and_nobody_called_is_one_star_not_an_error() -> None:
    rule = StarRule(flag_weight=0.0, rate_weight=0.0, callback_weight=1.0)
    assert rate_all({1: Quarter(flags=15, rates=PERFECT)}, rule)[0].stars == 1
    assert rate_all({1: Quarter(callback_satisfied=2, callback_reached=2)}, rule)[0].stars == 5


def test_a_worker_unreachable_on_every_call_back_is_left_out_of_that_part() -> None:
    reached_none = Quarter(flags=15, rates=PERFECT, callback_satisfied=0, callback_reached=0)
    assert rate_all({1: reached_none}, StarRule())[0].score == 1.0


def test_nobody_to_rate_is_an_empty_table() -> None:
    assert rate_all({}, StarRule()) == []

"""The field's assessments as pure functions: stars, grid colours, call-back sampling, time bank."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.assessment import (
    Colour,
    ColourRule,
    Confirmed,
    HoursEntry,
    NotEnoughHours,
    Quarter,
    StarRule,
    balance,
    callback_sample,
    earn,
    grid_colour,
    parse_hours,
    red_twice,
    sample_size,
    spend,
    star_score,
    stars,
)
from bot.domain.reports import Rates

RULE = StarRule()
PERFECT = Rates(on_time=10, due=10, resolved=10, evaluated=10, satisfied=10, rated=10)
HALF = Rates(on_time=5, due=10, resolved=5, evaluated=10, satisfied=5, rated=10)


# --- stars -------------------------------------------------------------------------------------


def test_nothing_done_is_one_star_and_everything_perfect_is_five() -> None:
    assert stars(Quarter(), RULE) == 1
    assert stars(Quarter(flags=15, rates=PERFECT, callback_satisfied=3, callback_reached=3), RULE) == 5


def test_flags_beyond_the_target_do_not_count_extra() -> None:
    assert star_score(Quarter(flags=100), RULE) == star_score(Quarter(flags=15), RULE) == 1.0


def test_unmeasured_parts_leave_the_weights_to_the_others() -> None:
    # flags only: the flag part is the whole score
    assert star_score(Quarter(flags=6), RULE) == pytest.approx(0.4)
    # flags 0 (0.4 weight), rates perfect (0.4), nobody called back: 0.5
    assert star_score(Quarter(rates=PERFECT), RULE) == pytest.approx(0.5)


def test_call_back_results_pull_the_score_down() -> None:
    good = Quarter(flags=12, rates=PERFECT, callback_satisfied=4, callback_reached=4)
    bad = Quarter(flags=12, rates=PERFECT, callback_satisfied=0, callback_reached=4)
    assert star_score(good, RULE) == pytest.approx(0.92) and stars(good, RULE) == 5
    assert star_score(bad, RULE) == pytest.approx(0.72) and stars(bad, RULE) == 4


@pytest.mark.parametrize("flags,expected", [(2, 1), (3, 2), (5, 2), (6, 3), (8, 3), (9, 4), (11, 4), (12, 5)])
def test_star_boundaries_sit_exactly_on_the_thresholds(flags: int, expected: int) -> None:
    # flags only, target 15: score = flags / 15; thresholds 0.2 / 0.4 / 0.6 / 0.8 = 3 / 6 / 9 / 12 flags
    assert stars(Quarter(flags=flags), RULE) == expected


def test_configured_weights_and_thresholds_are_used() -> None:
    rule = StarRule(
        flag_target=4,
        flag_weight=1.0,
        rate_weight=0.0,
        callback_weight=0.0,
        thresholds=(0.25, 0.5, 0.75, 1.0),
    )
    assert stars(Quarter(flags=3, rates=Rates()), rule) == 4
    assert stars(Quarter(flags=2, rates=HALF, callback_satisfied=0, callback_reached=5), rule) == 3


# --- colours -----------------------------------------------------------------------------------

COLOURS = ColourRule()


def test_good_rates_without_overdue_or_marks_is_blue() -> None:
    assert grid_colour(PERFECT, 0, 0, COLOURS) is Colour.BLUE


def test_one_overdue_ticket_keeps_a_good_grid_yellow() -> None:
    assert grid_colour(PERFECT, 1, 0, COLOURS) is Colour.YELLOW
    assert grid_colour(PERFECT, 0, 1, COLOURS) is Colour.YELLOW


def test_low_rates_many_overdue_or_marks_make_red() -> None:
    low = Rates(on_time=5, due=10, resolved=5, evaluated=10, satisfied=6, rated=10)  # mean 0.533
    assert grid_colour(low, 0, 0, COLOURS) is Colour.RED
    assert grid_colour(PERFECT, 5, 0, COLOURS) is Colour.RED
    assert grid_colour(PERFECT, 0, 2, COLOURS) is Colour.RED


def test_colour_boundaries() -> None:
    at_blue = Rates(on_time=9, due=10)  # 0.9 exactly
    at_red = Rates(on_time=6, due=10)  # 0.6 exactly: not below
    assert grid_colour(at_blue, 0, 0, COLOURS) is Colour.BLUE
    assert grid_colour(Rates(on_time=89, due=100), 0, 0, COLOURS) is Colour.YELLOW
    assert grid_colour(at_red, 4, 1, COLOURS) is Colour.YELLOW
    assert grid_colour(Rates(on_time=59, due=100), 0, 0, COLOURS) is Colour.RED


def test_an_unmeasured_grid_has_no_colour_unless_something_went_wrong() -> None:
    assert grid_colour(Rates(), 0, 0, COLOURS) is None
    assert grid_colour(Rates(), 5, 0, COLOURS) is Colour.RED


def test_configured_colour_thresholds_are_used() -> None:
    lenient = ColourRule(blue_from=0.5, blue_max_overdue=3, red_below=0.2, red_overdue=10, red_marks=9)
    assert grid_colour(HALF, 3, 0, lenient) is Colour.BLUE
    assert grid_colour(HALF, 9, 0, lenient) is Colour.YELLOW


def test_red_two_months_running() -> None:
    assert red_twice(Colour.RED, Colour.RED)
    assert not red_twice(Colour.YELLOW, Colour.RED)
    assert not red_twice(None, Colour.RED)
    assert not red_twice(Colour.RED, Colour.BLUE)


# --- call-back sampling ------------------------------------------------------------------------


def _week(workers: dict[int, int]) -> list[Confirmed]:
    tickets, next_id = [], 1
    for worker, count in workers.items():
        for _ in range(count):
            tickets.append(Confirmed(next_id, worker))
            next_id += 1
    return tickets


@pytest.mark.parametrize(
    "available,share,minimum,expected",
    [
        (0, 0.2, 3, 0),
        (2, 0.2, 3, 2),
        (10, 0.2, 3, 3),
        (20, 0.2, 3, 4),
        (21, 0.2, 3, 5),
        (10, 1.0, 3, 10),
    ],
)
def test_sample_size_is_the_share_rounded_up_at_least_the_minimum(
    available: int, share: float, minimum: int, expected: int
) -> None:
    assert sample_size(available, share, minimum) == expected


def test_the_same_seed_gives_the_same_sample_and_another_seed_another() -> None:
    week = _week({1: 10, 2: 10, 3: 10})
    first = callback_sample(week, 0.2, 3, "2026-W48")
    assert first == callback_sample(list(reversed(week)), 0.2, 3, "2026-W48")
    others = {tuple(t.ticket_id for t in callback_sample(week, 0.2, 3, f"2026-W{w}")) for w in range(1, 20)}
    assert len(others) > 1


def test_no_ticket_twice_even_if_listed_twice_and_never_an_excluded_one() -> None:
    week = _week({1: 4, 2: 4})
    sample = callback_sample(week + week, 1.0, 3, "s", exclude={1, 5})
    ids = [t.ticket_id for t in sample]
    assert len(ids) == len(set(ids)) == 6
    assert not {1, 5} & set(ids)


def test_every_worker_is_called_about_before_anyone_twice() -> None:
    week = _week({1: 30, 2: 2, 3: 1, 4: 5})
    for seed in range(50):
        sample = callback_sample(week, 0.1, 3, str(seed))  # 4 of 38: one per worker
        assert Counter(t.worker_id for t in sample) == {1: 1, 2: 1, 3: 1, 4: 1}


def test_a_worker_with_few_tickets_is_used_up_before_the_others_get_thirds() -> None:
    week = _week({1: 10, 2: 1, 3: 10})
    sample = callback_sample(
        week, 0.25, 3, "x"
    )  # 6 of 21: one each, a second each for 1 and 3, then one third
    counts = Counter(t.worker_id for t in sample)
    assert counts[2] == 1 and sorted((counts[1], counts[3])) in ([2, 3], [3, 2]) and sum(counts.values()) == 6


def test_fewer_tickets_than_the_minimum_calls_them_all() -> None:
    week = _week({1: 2})
    assert sorted(t.ticket_id for t in callback_sample(week, 0.2, 3, "s")) == [1, 2]
    assert callback_sample([], 0.2, 3, "s") == []


# --- time bank ---------------------------------------------------------------------------------


def test_only_confirmed_hours_count() -> None:
    assert balance([earn(90, confirmed=True), earn(60, confirmed=False)]) == 90


def test_spending_reduces_the_balance_and_cannot_overdraw() -> None:
    account = [earn(120, True), earn(600, False)]
    account.append(spend(account, 90))
    assert balance(account) == 30
    with pytest.raises(NotEnoughHours):
        spend(account, 31)  # unconfirmed hours cannot be spent
    account.append(spend(account, 30))
    assert balance(account) == 0


def test_the_balance_is_never_negative() -> None:
    assert balance([HoursEntry(-60)]) == 0
    assert balance([]) == 0


def test_zero_or_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        earn(0, True)
    with pytest.raises(ValueError):
        spend([earn(60, True)], -5)


@pytest.mark.parametrize(
    "text,minutes",
    [
        ("1.5", 90),
        ("2", 120),
        ("2h", 120),
        ("1h30m", 90),
        ("90m", 90),
        ("1小时30分钟", 90),
        ("45分", 45),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("25", None),
        ("inf", None),
        ("nan", None),
        ("1h30", None),
        ("", None),
    ],
)
def test_hours_are_read_from_what_a_volunteer_types(text: str, minutes: int | None) -> None:
    assert parse_hours(text) == minutes


# --- configuration -----------------------------------------------------------------------------


def test_the_example_config_gives_the_documented_defaults() -> None:
    from pathlib import Path

    from bot.config import load
    from bot.config_assessment import Assessment

    config = load(Path(__file__).resolve().parent.parent / "config.example.toml", need_token=False)
    assert config.assessment == Assessment()
    assert load(None, need_token=False).assessment == Assessment()


@pytest.mark.parametrize(
    "section,key,value,problem",
    [
        ("stars", "thresholds", [0.8, 0.6, 0.4, 0.2], "bad_thresholds"),
        ("stars", "thresholds", [0.2, 0.4], "bad_thresholds"),
        ("stars", "flag_target", 0, "bad_count"),
        ("colours", "red_below", 0.95, "bad_order"),
        ("colours", "blue_from", 90, "bad_share"),
        ("callbacks", "minimum", 0, "bad_count"),
        ("callbacks", "share", 1.5, "bad_share"),
        ("time_bank", "max_hours_per_wish", 0, "bad_hours"),
    ],
)
def test_bad_assessment_values_are_named_in_both_languages(
    section: str, key: str, value: object, problem: str
) -> None:
    from bot.config import ConfigError, from_dict

    with pytest.raises(ConfigError) as caught:
        from_dict({"assessment": {section: {key: value}}}, need_token=False)
    assert caught.value.problem == problem and caught.value.key == f"assessment.{section}.{key}"
    assert "{" not in caught.value.text("zh") and caught.value.text("zh") != caught.value.text("en")


def test_a_misspelled_assessment_key_is_refused_and_a_switch_turns_a_part_off() -> None:
    from bot.config import ConfigError, from_dict

    with pytest.raises(ConfigError) as caught:
        from_dict({"assessment": {"colours": {"red_overdu": 3}}}, need_token=False)
    assert caught.value.key == "assessment.colours.red_overdu" and "red_overdue" in caught.value.text("en")
    off = from_dict({"assessment": {"colours": {"enabled": False}}}, need_token=False)
    assert off.assessment.colours.enabled is False and off.assessment.stars.enabled is True

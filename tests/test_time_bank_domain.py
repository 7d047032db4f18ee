"""Pure time-bank rules around a wish (bot.domain.time_bank) and the account arithmetic's edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.domain import time_bank as tb
from bot.domain.assessment import HoursEntry, balance, earn, parse_hours
from bot.domain.model import Kind, Refused, Status, Ticket

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)
WISH = Ticket(1, Kind.WISH, "errand", "GN-1-1", 5001, "帮老人买菜", NOW, Status.CLOSED, 7, closed_by=7)


def test_an_account_separates_counted_spent_and_pending() -> None:
    acc = tb.account([earn(120, True), earn(45, False), HoursEntry(-30), earn(60, True)])
    assert (acc.earned, acc.spent, acc.pending, acc.balance) == (180, 30, 45, 150)
    assert tb.account([]).balance == 0


def test_hours_are_shown_without_needless_decimals() -> None:
    assert [tb.hours(m) for m in (30, 60, 90, 120, 20, 0, 1440)] == [
        "0.5",
        "1",
        "1.5",
        "2",
        "0.33",
        "0",
        "24",
    ]


@pytest.mark.parametrize(
    "ticket,person",
    [
        (replace(WISH, kind=Kind.COMPLAINT), 7),  # complaints are work, not volunteering
        (WISH, 8),  # somebody else than the helper who closed it
        (WISH, None),  # not a roster person
        (replace(WISH, outcome="explained"), 7),  # "could not solve" earns nothing
        (replace(WISH, status=Status.OPEN, closed_by=None), 7),
    ],
)
def test_only_the_helper_who_reported_the_wish_done_may_record(ticket: Ticket, person: int | None) -> None:
    with pytest.raises(Refused) as refused:
        tb.may_record(ticket, person, counted=False)
    assert refused.value.reason == "hours_not_yours"


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ACCEPTED, Status.DONE])
def test_the_helper_may_record_while_closed_reopened_or_after_confirmation(status: Status) -> None:
    tb.may_record(replace(WISH, status=status, outcome="resolved"), 7, counted=False)


def test_counted_hours_can_no_longer_change() -> None:
    with pytest.raises(Refused) as refused:
        tb.may_record(replace(WISH, status=Status.DONE), 7, counted=True)
    assert refused.value.reason == "hours_counted"


def test_the_cap_per_wish_and_unreadable_answers() -> None:
    assert tb.checked(90, 2.0) == 90
    assert tb.checked(120, 2.0) == 120
    with pytest.raises(Refused) as too_many:
        tb.checked(121, 2.0)
    assert (too_many.value.reason, too_many.value.params) == ("hours_too_many", {"most": "2"})
    for bad in (None, 0, -30):
        with pytest.raises(Refused) as unreadable:
            tb.checked(bad, 24.0)
        assert unreadable.value.reason == "hours_unreadable"


def test_hours_count_at_once_only_after_confirmation() -> None:
    assert not tb.counts_now(WISH)
    assert tb.counts_now(replace(WISH, status=Status.DONE))
    event = tb.recorded(replace(WISH, status=Status.DONE), 7, 90)
    assert (event.action, event.detail) == ("hours", {"minutes": 90, "person": 7, "counted": True})


def test_paying_needs_the_resident_a_done_wish_counted_hours_and_once() -> None:
    done = replace(WISH, status=Status.DONE)
    assert tb.may_pay(done, 5001, 60, paid=False) == 60
    cases = [
        (done, 9005, 60, False, "not_resident"),
        (WISH, 5001, 60, False, "hours_nothing_to_pay"),
        (done, 5001, None, False, "hours_nothing_to_pay"),
        (done, 5001, 60, True, "hours_paid_already"),
    ]
    for t, user, earned, paid, reason in cases:
        with pytest.raises(Refused) as refused:
            tb.may_pay(t, user, earned, paid)
        assert refused.value.reason == reason


def test_a_payment_cannot_overdraw_and_names_the_helper() -> None:
    done = replace(WISH, status=Status.DONE)
    account = [earn(120, True), earn(600, False)]
    event = tb.pay(done, account, 120, helper=7)
    assert (event.action, event.detail) == ("hours_paid", {"minutes": 120, "to": 7})
    with pytest.raises(Refused) as refused:
        tb.pay(done, account + [HoursEntry(-60)], 120, helper=7)
    assert refused.value.reason == "hours_not_enough"
    assert refused.value.params == {"have": "1", "need": "2"}


def test_the_monthly_thanks_rank_by_hours_then_roster_order() -> None:
    assert tb.thanked({5: 60, 3: 120, 4: 60, 9: 0, 2: 30}) == [(3, 120), (4, 60), (5, 60)]
    assert tb.thanked({}) == []


@pytest.mark.parametrize(
    "text,minutes",
    [
        ("0.5", 30),
        ("1小时", 60),
        ("2小时15分钟", 135),
        (" 45分 ", 45),  # full-width digits from a Chinese keyboard read too:
        ("1.25h", 75),
        ("０.５", 30),
        ("1.5天", None),
    ],
)
def test_more_ways_people_write_hours(text: str, minutes: int | None) -> None:
    assert parse_hours(text) == minutes


def test_spending_everything_leaves_zero_and_pending_hours_are_not_spendable() -> None:
    account = [earn(60, True), earn(60, False), HoursEntry(-60)]
    assert balance(account) == 0
    assert tb.account(account).pending == 60


def test_nobody_earns_hours_on_their_own_wish() -> None:
    with pytest.raises(Refused) as refused:
        tb.may_record(WISH, 7, counted=False, own=True)
    assert refused.value.reason == "hours_own_wish"

"""Reminders and escalation follow the working clock of a working-time deadline (issue 11, point 6).

Pure: bot.domain.deadlines with a `16wh` / `3wd` tier on the official calendar, time passed in. A
deadline on Friday at closing time escalates to the next level two *working* hours later (Monday
11:00), not on Friday evening; the reminder comes one working hour before a Monday 09:30 deadline
(Friday 16:30), not at 08:30 on Monday. Wall-clock tiers stay as they were; quiet hours still hold
notices on the wall clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.domain import deadlines as D
from bot.domain import tickets as T
from bot.domain.model import Status
from bot.domain.sla import DEFAULT_TIERS, QuietHours, Tier
from bot.domain.workdays import WorkCalendar, before, deadline
from tests.test_domain_tickets import new_ticket

TZ = ZoneInfo("Asia/Shanghai")
OFFICIAL = WorkCalendar(TZ, official=chinese_calendar.is_workday)
WORKING = Tier("normal", timedelta(hours=16), timedelta(hours=24), frozenset({"accept", "resolve"}), OFFICIAL)
WALL = DEFAULT_TIERS["normal"]
POLICY = D.Policy(timedelta(hours=1), timedelta(hours=2), zone=TZ)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def open_ticket(accept_due: datetime, tier: Tier = WORKING) -> T.Ticket:
    t, _ = T.submit(new_ticket(), tier, 11, accept_due - timedelta(days=3))
    return replace(t, accept_due=accept_due)


def run(
    t: T.Ticket, tier: Tier, until: datetime, policy: D.Policy = POLICY
) -> list[tuple[str, int, datetime]]:
    """Step the sweep at each moment something is due, up to `until`: (alert kind, level, when)."""
    seen: list[tuple[str, int, datetime]] = []
    t = D.plan(t, policy, tier)
    while t.next_due is not None and t.next_due <= until:
        now = t.next_due
        step = D.step(t, now, policy, tier, 3)
        seen += [(a.kind, a.level, now.astimezone(TZ)) for a in step.alerts]
        t = step.ticket
    return seen


def test_escalation_after_a_friday_closing_time_deadline_waits_for_monday_working_hours():
    friday = at(2026, 11, 27, 17)
    seen = run(open_ticket(friday), WORKING, at(2026, 12, 2))
    assert seen == [
        ("remind", 0, at(2026, 11, 27, 16)),
        ("overdue", 0, friday),
        ("escalate", 1, friday),
        ("escalate", 2, at(2026, 11, 30, 11)),  # Monday 09:00 + 2 working hours
        ("escalate", 3, at(2026, 11, 30, 13)),
    ]


def test_a_wall_clock_tier_still_escalates_on_the_wall_clock():
    friday = at(2026, 11, 27, 17)
    seen = run(open_ticket(friday, WALL), WALL, at(2026, 12, 2))
    assert [(k, lvl, when) for k, lvl, when in seen if k == "escalate"] == [
        ("escalate", 1, friday),
        ("escalate", 2, at(2026, 11, 27, 19)),
        ("escalate", 3, at(2026, 11, 27, 21)),
    ]


def test_the_reminder_comes_one_working_hour_before_a_monday_morning_deadline():
    monday = at(2026, 11, 30, 9, 30)
    seen = run(open_ticket(monday), WORKING, monday)
    assert seen[0] == ("remind", 0, at(2026, 11, 27, 16, 30))  # Friday, not Monday 08:30


def test_escalation_skips_the_national_day_holiday_week():
    wednesday = at(2026, 9, 30, 16)
    seen = run(open_ticket(wednesday), WORKING, at(2026, 10, 9))
    assert ("escalate", 2, at(2026, 10, 8, 10)) in seen  # 1 h on 30 Sep, 1-7 Oct off, 1 h on 8 Oct


def test_quiet_hours_still_hold_a_notice_on_the_wall_clock():
    quiet = replace(POLICY, quiet=QuietHours(time(16, 30), time(7, 0)))
    friday = at(2026, 11, 27, 17)
    seen = run(open_ticket(friday), WORKING, at(2026, 12, 2), quiet)
    # The reminder at 16:00 goes out; the deadline's notices are written at 17:00 and held until
    # Saturday 07:00 (quiet hours), and the next level's working window starts from there: Monday 11:00.
    assert ("escalate", 2, at(2026, 11, 30, 11)) in seen


def test_working_time_before_a_moment_is_the_inverse_of_the_deadline():
    for start, span in (
        (at(2026, 11, 27, 10), timedelta(hours=24)),
        (at(2026, 9, 29, 10), timedelta(hours=24)),
        (at(2026, 10, 9, 10), timedelta(hours=9)),
    ):
        assert before(deadline(start, span, OFFICIAL), span, OFFICIAL) == start
    assert before(at(2026, 11, 30, 9), timedelta(minutes=30), OFFICIAL) == at(2026, 11, 27, 16, 30)


def test_in_a_year_no_calendar_covers_working_time_counts_monday_to_friday_not_the_wall_clock():
    start = at(2026, 12, 31, 10)  # Thursday; the package knows nothing of 2027
    assert WORKING.later("resolve", start, 3 * OFFICIAL.day_length) == at(2027, 1, 5, 10)
    assert WORKING.uncovered("resolve", start, at(2027, 1, 5, 10)) == 2027
    assert WORKING.uncovered("resolve", start, at(2026, 12, 31, 17)) is None
    assert WALL.uncovered("resolve", start, at(2027, 1, 5, 10)) is None
    assert OFFICIAL.provisional().is_workday(date(2027, 1, 4)) and not OFFICIAL.covers(2027)


def test_an_accepted_tickets_resolve_deadline_escalates_on_the_working_clock_too():
    friday = at(2026, 11, 27, 17)
    t = replace(open_ticket(friday), status=Status.ACCEPTED, accept_due=None, resolve_due=friday)
    seen = run(t, WORKING, at(2026, 12, 2))
    assert ("escalate", 2, at(2026, 11, 30, 11)) in seen


def test_a_fresh_deadline_in_a_year_no_calendar_covers_tells_the_admin_once_per_deadline():
    now = at(2026, 12, 29, 10)  # Tuesday: 16 working hours end on Thursday, 3 working days in 2027
    tier = replace(WORKING, resolve=3 * OFFICIAL.day_length)
    t, _ = T.submit(new_ticket(), tier, 11, now)
    assert t.accept_due == at(2026, 12, 31, 10)
    assert t.resolve_due == at(2027, 1, 1, 10)  # Tue 7 h, Wed 8 h, Thu 8 h, Fri 1 Jan (assumed working) 1 h
    first = D.step(t, now, POLICY, tier, 3)
    assert [(a.kind, a.year) for a in first.alerts] == [] and first.events == []  # accept (16wh) is in 2026
    accepted, _ = T.accept(first.ticket, T.Actor(user_id=1, person_id=11), now)
    second = D.step(accepted, now, POLICY, tier, 3)
    assert [(a.kind, a.deadline, a.year) for a in second.alerts] == [("calendar_gap", "resolve", 2027)]
    assert second.events[0].action == "calendar_gap" and second.events[0].detail["year"] == 2027
    assert D.step(second.ticket, now, POLICY, tier, 3).alerts == []  # planned: not again
    assert D.step(D.plan(t, POLICY, WALL), now, POLICY, WALL, 3).alerts == []

"""Reminders, escalation up the tree and auto-confirm (bot/domain/deadlines.py): pure, `now` driven."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import deadlines as D
from bot.domain import tickets as T
from bot.domain.casework import flag_earner
from bot.domain.sla import DEFAULT_TIERS, QuietHours, Tier
from bot.domain.tickets import Actor, Kind, Refused, Status, Ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)
NORMAL = DEFAULT_TIERS["normal"]  # accept 2h, resolve 3d
URGENT = DEFAULT_TIERS["urgent"]  # accept 30m, resolve 24h
POLICY = D.Policy(timedelta(minutes=30), timedelta(hours=2), None, TZ)
QUIET = dataclasses.replace(POLICY, quiet=QuietHours(time(22, 0), time(7, 0)))
MIN, HOUR = timedelta(minutes=1), timedelta(hours=1)

RESIDENT = Actor(user_id=5001)
WORKER = Actor(user_id=6011, person_id=11, roles_here=frozenset({"worker"}))
OTHER_WORKER = Actor(user_id=6012, person_id=12, roles_here=frozenset({"worker"}))
LEADER = Actor(user_id=6021, person_id=21, roles_here=frozenset({"small_leader"}))
FOREIGN_LEADER = Actor(user_id=6031, person_id=31)  # a leader of another grid has no role here


def submitted(at: datetime = T0, tier: Tier = NORMAL) -> Ticket:
    draft = Ticket(1, Kind.COMPLAINT, "other", "GN-1-1", RESIDENT.user_id, "楼道灯坏了", at)
    return T.submit(draft, tier, WORKER.person_id, at)[0]


def run(t: Ticket, now: datetime, policy: D.Policy = POLICY, tier: Tier = NORMAL, levels: int = 3) -> D.Step:
    return D.step(t, now, policy, tier, levels)


def walk(t: Ticket, times: list[datetime], **kw) -> tuple[Ticket, list[tuple[datetime, str, int]]]:
    """Sweep the ticket at each moment (only when due, as the sweep's query does); collect alerts."""
    seen = []
    for now in times:
        if D.is_due(t, now):
            s = run(t, now, **kw)
            t = s.ticket
            seen += [(now, a.kind, a.level) for a in s.alerts]
    return t, seen


def every_minute(start: datetime, end: datetime) -> list[datetime]:
    return [start + MIN * i for i in range(int((end - start) / MIN) + 1)]


# --- planning and next_due ------------------------------------------------------------------


def test_a_fresh_ticket_is_due_at_once_to_be_planned():
    t = submitted()
    assert t.next_due == T0 and D.is_due(t, T0)
    s = run(t, T0)
    assert s.alerts == [] and s.events == []
    assert s.ticket.next_due == t.accept_due - 30 * MIN  # the first reminder
    assert not D.is_due(s.ticket, T0)
    assert run(s.ticket, T0).ticket == s.ticket, "planning twice changes nothing"


def test_next_due_of_closed_done_and_deadline_free_tickets():
    t = run(submitted(), T0).ticket
    closed, _ = T.close(T.accept(t, WORKER, T0)[0], WORKER, T0 + HOUR, "修好了", timedelta(days=3))
    assert closed.next_due == closed.confirm_due == T0 + HOUR + timedelta(days=3)
    assert T.confirm(closed, RESIDENT, T0 + 2 * HOUR)[0].next_due is None
    bare = dataclasses.replace(t, accept_due=None, resolve_due=None)
    assert bare.next_due is None


def test_open_ticket_without_accept_deadline_watches_resolution():
    t = dataclasses.replace(submitted(), accept_due=None)
    assert t.watched == ("resolve", t.resolve_due)
    assert run(t, T0).ticket.next_due == t.resolve_due - 30 * MIN


# --- the acceptance ladder ------------------------------------------------------------------


def test_every_reminder_and_escalation_step_of_an_unaccepted_ticket():
    t, seen = walk(submitted(), every_minute(T0, T0 + 10 * HOUR))
    assert seen == [
        (T0 + 90 * MIN, "remind", 0),  # 30 minutes before the 2h acceptance deadline
        (T0 + 2 * HOUR, "overdue", 0),  # the deadline passes: the assignee is told …
        (T0 + 2 * HOUR, "escalate", 1),  # … and the small-group leader
        (T0 + 4 * HOUR, "escalate", 2),  # big-grid leader, one window later
        (T0 + 6 * HOUR, "escalate", 3),  # community admin
    ]
    assert t.escalation_level == 3 and t.next_due is None, "the ladder ends at the top"


def test_steps_are_logged_as_remind_and_escalate_events():
    t = run(submitted(), T0).ticket
    s1 = run(t, T0 + 90 * MIN)
    assert [(e.action, e.detail) for e in s1.events] == [("remind", {"deadline": "accept", "when": "before"})]
    s2 = run(s1.ticket, T0 + 2 * HOUR)
    assert [(e.action, e.detail) for e in s2.events] == [
        ("remind", {"deadline": "accept", "when": "overdue"}),
        ("escalate", {"deadline": "accept", "level": 1}),
    ]
    assert all(e.from_status == e.to_status == "open" for e in s1.events + s2.events)
    assert s2.ticket.escalation_level == 1 and s2.ticket.next_due == T0 + 4 * HOUR


def test_each_step_happens_once_however_often_the_sweep_looks():
    t = run(submitted(), T0).ticket
    first = run(t, T0 + 2 * HOUR + MIN)
    again = run(first.ticket, T0 + 2 * HOUR + MIN)
    assert again.alerts == [] and again.events == [] and again.ticket == first.ticket


def test_a_late_sweep_sends_one_overdue_notice_not_a_stale_reminder():
    """The bot was down from before the reminder until hours after the deadline."""
    t = run(submitted(), T0).ticket
    late = T0 + 5 * HOUR
    s = run(t, late)
    assert [(a.kind, a.level) for a in s.alerts] == [("overdue", 0), ("escalate", 1)]
    assert s.ticket.next_due == late + 2 * HOUR, "the next level gets a full window from now"


def test_shorter_window_than_the_reminder_lead_has_no_early_reminder():
    t, seen = walk(submitted(tier=URGENT), every_minute(T0, T0 + HOUR), tier=URGENT)
    assert seen[:2] == [(T0 + 30 * MIN, "overdue", 0), (T0 + 30 * MIN, "escalate", 1)]


@pytest.mark.parametrize(
    "levels, expected",
    [
        (0, [("overdue", 0)]),
        (1, [("overdue", 0), ("escalate", 1)]),
        (2, [("overdue", 0), ("escalate", 1), ("escalate", 2)]),
    ],
)
def test_the_ladder_is_as_long_as_the_reachable_levels(levels, expected):
    t, seen = walk(submitted(), every_minute(T0 + 2 * HOUR, T0 + 12 * HOUR), levels=levels)
    assert [(k, lvl) for _, k, lvl in seen] == expected and t.next_due is None


def test_a_ladder_that_shrank_stops_quietly():
    t = run(run(submitted(), T0).ticket, T0 + 2 * HOUR).ticket
    s = run(t, T0 + 4 * HOUR, levels=1)
    assert s.alerts == [] and s.ticket.next_due is None


# --- what stops the ladder ------------------------------------------------------------------


def test_acceptance_stops_the_ladder_and_starts_watching_resolution():
    t = run(run(submitted(), T0).ticket, T0 + 2 * HOUR).ticket
    assert t.escalation_level == 1
    accepted, _ = T.accept(t, WORKER, T0 + 2 * HOUR + 10 * MIN)
    assert accepted.escalation_level == 0 and D.is_due(accepted, T0 + 2 * HOUR + 10 * MIN)
    t, seen = walk(accepted, every_minute(T0 + 2 * HOUR + 10 * MIN, T0 + 12 * HOUR))
    assert seen == [], "no escalation for the acceptance deadline after acceptance"
    assert t.next_due == t.resolve_due - 30 * MIN


def test_resolution_ladder_of_an_accepted_ticket():
    t = run(submitted(), T0).ticket
    t = run(T.accept(t, WORKER, T0 + 10 * MIN)[0], T0 + 10 * MIN).ticket
    due = t.resolve_due
    s = run(t, due - 30 * MIN)
    assert [(a.kind, a.deadline, a.due) for a in s.alerts] == [("remind", "resolve", due)]
    t, seen = walk(s.ticket, every_minute(due - MIN, due + 5 * HOUR))
    assert [(when - due, k, lvl) for when, k, lvl in seen] == [
        (timedelta(0), "overdue", 0),
        (timedelta(0), "escalate", 1),
        (2 * HOUR, "escalate", 2),
        (4 * HOUR, "escalate", 3),
    ]


def test_closure_stops_the_ladder():
    t = run(T.accept(run(submitted(), T0).ticket, WORKER, T0)[0], T0).ticket
    t = run(t, t.resolve_due).ticket  # overdue, small-group leader told
    closed, _ = T.close(t, WORKER, t.resolve_due + HOUR, "修好了", timedelta(days=3))
    assert closed.escalation_level == 0
    later, seen = walk(closed, [closed.resolve_due + k * HOUR for k in range(2, 30)])
    assert seen == [] and later.status is Status.CLOSED and later.next_due == closed.confirm_due


def test_reassignment_starts_a_fresh_ladder_for_the_new_assignee():
    t = run(run(submitted(), T0).ticket, T0 + 2 * HOUR).ticket
    moved, _ = T.reassign(t, LEADER, T0 + 3 * HOUR, OTHER_WORKER.person_id, NORMAL)
    t, seen = walk(moved, every_minute(T0 + 3 * HOUR, T0 + 6 * HOUR))
    assert [(when - T0, k, lvl) for when, k, lvl in seen] == [
        (270 * MIN, "remind", 0),
        (5 * HOUR, "overdue", 0),
        (5 * HOUR, "escalate", 1),
    ]


def test_decline_keeps_the_deadline_and_the_progress():
    t = run(run(submitted(), T0).ticket, T0 + 90 * MIN).ticket
    handed, _ = T.decline(t, WORKER, T0 + 100 * MIN, "出差", LEADER.person_id)
    assert handed.next_due == t.next_due == T0 + 2 * HOUR
    assert [a.kind for a in run(handed, T0 + 2 * HOUR).alerts] == ["overdue", "escalate"]


# --- auto-confirm ---------------------------------------------------------------------------


def test_unanswered_closed_ticket_is_auto_confirmed_at_its_deadline():
    t = T.accept(submitted(), WORKER, T0)[0]
    closed, _ = T.close(t, WORKER, T0 + HOUR, "修好了", timedelta(days=3))
    due = closed.confirm_due
    assert run(closed, due - MIN).ticket == closed
    s = run(closed, due)
    assert s.ticket.status is Status.DONE and s.ticket.done_at == due and s.ticket.next_due is None
    assert [e.action for e in s.events] == ["auto_confirm"]
    assert [(a.kind, a.deadline) for a in s.alerts] == [("auto_confirm", "confirm")]
    assert flag_earner(s.ticket) == WORKER.person_id
    assert run(s.ticket, due + HOUR).alerts == [], "confirmed once"


def test_resident_answer_before_the_deadline_means_no_auto_confirm():
    closed = T.close(T.accept(submitted(), WORKER, T0)[0], WORKER, T0 + HOUR, "修好了", timedelta(days=3))[0]
    done = T.confirm(closed, RESIDENT, T0 + 2 * HOUR)[0]
    assert not D.is_due(done, closed.confirm_due + HOUR)
    assert run(done, closed.confirm_due + HOUR).alerts == []


# --- quiet hours ----------------------------------------------------------------------------


def test_a_reminder_due_at_23_00_is_released_at_07_00():
    evening = datetime(2024, 5, 6, 23, 0, tzinfo=TZ)
    t = T.accept(submitted(), WORKER, T0)[0]
    t = dataclasses.replace(t, resolve_due=datetime(2024, 5, 7, 10, 0, tzinfo=TZ))
    policy = dataclasses.replace(QUIET, remind_before=11 * HOUR)
    t = run(t, T0, policy).ticket
    assert t.next_due == evening
    s = run(t, evening, policy)
    assert [(a.kind, a.release) for a in s.alerts] == [("remind", datetime(2024, 5, 7, 7, 0, tzinfo=TZ))]


def test_a_deadline_in_quiet_hours_escalates_at_07_00_and_the_next_level_waits_a_window_from_then():
    at = datetime(2024, 5, 6, 23, 0, tzinfo=TZ)
    t = submitted(at=at - 2 * HOUR)  # accept by 23:00
    t, seen = walk(t, every_minute(at - 2 * HOUR, at + 13 * HOUR), policy=QUIET)
    morning = datetime(2024, 5, 7, 7, 0, tzinfo=TZ)
    assert [(w, k, lvl) for w, k, lvl in seen] == [  # (the 22:30 reminder could not go out before 23:00)
        (at, "overdue", 0),
        (at, "escalate", 1),
        (morning + 2 * HOUR, "escalate", 2),
        (morning + 4 * HOUR, "escalate", 3),
    ]
    released = run(run(submitted(at=at - 2 * HOUR), at - 2 * HOUR, QUIET).ticket, at, QUIET).alerts
    assert {a.release for a in released} == {morning}


def test_a_reminder_quiet_hours_would_hold_past_the_deadline_is_left_out():
    t = submitted(at=datetime(2024, 5, 6, 21, 30, tzinfo=TZ))  # accept by 23:30, reminder 23:00
    t, seen = walk(t, every_minute(t.created_at, t.accept_due + MIN), policy=QUIET)
    assert [k for _, k, _ in seen] == ["overdue", "escalate"]


def test_release_outside_quiet_hours_is_immediate():
    noon = datetime(2024, 5, 6, 12, 0, tzinfo=TZ)
    assert D.release(noon, QUIET) == noon and D.release(noon, POLICY) == noon


# --- nudge (the leader's button) ------------------------------------------------------------


def test_a_leader_may_nudge_and_nothing_changes_but_the_timeline():
    t = submitted()
    same, events = T.nudge(t, LEADER, T0 + 3 * HOUR)
    assert same == t and [(e.action, e.detail) for e in events] == [("nudge", {"to": WORKER.person_id})]


@pytest.mark.parametrize(
    "actor, reason",
    [
        (RESIDENT, "not_leader"),
        (WORKER, "not_leader"),
        (OTHER_WORKER, "not_leader"),
        (FOREIGN_LEADER, "not_leader"),
    ],
)
def test_only_a_leader_of_the_grid_may_nudge(actor, reason):
    with pytest.raises(Refused) as info:
        T.nudge(submitted(), actor, T0)
    assert info.value.reason == reason


def test_nudging_a_finished_or_own_ticket_is_refused():
    closed = T.close(T.accept(submitted(), WORKER, T0)[0], WORKER, T0, "ok", timedelta(days=3))[0]
    with pytest.raises(Refused):
        T.nudge(closed, LEADER, T0)
    mine = T.take(submitted(), LEADER, T0)[0]
    with pytest.raises(Refused) as info:
        T.nudge(mine, LEADER, T0)
    assert info.value.reason == "already_yours"

"""Casework transitions (bot/domain/casework.py): return, reroute, extension, me too, merge,
supervision, honest closure, report back — every status and every role, like test_domain_tickets."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain import casework as C
from bot.domain import deadlines as D
from bot.domain import tickets as T
from bot.domain.tickets import Actor, Status
from tests.test_domain_tickets import (
    ADMIN,
    ASSIGNEE,
    BIG_LEADER,
    COLUMNS,
    CONFIRM_WINDOW,
    NORMAL,
    NOW,
    OTHER_GRID_WORKER,
    RESIDENT,
    ROLES,
    SAME_GRID_WORKER,
    SMALL_LEADER,
    WORKER,
    LEADER,
    in_status,
    only_event,
    refused,
)

OK = None
LIAISON_ACTOR = ROLES["other_grid_worker"]  # an agency liaison holds no role in the grid
REPORT_WITHIN = timedelta(minutes=30)
NEW_DUE = NOW + timedelta(days=5)
LADDER = {"small_leader": [SMALL_LEADER], "big_leader": [BIG_LEADER], "admin": [ADMIN]}


def returned(status: Status = Status.OPEN, **changes) -> T.Ticket:
    """A ticket its worker returned: it waits at the small-group leader for rerouting."""
    return in_status(
        status, **{"returned_by": ASSIGNEE, "assignee_id": SMALL_LEADER, "return_count": 1, **changes}
    )


def referred(status: Status = Status.CLOSED, **changes) -> T.Ticket:
    return in_status(
        status,
        **{
            "outcome": "referred",
            "referred_to": OTHER_GRID_WORKER,
            "report_due": NOW + REPORT_WITHIN,
            **changes,
        },
    )


# name: (builder of the ticket in a status, the entitled actor's move, status after)
ACTIONS = {
    "return": (in_status, lambda t, a: C.return_ticket(t, a, NOW, "wrong_grid", SMALL_LEADER), "open"),
    "reroute": (returned, lambda t, a: C.reroute(t, a, NOW, SAME_GRID_WORKER, NORMAL), "open"),
    "not_ours": (returned, lambda t, a: C.close_not_ours(t, a, NOW, "属于物业", CONFIRM_WINDOW), "closed"),
    "explained": (
        in_status,
        lambda t, a: C.close_as(t, a, NOW, "explained", "规划所限", CONFIRM_WINDOW),
        "closed",
    ),
    "referred": (
        in_status,
        lambda t, a: C.close_as(
            t, a, NOW, "referred", "已转供电所", CONFIRM_WINDOW, OTHER_GRID_WORKER, REPORT_WITHIN
        ),
        "closed",
    ),
    "report": (referred, lambda t, a: C.report_back(t, a, NOW), None),
    "request_ext": (in_status, lambda t, a: C.request_extension(t, a, NOW, "等配件", NEW_DUE), None),
    "approve_ext": (
        lambda s: in_status(s, extension_due=NEW_DUE),
        lambda t, a: C.approve_extension(t, a, NOW),
        None,
    ),
    "refuse_ext": (
        lambda s: in_status(s, extension_due=NEW_DUE),
        lambda t, a: C.refuse_extension(t, a, NOW),
        None,
    ),
    "approve_2nd": (
        lambda s: in_status(s, extension_due=NEW_DUE, extension_count=1),
        lambda t, a: C.approve_extension(t, a, NOW),
        None,
    ),
    "support": (in_status, lambda t, a: C.support(t, a, NOW, already=False), None),
    "merge": (in_status, lambda t, a: C.merge(t, in_status(Status.OPEN, id=2), a, NOW)[0], "merged"),
    "supervise": (in_status, lambda t, a: C.supervise(t, a, NOW, "supervise"), None),
    "redcard": (in_status, lambda t, a: C.supervise(t, a, NOW, "red"), None),
    "lift": (lambda s: in_status(s, supervision="supervise"), lambda t, a: C.lift(t, a, NOW), None),
    "lift_red": (lambda s: in_status(s, supervision="red"), lambda t, a: C.lift(t, a, NOW), None),
    "merge_own": (
        in_status,
        lambda t, a: C.merge_own(t, in_status(Status.OPEN, id=2), a, NOW)[0],
        "merged",
    ),
}
ACTOR = {
    "return": WORKER,
    "reroute": LEADER,
    "not_ours": LEADER,
    "explained": WORKER,
    "referred": WORKER,
    "report": LIAISON_ACTOR,
    "request_ext": WORKER,
    "approve_ext": LEADER,
    "refuse_ext": LEADER,
    "approve_2nd": ROLES["big_leader"],
    "support": ROLES["other_resident"],
    "merge": LEADER,
    "supervise": LEADER,
    "redcard": ROLES["big_leader"],
    "lift": LEADER,
    "lift_red": ROLES["big_leader"],
    "merge_own": RESIDENT,
}

UNF, NOA, NOO, NCD = "not_open_or_accepted", "not_accepted", "not_open", "not_closed_or_done"
SUP = "not_open_or_accepted_or_closed"
#                  open   accepted closed done   merged
STATUS_TABLE = {
    "return": (OK, OK, UNF, UNF, UNF),
    "reroute": (OK, NOO, NOO, NOO, NOO),
    "not_ours": (OK, NOO, NOO, NOO, NOO),
    "explained": (NOA, OK, NOA, NOA, NOA),
    "referred": (NOA, OK, NOA, NOA, NOA),
    "report": (NCD, NCD, OK, OK, NCD),
    "request_ext": (OK, OK, UNF, UNF, UNF),
    "approve_ext": (OK, OK, UNF, UNF, UNF),
    "refuse_ext": (OK, OK, UNF, UNF, UNF),
    "approve_2nd": (OK, OK, UNF, UNF, UNF),
    "support": (OK, OK, OK, SUP, SUP),
    "merge": (OK, OK, UNF, UNF, UNF),
    "supervise": (OK, OK, UNF, UNF, UNF),
    "redcard": (OK, OK, UNF, UNF, UNF),
    "lift": (OK, OK, OK, OK, OK),
    "lift_red": (OK, OK, OK, OK, OK),
    "merge_own": (OK, OK, UNF, UNF, UNF),
}
STATUSES = ("open", "accepted", "closed", "done", "merged")


@pytest.mark.parametrize(
    ("action", "status", "expected"),
    [
        pytest.param(a, s, e, id=f"{a}-from-{s}")
        for a, row in STATUS_TABLE.items()
        for s, e in zip(STATUSES, row)
    ],
)
def test_status_by_action_table(action, status, expected):
    build, perform, result = ACTIONS[action]
    before = build(Status(status))
    snapshot = dataclasses.replace(before)
    if expected is OK:
        after, events = perform(before, ACTOR[action])
        assert after.status.value == (result or status)
        assert only_event(events).from_status == status
    else:
        assert refused(perform, before, ACTOR[action]) == expected
    assert before == snapshot


NA, NL, BL, OWN, NLI = "not_assignee", "not_leader", "needs_big_leader", "own_ticket", "not_liaison"
RED, NR = "needs_senior_for_red", "not_resident"
START = {
    "return": "open",
    "reroute": "open",
    "not_ours": "open",
    "explained": "accepted",
    "referred": "accepted",
    "report": "closed",
    "request_ext": "accepted",
    "approve_ext": "accepted",
    "refuse_ext": "accepted",
    "approve_2nd": "accepted",
    "support": "open",
    "merge": "open",
    "supervise": "open",
    "redcard": "open",
    "lift": "open",
    "lift_red": "open",
    "merge_own": "open",
}
#                  resident other_res assignee same_grid volunteer other_grid small_ldr big_ldr admin
ROLE_TABLE = {
    "return": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "reroute": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "not_ours": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "explained": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "referred": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "report": (NLI, NLI, NLI, NLI, NLI, OK, NLI, NLI, NLI),
    "request_ext": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "approve_ext": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "refuse_ext": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "approve_2nd": (NL, NL, NL, NL, NL, NL, BL, OK, OK),
    "support": (OWN, OK, OK, OK, OK, OK, OK, OK, OK),
    "merge": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "supervise": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "redcard": (NL, NL, NL, NL, NL, NL, RED, OK, OK),
    "lift": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "lift_red": (NL, NL, NL, NL, NL, NL, RED, OK, OK),
    "merge_own": (OK, NR, NR, NR, NR, NR, NR, NR, NR),
}


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        pytest.param(a, r, e, id=f"{r}-{a}")
        for a, row in ROLE_TABLE.items()
        for r, e in zip(COLUMNS, row, strict=True)
    ],
)
def test_role_by_action_table(action, role, expected):
    build, perform, _ = ACTIONS[action]
    before = build(Status(START[action]))
    if action in ("reroute", "not_ours") and role != "small_leader":
        before = dataclasses.replace(
            before, assignee_id=ASSIGNEE
        )  # waiting at someone else: still a leader's move
    if expected is OK:
        _, events = perform(before, ROLES[role])
        assert len(events) == 1
    else:
        assert refused(perform, before, ROLES[role]) == expected


def test_tables_cover_every_action():
    assert set(STATUS_TABLE) == set(ROLE_TABLE) == set(ACTIONS) == set(ACTOR) == set(START)


# --- return and reroute ---------------------------------------------------------------------------


def test_a_return_goes_to_the_small_group_leader_with_its_reason():
    t, events = C.return_ticket(
        in_status(Status.ACCEPTED), WORKER, NOW, "wrong_grid", C.dispatcher(LADDER, ASSIGNEE, 0)
    )
    assert (t.status, t.assignee_id, t.returned_by, t.return_count) == (
        Status.OPEN,
        SMALL_LEADER,
        ASSIGNEE,
        1,
    )
    assert events[0].action == "return" and events[0].detail["reason"] == "wrong_grid"


def test_a_ticket_returned_twice_goes_one_level_up():
    first, _ = C.return_ticket(
        in_status(Status.OPEN), WORKER, NOW, "wrong_grid", C.dispatcher(LADDER, ASSIGNEE, 0)
    )
    rerouted, _ = C.reroute(first, LEADER, NOW, SAME_GRID_WORKER, NORMAL)
    other = ROLES["same_grid_worker"]
    second, _ = C.return_ticket(
        rerouted, other, NOW, "private_dispute", C.dispatcher(LADDER, SAME_GRID_WORKER, rerouted.return_count)
    )
    assert second.assignee_id == BIG_LEADER and second.return_count == 2


@pytest.mark.parametrize(
    ("ladder", "after", "returns", "expected"),
    [
        (LADDER, ASSIGNEE, 0, SMALL_LEADER),
        (LADDER, ASSIGNEE, 1, BIG_LEADER),
        (LADDER, ASSIGNEE, 5, ADMIN),
        ({"small_leader": [], "big_leader": [BIG_LEADER], "admin": [ADMIN]}, ASSIGNEE, 0, BIG_LEADER),
        (LADDER, SMALL_LEADER, 0, BIG_LEADER),
        ({"small_leader": [], "big_leader": [], "admin": []}, ASSIGNEE, 0, None),
    ],
)
def test_the_dispatcher_of_a_return(ladder, after, returns, expected):
    assert C.dispatcher(ladder, after, returns) == expected


def test_returning_with_nobody_above_or_no_reason_is_refused():
    assert (
        refused(C.return_ticket, in_status(Status.OPEN), WORKER, NOW, "wrong_grid", None)
        == "nobody_to_hand_to"
    )
    assert refused(C.return_ticket, in_status(Status.OPEN), WORKER, NOW, "  ", SMALL_LEADER) == "empty_reason"


def test_reroute_gives_the_new_worker_a_fresh_acceptance_clock():
    t, events = C.reroute(returned(), LEADER, NOW, SAME_GRID_WORKER, NORMAL, liaison=True)
    assert (t.assignee_id, t.returned_by, t.accept_due) == (SAME_GRID_WORKER, None, NOW + NORMAL.accept)
    assert events[0].detail == {"from": ASSIGNEE, "to": SAME_GRID_WORKER, "liaison": True}
    assert refused(C.reroute, returned(), LEADER, NOW, ASSIGNEE, NORMAL) == "same_assignee"
    assert refused(C.reroute, in_status(Status.OPEN), LEADER, NOW, SAME_GRID_WORKER, NORMAL) == "not_returned"


def test_not_ours_closes_with_the_explanation_and_the_resident_may_still_dispute():
    t, _ = C.close_not_ours(returned(), LEADER, NOW, "属于物业公司", CONFIRM_WINDOW)
    assert (t.outcome, t.close_note, t.closed_by, t.confirm_due) == (
        "not_ours",
        "属于物业公司",
        SMALL_LEADER,
        NOW + CONFIRM_WINDOW,
    )
    back, _ = T.reopen(t, RESIDENT, NOW, NORMAL)
    assert back.status is Status.ACCEPTED and back.outcome is None and back.assignee_id == SMALL_LEADER


# --- extension ------------------------------------------------------------------------------------


def test_approval_moves_the_resolve_deadline_and_the_reminder_plan_follows():
    asked, events = C.request_extension(in_status(Status.ACCEPTED), WORKER, NOW, "等配件", NEW_DUE)
    assert asked.extension_due == NEW_DUE and events[0].detail["reason"] == "等配件"
    policy = D.Policy(timedelta(minutes=30), timedelta(hours=2))
    before_plan = D.plan(asked, policy, NORMAL)
    t, _ = C.approve_extension(before_plan, LEADER, NOW)
    assert (t.resolve_due, t.extension_due, t.extension_count) == (NEW_DUE, None, 1)
    assert D.plan(t, policy, NORMAL).alert_due == NEW_DUE - timedelta(minutes=30)


def test_an_extension_not_decided_before_the_deadline_lapses_approval_is_refused_refusal_clears_it():
    t = in_status(Status.ACCEPTED, extension_due=NEW_DUE)
    assert C.approve_extension(t, LEADER, t.resolve_due - timedelta(seconds=1))[0].resolve_due == NEW_DUE
    assert refused(C.approve_extension, t, LEADER, t.resolve_due) == "extension_lapsed"
    after, events = C.refuse_extension(t, LEADER, t.resolve_due + timedelta(hours=1))
    assert after.extension_due is None and after.resolve_due == t.resolve_due
    assert events[0].action == "extension_refuse"


def test_refusal_keeps_the_deadline():
    t = in_status(Status.ACCEPTED, extension_due=NEW_DUE)
    after, _ = C.refuse_extension(t, LEADER, NOW)
    assert after.resolve_due == t.resolve_due and after.extension_due is None and after.extension_count == 0


def test_an_extension_is_asked_before_the_deadline_for_a_later_date_one_at_a_time():
    t = in_status(Status.ACCEPTED)
    assert refused(C.request_extension, t, WORKER, t.resolve_due, "x", NEW_DUE) == "deadline_passed"
    assert refused(C.request_extension, t, WORKER, NOW, "x", t.resolve_due) == "date_not_later"
    assert refused(C.request_extension, t, WORKER, NOW, " ", NEW_DUE) == "empty_reason"
    pending = dataclasses.replace(t, extension_due=NEW_DUE)
    assert refused(C.request_extension, pending, WORKER, NOW, "x", NEW_DUE) == "extension_pending"
    assert refused(C.approve_extension, t, LEADER, NOW) == "no_extension_pending"


def test_done_within_an_approved_extension_is_on_time():
    t, _ = C.approve_extension(in_status(Status.ACCEPTED, extension_due=NEW_DUE), LEADER, NOW)
    late_but_extended = dataclasses.replace(t, closed_at=NEW_DUE - timedelta(hours=1))
    assert C.on_time(late_but_extended) is True
    assert C.on_time(dataclasses.replace(t, closed_at=NEW_DUE + timedelta(hours=1))) is False
    assert C.on_time(in_status(Status.ACCEPTED)) is None


# --- me too and merge -----------------------------------------------------------------------------


def test_support_counts_once_per_person():
    t, events = C.support(in_status(Status.OPEN), ROLES["other_resident"], NOW, already=False)
    assert t.support_count == 1 and events[0].detail == {"count": 1}
    assert refused(C.support, t, ROLES["other_resident"], NOW, already=True) == "already_supported"


def test_merge_folds_the_duplicate_and_counts_its_resident_on_the_target():
    target = in_status(Status.ACCEPTED, id=2, support_count=3)
    (dup, ev), (grown, ev2) = C.merge(in_status(Status.OPEN), target, LEADER, NOW)
    assert (dup.status, dup.merged_into, dup.accept_due, dup.resolve_due) == (Status.MERGED, 2, None, None)
    assert (
        grown.support_count == 4 and ev2[0].action == "merge_in" and ev2[0].detail == {"from": 1, "count": 4}
    )
    assert refused(C.merge, target, target, LEADER, NOW) == "bad_merge_target"
    assert dup.next_due is None


# --- supervision ----------------------------------------------------------------------------------


def test_supervision_is_marked_upgraded_and_lifted_with_events():
    big = ROLES["big_leader"]
    t, ev1 = C.supervise(in_status(Status.OPEN), LEADER, NOW, "supervise")
    red, ev2 = C.supervise(t, big, NOW, "red")
    assert red.supervision == "red" and ev2[0].detail == {"mark": "red", "previous": "supervise"}
    assert refused(C.supervise, red, big, NOW, "red") == "already_marked"
    assert refused(C.supervise, red, big, NOW, "yellow") == "bad_mark"
    lifted, ev3 = C.lift(red, big, NOW)
    assert lifted.supervision is None and ev3[0].action == "lift"
    assert refused(C.lift, lifted, LEADER, NOW) == "not_marked"


def test_a_small_group_leader_marks_supervision_but_not_a_red_card_and_cannot_undo_one():
    t, _ = C.supervise(in_status(Status.OPEN), LEADER, NOW, "supervise")
    assert refused(C.supervise, t, LEADER, NOW, "red") == "needs_senior_for_red"
    red, _ = C.supervise(t, ROLES["admin"], NOW, "red")
    assert refused(C.supervise, red, LEADER, NOW, "supervise") == "needs_senior_for_red"  # no downgrade
    assert refused(C.lift, red, LEADER, NOW) == "needs_senior_for_red"
    assert C.lift(t, LEADER, NOW)[0].supervision is None


def test_a_leader_of_another_small_grid_cannot_mark_this_one():
    outsider = Actor(user_id=77, person_id=77, roles_here=frozenset(), roles_above=frozenset())
    assert refused(C.supervise, in_status(Status.OPEN), outsider, NOW, "supervise") == "not_leader"


# --- honest closure -------------------------------------------------------------------------------


def test_explained_and_referred_tickets_earn_no_red_flag_resolved_ones_do():
    for outcome, extra in (
        ("explained", {}),
        ("referred", {"liaison": OTHER_GRID_WORKER, "report_within": REPORT_WITHIN}),
    ):
        closed, _ = C.close_as(
            in_status(Status.ACCEPTED), WORKER, NOW, outcome, "说明", CONFIRM_WINDOW, **extra
        )
        done, events = T.confirm(closed, RESIDENT, NOW)
        assert C.flag_earner(done) is None and events[0].detail["outcome"] == outcome
    closed, _ = T.close(in_status(Status.ACCEPTED), WORKER, NOW, "修好了", CONFIRM_WINDOW)
    assert C.flag_earner(T.confirm(closed, RESIDENT, NOW)[0]) == ASSIGNEE


def test_a_referral_needs_a_liaison_and_an_explanation_needs_words():
    t = in_status(Status.ACCEPTED)
    assert refused(C.close_as, t, WORKER, NOW, "referred", "转办", CONFIRM_WINDOW) == "no_liaison"
    assert refused(C.close_as, t, WORKER, NOW, "explained", " ", CONFIRM_WINDOW) == "empty_note"
    assert refused(C.close_as, t, WORKER, NOW, "resolved", "x", CONFIRM_WINDOW) == "bad_outcome"


def test_a_liaison_who_does_not_report_in_time_is_escalated_once_by_the_sweep():
    closed, _ = C.close_as(
        in_status(Status.ACCEPTED),
        WORKER,
        NOW,
        "referred",
        "转供电所",
        CONFIRM_WINDOW,
        OTHER_GRID_WORKER,
        REPORT_WITHIN,
    )
    assert closed.next_due == NOW + REPORT_WITHIN
    policy = D.Policy(timedelta(minutes=30), timedelta(hours=2))
    assert D.step(closed, NOW + REPORT_WITHIN - timedelta(seconds=1), policy, NORMAL, 3).events == []
    s = D.step(closed, NOW + REPORT_WITHIN, policy, NORMAL, 3)
    assert [e.action for e in s.events] == ["escalate"] and s.events[0].detail["deadline"] == "report"
    assert [a.deadline for a in s.alerts] == ["report"] and s.ticket.report_due is None
    assert s.ticket.next_due == closed.confirm_due
    assert D.step(s.ticket, NOW + REPORT_WITHIN, policy, NORMAL, 3).events == []


def test_a_liaison_reporting_in_time_stops_the_clock():
    t, events = C.report_back(referred(), LIAISON_ACTOR, NOW)
    assert t.report_due is None and events[0].detail == {"late": False}
    assert refused(C.report_back, t, LIAISON_ACTOR, NOW) == "not_waiting_report"


def test_a_liaison_actor_without_person_cannot_report():
    assert refused(C.report_back, referred(), Actor(user_id=1), NOW) == "not_liaison"


def test_merging_the_ticket_of_someone_already_supporting_keeps_the_count():
    target = in_status(Status.OPEN, id=2, support_count=1)
    (_, _), (grown, _) = C.merge(in_status(Status.OPEN), target, LEADER, NOW, already=True)
    assert grown.support_count == 1

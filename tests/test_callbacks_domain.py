"""Call-back review (bot/domain/callbacks.py): answering a review, the reopen by call-back (重办) as a
pure transition, and the call-back satisfaction rate."""

from __future__ import annotations

import pytest

from bot.domain import callbacks as C
from bot.domain.assessment import Confirmed
from bot.domain.tickets import Status
from tests.test_domain_tickets import ASSIGNEE, BIG_LEADER, NORMAL, NOW, ROLES, in_status, refused

REVIEW = C.Review(ticket_id=1, leader_id=BIG_LEADER, worker_id=ASSIGNEE, grid="GN-1-1", week="2024-W18")
BIG = ROLES["big_leader"]


def test_not_satisfied_reopens_the_done_ticket_to_its_handler_with_the_note() -> None:
    t = in_status(Status.DONE, assignee_id=99)  # the handler closed it; someone else held it last
    review, (after, events) = C.reopen(REVIEW, t, BIG, NOW, NORMAL, "居民说灯还是不亮")
    assert after.status is Status.ACCEPTED and after.assignee_id == ASSIGNEE
    assert after.resolve_due == NORMAL.resolve_by(NOW) and after.reopen_count == 1
    assert after.closed_at is None and after.done_at is None and after.outcome is None
    (e,) = events
    assert (e.action, e.from_status, e.to_status) == ("callback_unsatisfied", "done", "accepted")
    assert e.detail == {"note": "居民说灯还是不亮", "assignee": ASSIGNEE, "worker": ASSIGNEE}
    assert (review.result, review.answered_at) == ("unsatisfied", NOW)


@pytest.mark.parametrize("result", ["satisfied", "unreachable"])
def test_satisfied_or_unreachable_is_one_event_and_changes_nothing_else(result: str) -> None:
    t = in_status(Status.DONE)
    review, (after, events) = C.record(REVIEW, t, BIG, NOW, result)
    assert after == t and review.result == result
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        (f"callback_{result}", "done", "done")
    ]


def test_a_second_answer_is_refused_whatever_it_is() -> None:
    answered = C.Review(**{**REVIEW.__dict__, "result": "satisfied", "answered_at": NOW})
    t = in_status(Status.DONE)
    assert refused(C.record, answered, t, BIG, NOW, "unreachable") == "callback_answered"
    assert refused(C.reopen, answered, t, BIG, NOW, NORMAL, "note") == "callback_answered"


@pytest.mark.parametrize("who", ["resident", "assignee_worker", "small_leader", "admin", "other_grid_worker"])
def test_only_the_leader_it_was_sent_to_may_answer(who: str) -> None:
    t = in_status(Status.DONE)
    assert refused(C.record, REVIEW, t, ROLES[who], NOW, "satisfied") == "not_your_callback"
    assert refused(C.reopen, REVIEW, t, ROLES[who], NOW, NORMAL, "n") == "not_your_callback"


def test_a_leader_who_lost_the_role_may_not_answer() -> None:
    stripped = ROLES["big_leader"].__class__(user_id=6022, person_id=BIG_LEADER)
    assert refused(C.record, REVIEW, in_status(Status.DONE), stripped, NOW, "satisfied") == "not_leader"


def test_reopen_needs_a_note_and_a_done_ticket() -> None:
    assert (
        refused(C.reopen, REVIEW, in_status(Status.DONE), BIG, NOW, NORMAL, " \u200b ")
        == "empty_callback_note"
    )
    for status in (Status.OPEN, Status.ACCEPTED, Status.CLOSED, Status.MERGED):
        assert refused(C.reopen, REVIEW, in_status(status), BIG, NOW, NORMAL, "n") == "not_done"
    assert refused(C.reopen, None, in_status(Status.DONE), BIG, NOW, NORMAL, "n") == "no_callback"


def test_reopened_ticket_is_watched_again_by_its_resolve_deadline() -> None:
    _, (after, _) = C.reopen(REVIEW, in_status(Status.DONE), BIG, NOW, NORMAL, "n")
    assert after.watched == ("resolve", NORMAL.resolve_by(NOW))
    assert after.next_due is not None  # the sweep plans its reminders again


def test_call_back_satisfaction_is_satisfied_over_reached_leaving_out_unreachable() -> None:
    r = C.Results(satisfied=3, unsatisfied=1, unreachable=5)
    assert r.reached == 4 and r.rate == 0.75
    assert C.Results(unreachable=2).rate is None and not C.Results(unreachable=2).empty
    assert C.Results().empty and C.Results().rate is None
    assert C.Results(1, 0, 2) + C.Results(0, 1, 1) == C.Results(1, 1, 3)


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "138 0013 8000"),
        ("+86-138-0013-8000", "+86-138-0013-8000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese keyboard
        ("(010) 6512 3456", "(010) 6512 3456"),
        ("12345", None),
        ("1380013800012345", None),
        ("138o0138000", None),
        ("电话13800138000", None),
        ("", None),
    ],
)
def test_a_phone_number_as_residents_type_it(typed: str, kept: str | None) -> None:
    assert C.parse_phone(typed) == kept


def test_a_reopen_goes_to_the_stand_in_when_the_handler_has_left() -> None:
    _, (after, events) = C.reopen(REVIEW, in_status(Status.DONE), BIG, NOW, NORMAL, "n", to_person=21)
    assert after.assignee_id == 21 and events[0].detail["assignee"] == 21
    assert events[0].detail["worker"] == ASSIGNEE  # the call-back still judges the handler's work


def test_each_leader_samples_their_own_grids_reproducibly_and_grids_without_one_are_left_out() -> None:
    found = [(Confirmed(i, 10 + i % 2), "A-1" if i <= 6 else "B-1" if i <= 8 else "X") for i in range(1, 11)]
    leaders = {"A-1": 501, "B-1": 502}
    plan = C.plan_week(found, leaders.get, 0.2, 3, "2025-W10")
    assert set(plan) == {501, 502}
    a, pool_a = plan[501]
    b, pool_b = plan[502]
    assert (pool_a, len(a)) == (6, 3) and (pool_b, len(b)) == (2, 2)  # at least 3, at most all
    assert {r.grid for r in a} == {"A-1"} and {r.leader_id for r in a} == {501}
    assert {r.worker_id for r in a} == {10, 11}  # spread over both workers
    assert C.plan_week(found, leaders.get, 0.2, 3, "2025-W10") == plan  # the same week, the same sample

"""The ticket state machine (bot/domain/tickets.py): pure transitions, no database, no bot."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadlines import Policy, plan

from bot.domain import authorisation as A
from bot.domain import tickets as T
from bot.domain.casework import flag_earner
from bot.domain.sla import DEFAULT_TIERS
from bot.domain.tickets import Actor, Event, Kind, Refused, Status, Ticket

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)
CREATED = NOW - timedelta(hours=1)
NORMAL = DEFAULT_TIERS["normal"]
URGENT = DEFAULT_TIERS["urgent"]
CONFIRM_WINDOW = timedelta(days=3)

# Telegram user ids and roster person ids of the people around one small grid.
RESIDENT_UID = 5001
OTHER_RESIDENT_UID = 5002
ASSIGNEE = 11
SAME_GRID_WORKER = 12
VOLUNTEER = 13
OTHER_GRID_WORKER = 14
LIAISON = 15
SMALL_LEADER = 21
BIG_LEADER = 22
ADMIN = 23

ROLES: dict[str, Actor] = {
    "resident": Actor(user_id=RESIDENT_UID),
    "other_resident": Actor(user_id=OTHER_RESIDENT_UID),
    "assignee_worker": Actor(user_id=6011, person_id=ASSIGNEE, roles_here=frozenset({"worker"})),
    "same_grid_worker": Actor(user_id=6012, person_id=SAME_GRID_WORKER, roles_here=frozenset({"worker"})),
    "volunteer": Actor(user_id=6013, person_id=VOLUNTEER, roles_here=frozenset({"volunteer"})),
    "other_grid_worker": Actor(user_id=6014, person_id=OTHER_GRID_WORKER),
    "small_leader": Actor(user_id=6021, person_id=SMALL_LEADER, roles_here=frozenset({"small_leader"})),
    "big_leader": Actor(user_id=6022, person_id=BIG_LEADER, roles_above=frozenset({"big_leader"})),
    "admin": Actor(user_id=6023, person_id=ADMIN, roles_above=frozenset({"admin"})),
}
RESIDENT = ROLES["resident"]
WORKER = ROLES["assignee_worker"]
LEADER = ROLES["small_leader"]


# --- builders -------------------------------------------------------------------------------


def new_ticket(kind: Kind = Kind.COMPLAINT, **changes) -> Ticket:
    """A freshly drafted ticket, before submit."""
    base = Ticket(
        id=1,
        kind=kind,
        category="errand" if kind is Kind.WISH else "repair",
        grid="GN-1-1",
        resident_id=RESIDENT_UID,
        text="楼道灯坏了",
        created_at=CREATED,
    )
    return dataclasses.replace(base, **changes)


def in_status(status: Status, kind: Kind = Kind.COMPLAINT, **changes) -> Ticket:
    """A ticket assigned to ASSIGNEE with the fields a real ticket in `status` would have."""
    fields = dict(
        status=Status.OPEN,
        assignee_id=ASSIGNEE,
        accept_due=CREATED + NORMAL.accept,
        resolve_due=CREATED + NORMAL.resolve,
    )
    if status in (Status.ACCEPTED, Status.CLOSED, Status.DONE):
        fields.update(status=Status.ACCEPTED, accepted_at=CREATED + timedelta(minutes=10), accept_due=None)
    if status in (Status.CLOSED, Status.DONE):
        fields.update(
            status=Status.CLOSED,
            closed_by=ASSIGNEE,
            close_note="已修好",
            closed_at=NOW - timedelta(minutes=5),
            confirm_due=NOW - timedelta(minutes=5) + CONFIRM_WINDOW,
        )
    if status is Status.DONE:
        fields.update(status=Status.DONE, done_at=NOW - timedelta(minutes=1), confirm_due=None)
    if status is Status.MERGED:
        fields.update(status=Status.MERGED, merged_into=99, accept_due=None, resolve_due=None)
    fields.update(changes)
    return new_ticket(kind, **fields)


def refused(fn, *args, **kwargs) -> str:
    """Call a transition that must be refused; return the reason (nothing was returned)."""
    with pytest.raises(Refused) as info:
        fn(*args, **kwargs)
    return info.value.reason


def only_event(events: list[Event]) -> Event:
    assert len(events) == 1
    return events[0]


# --- submit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tier_name", ["urgent", "normal", "wish"])
def test_submit_opens_ticket_with_deadlines_from_its_tier(tier_name):
    tier = DEFAULT_TIERS[tier_name]
    t, events = T.submit(new_ticket(), tier, ASSIGNEE, NOW)
    assert t.status is Status.OPEN
    assert t.assignee_id == ASSIGNEE
    assert t.created_at == NOW
    assert t.accept_due == NOW + tier.accept
    assert t.resolve_due == NOW + tier.resolve
    assert events == [Event("submit", None, "open", {"assignee": ASSIGNEE})]


def test_submit_urgent_tier_gives_30_minutes_to_accept_and_a_day_to_resolve():
    t, _ = T.submit(new_ticket(), URGENT, ASSIGNEE, NOW)
    assert t.accept_due - NOW == timedelta(minutes=30)
    assert t.resolve_due - NOW == timedelta(hours=24)


def test_submit_with_nobody_to_route_to_still_opens_the_ticket_unassigned():
    t, events = T.submit(new_ticket(), NORMAL, None, NOW)
    assert t.status is Status.OPEN and t.assignee_id is None
    assert events[0].detail == {"assignee": None}


# --- accept ---------------------------------------------------------------------------------


def test_assignee_accepts_open_ticket_and_accept_deadline_stops():
    before = in_status(Status.OPEN, escalation_level=2)
    t, events = T.accept(before, WORKER, NOW)
    assert t.status is Status.ACCEPTED
    assert t.accepted_at == NOW
    assert t.accept_due is None
    assert t.resolve_due == before.resolve_due
    assert t.escalation_level == 0
    assert only_event(events) == Event("accept", "open", "accepted", {})


def test_accepting_twice_tells_the_assignee_it_is_already_accepted():
    accepted, _ = T.accept(in_status(Status.OPEN), WORKER, NOW)
    assert refused(T.accept, accepted, WORKER, NOW) == "already_accepted"


def test_someone_else_pressing_accept_on_an_accepted_ticket_is_told_it_is_not_open():
    accepted = in_status(Status.ACCEPTED)
    assert refused(T.accept, accepted, ROLES["same_grid_worker"], NOW) == "not_open"


def test_accept_on_unassigned_ticket_is_refused_even_for_an_actor_without_person():
    t = in_status(Status.OPEN, assignee_id=None)
    assert refused(T.accept, t, RESIDENT, NOW) == "not_assignee"


# --- decline --------------------------------------------------------------------------------


def test_decline_hands_the_open_ticket_to_the_next_person_with_the_reason():
    before = in_status(Status.OPEN)
    t, events = T.decline(before, WORKER, NOW, "不在我负责范围", SMALL_LEADER)
    assert t.status is Status.OPEN
    assert t.assignee_id == SMALL_LEADER
    assert only_event(events) == Event(
        "decline", "open", "open", {"reason": "不在我负责范围", "from": ASSIGNEE, "to": SMALL_LEADER}
    )


def test_decline_to_oneself_is_refused_as_nobody_to_hand_to():
    assert refused(T.decline, in_status(Status.OPEN), WORKER, NOW, "busy", ASSIGNEE) == "nobody_to_hand_to"


def test_decline_with_nobody_above_is_refused_as_nobody_to_hand_to():
    assert refused(T.decline, in_status(Status.OPEN), WORKER, NOW, "busy", None) == "nobody_to_hand_to"


# --- claim ----------------------------------------------------------------------------------


def test_grid_worker_claims_an_open_wish_from_the_group_card():
    before = in_status(Status.OPEN, Kind.WISH, escalation_level=1)
    t, events = T.claim(before, ROLES["same_grid_worker"], NOW)
    assert t.status is Status.ACCEPTED
    assert t.assignee_id == SAME_GRID_WORKER
    assert t.accepted_at == NOW and t.accept_due is None and t.escalation_level == 0
    assert only_event(events) == Event("claim", "open", "accepted", {"previous": ASSIGNEE})


def test_liaison_of_the_grid_may_claim_a_wish():
    liaison = Actor(user_id=6015, person_id=LIAISON, roles_here=frozenset({"liaison"}))
    t, _ = T.claim(in_status(Status.OPEN, Kind.WISH), liaison, NOW)
    assert t.assignee_id == LIAISON


def test_unassigned_wish_can_be_claimed():
    t, events = T.claim(in_status(Status.OPEN, Kind.WISH, assignee_id=None), ROLES["volunteer"], NOW)
    assert t.assignee_id == VOLUNTEER and events[0].detail == {"previous": None}


def test_grid_role_without_a_roster_person_cannot_claim():
    ghost = Actor(user_id=7000, person_id=None, roles_here=frozenset({"worker"}))
    assert refused(T.claim, in_status(Status.OPEN, Kind.WISH), ghost, NOW) == "not_grid_helper"


@pytest.mark.parametrize("status", list(Status))
def test_complaints_are_never_claimable_whatever_their_status(status):
    assert refused(T.claim, in_status(status), ROLES["same_grid_worker"], NOW) == "only_wishes_claimable"


# --- close ----------------------------------------------------------------------------------


def test_assignee_closes_with_note_and_photo_and_resident_gets_a_confirm_window():
    before = in_status(Status.ACCEPTED, escalation_level=1)
    t, events = T.close(before, WORKER, NOW, "灯已更换", CONFIRM_WINDOW, photo="photo-file-id")
    assert t.status is Status.CLOSED
    assert t.closed_by == ASSIGNEE
    assert t.close_note == "灯已更换"
    assert t.close_photo == "photo-file-id"
    assert t.closed_at == NOW
    assert t.confirm_due == NOW + CONFIRM_WINDOW
    assert t.escalation_level == 0
    assert only_event(events) == Event(
        "close", "accepted", "closed", {"note": "灯已更换", "outcome": "resolved"}
    )


def test_close_without_photo_leaves_no_photo():
    t, _ = T.close(in_status(Status.ACCEPTED), WORKER, NOW, "done", timedelta(hours=12))
    assert t.close_photo is None
    assert t.confirm_due == NOW + timedelta(hours=12)


# --- confirm / reopen / rate ----------------------------------------------------------------


def test_resident_confirms_and_the_closer_is_credited():
    t, events = T.confirm(in_status(Status.CLOSED), RESIDENT, NOW)
    assert t.status is Status.DONE
    assert t.done_at == NOW
    assert t.confirm_due is None
    assert only_event(events) == Event(
        "confirm", "closed", "done", {"credited": ASSIGNEE, "outcome": "resolved"}
    )


def test_resident_reopens_back_to_same_assignee_with_fresh_resolve_deadline():
    before = in_status(Status.CLOSED, escalation_level=1)
    t, events = T.reopen(before, RESIDENT, NOW, URGENT)
    assert t.status is Status.ACCEPTED
    assert t.assignee_id == ASSIGNEE
    assert t.reopen_count == 1
    assert t.resolve_due == NOW + URGENT.resolve
    assert t.confirm_due is None and t.closed_at is None
    assert t.escalation_level == 0
    assert only_event(events) == Event(
        "reopen", "closed", "accepted", {"assignee": ASSIGNEE, "outcome": "resolved"}
    )


def test_every_reopen_counts():
    t = in_status(Status.CLOSED)
    for expected in (1, 2, 3):
        t, _ = T.reopen(t, RESIDENT, NOW, NORMAL)
        assert t.reopen_count == expected
        t, _ = T.close(t, WORKER, NOW, "again", CONFIRM_WINDOW)


@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_resident_rates_a_done_ticket_one_to_five(stars):
    t, events = T.rate(in_status(Status.DONE), RESIDENT, NOW, stars)
    assert t.rating == stars
    assert t.status is Status.DONE
    assert only_event(events) == Event("rate", "done", "done", {"stars": stars})


@pytest.mark.parametrize("stars", [0, 6, -1, 10])
def test_rating_outside_one_to_five_is_refused(stars):
    assert refused(T.rate, in_status(Status.DONE), RESIDENT, NOW, stars) == "bad_rating"


def test_a_ticket_can_be_rated_only_once():
    rated, _ = T.rate(in_status(Status.DONE), RESIDENT, NOW, 4)
    assert refused(T.rate, rated, RESIDENT, NOW, 5) == "already_rated"
    assert refused(T.rate, rated, RESIDENT, NOW, 9) == "already_rated"


# --- auto_confirm ---------------------------------------------------------------------------


def test_auto_confirm_happens_exactly_when_the_window_ends_and_credits_the_closer():
    closed = in_status(Status.CLOSED)
    t, events = T.auto_confirm(closed, closed.confirm_due)
    assert t.status is Status.DONE and t.done_at == closed.confirm_due and t.confirm_due is None
    assert only_event(events) == Event(
        "auto_confirm", "closed", "done", {"credited": ASSIGNEE, "outcome": "resolved"}
    )


def test_auto_confirm_after_the_window_also_works():
    closed = in_status(Status.CLOSED)
    t, _ = T.auto_confirm(closed, closed.confirm_due + timedelta(days=2))
    assert t.status is Status.DONE


def test_auto_confirm_before_the_window_ends_is_not_due():
    closed = in_status(Status.CLOSED)
    assert refused(T.auto_confirm, closed, closed.confirm_due - timedelta(seconds=1)) == "not_due"


def test_auto_confirm_without_a_confirm_deadline_is_not_due():
    assert refused(T.auto_confirm, in_status(Status.CLOSED, confirm_due=None), NOW) == "not_due"


# --- reassign / take ------------------------------------------------------------------------


def test_leader_reassigns_open_ticket_and_new_worker_gets_a_fresh_accept_deadline():
    before = in_status(Status.OPEN, escalation_level=2)
    t, events = T.reassign(before, LEADER, NOW, SAME_GRID_WORKER, URGENT)
    assert t.status is Status.OPEN
    assert t.assignee_id == SAME_GRID_WORKER
    assert t.accept_due == NOW + URGENT.accept
    assert t.escalation_level == 0
    assert only_event(events) == Event("reassign", "open", "open", {"from": ASSIGNEE, "to": SAME_GRID_WORKER})


def test_leader_reassigns_accepted_ticket_and_it_must_be_accepted_again():
    t, events = T.reassign(in_status(Status.ACCEPTED), LEADER, NOW, SAME_GRID_WORKER, NORMAL)
    assert t.status is Status.OPEN
    assert t.accepted_at is None
    assert t.accept_due == NOW + NORMAL.accept
    assert events[0].from_status == "accepted" and events[0].to_status == "open"


def test_reassigning_an_open_ticket_to_its_current_assignee_is_refused():
    assert refused(T.reassign, in_status(Status.OPEN), LEADER, NOW, ASSIGNEE, NORMAL) == "same_assignee"


@pytest.mark.parametrize("status", [Status.OPEN, Status.ACCEPTED])
def test_leader_takes_an_unfinished_ticket_personally(status):
    t, events = T.take(in_status(status, escalation_level=1), LEADER, NOW)
    assert t.status is Status.ACCEPTED
    assert t.assignee_id == SMALL_LEADER
    assert t.accepted_at == NOW and t.accept_due is None and t.escalation_level == 0
    assert only_event(events) == Event(
        "take", status.value, "accepted", {"from": ASSIGNEE, "to": SMALL_LEADER}
    )


def test_leader_taking_an_accepted_ticket_already_theirs_is_refused():
    mine = in_status(Status.ACCEPTED, assignee_id=SMALL_LEADER)
    assert refused(T.take, mine, LEADER, NOW) == "already_yours"


def test_leader_may_take_an_open_ticket_that_was_handed_up_to_them():
    handed_up = in_status(Status.OPEN, assignee_id=SMALL_LEADER)
    t, _ = T.take(handed_up, LEADER, NOW)
    assert t.status is Status.ACCEPTED and t.assignee_id == SMALL_LEADER


def test_leader_role_without_a_roster_person_cannot_take():
    faceless = Actor(user_id=7001, person_id=None, roles_above=frozenset({"admin"}))
    assert refused(T.take, in_status(Status.OPEN), faceless, NOW) == "not_leader"


# --- next_due -------------------------------------------------------------------------------

POLICY = Policy(remind_before=timedelta(minutes=30), escalation_window=timedelta(hours=2))


def test_a_freshly_set_deadline_is_due_at_once_so_the_sweep_plans_it():
    t = in_status(Status.OPEN)
    assert t.next_due == t.created_at


def test_next_due_of_planned_open_ticket_is_the_reminder_before_acceptance():
    t = plan(in_status(Status.OPEN), POLICY, NORMAL)
    assert t.next_due == t.accept_due - POLICY.remind_before


def test_next_due_of_open_ticket_with_only_resolve_deadline():
    t = plan(in_status(Status.OPEN, accept_due=None), POLICY, NORMAL)
    assert t.next_due == CREATED + NORMAL.resolve - POLICY.remind_before


def test_next_due_of_accepted_ticket_follows_resolve_even_if_a_stale_accept_due_remains():
    t = plan(in_status(Status.ACCEPTED, accept_due=NOW - timedelta(days=1)), POLICY, NORMAL)
    assert t.next_due == t.resolve_due - POLICY.remind_before


def test_next_due_of_closed_ticket_is_the_confirm_deadline():
    t = in_status(Status.CLOSED)
    assert t.next_due == t.confirm_due


def test_done_ticket_has_no_deadline_left():
    assert in_status(Status.DONE, resolve_due=NOW, confirm_due=NOW).next_due is None


def test_next_due_is_none_when_no_deadline_is_set():
    assert in_status(Status.OPEN, accept_due=None, resolve_due=None).next_due is None


# --- flag_earner ----------------------------------------------------------------------------


def test_the_closer_earns_the_red_flag_once_confirmed():
    done, _ = T.confirm(in_status(Status.CLOSED), RESIDENT, NOW)
    assert flag_earner(done) == ASSIGNEE


def test_the_closer_earns_the_red_flag_after_auto_confirm():
    closed = in_status(Status.CLOSED)
    done, _ = T.auto_confirm(closed, closed.confirm_due)
    assert flag_earner(done) == ASSIGNEE


def test_a_ticket_a_worker_submitted_themselves_earns_no_flag():
    done = in_status(Status.DONE, self_submitted=True)
    assert flag_earner(done) is None


@pytest.mark.parametrize("status", [Status.OPEN, Status.ACCEPTED, Status.CLOSED])
def test_unfinished_tickets_earn_no_flag(status):
    assert flag_earner(in_status(status)) is None


def test_reopened_then_confirmed_ticket_still_earns_exactly_one_flag():
    timeline: list[Event] = []
    t, ev = T.submit(new_ticket(), NORMAL, ASSIGNEE, NOW)
    timeline += ev
    t, ev = T.accept(t, WORKER, NOW)
    timeline += ev
    t, ev = T.close(t, WORKER, NOW, "first try", CONFIRM_WINDOW)
    timeline += ev
    t, ev = T.reopen(t, RESIDENT, NOW, NORMAL)
    timeline += ev
    assert flag_earner(t) is None
    t, ev = T.close(t, WORKER, NOW, "second try", CONFIRM_WINDOW)
    timeline += ev
    t, ev = T.confirm(t, RESIDENT, NOW)
    timeline += ev
    assert flag_earner(t) == ASSIGNEE
    credits = [e.detail["credited"] for e in timeline if "credited" in e.detail]
    assert credits == [ASSIGNEE]


def test_after_reopen_a_leader_who_takes_over_and_closes_earns_the_flag_not_the_first_closer():
    t, _ = T.reopen(in_status(Status.CLOSED), RESIDENT, NOW, NORMAL)
    t, _ = T.take(t, LEADER, NOW)
    t, _ = T.close(t, LEADER, NOW, "leader fixed it", CONFIRM_WINDOW)
    t, _ = T.confirm(t, RESIDENT, NOW)
    assert flag_earner(t) == SMALL_LEADER


# --- whole lifecycle and purity -------------------------------------------------------------


def test_a_wish_goes_from_submit_to_rated_with_one_event_per_step():
    t, events = T.submit(new_ticket(Kind.WISH), DEFAULT_TIERS["wish"], ASSIGNEE, NOW)
    steps = [
        lambda t: T.claim(t, ROLES["volunteer"], NOW + timedelta(minutes=5)),
        lambda t: T.close(t, ROLES["volunteer"], NOW + timedelta(hours=1), "买好菜了", CONFIRM_WINDOW),
        lambda t: T.confirm(t, RESIDENT, NOW + timedelta(hours=2)),
        lambda t: T.rate(t, RESIDENT, NOW + timedelta(hours=2), 5),
    ]
    for step in steps:
        t, ev = step(t)
        events += ev
    assert [e.action for e in events] == ["submit", "claim", "close", "confirm", "rate"]
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "open"),
        ("open", "accepted"),
        ("accepted", "closed"),
        ("closed", "done"),
        ("done", "done"),
    ]
    assert t.status is Status.DONE and t.rating == 5 and flag_earner(t) == VOLUNTEER


def test_tickets_are_frozen_and_transitions_leave_the_input_untouched():
    before = in_status(Status.OPEN)
    snapshot = dataclasses.replace(before)
    after, _ = T.accept(before, WORKER, NOW)
    assert before == snapshot and before.status is Status.OPEN
    assert after is not before
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.status = Status.DONE  # type: ignore[misc]


# --- every status x every action ------------------------------------------------------------
# Each action is performed by the actor entitled to it, so the status is the only reason to refuse.

STATUS_ACTIONS = {
    "accept": (Kind.COMPLAINT, lambda t: T.accept(t, WORKER, NOW)),
    "decline": (Kind.COMPLAINT, lambda t: T.decline(t, WORKER, NOW, "busy", SMALL_LEADER)),
    "claim": (Kind.WISH, lambda t: T.claim(t, ROLES["same_grid_worker"], NOW)),
    "close": (Kind.COMPLAINT, lambda t: T.close(t, WORKER, NOW, "done", CONFIRM_WINDOW)),
    "confirm": (Kind.COMPLAINT, lambda t: T.confirm(t, RESIDENT, NOW)),
    "reopen": (Kind.COMPLAINT, lambda t: T.reopen(t, RESIDENT, NOW, NORMAL)),
    "rate": (Kind.COMPLAINT, lambda t: T.rate(t, RESIDENT, NOW, 5)),
    "auto_confirm": (Kind.COMPLAINT, lambda t: T.auto_confirm(t, NOW + timedelta(days=30))),
    "reassign": (Kind.COMPLAINT, lambda t: T.reassign(t, LEADER, NOW, SAME_GRID_WORKER, NORMAL)),
    "take": (Kind.COMPLAINT, lambda t: T.take(t, LEADER, NOW)),
}

OK = None
# action:       open                      accepted                  closed                   done
STATUS_TABLE = {
    "accept": {"open": OK, "accepted": "already_accepted", "closed": "not_open", "done": "not_open"},
    "decline": {"open": OK, "accepted": "not_open", "closed": "not_open", "done": "not_open"},
    "claim": {"open": OK, "accepted": "not_open", "closed": "not_open", "done": "not_open"},
    "close": {"open": "not_accepted", "accepted": OK, "closed": "not_accepted", "done": "not_accepted"},
    "confirm": {"open": "not_closed", "accepted": "not_closed", "closed": OK, "done": "not_closed"},
    "reopen": {"open": "not_closed", "accepted": "not_closed", "closed": OK, "done": "not_closed"},
    "rate": {"open": "not_done", "accepted": "not_done", "closed": "not_done", "done": OK},
    "auto_confirm": {"open": "not_closed", "accepted": "not_closed", "closed": OK, "done": "not_closed"},
    "reassign": {
        "open": OK,
        "accepted": OK,
        "closed": "not_open_or_accepted",
        "done": "not_open_or_accepted",
    },
    "take": {"open": OK, "accepted": OK, "closed": "not_open_or_accepted", "done": "not_open_or_accepted"},
}

for _action, _row in STATUS_TABLE.items():  # a merged duplicate is finished: nothing moves it
    _row["merged"] = "not_done" if _action == "rate" else _row["done"]

RESULT_STATUS = {
    "accept": "accepted",
    "decline": "open",
    "claim": "accepted",
    "close": "closed",
    "confirm": "done",
    "reopen": "accepted",
    "rate": "done",
    "auto_confirm": "done",
    "reassign": "open",
    "take": "accepted",
}


@pytest.mark.parametrize(
    ("action", "status", "expected"),
    [
        pytest.param(action, status, expected, id=f"{action}-from-{status}")
        for action, row in STATUS_TABLE.items()
        for status, expected in row.items()
    ],
)
def test_status_by_action_table(action, status, expected):
    kind, perform = STATUS_ACTIONS[action]
    before = in_status(Status(status), kind)
    snapshot = dataclasses.replace(before)
    if expected is OK:
        after, events = perform(before)
        assert after.status.value == RESULT_STATUS[action]
        assert only_event(events).action == action
        assert (events[0].from_status, events[0].to_status) == (status, RESULT_STATUS[action])
    else:
        assert refused(perform, before) == expected
    assert before == snapshot


def test_status_table_covers_every_action_and_every_status():
    assert set(STATUS_TABLE) == set(STATUS_ACTIONS) == set(RESULT_STATUS)
    for row in STATUS_TABLE.values():
        assert set(row) == {s.value for s in Status}


# --- every role x every action --------------------------------------------------------------
# Each action starts from the status in which it is normally allowed; only the actor varies.

ROLE_ACTIONS = {
    "accept": (in_status(Status.OPEN), lambda t, a: T.accept(t, a, NOW)),
    "decline": (in_status(Status.OPEN), lambda t, a: T.decline(t, a, NOW, "busy", BIG_LEADER)),
    "claim_wish": (in_status(Status.OPEN, Kind.WISH), lambda t, a: T.claim(t, a, NOW)),
    "claim_complaint": (in_status(Status.OPEN), lambda t, a: T.claim(t, a, NOW)),
    "close": (in_status(Status.ACCEPTED), lambda t, a: T.close(t, a, NOW, "done", CONFIRM_WINDOW)),
    "confirm": (in_status(Status.CLOSED), lambda t, a: T.confirm(t, a, NOW)),
    "reopen": (in_status(Status.CLOSED), lambda t, a: T.reopen(t, a, NOW, NORMAL)),
    "rate": (in_status(Status.DONE), lambda t, a: T.rate(t, a, NOW, 4)),
    "reassign": (in_status(Status.OPEN), lambda t, a: T.reassign(t, a, NOW, SAME_GRID_WORKER, NORMAL)),
    "take": (in_status(Status.ACCEPTED), lambda t, a: T.take(t, a, NOW)),
}
ROLE_RESULT = {
    "accept": "accepted",
    "decline": "open",
    "claim_wish": "accepted",
    "claim_complaint": None,
    "close": "closed",
    "confirm": "done",
    "reopen": "accepted",
    "rate": "done",
    "reassign": "open",
    "take": "accepted",
}

COLUMNS = (
    "resident",
    "other_resident",
    "assignee_worker",
    "same_grid_worker",
    "volunteer",
    "other_grid_worker",
    "small_leader",
    "big_leader",
    "admin",
)
NA, NR, NL, NG, WO = "not_assignee", "not_resident", "not_leader", "not_grid_helper", "only_wishes_claimable"
#                  resident other_res assignee same_grid volunteer other_grid small_ldr big_ldr admin
ROLE_TABLE = {
    "accept": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "decline": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "claim_wish": (NG, NG, OK, OK, OK, NG, OK, OK, OK),
    "claim_complaint": (WO, WO, WO, WO, WO, WO, WO, WO, WO),
    "close": (NA, NA, OK, NA, NA, NA, NA, NA, NA),
    "confirm": (OK, NR, NR, NR, NR, NR, NR, NR, NR),
    "reopen": (OK, NR, NR, NR, NR, NR, NR, NR, NR),
    "rate": (OK, NR, NR, NR, NR, NR, NR, NR, NR),
    "reassign": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
    "take": (NL, NL, NL, NL, NL, NL, OK, OK, OK),
}


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        pytest.param(action, role, expected, id=f"{role}-{action}")
        for action, row in ROLE_TABLE.items()
        for role, expected in zip(COLUMNS, row, strict=True)
    ],
)
def test_role_by_action_table(action, role, expected):
    before, perform = ROLE_ACTIONS[action]
    snapshot = dataclasses.replace(before)
    actor = ROLES[role]
    if expected is OK:
        after, events = perform(before, actor)
        assert after.status.value == ROLE_RESULT[action]
        assert only_event(events).from_status == before.status.value
    else:
        assert refused(perform, before, actor) == expected
    assert before == snapshot


def test_role_table_covers_every_role_and_action():
    assert set(ROLE_TABLE) == set(ROLE_ACTIONS) == set(ROLE_RESULT)
    assert set(COLUMNS) == set(ROLES)


@pytest.mark.parametrize("role", ["small_leader", "big_leader", "admin"])
def test_leaders_at_or_above_the_grid_are_leaders(role):
    assert ROLES[role].is_leader and ROLES[role].is_staff


@pytest.mark.parametrize("role", ["resident", "other_resident", "other_grid_worker"])
def test_residents_and_outsiders_are_not_staff(role):
    assert not ROLES[role].is_leader and not ROLES[role].is_staff


def test_workers_and_volunteers_are_staff_but_not_leaders():
    for role in ("assignee_worker", "same_grid_worker", "volunteer"):
        assert ROLES[role].is_staff and not ROLES[role].is_leader


def test_a_nudge_waits_for_the_gap_after_the_last_one():
    t = in_status(Status.OPEN)
    leader = T.Actor(9003, 3, frozenset({"small_leader"}))
    with pytest.raises(T.Refused) as refused:
        T.nudge(t, leader, NOW, last_nudge=NOW - A.NUDGE_GAP / 2)
    assert refused.value.reason == "nudged_recently"
    same, events = T.nudge(t, leader, NOW, last_nudge=NOW - A.NUDGE_GAP)
    assert same == t and [e.action for e in events] == ["nudge"]


def test_may_reassign_decides_who_may_hand_a_ticket_on_and_to_whom():
    """The escalation's choice of worker is authorised by the domain, with no stand-in worker id."""
    t = in_status(Status.OPEN)
    others = frozenset({31, 32})
    A.may_reassign(t, LEADER, workers=others)  # may choose among them
    A.may_reassign(t, LEADER, 31, others)  # and hand it to one of them
    assert refused(A.may_reassign, t, WORKER, workers=others) == "not_leader"
    assert refused(A.may_reassign, t, LEADER, workers=frozenset()) == "no_other_worker"
    assert refused(A.may_reassign, t, LEADER, 99, others) == "not_grid_worker"
    assert refused(A.may_reassign, t, LEADER, ASSIGNEE, others | {ASSIGNEE}) == "same_assignee"
    assert refused(A.may_reassign, in_status(Status.DONE), LEADER, workers=others).startswith("not_")


def test_a_stored_ticket_has_its_number_and_a_draft_has_none():
    assert in_status(Status.OPEN).number == 1
    with pytest.raises(ValueError):
        new_ticket(id=None).number

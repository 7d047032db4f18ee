"""The role-by-action table (tests/test_authorisation.py, there through the handlers) checked against the
pure rules of bot/domain/authorisation.py; and each transition refuses exactly when its rule does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import authorisation as A
from bot.domain import casework as C
from bot.domain import extension as E
from bot.domain import supervision as S
from bot.domain import tickets as T
from bot.domain.model import require_status
from bot.domain.tickets import Actor, Kind, Refused, Status, Ticket
from tests.test_authorisation import ALLOWED
from tests.test_domain_tickets import (
    ASSIGNEE,
    CONFIRM_WINDOW,
    NORMAL,
    NOW,
    RESIDENT_UID,
    SAME_GRID_WORKER,
    SMALL_LEADER,
    in_status,
)

# The people of tests/test_authorisation.py's table, as actors near the ticket's grid GN-1-1.
PEOPLE: dict[str, Actor] = {
    "resident_submitter": Actor(user_id=RESIDENT_UID),
    "other_resident": Actor(user_id=5002),
    "assignee_worker": Actor(user_id=9004, person_id=ASSIGNEE, roles_here=frozenset({"worker"})),
    "other_worker_same_grid": Actor(9007, SAME_GRID_WORKER, roles_here=frozenset({"worker"})),
    "volunteer": Actor(user_id=9005, person_id=13, roles_here=frozenset({"volunteer"})),
    "worker_other_grid": Actor(user_id=9006, person_id=14),  # GN-1-2: a sibling grid, no role here
    "small_leader": Actor(9003, SMALL_LEADER, roles_here=frozenset({"small_leader"})),
    "big_leader": Actor(user_id=9002, person_id=22, roles_above=frozenset({"big_leader"})),
    "admin": Actor(user_id=9001, person_id=23, roles_above=frozenset({"admin"})),
}
WORKERS = frozenset({ASSIGNEE, SAME_GRID_WORKER})


def _may_mark(t: Ticket, actor: Actor, mark: str) -> None:
    """Supervision's rule (bot.domain.supervision.may_mark names the reason) on an unfinished ticket."""
    require_status(t, *A.UNFINISHED)
    reason = S.may_mark(actor, mark)
    if reason:
        raise Refused(reason)


def _rule(action: str, t: Ticket, actor: Actor) -> None:
    """The may_* rule behind each ticket action of the table, with what its service loads."""
    rules = {
        "claim": lambda: A.may_claim(t, actor),
        "accept": lambda: A.may_accept(t, actor),
        "decline": lambda: A.may_decline(t, actor, SMALL_LEADER),
        "close": lambda: A.may_close(t, actor),
        "confirm": lambda: A.may_answer(t, actor),
        "reassign": lambda: A.may_reassign(t, actor, SAME_GRID_WORKER, WORKERS),
        "return": lambda: A.may_return(t, actor, SMALL_LEADER),
        "extend": lambda: E.may_request_extension(t, actor, NOW),
        "explain": lambda: A.may_close(t, actor),
        "supervise": lambda: _may_mark(t, actor, "supervise"),
        "redcard": lambda: _may_mark(t, actor, "red"),
        "me_too": lambda: A.may_support(t, actor, already=False),
        "reroute": lambda: A.may_dispatch(t, actor),
        "not_ours": lambda: A.may_dispatch(t, actor),
        "approve_ext": lambda: E.may_approve_extension(t, actor, NOW),
        "refuse_ext": lambda: E.may_refuse_extension(t, actor),
        "merge": lambda: A.may_merge(t, actor),
        "lift": lambda: S.may_lift(t, actor),
    }
    rules[action]()


TICKET = {
    "claim": in_status(Status.OPEN, Kind.WISH),
    "accept": in_status(Status.OPEN),
    "decline": in_status(Status.OPEN),
    "close": in_status(Status.ACCEPTED),
    "confirm": in_status(Status.CLOSED),
    "reassign": in_status(Status.ACCEPTED),
    "return": in_status(Status.OPEN),
    "extend": in_status(Status.ACCEPTED, resolve_due=NOW + timedelta(days=1)),
    "explain": in_status(Status.ACCEPTED),
    "supervise": in_status(Status.OPEN),
    "redcard": in_status(Status.OPEN),
    "me_too": in_status(Status.OPEN),
    "reroute": in_status(Status.OPEN, returned_by=ASSIGNEE, assignee_id=SMALL_LEADER, return_count=1),
    "not_ours": in_status(Status.OPEN, returned_by=ASSIGNEE, assignee_id=SMALL_LEADER, return_count=1),
    "approve_ext": in_status(Status.ACCEPTED, extension_due=NOW + timedelta(days=5)),
    "refuse_ext": in_status(Status.ACCEPTED, extension_due=NOW + timedelta(days=5)),
    "merge": in_status(Status.OPEN),
    "lift": in_status(Status.OPEN, supervision="supervise"),
}


def _allowed(action: str, actor: Actor, t: Ticket) -> bool:
    try:
        _rule(action, t, actor)
    except Refused:
        return False
    return True


@pytest.mark.parametrize("action", list(TICKET))
def test_the_role_by_action_table_is_what_the_rules_say(action):
    allowed = {role for role, actor in PEOPLE.items() if _allowed(action, actor, TICKET[action])}
    assert allowed == ALLOWED[action]


def test_every_ticket_action_of_the_table_has_its_rule():
    assert set(TICKET) == set(ALLOWED) - {"submit", "bind"}  # submit: anyone; bind: domain.access


TRANSITIONS = {
    "claim": lambda t, a: T.claim(t, a, NOW),
    "accept": lambda t, a: T.accept(t, a, NOW),
    "decline": lambda t, a: T.decline(t, a, NOW, "出差", SMALL_LEADER),
    "close": lambda t, a: T.close(t, a, NOW, "修好了", CONFIRM_WINDOW),
    "confirm": lambda t, a: T.confirm(t, a, NOW),
    "reassign": lambda t, a: T.reassign(t, a, NOW, SAME_GRID_WORKER, NORMAL, WORKERS),
    "return": lambda t, a: C.return_ticket(t, a, NOW, "wrong_grid", SMALL_LEADER),
    "extend": lambda t, a: C.request_extension(t, a, NOW, "等配件", NOW + timedelta(days=3)),
    "explain": lambda t, a: C.close_as(t, a, NOW, "explained", "无法解决", CONFIRM_WINDOW),
    "supervise": lambda t, a: C.supervise(t, a, NOW, "supervise"),
    "redcard": lambda t, a: C.supervise(t, a, NOW, "red"),
    "me_too": lambda t, a: C.support(t, a, NOW, already=False),
    "reroute": lambda t, a: C.reroute(t, a, NOW, SAME_GRID_WORKER, NORMAL),
    "not_ours": lambda t, a: C.close_not_ours(t, a, NOW, "属于物业", CONFIRM_WINDOW),
    "approve_ext": lambda t, a: C.approve_extension(t, a, NOW),
    "refuse_ext": lambda t, a: C.refuse_extension(t, a, NOW),
    "merge": lambda t, a: C.merge(t, in_status(Status.OPEN, id=2), a, NOW)[0],
    "lift": lambda t, a: C.lift(t, a, NOW),
}
STATUSES = [Status.OPEN, Status.ACCEPTED, Status.CLOSED, Status.DONE, Status.MERGED]


def _reason(fn, *args) -> str | None:
    try:
        fn(*args)
    except Refused as refusal:
        return refusal.reason
    return None


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_a_transition_refuses_exactly_when_its_rule_does_and_for_the_same_reason(action, status):
    """What `ask` checks before prompting is what the transition checks after the answer: nobody is
    asked for a reason or a note that would then be refused, and nobody allowed is turned away."""
    kind = Kind.WISH if action == "claim" else Kind.COMPLAINT
    t = in_status(status, kind, resolve_due=NOW + timedelta(days=1))
    for actor in PEOPLE.values():
        rule = _reason(_rule, action, t, actor)
        assert _reason(TRANSITIONS[action], t, actor) == rule, (action, status, actor)

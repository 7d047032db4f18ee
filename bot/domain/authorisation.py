"""Who may act on a ticket now: each `may_*` returns quietly or raises `Refused` with a template key.

The transitions (bot.domain.tickets, bot.domain.casework) call these before they change anything,
and a service that first asks for a text (a reason, a note, a date) calls the same rule before it
asks, so nobody is prompted for an answer that would then be refused. What was typed (an empty note,
a date not later) is checked by the transition itself. Reading and binding: bot.domain.access;
extension and supervision: bot.domain.extension and bot.domain.supervision.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.model import HELPER_ROLES, Actor, Kind, Refused, Status, Ticket, require, require_status

UNFINISHED = (Status.OPEN, Status.ACCEPTED)
NUDGE_GAP = timedelta(minutes=10)


def is_assignee(t: Ticket, actor: Actor) -> bool:
    """The actor is the roster person the ticket is assigned to."""
    return actor.person_id is not None and actor.person_id == t.assignee_id


def may_accept(t: Ticket, actor: Actor) -> None:
    """The assignee accepts an open ticket (a second press of theirs: `already_accepted`)."""
    if t.status is Status.ACCEPTED and t.assignee_id == actor.person_id:
        raise Refused("already_accepted")
    require_status(t, Status.OPEN)
    require(is_assignee(t, actor), "not_assignee")


def may_decline(t: Ticket, actor: Actor, to_person: int | None) -> None:
    """The assignee of an open ticket declines it, if someone (`to_person`) is there to take it."""
    require_status(t, Status.OPEN)
    require(is_assignee(t, actor), "not_assignee")
    require(to_person is not None and to_person != actor.person_id, "nobody_to_hand_to")


def may_claim(t: Ticket, actor: Actor) -> None:
    """A worker, volunteer, liaison or leader of the grid claims an open wish."""
    require(t.kind is Kind.WISH, "only_wishes_claimable")
    require_status(t, Status.OPEN)
    helper = bool(HELPER_ROLES & actor.roles_here) or actor.is_leader
    require(actor.person_id is not None and helper, "not_grid_helper")


def may_close(t: Ticket, actor: Actor) -> None:
    """The assignee closes an accepted ticket: resolved, explained or referred."""
    require_status(t, Status.ACCEPTED)
    require(is_assignee(t, actor), "not_assignee")


def may_answer(t: Ticket, actor: Actor) -> None:
    """The resident says whether a closed ticket is resolved (confirm or reopen)."""
    require(actor.user_id is not None and actor.user_id == t.resident_id, "not_resident")
    require_status(t, Status.CLOSED)


def may_rate(t: Ticket, actor: Actor) -> None:
    """The resident rates a finished ticket, once."""
    require(actor.user_id is not None and actor.user_id == t.resident_id, "not_resident")
    require_status(t, Status.DONE)
    require(t.rating is None, "already_rated")


def may_reassign(
    t: Ticket, actor: Actor, to_person: int | None = None, workers: frozenset[int] | None = None
) -> None:
    """A leader hands the ticket on: to `to_person`, or (None) to one of `workers` still to be chosen;
    `workers`, when given, are the gridworkers the ticket may go to."""
    require_status(t, *UNFINISHED)
    require(actor.is_leader, "not_leader")
    if to_person is None:
        require(bool(workers), "no_other_worker")
        return
    require(to_person != t.assignee_id or t.status is Status.ACCEPTED, "same_assignee")
    require(workers is None or to_person in workers, "not_grid_worker")


def may_take(t: Ticket, actor: Actor) -> None:
    """A leader takes an unfinished ticket over personally (not one they already work on)."""
    require_status(t, *UNFINISHED)
    require(actor.is_leader and actor.person_id is not None, "not_leader")
    require(actor.person_id != t.assignee_id or t.status is Status.OPEN, "already_yours")


def may_nudge(t: Ticket, actor: Actor, now: datetime, last_nudge: datetime | None = None) -> None:
    """A leader reminds someone else's unfinished ticket's assignee, at most once in NUDGE_GAP."""
    require_status(t, *UNFINISHED)
    require(actor.is_leader and actor.person_id is not None, "not_leader")
    require(t.assignee_id is not None and t.assignee_id != actor.person_id, "already_yours")
    require(last_nudge is None or now - last_nudge >= NUDGE_GAP, "nudged_recently")


def may_return(t: Ticket, actor: Actor, to_person: int | None) -> None:
    """The assignee returns an unfinished ticket (退单) once, if a dispatcher (`to_person`) is there."""
    require_status(t, *UNFINISHED)
    require(is_assignee(t, actor), "not_assignee")
    require(t.returned_by is None, "already_returned")
    require(to_person is not None and to_person != actor.person_id, "nobody_to_hand_to")


def may_dispatch(t: Ticket, actor: Actor) -> None:
    """A leader reroutes a returned ticket or closes it as not ours."""
    require_status(t, Status.OPEN)
    require(t.returned_by is not None, "not_returned")
    require(actor.is_leader and actor.person_id is not None, "not_leader")


def may_report_back(t: Ticket, actor: Actor) -> None:
    """The agency liaison a ticket was referred to reports that they have it (报到)."""
    require_status(t, Status.CLOSED, Status.DONE)
    require(t.outcome == "referred" and t.report_due is not None, "not_waiting_report")
    require(actor.person_id is not None and actor.person_id == t.referred_to, "not_liaison")


def may_support(t: Ticket, actor: Actor, already: bool) -> None:
    """A neighbour (not the resident) says "me too" on a ticket still open, in hand or closed, once."""
    require_status(t, Status.OPEN, Status.ACCEPTED, Status.CLOSED)
    require(actor.user_id is not None and actor.user_id != t.resident_id, "own_ticket")
    require(not already, "already_supported")


def may_merge(t: Ticket, actor: Actor) -> None:
    """A leader folds an unfinished duplicate into another ticket."""
    require_status(t, *UNFINISHED)
    require(actor.is_leader, "not_leader")

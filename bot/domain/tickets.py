"""The ticket state machine: every transition is a pure function returning new state plus events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.domain.authorisation import (
    may_accept,
    may_answer,
    may_claim,
    may_close,
    may_decline,
    may_nudge,
    may_rate,
    may_reassign,
    may_take,
)
from bot.domain.model import (  # noqa: F401 (the records stay importable from here, as before the split)
    SYSTEM,
    Actor,
    Event,
    Kind,
    Refused,
    Result,
    Status,
    Ticket,
    require,
    require_status,
)
from bot.domain.sla import Tier


def _move(t: Ticket, action: str, to: Status, detail: dict | None = None, **changes: Any) -> Result:
    new = replace(t, status=to, **changes)
    return new, [Event(action, t.status.value, to.value, detail or {})]


def to_accept(
    t: Ticket, action: str, detail: dict, to_person: int | None, accept_due: datetime, **more: Any
) -> Result:
    """Give the ticket to `to_person`, who must accept it by `accept_due`; escalation starts again."""
    return _move(
        t,
        action,
        Status.OPEN,
        detail,
        assignee_id=to_person,
        accepted_at=None,
        accept_due=accept_due,
        escalation_level=0,
        **more,
    )


def submit(
    t: Ticket, tier: Tier, assignee_id: int | None, now: datetime, copied: tuple[int, ...] = ()
) -> Result:
    """Open a new ticket with its deadlines and first assignee (and whom it is copied to); the accept
    deadline is kept as `response_due` for the response rate."""
    accept_due = tier.accept_by(now)
    opened = replace(
        t,
        status=Status.OPEN,
        created_at=now,
        assignee_id=assignee_id,
        accept_due=accept_due,
        resolve_due=tier.resolve_by(now),
        response_due=accept_due,
    )
    detail: dict[str, Any] = {"assignee": assignee_id, **({"copied": list(copied)} if copied else {})}
    return opened, [Event("submit", None, Status.OPEN.value, detail)]


def accept(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The assignee accepts an open ticket; the first valid press wins."""
    may_accept(t, actor)
    return _move(t, "accept", Status.ACCEPTED, accepted_at=now, accept_due=None, escalation_level=0)


def decline(t: Ticket, actor: Actor, now: datetime, reason: str, to_person: int | None) -> Result:
    """The assignee declines with a reason; the ticket goes to the next responsible person."""
    may_decline(t, actor, to_person)
    detail = {"reason": reason, "from": actor.person_id, "to": to_person}
    return _move(t, "decline", Status.OPEN, detail, assignee_id=to_person)


def claim(t: Ticket, actor: Actor, now: datetime) -> Result:
    """A worker or volunteer of the grid claims an open wish from the group card."""
    may_claim(t, actor)
    detail = {"previous": t.assignee_id}
    return _move(
        t,
        "claim",
        Status.ACCEPTED,
        detail,
        assignee_id=actor.person_id,
        accepted_at=now,
        accept_due=None,
        escalation_level=0,
    )


def close(
    t: Ticket, actor: Actor, now: datetime, note: str, confirm_within: timedelta, photo: str | None = None
) -> Result:
    """The assignee reports the work done; the resident is asked to confirm."""
    may_close(t, actor)
    return _move(
        t,
        "close",
        Status.CLOSED,
        {"note": note, "outcome": "resolved"},
        closed_by=actor.person_id,
        close_note=note,
        close_photo=photo,
        closed_at=now,
        confirm_due=now + confirm_within,
        escalation_level=0,
        outcome="resolved",
    )


def _credit(t: Ticket) -> dict:
    return {"credited": t.closed_by, "outcome": t.outcome or "resolved"}


def confirm(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The resident confirms the result."""
    may_answer(t, actor)
    return _move(t, "confirm", Status.DONE, _credit(t), done_at=now, confirm_due=None)


def reopen(t: Ticket, actor: Actor, now: datetime, tier: Tier) -> Result:
    """The resident says it is not resolved: back to the same assignee with a fresh deadline."""
    may_answer(t, actor)
    return _move(
        t,
        "reopen",
        Status.ACCEPTED,
        {"assignee": t.assignee_id, "outcome": t.outcome or "resolved"},
        reopen_count=t.reopen_count + 1,
        confirm_due=None,
        closed_at=None,
        outcome=None,
        referred_to=None,
        report_due=None,
        resolve_due=tier.resolve_by(now),
        escalation_level=0,
    )


def rate(t: Ticket, actor: Actor, now: datetime, stars: int) -> Result:
    """The resident rates a finished ticket from 1 to 5, once."""
    may_rate(t, actor)
    require(1 <= stars <= 5, "bad_rating")
    new = replace(t, rating=stars)
    return new, [Event("rate", t.status.value, t.status.value, {"stars": stars})]


def auto_confirm(t: Ticket, now: datetime) -> Result:
    """A closed ticket the resident left unanswered past its window counts as confirmed."""
    require_status(t, Status.CLOSED)
    require(t.confirm_due is not None and now >= t.confirm_due, "not_due")
    return _move(t, "auto_confirm", Status.DONE, _credit(t), done_at=now, confirm_due=None)


def reassign(
    t: Ticket, actor: Actor, now: datetime, to_person: int, tier: Tier, workers: frozenset[int] | None = None
) -> Result:
    """A leader hands an unfinished ticket to another worker (one of `workers`), who must accept it."""
    may_reassign(t, actor, to_person, workers)
    return to_accept(t, "reassign", {"from": t.assignee_id, "to": to_person}, to_person, tier.accept_by(now))


def take(t: Ticket, actor: Actor, now: datetime) -> Result:
    """A leader takes an unfinished ticket over personally."""
    may_take(t, actor)
    detail = {"from": t.assignee_id, "to": actor.person_id}
    return _move(
        t,
        "take",
        Status.ACCEPTED,
        detail,
        assignee_id=actor.person_id,
        accepted_at=now,
        accept_due=None,
        escalation_level=0,
    )


def hand_over(t: Ticket, now: datetime, to_person: int | None, tier: Tier) -> Result:
    """The assignee left the grid: the ticket goes to the leader above, who must accept it."""
    require_status(t, Status.OPEN, Status.ACCEPTED)
    require(to_person is not None and to_person != t.assignee_id, "nobody_to_hand_to")
    detail = {"from": t.assignee_id, "to": to_person, "reason": "left_grid"}
    return to_accept(t, "reassign", detail, to_person, tier.accept_by(now))


def nudge(t: Ticket, actor: Actor, now: datetime, last_nudge: datetime | None = None) -> Result:
    """A leader reminds the assignee of an unfinished ticket (at most once in authorisation.NUDGE_GAP)."""
    may_nudge(t, actor, now, last_nudge)
    return t, [Event("nudge", t.status.value, t.status.value, {"to": t.assignee_id})]

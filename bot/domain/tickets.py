"""The ticket state machine: every transition is a pure function returning new state plus events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from bot.domain.sla import Tier

LEADER_ROLES = frozenset({"small_leader", "big_leader", "admin"})
HELPER_ROLES = frozenset({"worker", "volunteer", "liaison"})


class Status(StrEnum):
    """Where a ticket is in its life."""

    OPEN = "open"  # submitted and assigned, waiting to be accepted
    ACCEPTED = "accepted"  # someone is working on it
    CLOSED = "closed"  # the worker says it is done; the resident has to confirm
    DONE = "done"  # confirmed by the resident or automatically
    MERGED = (
        "merged"  # a duplicate folded into another ticket (`merged_into`); its resident supports that one
    )


class Kind(StrEnum):
    """A wish (small help request) or a complaint."""

    WISH = "wish"
    COMPLAINT = "complaint"


class Refused(Exception):
    """An action the rules do not allow; `reason` names a template key for the polite answer."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Actor:
    """Who acts: a Telegram user, the roster person behind them, and their roles near the ticket."""

    user_id: int | None
    person_id: int | None = None
    roles_here: frozenset[str] = frozenset()
    roles_above: frozenset[str] = frozenset()

    @property
    def is_leader(self) -> bool:
        """True for a small-group leader, big-grid leader or admin at or above the ticket's grid."""
        return bool(LEADER_ROLES & (self.roles_here | self.roles_above))

    @property
    def is_staff(self) -> bool:
        """True for anyone holding a role at or above the ticket's grid."""
        return bool(self.roles_here | self.roles_above)


SYSTEM = Actor(user_id=None)


@dataclass(frozen=True)
class Event:
    """One row of a ticket's timeline."""

    action: str
    from_status: str | None
    to_status: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ticket:
    """A wish or complaint and its whole mutable state; deadlines are plain columns."""

    id: int | None
    kind: Kind
    category: str
    grid: str
    resident_id: int
    text: str
    created_at: datetime
    status: Status = Status.OPEN
    assignee_id: int | None = None
    closed_by: int | None = None
    close_note: str | None = None
    rating: int | None = None
    reopen_count: int = 0
    escalation_level: int = 0
    self_submitted: bool = False
    origin_chat_id: int | None = None
    photo_file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    close_photo: str | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    done_at: datetime | None = None
    accept_due: datetime | None = None
    resolve_due: datetime | None = None
    confirm_due: datetime | None = None
    alert_for: str | None = None  # which deadline the alert plan below is about (see `watched`)
    alert_step: int = 0  # how many steps of that plan are done (bot.domain.deadlines)
    alert_at: float | None = None  # when the next step is due, epoch seconds; None: nothing left
    outcome: str | None = (
        None  # how it was closed: resolved, explained, referred, not_ours (bot.domain.casework)
    )
    return_count: int = 0  # how often an assignee returned it (退单)
    returned_by: int | None = None  # set while a returned ticket waits for its dispatcher to reroute it
    extension_count: int = 0  # approved extensions (延期)
    extension_due: datetime | None = None  # the new date of a pending extension request
    supervision: str | None = None  # None, "supervise" (督办) or "red" (挂牌督办)
    support_count: int = 0  # residents who pressed "me too" or whose duplicate was merged in
    merged_into: int | None = None
    referred_to: int | None = None  # the agency liaison a referred ticket went to
    report_due: datetime | None = None  # when that liaison must have reported back (报到)

    @property
    def watched(self) -> tuple[str, datetime] | None:
        """The deadline the sweep watches now: acceptance for open tickets, resolution for accepted ones."""
        if self.status is Status.OPEN and self.accept_due is not None:
            return "accept", self.accept_due
        if self.status in (Status.OPEN, Status.ACCEPTED) and self.resolve_due is not None:
            return "resolve", self.resolve_due
        return None

    @property
    def alert_key(self) -> str | None:
        """Names the watched deadline; a transition that changes it makes the alert plan stale."""
        w = self.watched
        return None if w is None else f"{self.status.value}:{w[0]}@{round(w[1].timestamp())}"

    @property
    def alert_due(self) -> datetime | None:
        """When the next reminder or escalation step of the current plan is due."""
        return None if self.alert_at is None else datetime.fromtimestamp(self.alert_at, timezone.utc)

    @property
    def next_due(self) -> datetime | None:
        """The earliest moment something is due: a reminder, a deadline, an escalation step, auto-confirm.

        A watched deadline whose alerts are not planned yet (a transition just set it) is due at
        once (`created_at`): the sweep plans it on its next pass (bot.domain.deadlines.step).
        """
        if self.status is Status.CLOSED:
            return min((d for d in (self.confirm_due, self.report_due) if d is not None), default=None)
        key = self.alert_key
        if key is None:
            return None
        if self.alert_for != key:
            return self.created_at
        return self.alert_due


Result = tuple[Ticket, list[Event]]


def _move(t: Ticket, action: str, to: Status, detail: dict | None = None, **changes: Any) -> Result:
    new = replace(t, status=to, **changes)
    return new, [Event(action, t.status.value, to.value, detail or {})]


def submit(
    t: Ticket, tier: Tier, assignee_id: int | None, now: datetime, copied: tuple[int, ...] = ()
) -> Result:
    """Open a new ticket with its deadlines and first assignee (and whom it is copied to)."""
    opened = replace(
        t,
        status=Status.OPEN,
        created_at=now,
        assignee_id=assignee_id,
        accept_due=tier.accept_by(now),
        resolve_due=tier.resolve_by(now),
    )
    detail: dict[str, Any] = {"assignee": assignee_id, **({"copied": list(copied)} if copied else {})}
    return opened, [Event("submit", None, Status.OPEN.value, detail)]


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise Refused(reason)


def _require_status(t: Ticket, *allowed: Status) -> None:
    if t.status not in allowed:
        raise Refused(f"not_{'_or_'.join(s.value for s in allowed)}")


def accept(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The assignee accepts an open ticket; the first valid press wins."""
    if t.status is Status.ACCEPTED and t.assignee_id == actor.person_id:
        raise Refused("already_accepted")
    _require_status(t, Status.OPEN)
    _require(actor.person_id is not None and actor.person_id == t.assignee_id, "not_assignee")
    return _move(t, "accept", Status.ACCEPTED, accepted_at=now, accept_due=None, escalation_level=0)


def decline(t: Ticket, actor: Actor, now: datetime, reason: str, to_person: int | None) -> Result:
    """The assignee declines with a reason; the ticket goes to the next responsible person."""
    _require_status(t, Status.OPEN)
    _require(actor.person_id is not None and actor.person_id == t.assignee_id, "not_assignee")
    _require(to_person is not None and to_person != actor.person_id, "nobody_to_hand_to")
    detail = {"reason": reason, "from": actor.person_id, "to": to_person}
    return _move(t, "decline", Status.OPEN, detail, assignee_id=to_person)


def claim(t: Ticket, actor: Actor, now: datetime) -> Result:
    """A worker or volunteer of the grid claims an open wish from the group card."""
    _require(t.kind is Kind.WISH, "only_wishes_claimable")
    _require_status(t, Status.OPEN)
    _require(
        actor.person_id is not None and bool(HELPER_ROLES & actor.roles_here or actor.is_leader),
        "not_grid_helper",
    )
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
    _require_status(t, Status.ACCEPTED)
    _require(actor.person_id is not None and actor.person_id == t.assignee_id, "not_assignee")
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


def _require_resident(t: Ticket, actor: Actor) -> None:
    _require(actor.user_id is not None and actor.user_id == t.resident_id, "not_resident")


def _credit(t: Ticket) -> dict:
    return {"credited": t.closed_by, "outcome": t.outcome or "resolved"}


def confirm(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The resident confirms the result."""
    _require_resident(t, actor)
    _require_status(t, Status.CLOSED)
    return _move(t, "confirm", Status.DONE, _credit(t), done_at=now, confirm_due=None)


def reopen(t: Ticket, actor: Actor, now: datetime, tier: Tier) -> Result:
    """The resident says it is not resolved: back to the same assignee with a fresh deadline."""
    _require_resident(t, actor)
    _require_status(t, Status.CLOSED)
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
    _require_resident(t, actor)
    _require_status(t, Status.DONE)
    _require(t.rating is None, "already_rated")
    _require(1 <= stars <= 5, "bad_rating")
    new = replace(t, rating=stars)
    return new, [Event("rate", t.status.value, t.status.value, {"stars": stars})]


def auto_confirm(t: Ticket, now: datetime) -> Result:
    """A closed ticket the resident left unanswered past its window counts as confirmed."""
    _require_status(t, Status.CLOSED)
    _require(t.confirm_due is not None and now >= t.confirm_due, "not_due")
    return _move(t, "auto_confirm", Status.DONE, _credit(t), done_at=now, confirm_due=None)


def may_reassign(
    t: Ticket, actor: Actor, to_person: int | None = None, workers: frozenset[int] | None = None
) -> None:
    """Refused unless the actor may hand the ticket on: to `to_person`, or (None) to one of `workers`
    still to be chosen; `workers`, when given, are the gridworkers the ticket may go to."""
    _require_status(t, Status.OPEN, Status.ACCEPTED)
    _require(actor.is_leader, "not_leader")
    if to_person is None:
        _require(bool(workers), "no_other_worker")
        return
    _require(to_person != t.assignee_id or t.status is Status.ACCEPTED, "same_assignee")
    _require(workers is None or to_person in workers, "not_grid_worker")


def reassign(
    t: Ticket, actor: Actor, now: datetime, to_person: int, tier: Tier, workers: frozenset[int] | None = None
) -> Result:
    """A leader hands an unfinished ticket to another worker (one of `workers`), who must accept it."""
    may_reassign(t, actor, to_person, workers)
    detail = {"from": t.assignee_id, "to": to_person}
    return _move(
        t,
        "reassign",
        Status.OPEN,
        detail,
        assignee_id=to_person,
        accepted_at=None,
        accept_due=tier.accept_by(now),
        escalation_level=0,
    )


def take(t: Ticket, actor: Actor, now: datetime) -> Result:
    """A leader takes an unfinished ticket over personally."""
    _require_status(t, Status.OPEN, Status.ACCEPTED)
    _require(actor.is_leader and actor.person_id is not None, "not_leader")
    _require(actor.person_id != t.assignee_id or t.status is Status.OPEN, "already_yours")
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
    _require_status(t, Status.OPEN, Status.ACCEPTED)
    _require(to_person is not None and to_person != t.assignee_id, "nobody_to_hand_to")
    detail = {"from": t.assignee_id, "to": to_person, "reason": "left_grid"}
    return _move(
        t,
        "reassign",
        Status.OPEN,
        detail,
        assignee_id=to_person,
        accepted_at=None,
        accept_due=tier.accept_by(now),
        escalation_level=0,
    )


NUDGE_GAP = timedelta(minutes=10)


def nudge(t: Ticket, actor: Actor, now: datetime, last_nudge: datetime | None = None) -> Result:
    """A leader reminds the assignee of an unfinished ticket (at most once in NUDGE_GAP)."""
    _require_status(t, Status.OPEN, Status.ACCEPTED)
    _require(actor.is_leader and actor.person_id is not None, "not_leader")
    _require(t.assignee_id is not None and t.assignee_id != actor.person_id, "already_yours")
    _require(last_nudge is None or now - last_nudge >= NUDGE_GAP, "nudged_recently")
    return t, [Event("nudge", t.status.value, t.status.value, {"to": t.assignee_id})]

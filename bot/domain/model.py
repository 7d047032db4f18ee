"""A ticket and who acts on it: the records the rules work on (status, kind, actor, event, refusal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

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
    response_due: datetime | None = None  # the first accept deadline, kept after acceptance (response rate)

    @property
    def number(self) -> int:
        """The ticket's number (#N): its id once stored; a draft not yet stored has none."""
        if self.id is None:
            raise ValueError("a ticket not yet stored has no number")
        return self.id

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


def require(condition: bool, reason: str) -> None:
    """Refused with `reason` (a template key) unless `condition` holds."""
    if not condition:
        raise Refused(reason)


def require_status(t: Ticket, *allowed: Status) -> None:
    """Refused (`not_open`, `not_open_or_accepted`…) unless the ticket is in one of `allowed`."""
    if t.status not in allowed:
        raise Refused(f"not_{'_or_'.join(s.value for s in allowed)}")

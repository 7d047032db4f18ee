"""Supervision (督办 / 挂牌督办): who may mark and lift, and the transitions, pure.

A leader of the ticket's grid (or above) may mark it for supervision (督办) and lift that mark: a
small-group leader on their own grids. Red-card supervision (挂牌督办) is the formal, named kind the
office answers for: only the big-grid leader or the community admin may put it on or take it off.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Actor, Result, Status, Ticket, require, require_status
from bot.domain.tickets import _move

MARKS = ("supervise", "red")
SENIOR_ROLES = frozenset({"big_leader", "admin"})
UNFINISHED = (Status.OPEN, Status.ACCEPTED)


def senior(actor: Actor) -> bool:
    """True for a big-grid leader or community admin at or above the ticket's grid."""
    return bool(SENIOR_ROLES & (actor.roles_here | actor.roles_above))


def may_mark(actor: Actor, mark: str | None) -> str | None:
    """Why `actor` may not put on or take off `mark` (a refusal reason), or None when allowed."""
    if not actor.is_leader:
        return "not_leader"
    if mark == "red" and not senior(actor):
        return "needs_senior_for_red"
    return None


def may_supervise(t: Ticket, actor: Actor, mark: str) -> None:
    """Refused unless `actor` may put `mark` on this unfinished ticket (and take off the one it has)."""
    require_status(t, *UNFINISHED)
    require(mark in MARKS, "bad_mark")
    reason = may_mark(actor, mark) or (may_mark(actor, t.supervision) if t.supervision else None)
    require(reason is None, reason or "")
    require(t.supervision != mark, "already_marked")


def may_lift(t: Ticket, actor: Actor) -> None:
    """Refused unless `actor` may take the ticket's mark off (a red card: the big-grid leader or admin)."""
    require(actor.is_leader, "not_leader")
    require(t.supervision is not None, "not_marked")
    reason = may_mark(actor, t.supervision)
    require(reason is None, reason or "")


def supervise(t: Ticket, actor: Actor, now: datetime, mark: str) -> Result:
    """A leader marks an unfinished ticket for supervision (督办) or red-card supervision (挂牌督办)."""
    may_supervise(t, actor, mark)
    return _move(t, "supervise", t.status, {"mark": mark, "previous": t.supervision}, supervision=mark)


def lift(t: Ticket, actor: Actor, now: datetime) -> Result:
    """A leader lifts the supervision mark (a red card: the big-grid leader or admin)."""
    may_lift(t, actor)
    return _move(t, "lift", t.status, {"mark": t.supervision}, supervision=None)

"""Extension (延期申请), pure: the assignee asks before the resolve deadline; a leader decides.

The first request is for a leader of the grid (or above), a second (and later) for the big-grid
leader or the community admin. A request must be decided before the deadline it would move: once
that has passed the ticket is overdue (and escalated), so approval is refused as lapsed; refusing
it stays possible, which clears the request.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.inputs import is_blank
from bot.domain.supervision import UNFINISHED, senior
from bot.domain.model import Actor, Result, Ticket, require, require_status
from bot.domain.tickets import _move


def may_request_extension(t: Ticket, actor: Actor, now: datetime) -> None:
    """The assignee may ask for more time before the resolve deadline, one request at a time."""
    require_status(t, *UNFINISHED)
    require(actor.person_id is not None and actor.person_id == t.assignee_id, "not_assignee")
    require(t.resolve_due is not None and now < t.resolve_due, "deadline_passed")
    require(t.extension_due is None, "extension_pending")


def request_extension(t: Ticket, actor: Actor, now: datetime, reason: str, new_due: datetime) -> Result:
    """The assignee asks for more time (延期申请) before the resolve deadline, with a reason and a date."""
    may_request_extension(t, actor, now)
    due = t.resolve_due
    assert due is not None
    require(not is_blank(reason), "empty_reason")
    require(new_due > due, "date_not_later")
    detail = {"reason": reason, "due": new_due.isoformat(), "old_due": due.isoformat()}
    return _move(t, "extension_request", t.status, detail, extension_due=new_due)


def may_decide_extension(t: Ticket, actor: Actor) -> bool:
    """The first extension is for a leader; a second (and later) needs the big-grid leader or admin."""
    return actor.is_leader and actor.person_id != t.assignee_id and (t.extension_count == 0 or senior(actor))


def may_refuse_extension(t: Ticket, actor: Actor) -> None:
    """A leader (a second request: the big-grid leader or admin) may refuse a pending request, even late."""
    require_status(t, *UNFINISHED)
    require(t.extension_due is not None, "no_extension_pending")
    require(actor.is_leader and actor.person_id != t.assignee_id, "not_leader")
    require(may_decide_extension(t, actor), "needs_big_leader")


def may_approve_extension(t: Ticket, actor: Actor, now: datetime) -> None:
    """As refusing, and only before the deadline the request would move (after it, it has lapsed)."""
    may_refuse_extension(t, actor)
    require(t.resolve_due is None or now < t.resolve_due, "extension_lapsed")


def approve_extension(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The leader approves before the deadline passed: the resolve deadline moves to the requested date."""
    may_approve_extension(t, actor, now)
    detail = {
        "due": t.extension_due.isoformat() if t.extension_due else None,
        "old_due": t.resolve_due.isoformat() if t.resolve_due else None,
    }
    return _move(
        t,
        "extension_approve",
        t.status,
        detail,
        resolve_due=t.extension_due,
        extension_due=None,
        extension_count=t.extension_count + 1,
        escalation_level=0,
    )


def refuse_extension(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The leader refuses (also after the deadline passed): the deadline stays, the request is cleared."""
    may_refuse_extension(t, actor)
    due = t.extension_due.isoformat() if t.extension_due else None
    return _move(t, "extension_refuse", t.status, {"due": due}, extension_due=None)

"""Casework off the straight path (12345 退单, 延期, 督办, honest 办结): pure transitions with events.

Each function checks who may act (a `may_*` rule of bot.domain.authorisation, raising `Refused` with
a template key), then what was typed, and returns the new ticket plus its timeline events, like
bot.domain.tickets. The services look up the people involved (dispatchers, liaisons, supporters)
and pass them in. Extension and supervision live in bot.domain.extension and bot.domain.supervision
(with who may decide them) and are re-exported here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.authorisation import (
    may_close,
    may_dispatch,
    may_merge,
    may_report_back,
    may_return,
    may_support,
)
from bot.domain.inputs import is_blank
from bot.domain.routing import LADDER
from bot.domain.model import Actor, Event, Result, Status, Ticket, require, require_status
from bot.domain.tickets import _move, to_accept
from bot.domain.sla import Tier
from bot.domain.extension import (
    approve_extension as approve_extension,
    may_decide_extension as may_decide_extension,
    refuse_extension as refuse_extension,
    request_extension as request_extension,
)
from bot.domain.supervision import MARKS as MARKS, UNFINISHED, lift as lift, supervise as supervise

RETURN_REASONS = ("wrong_grid", "agency_matter", "private_dispute", "not_a_grid_task")
OUTCOMES = ("resolved", "explained", "referred", "not_ours")


def dispatcher(ladder: dict[str, list[int]], after: int | None, returns: int) -> int | None:
    """Who gets a returned ticket: the nearest leader up; from the second return on, one level higher."""
    levels: list[int] = []
    for role in LADDER:
        person = next((p for p in ladder.get(role, []) if p != after and p not in levels), None)
        if person is not None:
            levels.append(person)
    return levels[min(returns, len(levels) - 1)] if levels else None


def return_ticket(t: Ticket, actor: Actor, now: datetime, reason: str, to_person: int | None) -> Result:
    """The assignee returns a ticket that is not theirs (退单); it waits for `to_person` to reroute it."""
    may_return(t, actor, to_person)
    require(not is_blank(reason), "empty_reason")
    detail = {"reason": reason, "from": actor.person_id, "to": to_person, "count": t.return_count + 1}
    return _move(
        t,
        "return",
        Status.OPEN,
        detail,
        assignee_id=to_person,
        returned_by=actor.person_id,
        return_count=t.return_count + 1,
        accepted_at=None,
        escalation_level=0,
    )


def reroute(
    t: Ticket,
    actor: Actor,
    now: datetime,
    to_person: int,
    tier: Tier,
    liaison: bool = False,
    grid: str | None = None,
) -> Result:
    """The dispatcher sends a returned ticket to another worker (of `grid`, if it moves) or a category's
    liaison, who must accept it."""
    may_dispatch(t, actor)
    require(to_person != t.returned_by, "same_assignee")
    detail: dict[str, object] = {"from": t.returned_by, "to": to_person, "liaison": liaison}
    if grid and grid != t.grid:
        detail["grid"] = grid
    return to_accept(
        t, "reroute", detail, to_person, tier.accept_by(now), returned_by=None, grid=grid or t.grid
    )


def close_not_ours(t: Ticket, actor: Actor, now: datetime, note: str, confirm_within: timedelta) -> Result:
    """The dispatcher closes a returned ticket as "not ours" with an explanation the resident reads."""
    may_dispatch(t, actor)
    require(not is_blank(note), "empty_note")
    return _move(
        t,
        "close",
        Status.CLOSED,
        {"note": note, "outcome": "not_ours"},
        assignee_id=actor.person_id,
        closed_by=actor.person_id,
        close_note=note,
        closed_at=now,
        confirm_due=now + confirm_within,
        returned_by=None,
        outcome="not_ours",
        escalation_level=0,
    )


def close_as(
    t: Ticket,
    actor: Actor,
    now: datetime,
    outcome: str,
    note: str,
    confirm_within: timedelta,
    liaison: int | None = None,
    report_within: timedelta | None = None,
) -> Result:
    """The assignee closes as explained (cannot be solved) or referred to an agency liaison (报到 due)."""
    may_close(t, actor)
    require(outcome in ("explained", "referred"), "bad_outcome")
    require(not is_blank(note), "empty_note")
    referred = outcome == "referred"
    require(not referred or (liaison is not None and report_within is not None), "no_liaison")
    detail = {"note": note, "outcome": outcome, "liaison": liaison if referred else None}
    return _move(
        t,
        "close",
        Status.CLOSED,
        detail,
        closed_by=actor.person_id,
        close_note=note,
        closed_at=now,
        confirm_due=now + confirm_within,
        outcome=outcome,
        escalation_level=0,
        referred_to=liaison if referred else None,
        report_due=now + report_within if referred and report_within else None,
    )


def report_back(t: Ticket, actor: Actor, now: datetime) -> Result:
    """The agency liaison a ticket was referred to reports that they have it (报到)."""
    may_report_back(t, actor)
    late = t.report_due is not None and now > t.report_due
    return _move(t, "report", t.status, {"late": late}, report_due=None)


def report_overdue(t: Ticket, now: datetime) -> Result:
    """The liaison did not report in time: the referral escalates to the leaders (once)."""
    require(t.report_due is not None and now >= t.report_due, "not_due")
    return _move(
        t, "escalate", t.status, {"deadline": "report", "liaison": t.referred_to, "level": 1}, report_due=None
    )


def support(t: Ticket, actor: Actor, now: datetime, already: bool) -> Result:
    """A neighbour says "me too" (+1) on an unfinished ticket, once each."""
    may_support(t, actor, already)
    return _move(t, "support", t.status, {"count": t.support_count + 1}, support_count=t.support_count + 1)


def _fold(t: Ticket, target: Ticket, already: bool) -> tuple[Result, Result]:
    require_status(t, *UNFINISHED)
    require(target.id != t.id and target.status in (*UNFINISHED, Status.CLOSED), "bad_merge_target")
    folded = _move(
        t,
        "merge",
        Status.MERGED,
        {"into": target.id},
        merged_into=target.id,
        accept_due=None,
        resolve_due=None,
        returned_by=None,
        extension_due=None,
    )
    grown = replace(target, support_count=target.support_count + (0 if already else 1))
    return folded, (
        grown,
        [
            Event(
                "merge_in",
                target.status.value,
                target.status.value,
                {"from": t.id, "count": grown.support_count},
            )
        ],
    )


def merge(
    t: Ticket, target: Ticket, actor: Actor, now: datetime, already: bool = False
) -> tuple[Result, Result]:
    """A leader folds a duplicate into `target`; its resident becomes one of target's supporters
    (`already`: they are one, or it is their own ticket: the count stays)."""
    may_merge(t, actor)
    return _fold(t, target, already)


def merge_own(
    t: Ticket, target: Ticket, actor: Actor, now: datetime, already: bool = False
) -> tuple[Result, Result]:
    """The resident answers "yes, the same as #N" to the duplicate question about their new ticket."""
    require(actor.user_id is not None and actor.user_id == t.resident_id, "not_resident")
    require(target.grid == t.grid and target.category == t.category, "bad_merge_target")
    return _fold(t, target, already)


def on_time(t: Ticket) -> bool | None:
    """Closed by the resolve deadline (an approved extension moved it); None while not closed."""
    if t.closed_at is None or t.resolve_due is None:
        return None
    return t.closed_at <= t.resolve_due


def flag_earner(t: Ticket) -> int | None:
    """Who earns a done ticket's red flag: its closer, if it was resolved and a resident submitted it."""
    if t.status is not Status.DONE or t.self_submitted or t.outcome not in (None, "resolved"):
        return None
    return t.closed_by

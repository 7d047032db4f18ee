"""The deadline sweep: one periodic job finds the tickets something is due for, through the index on
`tickets.next_due`, and handles each in its own transaction: load, decide with bot.domain.deadlines,
save (with the plan's progress and the next next_due), log the events, enqueue the notices.

A step and the notices it causes commit together, so each reminder, escalation and auto-confirmation
goes out exactly once, even across a crash or restart between the deadline and the sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot import i18n
from bot.domain import deadlines
from bot.domain.routing import LADDER
from bot.domain.casework import flag_earner
from bot.domain.model import SYSTEM, Status, Ticket
from bot.services import calendar_gap, cards, locales, recipients, reminders, retire, time_bank, views
from bot.services.context import Ctx
from bot.services.notices import ButtonsFor, Notice
from bot.store.uow import UnitOfWork
from bot import callback_data as cb

log = logging.getLogger(__name__)
BATCH = 500


async def levels_of(uow: UnitOfWork, t: Ticket) -> list[list[int]]:
    """The reachable rungs above the ticket, nearest first: each a list of leaders (not the assignee)
    who have a Telegram account; an empty role is skipped, so the next one up is told instead."""
    ladder = await uow.people.ladder(t.grid)
    found = await uow.people.people([pid for role in LADDER for pid in ladder[role]])
    rungs: list[list[int]] = []
    seen: set[int] = set()
    for role in LADDER:
        reachable = []
        for pid in ladder[role]:
            who = found.get(pid)
            if pid != t.assignee_id and pid not in seen and who and who.tg_user_id is not None:
                reachable.append(pid)
        seen.update(reachable)
        if reachable:
            rungs.append(reachable)
    return rungs


def work_buttons(t: Ticket) -> ButtonsFor:
    """What the assignee can do now: accept or decline an open ticket, close an accepted one."""
    return cards.accept_buttons(t) if t.status is Status.OPEN else cards.close_buttons(t)


def escalation_buttons(t: Ticket) -> ButtonsFor:
    """A leader's buttons on an escalated ticket: nudge, reassign, take it."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_nudge"), cb.escalation(t.id, "nud")),
            (i18n.label(loc, "btn_reassign"), cb.escalation(t.id, "rsg")),
            (i18n.label(loc, "btn_take"), cb.escalation(t.id, "tak")),
        ]
    ]


async def _names(uow: UnitOfWork, ids: list[int], t: Ticket, loc: str) -> str:
    return "、".join([await views.staff_label(uow, p, t.grid, loc) for p in ids])


async def _notices(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, alerts: list[deadlines.Alert], rungs: list[list[int]]
) -> list[Notice]:
    out: list[Notice] = []
    for a in alerts:
        if a.kind == "remind":
            out += await _remind_assignee(ctx, uow, t, a)
        elif a.kind == "overdue":
            out += await _tell_assignee_overdue(ctx, uow, t, a, rungs)
        elif a.kind == "calendar_gap":
            out += await calendar_gap.tell_admins(ctx, uow, t, a, a.release or t.created_at)
        elif a.kind == "escalate" and a.deadline == "report":  # the agency liaison did not report back
            out += await _report_overdue(ctx, uow, t, a, rungs)
        elif a.kind == "escalate" and 0 < a.level <= len(rungs):
            out += await _escalate_to_leaders(ctx, uow, t, a, rungs[a.level - 1])
        elif a.kind == "auto_confirm":
            out += await _auto_confirm(ctx, uow, t, a)
    return out


async def _remind_assignee(ctx: Ctx, uow: UnitOfWork, t: Ticket, a: deadlines.Alert) -> list[Notice]:
    """The assignee hears that a deadline is near."""
    return await recipients.to_person(
        ctx,
        uow,
        t.assignee_id,
        "deadline_soon",
        t,
        work_buttons(t),
        quiet=True,
        due=a.due,
        what=a.deadline,
    )


async def _tell_assignee_overdue(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, a: deadlines.Alert, rungs: list[list[int]]
) -> list[Notice]:
    """The assignee hears that a deadline has passed, and which leaders were told."""
    loc = await locales.person_locale(ctx, uow, t.assignee_id) if t.assignee_id else ctx.config.locale
    told = await _names(uow, rungs[0], t, loc) if rungs else ""
    return await recipients.to_person(
        ctx,
        uow,
        t.assignee_id,
        "deadline_passed",
        t,
        work_buttons(t),
        quiet=True,
        due=a.due,
        what=a.deadline,
        told=told,
    )


async def _escalate_to_leaders(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, a: deadlines.Alert, leaders: list[int]
) -> list[Notice]:
    """The leaders of the escalation rung hear that the ticket is late, and who holds it."""
    out: list[Notice] = []
    for pid in leaders:
        loc = await locales.person_locale(ctx, uow, pid)
        assignee = await views.staff_label(uow, t.assignee_id, t.grid, loc)
        out += await recipients.to_person(
            ctx,
            uow,
            pid,
            "escalated",
            t,
            escalation_buttons(t),
            quiet=True,
            due=a.due,
            what=a.deadline,
            level=a.level,
            assignee=assignee,
        )
    return out


async def _auto_confirm(ctx: Ctx, uow: UnitOfWork, t: Ticket, a: deadlines.Alert) -> list[Notice]:
    """The resident did not answer in time: the card, the resident and the worker hear it is confirmed."""
    out: list[Notice] = []
    out += await cards.card(ctx, uow, t)
    out += await retire.confirm_question(ctx, uow, t)
    out += await recipients.to_resident(
        ctx, uow, t, "auto_confirmed", quiet=True, window=ctx.config.auto_confirm
    )
    hours, offer = await time_bank.counted(ctx, uow, t, t.done_at or a.due)
    flag = flag_earner(t) is not None
    out += await recipients.to_person(
        ctx, uow, t.closed_by, "auto_confirmed_worker", t, quiet=True, flag=flag, hours=hours
    )
    out += offer
    return out


async def _report_overdue(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, a: deadlines.Alert, rungs: list[list[int]]
) -> list[Notice]:
    """The one who referred the ticket and the nearest leaders hear that the liaison did not report."""
    out: list[Notice] = []
    liaison = t.referred_to
    for pid in dict.fromkeys([t.closed_by, *(rungs[0] if rungs else [])]):
        if pid is None:
            continue
        loc = await locales.person_locale(ctx, uow, pid)
        who = await views.staff_label(uow, liaison, t.grid, loc)
        out += await recipients.to_person(
            ctx, uow, pid, "report_overdue", t, quiet=False, due=a.due, liaison=who
        )
    return out


async def sweep_ticket(ctx: Ctx, ticket_id: int, now: datetime) -> bool:
    """Handle one ticket in its own transaction; False if nothing was due any more."""
    async with ctx.uow() as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None or not deadlines.is_due(t, now):
            return False
        rungs = await levels_of(uow, t)
        step = deadlines.step(
            t, now, reminders.policy(ctx), ctx.config.tier_for(t.kind.value, t.category), len(rungs)
        )
        await uow.tickets.save(step.ticket)
        await uow.tickets.add_events(t.number, step.events, SYSTEM, now)
        await uow.outbox.add(
            await _notices(ctx, uow, step.ticket, step.alerts, rungs),
            now,
            ctx.config.quiet_hours,
            ctx.config.timezone,
        )
    return True


async def sweep(ctx: Ctx, now: datetime) -> int:
    """Process every ticket something is due for at `now`; returns how many were handled.

    One failing ticket is logged (by number only) and left for the next sweep; the others go on.
    """
    handled = 0
    for ticket_id in await ctx.read().tickets.due(now, BATCH):
        try:
            handled += await sweep_ticket(ctx, ticket_id, now)
        except Exception as exc:  # keep sweeping the others; this one is retried next time
            log.error("sweep of ticket %s failed: %s", ticket_id, type(exc).__name__, exc_info=exc)
    if handled:
        ctx.kick()
    return handled

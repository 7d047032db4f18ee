"""Extension (延期): the assignee asks for a new date with a reason; a leader approves or refuses by button.
Approval moves the resolve deadline (reminders and escalation follow it) and tells the resident."""

from __future__ import annotations

import re
from datetime import datetime, time

from bot import i18n
from bot.domain import casework as domain
from bot.domain.extension import may_request_extension
from bot.domain.inputs import visible
from bot.domain.tickets import Refused, Ticket
from bot.services import locales, recipients, views
from bot.services.act import Pressed, act, ask, edit_pressed, pure
from bot.services.notices import ButtonsFor
from bot.services.context import Ctx, Outcome, Who
from bot.store.uow import UnitOfWork
from bot import callback_data as cb

_TYPED = re.compile(r"\s*(\d{4}-\d{1,2}-\d{1,2})(?:\s+(\d{1,2}:\d{2}))?\s+(.+)", re.DOTALL)


def parse_request(ctx: Ctx, text: str) -> tuple[datetime, str]:
    """`2026-12-05 17:00 waiting for parts` (time optional: end of the office day) -> (new date, reason)."""
    m = _TYPED.fullmatch(text or "")
    if m is None:
        raise Refused("bad_extension")
    try:
        day = datetime.strptime(m[1], "%Y-%m-%d").date()
        at = time.fromisoformat(m[2].zfill(5)) if m[2] else ctx.config.calendar.closes
    except ValueError:
        raise Refused("bad_extension") from None
    return datetime.combine(day, at, ctx.config.timezone), visible(m[3])[:300]


async def ask_request(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may ask for more time, then ask for the new date and the reason."""

    check = pure(lambda t, actor: may_request_extension(t, actor, now))
    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_extension", "extension", "ok_reason_asked"
    )


async def _deciders(uow: UnitOfWork, t: Ticket) -> list[int]:
    ladder = await uow.people.ladder(t.grid)
    order = ladder["small_leader"] + ladder["big_leader"] + ladder["admin"]
    if t.extension_count >= 1:
        order = ladder["big_leader"] + ladder["admin"]
    return [p for p in order if p != t.assignee_id][:1]


def decision_buttons(t: Ticket) -> ButtonsFor:
    """Approve / Refuse, for the leader."""
    return lambda loc: [
        [
            (i18n.label(loc, "btn_approve"), cb.casework(t.id, "ea")),
            (i18n.label(loc, "btn_refuse"), cb.casework(t.id, "er")),
        ]
    ]


async def request(
    ctx: Ctx, who: Who, ticket_id: int, text: str, now: datetime, update_id: int | None
) -> Outcome:
    """Record the request; the leader who decides gets it with Approve and Refuse."""
    new_due, reason = parse_request(ctx, text)

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "extension", ticket_id)
        return domain.request_extension(t, actor, now, reason, new_due)

    async def notify(uow, before, t, actor):
        out = []
        for pid in await _deciders(uow, t):
            loc = await locales.person_locale(ctx, uow, pid)
            by = await views.staff_label(uow, t.assignee_id, t.grid, loc)
            out += await recipients.to_person(
                ctx,
                uow,
                pid,
                "extension_leader",
                t,
                decision_buttons(t),
                quiet=False,
                by=by,
                reason=reason,
                new_due=new_due,
                second=t.extension_count >= 1,
            )
        if not out:
            raise Refused("nobody_to_hand_to")
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_extension_asked")


async def decide(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    approve: bool,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """Approve (the deadline moves, the resident hears the new date) or refuse (it stays)."""

    async def transition(uow, t, actor):
        return (domain.approve_extension if approve else domain.refuse_extension)(t, actor, now)

    async def notify(uow, before, t, actor):
        template = "extension_approved" if approve else "extension_refused"
        out = await recipients.to_person(
            ctx, uow, t.assignee_id, f"{template}_worker", t, quiet=False, asked=before.extension_due
        )
        if approve:
            out += await recipients.to_resident(ctx, uow, t, "extension_resident", in_group=False)
        loc = await locales.user_locale(ctx, uow, actor.user_id)
        out += edit_pressed(
            pressed,
            i18n.render(
                loc, f"{template}_leader", asked=before.extension_due, **views.ticket_view(ctx, t, loc)
            ),
        )
        return out

    return await act(
        ctx,
        who,
        ticket_id,
        now,
        update_id,
        transition,
        notify,
        "ok_extension_approved" if approve else "ok_extension_refused",
    )

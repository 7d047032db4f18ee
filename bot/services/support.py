"""Me too (+1) on a public ticket's group card, and leaders merging a duplicate into another ticket."""

from __future__ import annotations

from datetime import datetime

from bot.domain import casework as domain
from bot.domain.tickets import Refused, Ticket
from bot.services import cards, locales, recipients, views
from bot import i18n
from bot.services.act import Pressed, act, edit_pressed
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork
from bot import callback_data as cb


async def me_too(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """The presser becomes a supporter (once); the card shows the new count."""

    async def decide(uow, t, actor):
        if not cards.is_public(ctx, t):
            raise Refused("not_public")
        result = domain.support(t, actor, now, await uow.casework.is_supporter(t.id, who.id))
        await uow.casework.add_supporter(t.id, who.id, now)
        return result

    async def notify(uow, before, t, actor):
        return await cards.card(ctx, uow, t)

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_supported")


async def _merged_notices(ctx: Ctx, uow: UnitOfWork, dup: Ticket, target: Ticket) -> list[Notice]:
    out = await cards.card(ctx, uow, dup)
    out += await cards.card(ctx, uow, target)
    out += await recipients.to_resident(ctx, uow, dup, "merged_resident", into=target.id)
    out += await recipients.to_person(ctx, uow, dup.assignee_id, "merged_worker", dup, into=target.id)
    return out


async def merge(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    into: int,
    now: datetime,
    update_id: int | None,
    by_resident: bool = False,
) -> Outcome:
    """Fold ticket `ticket_id` into `into`: its resident becomes a supporter of `into` and is told.

    A leader may merge any two tickets they lead; the resident may merge their own new ticket when the
    bot asked "Is it the same as #N?" (`by_resident`)."""

    async def decide(uow, t, actor):
        target = await uow.tickets.get(into)
        if target is None:
            raise Refused("no_ticket")
        fold = domain.merge_own if by_resident else domain.merge
        already = t.resident_id == target.resident_id or await uow.casework.is_supporter(
            target.id, t.resident_id
        )
        (dup, events), (grown, target_events) = fold(t, target, actor, now, already)
        if not already:
            await uow.casework.add_supporter(target.id, t.resident_id, now)
        await uow.tickets.save(grown)
        await uow.tickets.add_events(grown.id, target_events, actor, now, update_id)
        return dup, events

    async def notify(uow, before, t, actor):
        return await _merged_notices(ctx, uow, t, await uow.tickets.get(into))

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_merged")


async def duplicate_question(ctx: Ctx, uow: UnitOfWork, t: Ticket, now: datetime) -> list[Notice]:
    """A new ticket like an open one of the same grid and category from the last days: ask the resident
    privately "Is it the same as #N? [Yes, add me] [No, it is new]" (never in the group: privacy).

    Only for public matters (the 公家事 track: repairs, safety): for a private or neighbourhood matter
    the question itself would tell a resident that a neighbour complained about something like it."""
    if not cards.is_public(ctx, t):
        return []
    resident = await uow.people.user(t.resident_id)
    if resident is None or not resident.reachable:
        return []  # asked only privately: nobody to ask, nothing to look up
    same = await uow.casework.duplicate_of(
        t.grid, t.category, now - ctx.config.casework.duplicate_window, t.id
    )
    if same is None or same.resident_id == t.resident_id:
        return []

    def buttons(loc: str) -> list:
        return [
            [
                (i18n.label(loc, "btn_same_yes"), cb.casework(t.id, "dup", same.id)),
                (i18n.label(loc, "btn_same_no"), cb.casework(t.id, "new")),
            ]
        ]

    return await recipients.to_resident(
        ctx, uow, t, "duplicate_question", buttons, quiet=False, in_group=False, same=same.id
    )


async def keep_new(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None, pressed: Pressed | None = None
) -> Outcome:
    """ "No, it is new": the ticket stays as it is; the question's buttons go away."""
    async with ctx.uow(update_id) as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None or t.resident_id != who.id:
            raise Refused("not_resident" if t else "no_ticket")
        loc = await locales.user_locale(ctx, uow, who.id)
        text = i18n.render(loc, "duplicate_kept", **views.ticket_view(ctx, t, loc))
        await uow.outbox.add(edit_pressed(pressed, text), now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_kept_new", n=ticket_id), ticket_id=ticket_id)

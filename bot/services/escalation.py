"""A leader's answer to an escalated ticket: nudge the assignee, reassign to another gridworker of the
grid (after choosing one), or take the ticket personally. Each loads what the decision needs (the last
nudge, the grid's reachable workers), then the domain decides, authorisation included
(bot.domain.authorisation): a resident, a worker, or a leader of another grid is refused, and nothing
changes."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import tickets as domain
from bot.domain.records import Person
from bot.domain.authorisation import may_reassign
from bot.domain.tickets import Actor, Refused, Ticket
from bot.services import cards, locales, recipients, retire, views
from bot.services.accept import held_notify
from bot.services.act import Pressed, act, answer, edit_pressed, load, save
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.services.sweep import work_buttons
from bot.store.uow import UnitOfWork
from bot import callback_data as cb


async def _workers(uow: UnitOfWork, t: Ticket) -> list[Person]:
    """The grid's active gridworkers other than the current assignee, leaving out any who blocked the bot."""
    ids = await uow.people.holders(t.grid, "worker")
    found, away = await uow.people.people(ids), await uow.people.unreachable(ids)
    return [who for pid, who in found.items() if who.active and pid != t.assignee_id and pid not in away]


async def _actor_label(
    ctx: Ctx, uow: UnitOfWork, actor: domain.Actor, t: Ticket, for_person: int | None
) -> tuple[str, str]:
    loc = await locales.person_locale(ctx, uow, for_person) if for_person else ctx.config.locale
    return loc, await views.staff_label(uow, actor.person_id, t.grid, loc)


async def nudge(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Remind the assignee on a leader's behalf; the ticket itself does not change."""

    async def notify(uow: UnitOfWork, before: Ticket, t: Ticket, actor: Actor) -> list[Notice]:
        _, by = await _actor_label(ctx, uow, actor, t, t.assignee_id)
        due = t.watched[1] if t.watched else None
        return await recipients.to_person(
            ctx, uow, t.assignee_id, "nudged", t, work_buttons(t), quiet=True, by=by, due=due
        )

    async with ctx.uow(update_id) as uow:
        t, actor = await load(uow, who, ticket_id)
        last = await uow.tickets.last_event_at(ticket_id, "nudge")
        await save(ctx, uow, t, actor, domain.nudge(t, actor, now, last), notify, now, update_id)
        outcome = await answer(ctx, uow, who, ticket_id, "ok_nudged")
    ctx.kick()
    return outcome


async def choose(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may reassign, then send them the grid's other gridworkers to pick from."""
    async with ctx.uow(update_id) as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None:
            raise Refused("no_ticket")
        actor = await uow.people.actor(who.id, t.grid)
        workers = await _workers(uow, t)
        may_reassign(t, actor, workers=frozenset(w.id for w in workers))
        loc = await locales.user_locale(ctx, uow, who.id)
        text = i18n.render(loc, "reassign_choose", **views.ticket_view(ctx, t, loc))
        buttons = [[(w.name, cb.escalation(t.id, "rsg", w.id))] for w in workers[:20]]
        await uow.outbox.add([Notice(who.id, text, buttons, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_choose_worker"), ticket_id=ticket_id)


async def reassign(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    to_person: int,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """Hand the ticket to another gridworker of its grid, who gets the request to accept it."""

    async def notify(uow: UnitOfWork, before: Ticket, t: Ticket, actor: Actor) -> list[Notice]:
        out = await cards.card(ctx, uow, t)
        out += await recipients.assignment_request(ctx, uow, t)
        if before.assignee_id and before.assignee_id != t.assignee_id:
            loc, by = await _actor_label(ctx, uow, actor, t, before.assignee_id)
            to = await views.staff_label(uow, t.assignee_id, t.grid, loc)
            out += await recipients.to_person(
                ctx, uow, before.assignee_id, "reassigned_worker", t, quiet=True, by=by, to=to
            )
            out += await retire.request(ctx, uow, t, before.assignee_id)
        loc = await locales.user_locale(ctx, uow, actor.user_id)
        to = await views.staff_label(uow, t.assignee_id, t.grid, loc)
        out += edit_pressed(
            pressed, i18n.render(loc, "reassigned_leader", to=to, **views.ticket_view(ctx, t, loc))
        )
        return out

    async with ctx.uow(update_id) as uow:
        t, actor = await load(uow, who, ticket_id)
        workers = frozenset(w.id for w in await _workers(uow, t))
        tier = ctx.config.tier_for(t.kind.value, t.category)
        result = domain.reassign(t, actor, now, to_person, tier, workers)
        await save(ctx, uow, t, actor, result, notify, now, update_id)
        outcome = await answer(ctx, uow, who, ticket_id, "ok_reassigned")
    ctx.kick()
    return outcome


async def take(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None, pressed: Pressed | None = None
) -> Outcome:
    """The leader takes the ticket over; the resident hears who handles it, the previous assignee is freed."""

    async def decide(uow, t, actor):
        return domain.take(t, actor, now)

    return await act(
        ctx, who, ticket_id, now, update_id, decide, held_notify(ctx, pressed, "taken_leader"), "ok_taken"
    )

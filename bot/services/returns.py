"""Return (退单) and reroute: the assignee sends a ticket back with a reason; its dispatcher reroutes it
to a worker of any grid below, to the category's liaison, or closes it as "not ours"."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import casework as domain
from bot.domain.authorisation import may_dispatch, may_return
from bot.domain.inputs import visible
from bot.domain.tickets import Actor, Refused, Ticket
from bot.services import cards, locales, recipients, retire, views
from bot.services.act import Pressed, act, ask, edit_pressed, pure
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import ButtonsFor, Notice
from bot.services.outcomes import closed_notices
from bot.store.uow import UnitOfWork
from bot import callback_data as cb


def reason_text(locale: str, reason: str) -> str:
    """A listed reason in the reader's language; a typed reason as typed."""
    return i18n.label(locale, f"return_{reason}") if reason in domain.RETURN_REASONS else reason


async def _dispatcher(uow: UnitOfWork, t: Ticket, actor) -> int | None:
    return domain.dispatcher(await uow.people.ladder(t.grid), actor.person_id, t.return_count)


async def choose_reason(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may return the ticket, then offer the reasons as buttons."""
    async with ctx.uow(update_id) as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None:
            raise Refused("no_ticket")
        actor = await uow.people.actor(who.id, t.grid)
        may_return(t, actor, await _dispatcher(uow, t, actor))
        loc = await locales.user_locale(ctx, uow, who.id)
        rows = [
            [(i18n.label(loc, f"return_{r}"), cb.casework(t.id, "rr", i))]
            for i, r in enumerate(domain.RETURN_REASONS)
        ]
        rows.append([(i18n.label(loc, "btn_other_reason"), cb.casework(t.id, "rr", "x"))])
        text = i18n.render(loc, "return_choose", **views.ticket_view(ctx, t, loc))
        await uow.outbox.add([Notice(who.id, text, rows, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_choose_reason"), ticket_id=ticket_id)


async def ask_reason(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """ "Other reason": ask for the reason in the worker's words."""

    async def check(uow: UnitOfWork, t: Ticket, actor: Actor) -> None:
        may_return(t, actor, await _dispatcher(uow, t, actor))

    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_return_reason", "return", "ok_reason_asked"
    )


async def _candidates(ctx: Ctx, uow: UnitOfWork, t: Ticket) -> list[tuple[str, int, str | None]]:
    """(label, person, grid) a dispatcher may reroute to: the category's liaison first (the ticket stays
    in its grid), then workers of the grids below the dispatcher (the ticket moves to their grid)."""
    out: list[tuple[str, int, str | None]] = []
    code = ctx.config.category(t.category).liaison
    liaison = await uow.people.person_by_code(code) if code else None
    if liaison is not None and liaison.active and liaison.id != t.returned_by:
        out.append((f"📣 {liaison.name}", liaison.id, None))
    exclude = {t.returned_by or -1, t.assignee_id or -1}
    names: dict[str, str] = {}
    for c in await uow.casework.workers_below(t.assignee_id or -1, exclude):
        names.setdefault(c.grid, (await uow.people.grid_names([c.grid])).get(c.grid, c.grid))
        out.append((f"{c.name} · {names[c.grid]}", c.person_id, c.grid))
    return out


def reroute_buttons(t: Ticket, options: list[tuple[str, int, str | None]]) -> ButtonsFor:
    """One button per candidate, then "Not ours"."""
    return lambda loc: (
        [[(name, cb.casework(t.id, "rt", pid))] for name, pid, _ in options]
        + [[(i18n.label(loc, "btn_not_ours"), cb.casework(t.id, "no"))]]
    )


async def give_back(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    reason: str,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """Return the ticket; the dispatcher gets it with the reason and reroute buttons."""
    reason = visible(reason)[:300]
    if not reason:
        raise Refused("empty_reason")

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "return", ticket_id)
        return domain.return_ticket(t, actor, now, reason, await _dispatcher(uow, t, actor))

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        out += await retire.request(ctx, uow, t, before.assignee_id, declined=True)
        out += await _send_to_dispatcher(ctx, uow, t, before.assignee_id, reason)
        out += await _tell_worker_returned(ctx, uow, t, before.assignee_id, pressed)
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_returned")


async def _send_to_dispatcher(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, worker: int | None, reason: str
) -> list[Notice]:
    """The dispatcher gets the returned ticket with who returned it, why, and the reroute buttons."""
    dloc = await locales.person_locale(ctx, uow, t.assignee_id)
    by = await views.staff_label(uow, worker, t.grid, dloc)
    options = await _candidates(ctx, uow, t)
    return await recipients.to_person(
        ctx,
        uow,
        t.assignee_id,
        "returned_leader",
        t,
        reroute_buttons(t, options),
        quiet=False,
        by=by,
        reason=reason_text(dloc, reason),
        count=t.return_count,
    )


async def _tell_worker_returned(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, worker: int | None, pressed: Pressed | None
) -> list[Notice]:
    """The worker who returned the ticket hears to whom it went (their pressed message edited if any)."""
    wloc = await locales.person_locale(ctx, uow, worker)
    to = await views.staff_label(uow, t.assignee_id, t.grid, wloc)
    text = i18n.render(wloc, "returned_worker", to=to, **views.ticket_view(ctx, t, wloc))
    return edit_pressed(pressed, text) or await recipients.to_person(
        ctx, uow, worker, "returned_worker", t, to=to
    )


async def reroute(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    to_person: int,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """The dispatcher sends the returned ticket to a candidate, who gets the request to accept it."""

    async def decide(uow, t, actor):
        options = {pid: grid for _, pid, grid in await _candidates(ctx, uow, t)}
        if to_person not in options:
            raise Refused("not_grid_worker")
        return domain.reroute(
            t,
            actor,
            now,
            to_person,
            ctx.config.tier_for(t.kind.value, t.category),
            options[to_person] is None,
            options[to_person],
        )

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        out += await recipients.assignment_request(ctx, uow, t)
        loc = await locales.user_locale(ctx, uow, actor.user_id)
        to = await views.staff_label(uow, t.assignee_id, t.grid, loc)
        out += edit_pressed(
            pressed, i18n.render(loc, "reassigned_leader", to=to, **views.ticket_view(ctx, t, loc))
        )
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_reassigned")


async def ask_not_ours(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Ask the dispatcher for the explanation the resident will read."""

    check = pure(may_dispatch)
    return await ask(ctx, who, ticket_id, now, update_id, check, "ask_not_ours", "not_ours", "ok_note_asked")


async def not_ours(
    ctx: Ctx, who: Who, ticket_id: int, note: str, now: datetime, update_id: int | None
) -> Outcome:
    """Close as not ours; the resident reads the explanation and may still say it is not resolved."""
    note = visible(note)[:1000]
    if not note:
        raise Refused("empty_note")

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "not_ours", ticket_id)
        return domain.close_not_ours(t, actor, now, note, ctx.config.auto_confirm)

    async def notify(uow, before, t, actor):
        return await closed_notices(ctx, uow, t)

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_closed")

"""The shape every ticket action shares: load, authorise and decide, save, log, enqueue notices.

`act` runs the three steps for a `decide` that needs at most the unit of work; a service whose
decision needs more loaded first (escalation) calls `load`, the domain, then `save` itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable

from bot import i18n
from bot.domain.tickets import Actor, Refused, Result, Ticket
from bot.services.cards import card
from bot.services.locales import user_locale
from bot.services.reminders import planned
from bot.services.views import ticket_view
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork

Decide = Callable[[UnitOfWork, Ticket, Actor], Awaitable[Result]]
Notify = Callable[[UnitOfWork, Ticket, Ticket, Actor], Awaitable[list[Notice]]]
Check = Callable[[UnitOfWork, Ticket, Actor], Awaitable[None]]


@dataclass
class Pressed:
    """The message whose button was pressed, to be edited in place."""

    chat_id: int
    message_id: int


async def load(uow: UnitOfWork, who: Who, ticket_id: int) -> tuple[Ticket, Actor]:
    """The ticket and the acting user with their roles near it (the user recorded as seen)."""
    t = await uow.tickets.get(ticket_id)
    if t is None:
        raise Refused("no_ticket")
    await uow.people.touch(who.id, who.first_name, who.language)
    await uow.people.near(t.grid, who.id)  # the grid's staff, the actor among them, read once
    return t, await uow.people.actor(who.id, t.grid)


async def act(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    now: datetime,
    update_id: int | None,
    decide: Decide,
    notify: Notify,
    answer_key: str = "",
) -> Outcome:
    """Run one ticket transition as a single transaction with its event log and notices."""
    async with ctx.uow(update_id) as uow:
        before, actor = await load(uow, who, ticket_id)
        await save(ctx, uow, before, actor, await decide(uow, before, actor), notify, now, update_id)
        outcome = await answer(ctx, uow, who, ticket_id, answer_key)
    ctx.kick()
    return outcome


async def save(
    ctx: Ctx,
    uow: UnitOfWork,
    before: Ticket,
    actor: Actor,
    result: Result,
    notify: Notify,
    now: datetime,
    update_id: int | None,
) -> None:
    """Store a transition's new ticket (its reminders planned), its events and its notices."""
    after, events = result
    after = planned(ctx, after)
    await uow.tickets.save(after)
    await uow.tickets.add_events(after.number, events, actor, now, update_id)
    notices = await notify(uow, before, after, actor)
    await uow.outbox.add(notices, now, ctx.config.quiet_hours, ctx.config.timezone)


async def answer(ctx: Ctx, uow: UnitOfWork, who: Who, ticket_id: int, answer_key: str) -> Outcome:
    """The presser's short answer (a toast), in their language; no key: none."""
    loc = await user_locale(ctx, uow, who.id)
    return Outcome(i18n.label(loc, answer_key, n=ticket_id) if answer_key else "", ticket_id=ticket_id)


def pure(rule: Callable[[Ticket, Actor], None]) -> Check:
    """A `may_*` rule that needs nothing loaded, as a check for `ask`."""

    async def check(uow: UnitOfWork, t: Ticket, actor: Actor) -> None:
        rule(t, actor)

    return check


def edit_pressed(pressed: Pressed | None, text: str, buttons: list | None = None) -> list[Notice]:
    """Replace the pressed message's text and buttons (no buttons: they disappear)."""
    if pressed is None:
        return []
    return [Notice(pressed.chat_id, text, buttons, op="edit", message_id=pressed.message_id)]


async def on_pressed(
    ctx: Ctx,
    uow: UnitOfWork,
    t: Ticket,
    pressed: Pressed | None,
    text: str,
    buttons: list | None = None,
    card_written: bool = True,
) -> list[Notice]:
    """Answer on the pressed message; when that is the ticket's group card, the text and buttons go
    below the card's (folded into the card's edit, written with it unless `card_written`)."""
    if (
        pressed is None
        or pressed.chat_id > 0
        or await uow.tickets.card_of(t.number) != (pressed.chat_id, pressed.message_id)
    ):
        return edit_pressed(pressed, text, buttons)
    below = [Notice(pressed.chat_id, text, buttons, ticket_id=t.id)]
    return below if card_written else await card(ctx, uow, t) + below


async def ask(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    now: datetime,
    update_id: int | None,
    check: Check,
    template: str,
    purpose: str,
    answer_key: str,
) -> Outcome:
    """Ask for the presser's text with ForceReply, if `check` (a domain `may_*` rule, with what it needs
    loaded) lets them act; else `Refused`, and nobody is prompted for an answer that would be refused."""
    async with ctx.uow(update_id) as uow:
        t = await uow.tickets.get(ticket_id)
        if t is None:
            raise Refused("no_ticket")
        await check(uow, t, await uow.people.actor(who.id, t.grid))
        loc = await user_locale(ctx, uow, who.id)
        text = i18n.render(loc, template, **ticket_view(ctx, t, loc))
        prompt = {"user_id": who.id, "purpose": purpose, "ticket_id": t.id}
        await uow.outbox.add([Notice(who.id, text, force_reply=True, prompt=prompt, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, answer_key), ticket_id=ticket_id)

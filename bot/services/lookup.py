"""Looking things up: /status N, /my and /queue, each with the tickets' timelines."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain.callbacks import ACTIONS as CALLBACK_ACTIONS
from bot.domain.access import Reader, may_read, whole_in_group
from bot.domain.tickets import Refused, Status, Ticket
from bot.services import cards, locales, time_bank, views
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork

MAX_LISTED = 10


async def _readable(uow: UnitOfWork, who: Who, t: Ticket, events: list[dict]) -> bool:
    """The one read rule (bot.domain.access.may_read) for this user and ticket."""
    copied = frozenset(p for e in events if e["action"] == "submit" for p in e["detail"].get("copied", []))
    return may_read(Reader(await uow.people.actor(who.id, t.grid), copied), t)


def _actor(e: dict) -> str:
    """Who acted, as a timeline names them; never the leader who called the resident back."""
    return "" if e["action"] in CALLBACK_ACTIONS else e["actor_name"] or ""


async def _entry(ctx: Ctx, uow: UnitOfWork, t: Ticket, loc: str, private: bool, events: list[dict]) -> dict:
    steps = [
        {"at": e["at"], "action": i18n.label(loc, f"event_{e['action']}"), "who": _actor(e)} for e in events
    ]
    who = await views.staff_label(uow, t.assignee_id, t.grid, loc) if t.assignee_id else None
    hidden = not private and not whole_in_group(t)
    return {
        **views.ticket_view(ctx, t, loc),
        "steps": steps,
        "assignee": who,
        "private": private,
        "hidden": hidden,
    }


async def _reply(
    ctx: Ctx, who: Who, chat_id: int, now: datetime, update_id: int | None, template: str, pick, extra=None
) -> Outcome:
    async with ctx.uow(update_id) as uow:
        loc = await (
            locales.user_locale(ctx, uow, who.id) if chat_id > 0 else locales.group_locale(ctx, uow, chat_id)
        )
        entries = []
        for t in (found := await pick(uow))[:MAX_LISTED]:
            events = await uow.tickets.timeline(t.number)
            if not await _readable(uow, who, t, events):
                if template == "status":
                    raise Refused("no_ticket")  # not told whether it exists
                continue  # /my and /queue list only what the reader may read
            entries.append(await _entry(ctx, uow, t, loc, chat_id > 0, events))
        more = {} if extra is None else await extra(uow)
        text = i18n.render(loc, template, entries=entries, more=max(0, len(found) - MAX_LISTED), **more)
        await uow.outbox.add([Notice(chat_id, text)], now)
    ctx.kick()
    return Outcome()


async def news(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """A complaint's resident opening the private chat from the group's "read privately" button: their
    ticket with its timeline, and the buttons it waits for (resolved? or the rating)."""
    async with ctx.uow(update_id) as uow:
        await uow.people.touch(who.id, who.first_name, who.language, started=True)
        t = await uow.tickets.get(ticket_id)
        if t is None or t.resident_id != who.id:
            raise Refused("no_ticket")
        loc = await locales.user_locale(ctx, uow, who.id)
        entry = await _entry(ctx, uow, t, loc, True, await uow.tickets.timeline(t.number))
        buttons = (
            cards.confirm_buttons(t)
            if t.status is Status.CLOSED
            else cards.rating_buttons(t)
            if t.status is Status.DONE and t.rating is None
            else (lambda _loc: None)
        )
        await uow.outbox.add(
            [Notice(who.id, i18n.render(loc, "status", entries=[entry]), buttons(loc), ticket_id=t.id)], now
        )
    ctx.kick()
    return Outcome()


async def status(
    ctx: Ctx, who: Who, chat_id: int, ticket_id: int, now: datetime, update_id: int | None
) -> Outcome:
    """One ticket with its timeline, for whoever may read it (bot.domain.access.may_read)."""

    async def pick(uow):
        t = await uow.tickets.get(ticket_id)
        if t is None:
            raise Refused("no_ticket")
        return [t]

    return await _reply(ctx, who, chat_id, now, update_id, "status", pick)


async def mine(ctx: Ctx, who: Who, chat_id: int, now: datetime, update_id: int | None) -> Outcome:
    """A resident's own tickets, newest first."""

    async def pick(uow):
        return await uow.tickets.of_resident(who.id, MAX_LISTED + 1)

    async def bank(uow):  # a volunteer's time-bank balance, in the private chat only
        return {"bank": time_bank.view(await time_bank.account_of(ctx, uow, who.id)) if chat_id > 0 else None}

    return await _reply(ctx, who, chat_id, now, update_id, "my", pick, bank)


async def queue(ctx: Ctx, who: Who, chat_id: int, now: datetime, update_id: int | None) -> Outcome:
    """A worker's unfinished tickets, oldest first."""

    async def pick(uow):
        person = await uow.people.person_by_user(who.id)
        if person is None:
            raise Refused("not_staff")
        return await uow.tickets.queue_of(person.id, MAX_LISTED + 1)

    return await _reply(ctx, who, chat_id, now, update_id, "queue", pick)

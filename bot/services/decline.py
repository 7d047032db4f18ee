"""Declining: the assignee is asked for a reason, then the ticket goes one level up."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import tickets as domain
from bot.domain.routing import next_up
from bot.domain.tickets import Refused
from bot.services import common
from bot.services.act import act
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice, enqueue
from bot.store import people, prompts
from bot.store import tickets as store


async def ask_reason(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may decline, then ask for the reason with a reply prompt."""
    async with ctx.db.write(update_id) as conn:
        t = await store.get(conn, ticket_id)
        if t is None:
            raise Refused("no_ticket")
        actor = await people.actor_for(conn, who.id, t.grid)
        ladder = await people.ladder(conn, t.grid)
        domain.decline(t, actor, now, "", next_up(ladder, actor.person_id))  # checks only
        loc = await common.user_locale(ctx, conn, who.id)
        text = i18n.render(loc, "ask_decline_reason", **common.ticket_view(ctx, t, loc))
        prompt = {"user_id": who.id, "purpose": "decline", "ticket_id": t.id}
        await enqueue(conn, [Notice(who.id, text, force_reply=True, prompt=prompt, ticket_id=t.id)], now)
    ctx.kick()
    return Outcome(i18n.label(loc, "ok_reason_asked"), ticket_id=ticket_id)


async def decline(ctx: Ctx, who: Who, ticket_id: int, reason: str, now: datetime,
                  update_id: int | None) -> Outcome:
    """Record the refusal and hand the ticket to the next leader up, who gets the request."""
    reason = reason.strip()[:500]
    if not reason:
        raise Refused("empty_reason")

    async def decide(conn, t, actor):
        await prompts.consume(conn, who.id, "decline", ticket_id)
        ladder = await people.ladder(conn, t.grid)
        return domain.decline(t, actor, now, reason, next_up(ladder, actor.person_id))

    async def notify(conn, before, t, actor):
        out = await common.card(ctx, conn, t)
        out += await common.assignment_request(ctx, conn, t, now)
        out += await common.to_person(ctx, conn, before.assignee_id, "declined_worker", t, quiet=False)
        return out
    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_declined")

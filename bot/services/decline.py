"""Declining: the assignee is asked for a reason, then the ticket goes one level up."""

from __future__ import annotations

from datetime import datetime

from bot.domain import tickets as domain
from bot.domain.authorisation import may_decline
from bot.domain.inputs import visible
from bot.domain.routing import next_up
from bot.domain.tickets import Actor, Refused, Ticket
from bot.services import cards, recipients, retire
from bot.services.act import act, ask
from bot.services.context import Ctx, Outcome, Who
from bot.store.uow import UnitOfWork


async def ask_reason(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may decline (someone is above to take it), then ask for the reason."""

    async def check(uow: UnitOfWork, t: Ticket, actor: Actor) -> None:
        may_decline(t, actor, next_up(await uow.people.ladder(t.grid), actor.person_id))

    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_decline_reason", "decline", "ok_reason_asked"
    )


async def decline(
    ctx: Ctx, who: Who, ticket_id: int, reason: str, now: datetime, update_id: int | None
) -> Outcome:
    """Record the refusal and hand the ticket to the next leader up, who gets the request."""
    reason = visible(reason)[:500]
    if not reason:
        raise Refused("empty_reason")

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "decline", ticket_id)
        return domain.decline(
            t, actor, now, reason, next_up(await uow.people.ladder(t.grid), actor.person_id)
        )

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        out += await recipients.assignment_request(ctx, uow, t, declined_by=before.assignee_id, reason=reason)
        out += await retire.request(ctx, uow, t, before.assignee_id, declined=True)
        out += await recipients.to_person(ctx, uow, before.assignee_id, "declined_worker", t, quiet=False)
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_declined")

"""Staff changes: a worker who left a grid (or the roster) hands their open tickets to the leader."""

from __future__ import annotations

from datetime import datetime

from bot.domain import tickets as domain
from bot.domain.routing import next_up
from bot.domain.model import SYSTEM, Refused
from bot.services import cards, recipients, reminders, retire
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork


async def hand_over(ctx: Ctx, uow: UnitOfWork, now: datetime) -> list[tuple[int | None, int | None]]:
    """Inside a unit of work: reassign every unfinished ticket whose assignee no longer serves its grid;
    returns (former assignee, new assignee) person ids, one pair per ticket moved."""
    moved: list[tuple[int | None, int | None]] = []
    for t in await uow.tickets.orphans():
        leader = next_up(await uow.people.ladder(t.grid), t.assignee_id)
        try:
            after, events = domain.hand_over(t, now, leader, ctx.config.tier_for(t.kind.value, t.category))
        except Refused:
            continue  # nobody above: the sweep's escalation will keep reminding the community office
        await uow.tickets.save(reminders.planned(ctx, after))
        await uow.tickets.add_events(t.number, events, SYSTEM, now)
        notices = await cards.card(ctx, uow, after) + await recipients.assignment_request(ctx, uow, after)
        notices += await retire.request(ctx, uow, after, t.assignee_id)
        await uow.outbox.add(notices, now, ctx.config.quiet_hours, ctx.config.timezone)
        moved.append((t.assignee_id, after.assignee_id))
    return moved

"""Supervision (督办 / 挂牌督办): leaders mark and lift; marked tickets are reminded daily until closed."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.domain import casework as domain
from bot.domain.model import SYSTEM, Refused
from bot.services import cards, locales, recipients, views
from bot.services.act import act
from bot.services.context import Ctx, Outcome, Who

log = logging.getLogger(__name__)


async def mark(
    ctx: Ctx, who: Who, ticket_id: int, kind: str | None, now: datetime, update_id: int | None
) -> Outcome:
    """Mark (`supervise` or `red`) or lift (`None`); the assignee and the card show it."""

    async def decide(uow, t, actor):
        return domain.lift(t, actor, now) if kind is None else domain.supervise(t, actor, now, kind)

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        loc = await locales.person_locale(ctx, uow, t.assignee_id)
        by = await views.staff_label(uow, actor.person_id, t.grid, loc)
        template = "supervision_lifted" if kind is None else "supervised_worker"
        out += await recipients.to_person(ctx, uow, t.assignee_id, template, t, quiet=False, by=by, mark=kind)
        return out

    answer = {None: "ok_lifted", "red": "ok_red_carded"}.get(kind, "ok_supervised")
    return await act(ctx, who, ticket_id, now, update_id, decide, notify, answer)


async def remind_daily(ctx: Ctx, now: datetime) -> int:
    """Once a day: every unfinished supervised ticket's assignee is reminded (one transaction each)."""
    count = 0
    for t in await ctx.read().casework.supervised():
        try:
            async with ctx.uow() as uow:
                notices = await recipients.to_person(
                    ctx, uow, t.assignee_id, "supervision_reminder", t, quiet=True, mark=t.supervision
                )
                await uow.tickets.add_events(
                    t.number,
                    [domain.Event("remind", t.status.value, t.status.value, {"deadline": "supervision"})],
                    SYSTEM,
                    now,
                )
                await uow.outbox.add(notices, now, ctx.config.quiet_hours, ctx.config.timezone)
            count += 1
        except Refused:
            continue
    if count:
        ctx.kick()
    return count

"""Accepting a ticket: by the assignee's button, or by claiming a wish from the group card."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import tickets as domain
from bot.services import common
from bot.services.act import Pressed, act, edit_pressed
from bot.services.context import Ctx, Outcome, Who


def _notify(ctx: Ctx, pressed: Pressed | None):
    async def notify(conn, before, t, actor):
        loc = await common.user_locale(ctx, conn, actor.user_id)
        who = await common.staff_label(conn, t.assignee_id, t.grid,
                                       await common.user_locale(ctx, conn, t.resident_id))
        out = await common.card(ctx, conn, t)
        out += await common.to_resident(ctx, conn, t, "accepted", assignee=who)
        mine = i18n.render(loc, "accepted_worker", **common.ticket_view(ctx, t, loc))
        if pressed and pressed.chat_id == actor.user_id:
            out += edit_pressed(pressed, mine, common.close_buttons(t)(loc))
        else:
            out += await common.to_person(ctx, conn, t.assignee_id, "accepted_worker", t,
                                          common.close_buttons(t), quiet=False)
        if before.assignee_id and before.assignee_id != t.assignee_id:
            out += await common.to_person(ctx, conn, before.assignee_id, "taken_over", t, by=who)
        return out
    return notify


async def accept(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None,
                 pressed: Pressed | None = None) -> Outcome:
    """The assignee accepts; the resident hears who and by when, the card is updated."""
    async def decide(conn, t, actor):
        return domain.accept(t, actor, now)
    return await act(ctx, who, ticket_id, now, update_id, decide, _notify(ctx, pressed),
                     "ok_accepted")


async def claim(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """A worker or volunteer of the grid claims an open wish from the group card."""
    async def decide(conn, t, actor):
        return domain.claim(t, actor, now)
    return await act(ctx, who, ticket_id, now, update_id, decide, _notify(ctx, None),
                     "ok_claimed")

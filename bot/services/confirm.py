"""The resident's answer: resolved (then a rating) or not (the ticket reopens to the same worker)."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import casework, tickets as domain
from bot.services import cards, locales, recipients, time_bank, views
from bot.services.act import Pressed, act, on_pressed
from bot.services.context import Ctx, Outcome, Who


async def _pressed_locale(ctx: Ctx, uow, t, pressed: Pressed | None) -> str:
    """The language of the message the resident pressed: the group's, or their own in private."""
    if pressed is not None and pressed.chat_id < 0:
        return await locales.group_locale(ctx, uow, pressed.chat_id)
    return await locales.user_locale(ctx, uow, t.resident_id)


async def _ask_rating(ctx, uow, t, pressed: Pressed | None):
    if pressed is not None:
        loc = await _pressed_locale(ctx, uow, t, pressed)
        text = i18n.render(loc, "ask_rating", **views.ticket_view(ctx, t, loc))
        return await on_pressed(ctx, uow, t, pressed, text, cards.rating_buttons(t)(loc))
    return await recipients.to_resident(ctx, uow, t, "ask_rating", cards.rating_buttons(t), quiet=False)


async def confirm(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None, pressed: Pressed | None = None
) -> Outcome:
    """The resident confirms: the ticket is done, the worker earns a red flag, a rating is asked."""

    async def decide(uow, t, actor):
        return domain.confirm(t, actor, now)

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        out += await _ask_rating(ctx, uow, t, pressed)
        flag = casework.flag_earner(t) is not None
        hours, offer = await time_bank.counted(ctx, uow, t, now, quiet=False)
        out += await recipients.to_person(
            ctx, uow, t.closed_by, "confirmed_worker", t, flag=flag, hours=hours
        )
        return out + offer

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_confirmed")


async def reopen(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None, pressed: Pressed | None = None
) -> Outcome:
    """The resident says it is not resolved: the same worker gets it back with a new deadline."""

    async def decide(uow, t, actor):
        return domain.reopen(t, actor, now, ctx.config.tier_for(t.kind.value, t.category))

    async def notify(uow, before, t, actor):
        out = await cards.card(ctx, uow, t)
        loc = await _pressed_locale(ctx, uow, t, pressed)
        out += await on_pressed(
            ctx, uow, t, pressed, i18n.render(loc, "reopened_resident", **views.ticket_view(ctx, t, loc))
        )
        out += await recipients.to_person(
            ctx, uow, t.assignee_id, "reopened_worker", t, cards.close_buttons(t), quiet=False
        )
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_reopened")


async def rate(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    stars: int,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """The resident rates the result from 1 to 5; the worker hears it."""

    async def decide(uow, t, actor):
        return domain.rate(t, actor, now, stars)

    async def notify(uow, before, t, actor):
        loc = await _pressed_locale(ctx, uow, t, pressed)
        out = await on_pressed(
            ctx,
            uow,
            t,
            pressed,
            i18n.render(loc, "rated", stars=stars, **views.ticket_view(ctx, t, loc)),
            card_written=False,
        )
        out += await recipients.to_person(ctx, uow, t.closed_by, "rated_worker", t, stars=stars)
        return out

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_rated")

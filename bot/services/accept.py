"""Accepting a ticket: by the assignee's button, or by claiming a wish from the group card."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import tickets as domain
from bot.services import cards, locales, outcomes, recipients, retire, time_bank, views
from bot.services.act import Pressed, act, edit_pressed
from bot.services.context import Ctx, Outcome, Who


def held_notify(ctx: Ctx, pressed: Pressed | None, template: str = "accepted_worker"):
    """Notices once someone holds a ticket (accepted, claimed or taken over): the card, the resident,
    the new holder (their pressed message edited, else a message with Close), the previous assignee."""

    async def notify(uow, before, t, actor):
        rloc = await locales.user_locale(ctx, uow, t.resident_id)
        out = await cards.card(ctx, uow, t)
        out += await recipients.to_resident(
            ctx, uow, t, "accepted", assignee=await views.staff_label(uow, t.assignee_id, t.grid, rloc)
        )
        bank = await time_bank.of_resident(ctx, uow, t)  # an account holder's wish: their balance
        if pressed and pressed.chat_id == actor.user_id:
            loc = await locales.user_locale(ctx, uow, actor.user_id)
            mine = i18n.render(loc, template, bank=bank, **views.ticket_view(ctx, t, loc))
            out += edit_pressed(pressed, mine, cards.close_buttons(t)(loc))
        else:
            out += await recipients.to_person(
                ctx, uow, t.assignee_id, template, t, cards.close_buttons(t), quiet=False, bank=bank
            )
        if before.status is not t.status:
            out += await outcomes.to_supporters(ctx, uow, t, "supporter_accepted")
        if before.assignee_id and before.assignee_id != t.assignee_id:
            oloc = await locales.person_locale(ctx, uow, before.assignee_id)
            by = await views.staff_label(uow, t.assignee_id, t.grid, oloc)
            out += await recipients.to_person(ctx, uow, before.assignee_id, "taken_over", t, by=by)
            out += await retire.request(ctx, uow, t, before.assignee_id)
        return out

    return notify


async def accept(
    ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None, pressed: Pressed | None = None
) -> Outcome:
    """The assignee accepts; the resident hears who and by when, the card is updated."""

    async def decide(uow, t, actor):
        return domain.accept(t, actor, now)

    return await act(ctx, who, ticket_id, now, update_id, decide, held_notify(ctx, pressed), "ok_accepted")


async def claim(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """A worker or volunteer of the grid claims an open wish from the group card."""

    async def decide(uow, t, actor):
        return domain.claim(t, actor, now)

    return await act(ctx, who, ticket_id, now, update_id, decide, held_notify(ctx, None), "ok_claimed")

"""Messages whose buttons no longer apply, edited in place: an assignee's request once someone else
holds the ticket, the resident's "resolved?" question once the clock has confirmed it."""

from __future__ import annotations

from bot import i18n
from bot.domain.tickets import Ticket
from bot.services import locales, views
from bot.services.context import Ctx
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork


async def request(
    ctx: Ctx, uow: UnitOfWork, t: Ticket, person_id: int | None, declined: bool = False
) -> list[Notice]:
    """The person's request for this ticket edited to say who holds it now, without buttons."""
    who = await uow.people.person(person_id) if person_id else None
    if who is None or who.tg_user_id is None or person_id == t.assignee_id:
        return []
    loc = await locales.person_locale(ctx, uow, who.id)
    holder = await views.staff_label(uow, t.assignee_id, t.grid, loc)
    text = i18n.render(
        loc, "request_moved", holder=holder, declined=declined, **views.ticket_view(ctx, t, loc)
    )
    return [Notice(who.tg_user_id, text, op="retire", ticket_id=t.id, extra={"retire": "request"})]


async def confirm_question(ctx: Ctx, uow: UnitOfWork, t: Ticket) -> list[Notice]:
    """The resident's "resolved?" question (privately, or in the group it went to instead) edited to
    say the ticket was confirmed automatically, without buttons."""
    out = []
    chats = [(t.resident_id, await locales.user_locale(ctx, uow, t.resident_id))]
    if t.origin_chat_id is not None and t.origin_chat_id < 0:
        chats.append((t.origin_chat_id, await locales.group_locale(ctx, uow, t.origin_chat_id)))
    for chat, loc in chats:
        text = i18n.render(
            loc, "confirm_expired", window=ctx.config.auto_confirm, **views.ticket_view(ctx, t, loc)
        )
        out.append(Notice(chat, text, op="retire", ticket_id=t.id, extra={"retire": "confirm"}))
    return out

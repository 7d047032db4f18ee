"""The big-grid leader's call-back answers: satisfied or could not reach (recorded, the message edited to
show it), or not satisfied: a note is asked, then the ticket goes back to its handler with the note.
The resident is never told who called."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import callbacks as domain
from bot.domain import casework
from bot.domain.inputs import visible
from bot.domain.model import Refused, Ticket
from bot.services import cards, locales, recipients, views
from bot.services.act import Pressed, act, ask, edit_pressed
from bot.services.callback_week import TAG, review_text
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork


async def answer(
    ctx: Ctx,
    who: Who,
    ticket_id: int,
    result: str,
    now: datetime,
    update_id: int | None,
    pressed: Pressed | None = None,
) -> Outcome:
    """Satisfied or could not reach: recorded once; the pressed message shows the answer, no buttons."""

    async def decide(uow, t, actor):
        review, moved = domain.record(await uow.callbacks.get(t.id), t, actor, now, result)
        await uow.callbacks.answer(review)
        return moved

    async def notify(uow, before, t, actor):
        loc = await locales.user_locale(ctx, uow, who.id)
        return edit_pressed(pressed, await review_text(ctx, uow, t, loc, result))

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, f"ok_callback_{result}")


async def ask_note(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Not satisfied: check the presser may answer, then ask what the resident said (a reply prompt)."""

    async def check(uow, t, actor):
        domain.may_reopen(await uow.callbacks.get(t.id), t, actor)

    return await ask(
        ctx, who, ticket_id, now, update_id, check, "ask_callback_note", "callback", "ok_callback_note_asked"
    )


async def _told(ctx: Ctx, uow: UnitOfWork, t: Ticket, note: str, chat: int) -> list[Notice]:
    """The handler gets the ticket back with the note; the leader's message shows the answer; the
    resident hears it is being handled again, without a word of who called."""
    out = await cards.card(ctx, uow, t)
    out += await recipients.to_person(
        ctx,
        uow,
        t.assignee_id,
        "callback_reopened_worker",
        t,
        cards.close_buttons(t),
        quiet=False,
        note=note,
    )
    out += await recipients.to_resident(ctx, uow, t, "callback_reopened_resident", in_group=False)
    loc = await locales.user_locale(ctx, uow, chat)
    text = await review_text(ctx, uow, t, loc, "unsatisfied")
    out.append(Notice(chat, text, op="retire", ticket_id=t.id, extra={"retire": TAG}))
    worker = await views.staff_label(uow, t.assignee_id, t.grid, loc)
    told = i18n.render(loc, "callback_reopened_leader", worker=worker, **views.ticket_view(ctx, t, loc))
    return out + [Notice(chat, told, ticket_id=t.id)]


async def _stand_in(uow: UnitOfWork, t: Ticket) -> int | None:
    """Who redoes the work when its handler has left the roster: the nearest leader (None: the handler)."""
    handler = await uow.people.person(t.closed_by or t.assignee_id)
    if handler is None or handler.active:
        return None
    return casework.dispatcher(await uow.people.ladder(t.grid), handler.id, 0)


async def reopen(
    ctx: Ctx, who: Who, ticket_id: int, note: str, now: datetime, update_id: int | None
) -> Outcome:
    """The leader's note arrived: the done ticket reopens to its handler (one transaction)."""
    note = visible(note)[:1000]
    if not note:
        raise Refused("empty_callback_note")

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "callback", ticket_id)
        tier = ctx.config.tier_for(t.kind.value, t.category)
        review, moved = domain.reopen(
            await uow.callbacks.get(t.id), t, actor, now, tier, note, await _stand_in(uow, t)
        )
        await uow.callbacks.answer(review)
        return moved

    async def notify(uow, before, t, actor):
        return await _told(ctx, uow, t, note, who.id)

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_callback_unsatisfied")

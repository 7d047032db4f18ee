"""Closing: the assignee reports the work done with a note (and a photo); the resident is asked."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.domain import tickets as domain
from bot.domain.authorisation import may_close
from bot.domain.inputs import visible
from bot.domain.tickets import Refused, Ticket
from bot.services import cards, locales, outcomes, recipients, time_bank, views, worklog
from bot.services.act import act, ask, pure
from bot.services.context import Ctx, Outcome, Who
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork


async def ask_note(ctx: Ctx, who: Who, ticket_id: int, now: datetime, update_id: int | None) -> Outcome:
    """Check the presser may close, then ask for a note (and optional photo) with a reply prompt."""

    check = pure(may_close)
    return await ask(ctx, who, ticket_id, now, update_id, check, "ask_close_note", "close", "ok_note_asked")


async def close(
    ctx: Ctx, who: Who, ticket_id: int, note: str, photo: str | None, now: datetime, update_id: int | None
) -> Outcome:
    """Close the ticket; the resident is asked "Resolved?" privately or, if need be, in the group."""
    note = visible(note)[:1000]
    if not note and not photo:
        raise Refused("empty_note")

    async def decide(uow, t, actor):
        await uow.prompts.consume(who.id, "close", ticket_id)
        return domain.close(t, actor, now, note, ctx.config.auto_confirm, photo)

    async def notify(uow, before, t, actor):
        out = await _card_and_question(ctx, uow, t, photo)
        out += await outcomes.to_supporters(ctx, uow, t, "supporter_closed")
        log = worklog.photo_button(ctx, t)
        out += await recipients.to_person(ctx, uow, t.closed_by, "closed_worker", t, log, quiet=False)
        return out + await time_bank.question(ctx, uow, t)

    return await act(ctx, who, ticket_id, now, update_id, decide, notify, "ok_closed")


async def _card_and_question(ctx: Ctx, uow: UnitOfWork, t: Ticket, photo: str | None) -> list[Notice]:
    """The card, and the resident asked "Resolved?" (the close photo shown just before the question)."""
    out = await cards.card(ctx, uow, t)
    loc = await locales.user_locale(ctx, uow, t.resident_id)
    worker = await views.staff_label(uow, t.closed_by, t.grid, loc)
    out += await recipients.to_resident(
        ctx,
        uow,
        t,
        "ask_confirm",
        cards.confirm_buttons(t),
        worker=worker,
        window=ctx.config.auto_confirm,
    )
    _tag_confirm(out)
    if photo and out[-1].chat_id == t.resident_id:
        out.insert(len(out) - 1, _close_photo(ctx, t, loc, photo))
    return out


def _tag_confirm(out: list[Notice]) -> None:
    """Tag each message with buttons, so the clock can edit it when it confirms (bot.services.retire)."""
    for n in out:
        if n.op == "send" and n.buttons:
            n.extra["tag"] = "confirm"


def _close_photo(ctx: Ctx, t: Ticket, loc: str, photo: str) -> Notice:
    """The worker's close photo, sent to the resident with the ticket's caption."""
    return Notice(
        t.resident_id,
        op="photo",
        photo=photo,
        ticket_id=t.id,
        text=i18n.render(loc, "close_photo", **views.ticket_view(ctx, t, loc)),
        quiet=True,
    )

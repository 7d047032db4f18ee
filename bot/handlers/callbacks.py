"""The big-grid leader's call-back answers `v:<ticket>:<ok|no|na>` (satisfied, not satisfied: a note is
asked, could not reach), and a resident's own phone number for call-backs (/phone, a shared contact)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.callback_data import CALLBACK, CALLBACK_ANSWERS
from bot.domain.model import Refused
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import callback_review
from bot.services import phone as phone_service
from bot.services.act import Pressed


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a call-back answer to its service; forged or stale data is refused politely."""
    q = update.callback_query
    m = CALLBACK.fullmatch(q.data or "")
    if m is None:
        raise Refused("bad_button")
    ctx, who, tid, result = ctx_of(context), who_of(update), int(m[1]), CALLBACK_ANSWERS[m[2]]
    if result == "unsatisfied":
        outcome = await callback_review.ask_note(ctx, who, tid, now(), update.update_id)
    else:
        where = Pressed(q.message.chat.id, q.message.message_id) if q.message else None
        outcome = await callback_review.answer(ctx, who, tid, result, now(), update.update_id, where)
    await answer_press(update, outcome.answer)


@guarded
async def phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/phone NUMBER` (or `/phone 删除`, or alone: what is kept) in a private chat."""
    text = " ".join(context.args or [])
    await phone_service.give(ctx_of(context), who_of(update), text, now(), update.update_id)


@guarded
async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A contact shared in the private chat: the user's own number is kept like `/phone NUMBER`."""
    shared, who = update.effective_message.contact, who_of(update)
    if shared is None or shared.user_id != who.id:
        raise Refused("not_own_contact")
    await phone_service.give(ctx_of(context), who, shared.phone_number, now(), update.update_id)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^v:"))
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("phone", phone, private))
    app.add_handler(MessageHandler(private & filters.CONTACT, contact))

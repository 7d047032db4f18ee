"""Time-bank buttons `h:<ticket>:<arg>`: a helper's hours (minutes, or x to type them), and a
resident paying for their wish with hours (pay) or not (no)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.callback_data import HOURS
from bot.domain.model import Refused
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import time_bank
from bot.services.act import Pressed


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a time-bank press to its service; forged or stale data is refused politely."""
    q = update.callback_query
    m = HOURS.fullmatch(q.data or "")
    if m is None:
        raise Refused("bad_button")
    ctx, who, tid, arg, uid = ctx_of(context), who_of(update), int(m[1]), m[2], update.update_id
    where = Pressed(q.message.chat.id, q.message.message_id) if q.message else None
    if arg == "x":
        outcome = await time_bank.ask_other(ctx, who, tid, now(), uid)
    elif arg in ("pay", "no"):
        outcome = await time_bank.pay(ctx, who, tid, arg == "pay", now(), uid, where)
    else:
        outcome = await time_bank.record(ctx, who, tid, int(arg), now(), uid, where)
    await answer_press(update, outcome.answer)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^h:"))

"""Buttons on escalated tickets: `e:<ticket>:nud` (nudge), `e:<ticket>:tak` (take),
`e:<ticket>:rsg` (choose a gridworker) and `e:<ticket>:rsg:<person>` (reassign to them)."""

from __future__ import annotations


from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.callback_data import ESCALATION
from bot.domain.tickets import Refused
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import escalation
from bot.services.act import Pressed


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a leader's press to its service; forged or stale data is refused politely."""
    q = update.callback_query
    m = ESCALATION.fullmatch(q.data or "")
    if m is None or (m[3] is not None and m[2] != "rsg"):
        raise Refused("bad_button")
    ctx, who, uid = ctx_of(context), who_of(update), update.update_id
    tid, action, arg = int(m[1]), m[2], m[3]
    where = Pressed(q.message.chat.id, q.message.message_id) if q.message else None
    if action == "nud":
        outcome = await escalation.nudge(ctx, who, tid, now(), uid)
    elif action == "tak":
        outcome = await escalation.take(ctx, who, tid, now(), uid, where)
    elif arg is None:
        outcome = await escalation.choose(ctx, who, tid, now(), uid)
    else:
        outcome = await escalation.reassign(ctx, who, tid, int(arg), now(), uid, where)
    await answer_press(update, outcome.answer)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^e:"))

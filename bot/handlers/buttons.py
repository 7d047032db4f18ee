"""Inline buttons: `t:<ticket>:<action>[:<arg>]` for tickets, `d:<step>:<value>` for drafts."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.callback_data import DRAFT, TICKET
from bot.domain.tickets import Refused
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import accept, close, confirm, decline, guide
from bot.services.act import Pressed

FIELDS = {"kind": "kind", "cat": "category", "grid": "grid"}


async def _ticket(update: Update, context: ContextTypes.DEFAULT_TYPE, m: re.Match) -> str:
    ctx, who, q = ctx_of(context), who_of(update), update.callback_query
    tid, action, arg, uid = int(m[1]), m[2], m[3], update.update_id
    pressed = Pressed(q.message.chat.id, q.message.message_id) if q.message else None
    calls = {
        "acc": lambda: accept.accept(ctx, who, tid, now(), uid, pressed),
        "clm": lambda: accept.claim(ctx, who, tid, now(), uid),
        "dec": lambda: decline.ask_reason(ctx, who, tid, now(), uid),
        "cls": lambda: close.ask_note(ctx, who, tid, now(), uid),
        "yes": lambda: confirm.confirm(ctx, who, tid, now(), uid, pressed),
        "no": lambda: confirm.reopen(ctx, who, tid, now(), uid, pressed),
        "r": lambda: confirm.rate(ctx, who, tid, int(arg or 0), now(), uid, pressed),
    }
    return (await calls[action]()).answer


async def _draft(update: Update, context: ContextTypes.DEFAULT_TYPE, m: re.Match) -> str:
    ctx, who, uid = ctx_of(context), who_of(update), update.update_id
    if m[1] == "cancel":
        return (await guide.cancel(ctx, who, now(), uid)).answer
    field, value = (m[2], None) if m[1] == "skip" else (FIELDS[m[1]], m[2])
    return (await guide.answer(ctx, who, field, value, now(), uid)).answer


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press to its service; forged or stale data is refused politely."""
    data = update.callback_query.data or ""
    if m := TICKET.fullmatch(data):
        text = await _ticket(update, context, m)
    elif m := DRAFT.fullmatch(data):
        text = await _draft(update, context, m)
    else:
        raise Refused("bad_button")
    await answer_press(update, text)


@guarded
async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button data no handler knows: forged, garbage or from an old version."""
    raise Refused("bad_button")


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^[td]:"))


def register_last(app: Application) -> None:
    """The catch-all for button data nobody knows; added after every other module."""
    app.add_handler(CallbackQueryHandler(stale))

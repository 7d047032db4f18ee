"""/start (with invite or group deep links), /new, /help and /lang."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.handlers.base import ctx_of, guarded, now, who_of
from bot.services import guide, lookup, reply, setup

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


@guarded
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Bind a staff invite, or begin a guided submission (a group link fixes the grid)."""
    payload = context.args[0] if context.args else ""
    ctx, who = ctx_of(context), who_of(update)
    if payload.startswith("inv_"):
        await setup.bind_person(ctx, who, payload[4:], now(), update.update_id)
    elif payload.startswith("t_") and payload[2:].isascii() and payload[2:].isdigit():
        await lookup.news(ctx, who, int(payload[2:]), now(), update.update_id)
    else:
        link = payload[2:] if payload.startswith("g_") else None
        await guide.begin(ctx, who, link, now(), update.update_id, first_visit=True)


@guarded
async def new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Begin a guided submission in a private chat."""
    await guide.begin(ctx_of(context), who_of(update), None, now(), update.update_id)


@guarded
async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands."""
    chat, ctx = update.effective_chat.id, ctx_of(context)
    work_log = ctx.config.assessment.work_log.enabled
    await reply.tell(
        ctx,
        chat,
        "help",
        now(),
        update.effective_user.id,
        update.update_id,
        group=chat < 0,
        work_log=work_log,
    )


@guarded
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the language of the user (private) or of the group (leaders)."""
    choice = (context.args[0] if context.args else "").lower()
    await setup.set_language(
        ctx_of(context), who_of(update), update.effective_chat.id, choice, now(), update.update_id
    )


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CommandHandler("start", start, PRIVATE))
    app.add_handler(CommandHandler("new", new, PRIVATE))
    app.add_handler(CommandHandler("help", help_, filters.UpdateType.MESSAGE))
    app.add_handler(CommandHandler("lang", lang, filters.UpdateType.MESSAGE))

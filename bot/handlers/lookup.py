"""/status N, /my and /queue."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.domain.inputs import parse_number
from bot.domain.tickets import Refused
from bot.handlers.base import ctx_of, guarded, now, who_of
from bot.services import lookup

MESSAGES = filters.UpdateType.MESSAGE


@guarded
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/status N`: one ticket with its timeline."""
    number = parse_number(" ".join(context.args or []), prefix="#")
    if number is None:
        raise Refused("status_usage")
    await lookup.status(
        ctx_of(context), who_of(update), update.effective_chat.id, number, now(), update.update_id
    )


@guarded
async def my(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/my`: the resident's own tickets."""
    await lookup.mine(ctx_of(context), who_of(update), update.effective_chat.id, now(), update.update_id)


@guarded
async def queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/queue`: the worker's open tasks, oldest first."""
    await lookup.queue(ctx_of(context), who_of(update), update.effective_chat.id, now(), update.update_id)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CommandHandler("status", status, MESSAGES))
    app.add_handler(CommandHandler("my", my, MESSAGES))
    app.add_handler(CommandHandler("queue", queue, MESSAGES))

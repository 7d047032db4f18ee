"""/stats [last]: figures for staff in a private chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.handlers.base import ctx_of, guarded, now, who_of
from bot.services import stats as service


@guarded
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/stats` (this month so far) or `/stats last` (the last complete month)."""
    await service.stats(
        ctx_of(context),
        who_of(update),
        update.effective_chat.id,
        " ".join(context.args or []),
        now(),
        update.update_id,
    )


def register(app: Application) -> None:
    """Add this module's handler."""
    app.add_handler(CommandHandler("stats", stats, filters.UpdateType.MESSAGE))

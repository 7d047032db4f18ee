"""What every handler shares: the services' context, the acting user, refusals and redeliveries."""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import transport
from bot.apilog import describe
from bot.domain.tickets import Refused
from bot.services import reply
from bot.services.context import Ctx, Who
from bot.store.db import AlreadyProcessed

log = logging.getLogger(__name__)
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def ctx_of(context: ContextTypes.DEFAULT_TYPE) -> Ctx:
    """The services' context stored on the application."""
    return context.application.bot_data["ctx"]


def now() -> datetime:
    """The current time, aware and in UTC."""
    return datetime.now(timezone.utc)


def who_of(update: Update) -> Who:
    """The Telegram user behind the update."""
    u = update.effective_user
    return Who(u.id, u.first_name or "", u.language_code)


def guarded(fn: Handler) -> Handler:
    """Answer refusals politely (toast for buttons, message otherwise); ignore redeliveries."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            return await fn(update, context)
        except AlreadyProcessed:  # a redelivery after a crash: the first answer may already be gone
            if update.callback_query:
                await answer_press(update, None)
        except Refused as exc:
            ctx = ctx_of(context)
            chat = update.effective_chat.id if update.effective_chat else None
            user = update.effective_user
            text = await reply.refusal_text(
                ctx,
                user.id,
                None if update.callback_query else chat,
                exc.reason,
                user.language_code,
                **exc.params,
            )
            # The refusal's answer and the update's processed mark commit together: a redelivered
            # refused update finds itself processed and sends nothing again (issue 9 point 12).
            first = await reply.refuse(
                ctx, None if update.callback_query else chat, text, now(), update.update_id
            )
            if update.callback_query:
                await answer_press(update, text if first else None, alert=first)

    return wrapper


async def answer_press(update: Update, text: str | None, alert: bool = False) -> bool:
    """Answer a button press with what was decided (after the commit); a failed answer is retried
    once and then only logged: the action stands whatever happens to its toast."""
    query = update.callback_query
    for attempt in (1, 2):
        try:
            params = {"callback_query_id": query.id, "text": text or None, "show_alert": alert and bool(text)}
            return bool(await transport.call(update.get_bot(), "answerCallbackQuery", params))
        except BadRequest as exc:  # too old or already answered: retrying cannot help
            log.warning("answerCallbackQuery failed: %s", exc)
            return False
        except TelegramError as exc:
            log.warning("answerCallbackQuery failed (attempt %d of 2): %s", attempt, describe(exc))
    return False

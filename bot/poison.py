"""Poison updates: one that this PTB cannot parse, or whose handling raised, is logged without its
text, recorded as processed and skipped, so neither polling nor webhook delivery is stuck on it."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timezone
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.cli import lang
from bot.store import bot_facts

log = logging.getLogger("bot.poison")


def parse(app: Application, data: Any) -> Update | None:
    """The Update, or None if it cannot be parsed (an API version skew, a malformed object)."""
    try:
        update = Update.de_json(data, app.bot)
    except Exception:  # PTB raises TypeError, KeyError, ValueError… for fields it does not expect
        return None
    return update if isinstance(update, Update) else None


def where(exc: BaseException) -> str:
    """The exception's type and innermost frame, never its message (which may quote user text)."""
    frames = traceback.extract_tb(exc.__traceback__)
    spot = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{spot}"


async def skip(app: Application, update_id: int | None, reason: str) -> None:
    """Log one line and record the update as processed (redeliveries are skipped as well)."""
    log.error(lang.say("poison", update_id=update_id, reason=reason))
    ctx = app.bot_data.get("ctx")
    if update_id is None or ctx is None:
        return
    try:
        await bot_facts.skip(ctx.db, update_id, datetime.now(timezone.utc))
    except Exception as exc:  # the store failing is not a reason to stop taking updates
        log.error("could not record update %s as processed: %s", update_id, where(exc))


def update_id_of(data: Any) -> int | None:
    """The update_id of a raw update, if it has a usable one."""
    value = data.get("update_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None

"""/log: a gridworker's daily work log, in the private chat only: `/log line`, a photo captioned
`/log line`, `/log #N line` for a ticket they closed, or `/log` alone (the bot asks for the line)."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.domain.records import Prompt
from bot.domain.tickets import Refused
from bot.callback_data import WORKLOG
from bot.handlers.base import answer_press, ctx_of, guarded, now, who_of
from bot.services import worklog

COMMAND = re.compile(r"^/log(?:@(?P<bot>\w+))?(?:\s+(?P<rest>.*))?$", re.DOTALL | re.IGNORECASE)
MESSAGES = filters.UpdateType.MESSAGE


def _photo(msg: Message) -> str | None:
    """The file_id of the largest size of the message's photo, if it has one."""
    return msg.photo[-1].file_id if msg.photo else None


async def _log(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str | None) -> None:
    msg = update.effective_message
    if msg.chat.type != "private":  # never stored from a group: the line may name a household
        raise Refused("log_in_private")
    album = msg.media_group_id if msg.photo else None
    await worklog.log(ctx_of(context), who_of(update), rest, _photo(msg), now(), update.update_id, album)


@guarded
async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/log …` typed as a command."""
    m = COMMAND.match(update.effective_message.text or "")
    await _log(update, context, m["rest"] if m else None)


@guarded
async def captioned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo whose caption is `/log …` (Telegram sends no command entity for captions)."""
    m = COMMAND.match(update.effective_message.caption or "")
    if m is None or (m["bot"] and m["bot"].lower() != (context.bot.username or "").lower()):
        return
    await _log(update, context, m["rest"])


async def by_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE, prompt: Prompt, msg: Message) -> None:
    """An answer to the bot's work-log question (a line, a photo, or a captioned photo)."""
    text = msg.text or msg.caption or ""
    await worklog.answer(ctx_of(context), who_of(update), prompt, text, _photo(msg), now(), update.update_id)


@guarded
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "add a photo" button on a ticket the worker closed: the bot asks for the photo and line."""
    m = WORKLOG.fullmatch(update.callback_query.data or "")
    if m is None:
        raise Refused("bad_button")
    toast = await worklog.ask_for_ticket(ctx_of(context), who_of(update), int(m[1]), now(), update.update_id)
    await answer_press(update, toast)


async def album_photo(update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message) -> bool:
    """A captionless photo of an album whose captioned photo was a `/log`: it joins that entry."""
    if not (msg.photo and msg.media_group_id and msg.chat.type == "private") or msg.caption:
        return False
    ctx, photo = ctx_of(context), msg.photo[-1].file_id
    return await worklog.album_photo(ctx, who_of(update), msg.media_group_id, photo, now(), update.update_id)


def register(app: Application) -> None:
    """Add this module's handlers (before intake's, which takes other captioned photos)."""
    app.add_handler(CommandHandler("log", command, MESSAGES))
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^w:"))
    app.add_handler(
        MessageHandler(MESSAGES & filters.PHOTO & filters.CaptionRegex(r"(?i)^/log(@\w+)?(\s|$)"), captioned)
    )

"""Submitting: /wish and /complain in a grid group, replies to the bot's prompts, private answers."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.domain.inputs import is_blank, parse_number
from bot.domain.records import Prompt
from bot.domain.tickets import Kind
from bot.handlers.base import ctx_of, guarded, now, who_of
from bot.handlers import worklog as worklog_handlers
from bot.services import (
    callback_review,
    close,
    decline,
    extension,
    guide,
    intake,
    outcomes,
    reply,
    returns,
    time_bank,
    worklog,
)

GROUP = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
CAPTION_COMMAND = re.compile(
    r"^/(?P<cmd>wish|xinyuan|complain|tousu)(?:@(?P<bot>\w+))?(?:\s+(?P<rest>.*))?$", re.DOTALL
)
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def _submit_in_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: Kind, text: str, prompt: Prompt | None = None
) -> None:
    msg = update.effective_message
    photo = msg.photo[-1].file_id if msg.photo else (prompt.photo_file_id if prompt else None)
    await intake.submit_in_group(
        ctx_of(context),
        who_of(update),
        msg.chat_id,
        msg.message_id,
        kind,
        text,
        photo,
        now(),
        update.update_id,
        prompt.origin_message_id if prompt else None,
    )


def _command(kind: Kind):
    @guarded
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/wish text` or `/complain text`; without text, ask for it with a reply prompt."""
        text = " ".join(context.args or [])
        if not is_blank(text):
            return await _submit_in_group(update, context, kind, text)
        who = who_of(update)
        await reply.ask_in_group(
            ctx_of(context),
            update.effective_chat.id,
            who.id,
            who.first_name,
            kind.value,
            now(),
            update.update_id,
        )

    return handler


@guarded
async def captioned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo whose caption is `/wish …` or `/complain …` (Telegram sends no command entity)."""
    m = CAPTION_COMMAND.match(update.effective_message.caption or "")
    username = context.bot.username or ""
    if m is None or (m["bot"] and m["bot"].lower() != username.lower()):
        return
    kind = Kind.WISH if m["cmd"] in {"wish", "xinyuan"} else Kind.COMPLAINT
    if not is_blank(m["rest"] or ""):
        return await _submit_in_group(update, context, kind, m["rest"])
    msg, who = update.effective_message, who_of(update)  # a photo and the bare command: ask for the text
    await reply.ask_in_group(
        ctx_of(context),
        msg.chat_id,
        who.id,
        who.first_name,
        kind.value,
        now(),
        update.update_id,
        photo_file_id=msg.photo[-1].file_id,
        origin_message_id=msg.message_id,
    )


@guarded
async def answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message answering one of the bot's prompts, or a step of a private draft."""
    ctx, msg, who = ctx_of(context), update.effective_message, who_of(update)
    if await worklog_handlers.album_photo(update, context, msg):
        return  # the rest of a work-log album, not an answer to anything
    reply_to = msg.reply_to_message.message_id if msg.reply_to_message else None
    prompt = await reply.prompt_for(ctx, msg.chat_id, who.id, reply_to)
    if prompt is not None:
        return await _by_prompt(update, context, prompt, msg)
    if msg.chat.type == "private":
        return await _draft_step(update, context, msg)


async def _by_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE, prompt, msg: Message) -> None:
    ctx, who, text = ctx_of(context), who_of(update), msg.text or msg.caption or ""
    photo = msg.photo[-1].file_id if msg.photo else None
    purpose, ticket = prompt.purpose, prompt.ticket_id
    if purpose in {"wish", "complaint"}:
        return await _submit_in_group(update, context, Kind(purpose), text, prompt)
    if purpose == "decline":
        return await decline.decline(ctx, who, ticket, text, now(), update.update_id)
    if purpose in CASEWORK_PROMPTS or purpose.startswith("refer:"):
        return await _casework_prompt(ctx, who, purpose, ticket, text, update.update_id)
    if purpose == "close":
        return await close.close(ctx, who, ticket, text, photo, now(), update.update_id)
    if purpose == worklog.PURPOSE:
        return await worklog_handlers.by_prompt(update, context, prompt, msg)
    if purpose == "callback":
        return await callback_review.reopen(ctx, who, ticket, text, now(), update.update_id)
    if purpose == "hours":
        await time_bank.typed(ctx, who, ticket, text, now(), update.update_id)


CASEWORK_PROMPTS = {"return", "not_ours", "explain", "extension"}


async def _casework_prompt(ctx, who, purpose: str, ticket: int, text: str, update_id: int) -> None:
    if purpose == "return":
        await returns.give_back(ctx, who, ticket, text, now(), update_id)
    elif purpose == "not_ours":
        await returns.not_ours(ctx, who, ticket, text, now(), update_id)
    elif purpose == "explain":
        await outcomes.close_as(ctx, who, ticket, "explained", text, now(), update_id)
    elif purpose == "extension":
        await extension.request(ctx, who, ticket, text, now(), update_id)
    else:
        liaison = parse_number(purpose.removeprefix("refer:"))
        await outcomes.close_as(ctx, who, ticket, "referred", text, now(), update_id, liaison)


async def _draft_step(update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message) -> None:
    ctx, who = ctx_of(context), who_of(update)
    if msg.location:
        field, value = "location", (msg.location.latitude, msg.location.longitude)
    elif msg.photo:
        field, value = "photo", msg.photo[-1].file_id
    else:
        field, value = "text", msg.text or ""
    await guide.answer(ctx, who, field, value, now(), update.update_id, help_if_none=True)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CommandHandler(["wish", "xinyuan"], _command(Kind.WISH), GROUP))
    app.add_handler(CommandHandler(["complain", "tousu"], _command(Kind.COMPLAINT), GROUP))
    app.add_handler(MessageHandler(GROUP & filters.PHOTO & filters.CaptionRegex(r"^/"), captioned))
    answers = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.LOCATION
    app.add_handler(MessageHandler(GROUP & filters.REPLY & answers, answered))
    app.add_handler(MessageHandler(PRIVATE & answers, answered))

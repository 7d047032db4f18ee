"""Plain answers to the acting user: refusals and help, through the outbox like everything else."""

from __future__ import annotations

from datetime import datetime, timezone

from bot import i18n
from bot.services import common
from bot.services.context import Ctx
from bot.services.notices import Notice, enqueue

PROMPT_LIFETIME = 86400  # seconds


async def locale_for(ctx: Ctx, user_id: int | None, chat_id: int | None) -> str:
    """The language to answer in: the user's in private chats, the group's in groups."""
    if chat_id is not None and chat_id < 0:
        return await common.group_locale(ctx, ctx.db.reader, chat_id)
    return await common.user_locale(ctx, ctx.db.reader, user_id)


async def refusal_text(ctx: Ctx, user_id: int | None, chat_id: int | None, reason: str,
                       **params: object) -> str:
    """The polite sentence for a refusal reason, in the right language."""
    loc = await locale_for(ctx, user_id, chat_id)
    return i18n.label(loc, f"refused_{reason}", **params)


async def tell(ctx: Ctx, chat_id: int, template: str, now: datetime, user_id: int | None = None,
               **params: object) -> None:
    """Send one templated message to a chat."""
    loc = await locale_for(ctx, user_id, chat_id)
    text = i18n.render(loc, template, **params)
    async with ctx.db.write() as conn:
        await enqueue(conn, [Notice(chat_id, text)], now)
    ctx.kick()


async def tell_text(ctx: Ctx, chat_id: int, text: str, now: datetime) -> None:
    """Send an already rendered text to a chat."""
    async with ctx.db.write() as conn:
        await enqueue(conn, [Notice(chat_id, text)], now)
    ctx.kick()


async def prompt_for(ctx: Ctx, chat_id: int, user_id: int, reply_to: int | None):
    """The prompt a message answers: the one it replies to; else, in a private chat, the user's latest
    of the day; else, replying to the bot in a group, the user's prompt still being delivered."""
    if reply_to is not None:
        row = await ctx.db.fetchone("SELECT * FROM prompts WHERE chat_id = ? AND message_id = ?",
                                    (chat_id, reply_to))
        if row is not None:
            return row
    since = datetime.now(timezone.utc).timestamp() - PROMPT_LIFETIME
    latest = ("SELECT * FROM prompts WHERE chat_id = ? AND user_id = ? AND created_at > ? {} "
              "ORDER BY id DESC LIMIT 1")
    if chat_id > 0:
        return await ctx.db.fetchone(latest.format(""), (chat_id, user_id, since))
    if reply_to is not None:
        return await ctx.db.fetchone(latest.format("AND message_id IS NULL"), (chat_id, user_id, since))
    return None


async def ask_in_group(ctx: Ctx, chat_id: int, user_id: int, first_name: str, purpose: str,
                       now: datetime, update_id: int | None) -> None:
    """Ask a group member for their text with ForceReply, so their answer reaches the bot."""
    loc = await locale_for(ctx, user_id, chat_id)
    text = i18n.render(loc, f"ask_{purpose}", **common.mention(user_id, first_name))
    async with ctx.db.write(update_id) as conn:
        await enqueue(conn, [Notice(chat_id, text, force_reply=True,
                                    prompt={"user_id": user_id, "purpose": purpose})], now)
    ctx.kick()

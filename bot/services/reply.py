"""Plain answers to the acting user: refusals and help, through the outbox like everything else."""

from __future__ import annotations

from datetime import datetime, timezone

from bot import i18n
from bot.services import locales, recipients
from bot.services.context import Ctx
from bot.domain.records import Prompt
from bot.domain.tickets import Refused
from bot.services.notices import Notice
from bot.store.db import AlreadyProcessed

PROMPT_LIFETIME = 86400  # seconds


async def locale_for(ctx: Ctx, user_id: int | None, chat_id: int | None, language: str | None = None) -> str:
    """The language to answer in: the user's in private chats (`language`: their Telegram
    language_code, used until they choose), the group's in groups."""
    if chat_id is not None and chat_id < 0:
        return await locales.group_locale(ctx, ctx.read(), chat_id)
    return await locales.user_locale(ctx, ctx.read(), user_id, language)


async def refusal_text(
    ctx: Ctx,
    user_id: int | None,
    chat_id: int | None,
    reason: str,
    language: str | None = None,
    **params: object,
) -> str:
    """The polite sentence for a refusal reason, in the right language (a press's toast: the presser's)."""
    loc = await locale_for(ctx, user_id, chat_id, language)
    return i18n.label(loc, f"refused_{reason}", **params)


async def tell(
    ctx: Ctx,
    chat_id: int,
    template: str,
    now: datetime,
    user_id: int | None = None,
    update_id: int | None = None,
    **params: object,
) -> None:
    """Send one templated message to a chat (with `update_id`: once, however often the update comes)."""
    loc = await locale_for(ctx, user_id, chat_id)
    text = i18n.render(loc, template, **params)
    async with ctx.uow(update_id) as uow:
        await uow.outbox.add([Notice(chat_id, text)], now)
    ctx.kick()


async def refuse(ctx: Ctx, chat_id: int | None, text: str, now: datetime, update_id: int | None) -> bool:
    """Record a refused update as processed together with the refusal's answer (to `chat_id`, if any);
    False if it was processed before (a redelivery): then nothing is sent again."""
    try:
        async with ctx.uow(update_id) as uow:
            if chat_id is not None and text:
                await uow.outbox.add([Notice(chat_id, text)], now)
    except AlreadyProcessed:
        return False
    ctx.kick()
    return True


async def tell_text(ctx: Ctx, chat_id: int, text: str, now: datetime) -> None:
    """Send an already rendered text to a chat."""
    async with ctx.uow() as uow:
        await uow.outbox.add([Notice(chat_id, text)], now)
    ctx.kick()


async def prompt_for(ctx: Ctx, chat_id: int, user_id: int, reply_to: int | None) -> Prompt | None:
    """The prompt a message answers: the one it replies to (refused if it asked someone else); else, in
    a private chat, the user's latest of the day; else, replying to the bot in a group, the user's
    prompt still being delivered. The refusal is answered with the update's processed mark."""
    prompts = ctx.read().prompts
    if reply_to is not None:
        found = await prompts.replied_to(chat_id, reply_to)
        if found is not None and found.user_id != user_id:
            raise Refused("not_your_prompt")
        if found is not None:
            return found
    since = datetime.now(timezone.utc).timestamp() - PROMPT_LIFETIME
    if chat_id > 0:
        return await prompts.latest(chat_id, user_id, since)
    if reply_to is not None:
        return await prompts.latest(chat_id, user_id, since, unsent_only=True)
    return None


async def ask_in_group(
    ctx: Ctx,
    chat_id: int,
    user_id: int,
    first_name: str,
    purpose: str,
    now: datetime,
    update_id: int | None,
    photo_file_id: str | None = None,
    origin_message_id: int | None = None,
) -> None:
    """Ask a group member for their text with ForceReply, so their answer reaches the bot (a photo
    they sent with the bare command is kept with the question, and its message removed later);
    a group not bound to a grid is refused at once, not after the answer."""
    loc = await locale_for(ctx, user_id, chat_id)
    text = i18n.render(loc, f"ask_{purpose}", **recipients.mention(user_id, first_name))
    async with ctx.uow(update_id) as uow:
        group = await uow.groups.get(chat_id)
        if group is None or not group.grid:
            raise Refused("group_not_bound")
        await uow.outbox.add(
            [
                Notice(
                    chat_id,
                    text,
                    force_reply=True,
                    prompt={
                        "user_id": user_id,
                        "purpose": purpose,
                        "photo_file_id": photo_file_id,
                        "origin_message_id": origin_message_id,
                    },
                )
            ],
            now,
        )
    ctx.kick()

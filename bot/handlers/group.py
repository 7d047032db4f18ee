"""Group life: /bind, the bot added, promoted or removed, and the upgrade to a supergroup."""

from __future__ import annotations

import logging

from telegram import ChatMemberAdministrator, Update
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.apilog import describe
from bot.domain.tickets import Refused
from bot.handlers.base import ctx_of, guarded, now, who_of
from bot.services import binding, reply, setup

log = logging.getLogger(__name__)

GROUP = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE


@guarded
async def bind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/bind GRID-CODE`: a leader who administers this group binds it to their grid."""
    if not context.args:
        await reply.tell(
            ctx_of(context), update.effective_chat.id, "bind_usage", now(), None, update.update_id
        )
        return
    chat = update.effective_chat
    standing = await _standing(context, chat.id, update.effective_user.id)
    await binding.bind_group(
        ctx_of(context),
        who_of(update),
        chat.id,
        chat.title or "",
        context.args[0],
        standing,
        now(),
        update.update_id,
    )


async def _standing(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> binding.Standing:
    """The sender's status in the group and whether the bot may delete messages there."""
    try:
        sender = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.warning("getChatMember for /bind failed: %s", describe(exc))
        raise Refused("chat_check_failed") from None
    try:
        me = await context.bot.get_chat_member(chat_id, context.bot.id)
    except TelegramError as exc:
        log.warning("getChatMember (the bot itself) failed: %s", describe(exc))
        return binding.Standing(sender.status)
    return binding.Standing(sender.status, isinstance(me, ChatMemberAdministrator) and me.can_delete_messages)


@guarded
async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow the bot's own membership and rights in a group."""
    change = update.my_chat_member
    member = change.new_chat_member
    if change.chat.type == "private":  # the user blocked (kicked) or unblocked the bot
        await setup.user_blocked(
            ctx_of(context), change.chat.id, member.status == "kicked", now(), update.update_id
        )
        return
    if change.chat.type not in {"group", "supergroup"}:
        return
    can_delete = isinstance(member, ChatMemberAdministrator) and member.can_delete_messages
    await setup.bot_membership(
        ctx_of(context),
        change.chat.id,
        change.chat.title,
        member.status,
        bool(can_delete),
        now(),
        update.update_id,
    )


@guarded
async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its binding to the new chat id."""
    msg = update.effective_message
    old, new = (
        (msg.chat_id, msg.migrate_to_chat_id)
        if msg.migrate_to_chat_id
        else (msg.migrate_from_chat_id, msg.chat_id)
    )
    await setup.migrate_group(ctx_of(context), old, new, update.update_id)


def register(app: Application) -> None:
    """Add this module's handlers."""
    app.add_handler(CommandHandler("bind", bind, GROUP))
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))

"""Telegram ChatMember objects for the bot and users."""

from __future__ import annotations

from typing import Any

from bot.emulator.model import Chat, User

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def member_dict(chat: Chat, user: User, status: str) -> dict[str, Any]:
    """A ChatMember of the given status ("member", "administrator", "kicked", "left", "creator")."""
    data: dict[str, Any] = {"status": status, "user": user.to_dict()}
    if status == "administrator":
        data.update({key: key in ("can_manage_chat", "can_invite_users") for key in ADMIN_RIGHTS})
        data.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_delete_messages": chat.bot_can_delete if user.is_bot else True,
            }
        )
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "kicked":
        data["until_date"] = 0
    return data


def status_of(chat: Chat, user: User) -> str:
    """The user's (or the bot's) current status in `chat`."""
    if user.is_bot:
        if chat.user is not None:
            return "kicked" if chat.user.blocked else "member"
        return chat.bot_status
    if user.id == chat.creator and chat.is_group:
        return "creator"
    if user.id in chat.admins and user.id in chat.members and chat.is_group:
        return "administrator"
    return "member" if user.id in chat.members else "left"

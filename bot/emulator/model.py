"""Records the emulator keeps: users, chats, stored messages, files and callback queries."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A Telegram user (or the bot itself when `is_bot`)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    started: bool = False
    blocked: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Telegram's User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    def view(self) -> dict[str, Any]:
        """User object plus emulator state (started/blocked) for the control API."""
        return {**self.to_dict(), "started": self.started, "blocked": self.blocked}


@dataclass
class StoredMessage:
    """A message in a chat: Telegram's JSON plus what only the emulator knows."""

    data: dict[str, Any]
    seq: int
    raw_text: str | None = None
    deleted: bool = False
    force_reply: dict[str, Any] | None = None
    reply_keyboard: dict[str, Any] | None = None
    disable_notification: bool = False

    @property
    def chat_id(self) -> int:
        """Id of the chat holding the message."""
        return int(self.data["chat"]["id"])

    @property
    def message_id(self) -> int:
        """The message id (unique within its chat)."""
        return int(self.data["message_id"])

    @property
    def sender_id(self) -> int | None:
        """Id of the sending user or bot."""
        return self.data.get("from", {}).get("id")

    @property
    def plain_text(self) -> str | None:
        """Text or caption with markup stripped and entities unescaped."""
        return self.data.get("text", self.data.get("caption"))

    def telegram(self) -> dict[str, Any]:
        """A copy of the Telegram Message object."""
        return copy.deepcopy(self.data)

    def view(self) -> dict[str, Any]:
        """Telegram Message plus raw_text, plain_text, force_reply, seq for tests and the page."""
        return {
            **self.telegram(),
            "raw_text": self.raw_text if self.raw_text is not None else self.plain_text,
            "plain_text": self.plain_text,
            "force_reply": copy.deepcopy(self.force_reply),
            "reply_keyboard": copy.deepcopy(self.reply_keyboard),
            "disable_notification": self.disable_notification,
            "seq": self.seq,
        }


@dataclass
class Chat:
    """A private chat with the bot, a group or a supergroup."""

    id: int
    type: str
    title: str | None = None
    user: User | None = None
    members: list[int] = field(default_factory=list)
    creator: int | None = None
    admins: list[int] = field(default_factory=list)  # users the creator made administrators
    bot_status: str = "left"
    bot_can_delete: bool = False
    migrated_to: int | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        """True for groups and supergroups."""
        return self.type in ("group", "supergroup")

    @property
    def bot_in(self) -> bool:
        """True if the bot is currently a member or an admin."""
        return self.bot_status in ("member", "administrator")

    def to_dict(self) -> dict[str, Any]:
        """Telegram's Chat object."""
        if self.user is not None:
            data = {"id": self.id, "type": "private", **self.user.to_dict()}
            data["id"] = self.id
            for key in ("is_bot", "language_code"):
                data.pop(key, None)
            return data
        data = {"id": self.id, "type": self.type, "title": self.title}
        if self.type == "group":
            data["all_members_are_administrators"] = False
        return data

    def view(self, users: dict[int, User]) -> dict[str, Any]:
        """Chat object plus members and the bot's standing, for the control API."""
        return {
            **self.to_dict(),
            "members": [users[m].view() for m in self.members if m in users],
            "creator": self.creator,
            "admins": list(self.admins),
            "bot_status": self.bot_status,
            "bot_can_delete": self.bot_can_delete,
            "migrated_to": self.migrated_to,
        }


@dataclass
class FileRecord:
    """An uploaded or user-sent file downloadable through getFile."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    width: int = 0
    height: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Telegram's File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class Callback:
    """A callback query a user caused by pressing an inline button."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    pressed_at: float = 0.0  # the emulator's clock() when the user pressed
    answer: dict[str, Any] | None = None

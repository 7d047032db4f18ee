"""The emulator's world: users, chats, messages, the update queue and change notification."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from bot.emulator.errors import EmulatorError, EmulatorTimeout
from bot.emulator.model import Callback, Chat, FileRecord, StoredMessage, User
from bot.emulator.text import command_of, mentions

DEFAULT_UPDATES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "my_chat_member",
    "inline_query",
    "chosen_inline_result",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "chat_join_request",
    "business_connection",
    "business_message",
)
SERVICE_KEYS = (
    "new_chat_members",
    "left_chat_member",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "group_chat_created",
    "supergroup_chat_created",
)

UserRef = User | int | dict
ChatRef = Chat | User | int | dict


class World:
    """Storage shared by the Bot API side and the user side of the emulator."""

    def __init__(self, token: str, bot_username: str, bot_name: str, privacy: bool):
        self.token = token
        self.bot = User(id=int(token.split(":")[0]), first_name=bot_name, username=bot_username, is_bot=True)
        self.privacy = privacy
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, FileRecord] = {}
        self.photo_sets: dict[str, list[dict[str, Any]]] = {}  # any size's file_id -> its PhotoSize list
        self.callbacks: dict[str, Callback] = {}
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: tuple[str, ...] = DEFAULT_UPDATES
        self.forced_updates: set[int] = set()  # injected: delivered whatever allowed_updates says
        self.last_action_seq = 0
        self.time_offset = 0.0
        self._next_update_id = 100_000_001
        self._seq = 0
        self._counter = 0
        self._timeline: list[StoredMessage] = []
        self._changed = asyncio.Event()

    # ---- ids, time and change notification -------------------------------------------------
    def clock(self) -> float:
        """The emulator's time (Unix seconds): the real time plus what `advance` added."""
        return time.time() + self.time_offset

    def advance(self, seconds: float) -> float:
        """Move the emulator's clock forward (e.g. past the 15 s a callback query lives)."""
        self.time_offset += float(seconds)
        self.bump()
        return self.clock()

    def now(self) -> int:
        """The emulator's time in whole seconds, as in Message.date."""
        return int(self.clock())

    def next_id(self) -> int:
        """A fresh small integer for ids and names."""
        self._counter += 1
        return self._counter

    def bump(self) -> int:
        """Advance the change sequence number and wake every waiter."""
        self._seq += 1
        self._changed.set()
        self._changed = asyncio.Event()
        return self._seq

    def checkpoint(self) -> int:
        """Current change sequence number (pass as `since` to `wait_for`)."""
        return self._seq

    async def wait_change(self, timeout: float) -> None:
        """Sleep until something changes or `timeout` seconds pass."""
        event = self._changed
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0))
        except asyncio.TimeoutError:
            pass

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `condition()` is truthy and return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EmulatorTimeout(f"condition not met within {timeout} s")
            await self.wait_change(remaining)

    # ---- lookups ----------------------------------------------------------------------------
    def user_of(self, ref: UserRef) -> User:
        """Resolve a User, user id or user dict to the user record."""
        uid = ref.id if isinstance(ref, User) else ref.get("id") if isinstance(ref, dict) else ref
        try:
            return self.bot if int(uid) == self.bot.id else self.users[int(uid)]
        except (KeyError, TypeError, ValueError):
            raise EmulatorError(f"no such user: {ref!r}") from None

    def private_chat(self, user: User) -> Chat:
        """The user's private chat with the bot (created on first use)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(
                id=user.id, type="private", user=user, members=[user.id], bot_status="member"
            )
        return chat

    def chat_of(self, ref: ChatRef) -> Chat:
        """Resolve a Chat, a User (their private chat), a chat id or a chat/message dict."""
        if isinstance(ref, Chat):
            return ref
        if isinstance(ref, User):
            return self.private_chat(ref)
        if isinstance(ref, dict):
            ref = ref["chat"]["id"] if "chat" in ref else ref["id"]
        chat_id = int(ref)
        if chat_id in self.chats:
            return self.chats[chat_id]
        if chat_id in self.users:
            return self.private_chat(self.users[chat_id])
        raise EmulatorError(f"no such chat: {ref!r}")

    def stored(self, chat: ChatRef, message_id: int | None = None) -> StoredMessage:
        """Resolve a message dict (or chat + message id) to the stored message."""
        if message_id is None and isinstance(chat, dict) and "message_id" in chat:
            message_id = chat["message_id"]
        found = self.chat_of(chat).messages.get(int(message_id or 0))
        if found is None:
            raise EmulatorError(f"no message {message_id} in chat {self.chat_of(chat).id}")
        return found

    # ---- messages and updates ---------------------------------------------------------------
    def store(self, chat: Chat, sender: User, fields: dict[str, Any], **meta: Any) -> StoredMessage:
        """Append a message to `chat` from `sender` and return it."""
        data = {
            "message_id": chat.next_message_id,
            "from": sender.to_dict(),
            "chat": chat.to_dict(),
            "date": self.now(),
            **fields,
        }
        chat.next_message_id += 1
        message = StoredMessage(data=data, seq=self.bump(), **meta)
        chat.messages[message.message_id] = message
        self._timeline.append(message)
        return message

    def touch(self, message: StoredMessage) -> None:
        """Mark a message as changed (edited/deleted) so waiters see it."""
        message.seq = self.bump()

    def emit(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of type `kind` for the bot."""
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self.updates.append(update)
        self.bump()
        return update

    def drop_unwanted(self) -> list[dict[str, Any]]:
        """Drop queued updates of kinds the bot did not ask for (allowed_updates); return the rest."""

        def wanted(update: dict[str, Any]) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in self.allowed_updates or update["update_id"] in self.forced_updates

        self.updates = [u for u in self.updates if wanted(u)]
        return self.updates

    def deliver(self, chat: Chat, message: StoredMessage, kind: str = "message") -> bool:
        """Queue a user's message for the bot if Telegram would show it to the bot."""
        if not self.bot_sees(chat, message.data):
            return False
        self.emit(kind, message.telegram())
        return True

    def bot_sees(self, chat: Chat, data: dict[str, Any]) -> bool:
        """Privacy mode: what a bot in `chat` receives of a user's message."""
        if not chat.is_group:
            return True
        if not chat.bot_in:
            return False
        if chat.bot_status == "administrator" or not self.privacy:
            return True
        if any(key in data for key in SERVICE_KEYS):
            return True
        text = data.get("text", data.get("caption"))
        command = command_of(text)
        me = (self.bot.username or "").lower()
        if command and (command[1] is None or command[1].lower() == me):
            return True
        if data.get("reply_to_message", {}).get("from", {}).get("id") == self.bot.id:
            return True
        return me in (name.lower() for name in mentions(text))

    def timeline(self) -> list[StoredMessage]:
        """Every stored message in creation order."""
        return list(self._timeline)

"""Acting as Telegram users: create users and groups, send, edit, press buttons."""

from __future__ import annotations

import io
from typing import Any

from bot.emulator.errors import EmulatorError
from bot.emulator.files import FileStore
from bot.emulator.groups import Groups
from bot.emulator.model import Callback, Chat, StoredMessage, User
from bot.emulator.text import auto_entities
from bot.emulator.world import ChatRef, UserRef


class Actors(Groups, FileStore):
    """User-side verbs of the emulator (mixed into `Emulator`)."""

    def user(
        self,
        id: int | None = None,
        first_name: str = "Li",
        username: str | None = None,
        language_code: str | None = "zh",
        last_name: str | None = None,
    ) -> User:
        """Create (or return the existing) user; ids are assigned from 1000001 when omitted."""
        uid = int(id) if id is not None else 1_000_000 + self.next_id()
        if uid in self.users:
            return self.users[uid]
        user = self.users[uid] = User(uid, first_name, username, last_name, language_code)
        self.private_chat(user)
        self.bump()
        return user

    def block(self, user: UserRef) -> None:
        """The user blocks the bot: later sends to them fail with 403."""
        who = self.user_of(user)
        if not who.blocked:
            who.blocked = True
            self._member_update(self.private_chat(who), who, "member", "kicked")

    def unblock(self, user: UserRef) -> None:
        """The user unblocks (restarts) the bot."""
        who = self.user_of(user)
        if who.blocked:
            who.blocked = False
            self._member_update(self.private_chat(who), who, "kicked", "member")

    # ---- messages ---------------------------------------------------------------------------
    def send(
        self, user: UserRef, chat: ChatRef, text: str, reply_to: dict[str, Any] | int | None = None
    ) -> dict[str, Any]:
        """`user` writes `text` in `chat` (a user means their private chat with the bot)."""
        who, where = self.user_of(user), self.chat_of(chat)
        fields: dict[str, Any] = {"text": text}
        entities = auto_entities(text)
        if entities:
            fields["entities"] = entities
        if not where.is_group and text.split(maxsplit=1)[:1] in (["/start"], [f"/start@{self.bot.username}"]):
            who.started = True
            self.unblock(who)
        return self._post(who, where, fields, reply_to, raw_text=text)

    def send_photo(
        self,
        user: UserRef,
        chat: ChatRef,
        caption: str | None = None,
        reply_to: dict[str, Any] | int | None = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        """`user` sends a photo (a generated JPEG unless `data` given) with an optional caption."""
        who, where = self.user_of(user), self.chat_of(chat)
        fields: dict[str, Any] = {"photo": self.photo_sizes(data or _jpeg())}
        if caption:
            fields["caption"] = caption
            if auto_entities(caption):
                fields["caption_entities"] = auto_entities(caption)
        return self._post(who, where, fields, reply_to, raw_text=caption)

    def send_location(
        self, user: UserRef, chat: ChatRef, latitude: float, longitude: float
    ) -> dict[str, Any]:
        """`user` shares a location."""
        fields = {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
        return self._post(self.user_of(user), self.chat_of(chat), fields, None)

    def edit(self, user: UserRef, message: dict[str, Any], new_text: str) -> dict[str, Any]:
        """`user` edits their own text message; the bot gets an edited_message update."""
        who, stored = self.user_of(user), self.stored(message)
        if stored.sender_id != who.id or "text" not in stored.data:
            raise EmulatorError("users can only edit their own text messages")
        stored.data["text"], stored.raw_text = new_text, new_text
        stored.data.pop("entities", None)
        if auto_entities(new_text):
            stored.data["entities"] = auto_entities(new_text)
        stored.data["edit_date"] = self.now()
        self.touch(stored)
        self.deliver(self.chat_of(stored.chat_id), stored, "edited_message")
        self.last_action_seq = self.checkpoint()
        return stored.view()

    def press(self, user: UserRef, message: dict[str, Any], button: str) -> str:
        """`user` presses the inline button with this text or callback_data; returns the query id."""
        who, stored = self.user_of(user), self.stored(message)
        chat = self.chat_of(stored.chat_id)
        self._require_member(who, chat)
        if stored.deleted:
            raise EmulatorError(f"message {stored.message_id} was deleted")
        found = _find_button(stored, button)
        query = Callback(
            id=f"{4_000_000_000_000 + self.next_id() * 1_000 + who.id % 1000}",
            user_id=who.id,
            chat_id=chat.id,
            message_id=stored.message_id,
            data=found["callback_data"],
            pressed_at=self.clock(),
        )
        self.callbacks[query.id] = query
        self.emit(
            "callback_query",
            {
                "id": query.id,
                "from": who.to_dict(),
                "message": stored.telegram(),
                "chat_instance": str(abs(chat.id) * 7919 % 10**12),
                "data": query.data,
            },
        )
        self.last_action_seq = self.checkpoint()
        return query.id

    def callback_answer(self, callback_id: str) -> dict[str, Any] | None:
        """What the bot answered to a callback query (text, show_alert, url), or None yet."""
        query = self.callbacks.get(str(callback_id))
        if query is None:
            raise EmulatorError(f"no callback query {callback_id}")
        return dict(query.answer) if query.answer is not None else None

    def _post(
        self,
        who: User,
        where: Chat,
        fields: dict[str, Any],
        reply_to: dict[str, Any] | int | None,
        raw_text: str | None = None,
    ) -> dict[str, Any]:
        self._require_member(who, where)
        if where.user is not None and who.blocked:
            raise EmulatorError(f"user {who.id} blocked the bot; send /start to restart it")
        if reply_to is not None:
            target = self.stored(where, reply_to if isinstance(reply_to, int) else reply_to["message_id"])
            fields["reply_to_message"] = {
                k: v for k, v in target.telegram().items() if k != "reply_to_message"
            }
        message = self.store(where, who, fields, raw_text=raw_text)
        self.deliver(where, message)
        self.last_action_seq = self.checkpoint()
        return message.view()


def _find_button(stored: StoredMessage, button: str) -> dict[str, Any]:
    rows = (stored.data.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [b for row in rows for b in row]
    for key in ("text", "callback_data"):
        for candidate in buttons:
            if candidate.get(key) == button and "callback_data" in candidate:
                return candidate
    labels = [f"{b.get('text')!r}->{b.get('callback_data')!r}" for b in buttons]
    raise EmulatorError(
        f"no callback button {button!r} on message {stored.message_id}; "
        f"buttons: {', '.join(labels) or 'none'}"
    )


def _jpeg(color: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    """A small JPEG (Pillow) used as the content of user photos."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a main dependency
        return b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, "JPEG")
    return buffer.getvalue()

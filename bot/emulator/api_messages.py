"""Bot API methods that send, edit and delete messages and answer callback queries."""

from __future__ import annotations

from typing import Any

from bot.emulator.checks import Checks
from bot.emulator.errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from bot.emulator.files import FileStore
from bot.emulator.model import Chat, StoredMessage
from bot.emulator.params import Params, Upload
from bot.emulator.registry import api_method
from bot.emulator.text import check_length, render

CALLBACK_TTL = 15.0  # seconds Telegram waits for answerCallbackQuery before the query is too old


class MessageMethods(Checks, FileStore):
    """sendMessage, sendPhoto, editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery."""

    @api_method("sendMessage")
    def send_message(self, p: Params) -> dict[str, Any]:
        """Send a text message as the bot."""
        chat = self.target_chat(p)
        text = p.str("text") or ""
        plain, entities = render(text, p.str("parse_mode"), p.json("entities"))
        check_length(plain)
        fields: dict[str, Any] = {"text": plain}
        if entities:
            fields["entities"] = entities
        if isinstance(p.json("link_preview_options"), dict):
            fields["link_preview_options"] = p.json("link_preview_options")
        return self._send(chat, p, fields, text)

    @api_method("sendPhoto")
    def send_photo_api(self, p: Params) -> dict[str, Any]:
        """Send a photo (file_id, URL or multipart upload) with an optional caption."""
        chat = self.target_chat(p)
        known = self.known_photo(str(p.raw("photo") or ""))
        data = None if known else self._photo_bytes(p)
        caption = p.str("caption") or ""
        plain, entities = render(caption, p.str("parse_mode"), p.json("caption_entities"))
        check_length(plain, caption=True)
        fields: dict[str, Any] = {"photo": known or self.photo_sizes(data or b"")}
        if plain:
            fields["caption"] = plain
        if entities:
            fields["caption_entities"] = entities
        return self._send(chat, p, fields, caption or None)

    def _photo_bytes(self, p: Params) -> bytes:
        photo = p.raw("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = p.raw(photo[len("attach://") :])
        if isinstance(photo, Upload):
            return photo.data
        if not photo:
            raise bad_request("there is no photo in the request")
        if str(photo) in self.files:
            return self.files[str(photo)].data
        if str(photo).startswith(("http://", "https://")):
            from bot.emulator.actors import _jpeg

            return _jpeg((200, 200, 200))
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send(self, chat: Chat, p: Params, fields: dict[str, Any], raw: str | None) -> dict[str, Any]:
        markup = self.parse_markup(p)
        reply = self.reply_target(chat, p)
        self.flood_check(chat)
        if reply:
            fields["reply_to_message"] = reply
        if markup.get("inline"):
            fields["reply_markup"] = markup["inline"]
        message = self.store(
            chat,
            self.bot,
            fields,
            raw_text=raw,
            force_reply=markup.get("force_reply"),
            reply_keyboard=markup.get("reply_keyboard"),
            disable_notification=p.bool("disable_notification"),
        )
        return message.telegram()

    def _editable(self, p: Params) -> tuple[Chat, StoredMessage]:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the emulator")
        chat = self.target_chat(p)
        message = self.find_message(chat, p, "message to edit not found")
        if message.sender_id != self.bot.id:
            raise bad_request("message can't be edited")
        return chat, message

    @api_method("editMessageText")
    def edit_message_text(self, p: Params) -> dict[str, Any]:
        """Replace the text (and keyboard: omitted reply_markup removes it) of a bot message."""
        chat, message = self._editable(p)
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        text = p.str("text") or ""
        plain, entities = render(text, p.str("parse_mode"), p.json("entities"))
        check_length(plain)
        markup = self.parse_markup(p).get("inline")
        old = message.data
        if (plain, entities, markup) == (old["text"], old.get("entities", []), old.get("reply_markup")):
            raise bad_request(NOT_MODIFIED)
        self.flood_check(chat)
        old["text"], message.raw_text = plain, text
        _set(old, "entities", entities)
        _set(old, "reply_markup", markup)
        return self._edited(message)

    @api_method("editMessageReplyMarkup")
    def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        """Replace (or remove) the inline keyboard of a bot message."""
        chat, message = self._editable(p)
        markup = self.parse_markup(p).get("inline")
        if markup == message.data.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        self.flood_check(chat)
        _set(message.data, "reply_markup", markup)
        return self._edited(message)

    def _edited(self, message: StoredMessage) -> dict[str, Any]:
        message.data["edit_date"] = self.now()
        self.touch(message)
        return message.telegram()

    @api_method("deleteMessage")
    def delete_message(self, p: Params) -> bool:
        """Delete a message: own ones always, others' in groups only as admin with delete rights."""
        chat = self.target_chat(p, access=False)
        if chat.is_group:
            self.check_access(chat)  # removed from the group: 403 "bot was kicked from the group chat"
        message = self.find_message(chat, p, "message to delete not found")
        own = message.sender_id == self.bot.id
        if chat.is_group and not own and not (chat.bot_status == "administrator" and chat.bot_can_delete):
            raise bad_request("message can't be deleted")
        message.deleted = True
        self.touch(message)
        return True

    @api_method("answerCallbackQuery")
    def answer_callback_query(self, p: Params) -> bool:
        """Answer a callback query once, within 15 s of the press; else "query is too old"."""
        query = self.callbacks.get(p.str("callback_query_id") or "")
        if query is None or query.answer is not None or self.clock() - query.pressed_at > CALLBACK_TTL:
            raise bad_request(QUERY_TOO_OLD)
        if len(p.str("text") or "") > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {
            "text": p.str("text"),
            "show_alert": p.bool("show_alert"),
            "url": p.str("url"),
            "cache_time": p.int("cache_time", 0),
        }
        self.bump()
        return True


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value
    else:
        data.pop(key, None)

"""sendMediaGroup: photos sent as one album, as Telegram does it (2-10 items; a single item goes out
as a plain message outside any album; a refused album stores nothing)."""

from __future__ import annotations

from typing import Any

from bot.emulator.api_messages import MessageMethods
from bot.emulator.errors import bad_request
from bot.emulator.model import Chat
from bot.emulator.params import Params, Upload
from bot.emulator.registry import api_method
from bot.emulator.text import check_length, render

ALBUM_MAX = 10
UNSUPPORTED = {"animation": "can't be used in sendMediaGroup", "sticker": "is unsupported"}


class AlbumMethods(MessageMethods):
    """sendMediaGroup over the message store (photos; other media types are refused)."""

    @api_method("sendMediaGroup")
    def send_media_group(self, p: Params) -> list[dict[str, Any]]:
        """Send photos as an album: each its own message sharing one media_group_id, all returned."""
        chat = self.target_chat(p)
        items = _items(p)
        prepared = [self._album_item(p, item) for item in items]  # every item checked before any is sent
        for _ in prepared:
            self.flood_check(chat)
        group_id = str(self.next_id() * 1000 + chat.next_message_id) if len(prepared) > 1 else None
        return [self._store_item(chat, p, fields, raw, group_id) for fields, raw in prepared]

    def _album_item(self, p: Params, item: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The message fields of one InputMediaPhoto (its photo sizes, caption and entities)."""
        kind = item.get("type")
        if kind in UNSUPPORTED:
            raise bad_request(f'can\'t parse InputMedia: type "{kind}" {UNSUPPORTED[kind]}')
        if kind != "photo":
            raise bad_request(f"the emulator sends albums of photos only, not {kind!r}")
        media = str(item.get("media") or "")
        known = self.known_photo(media)
        caption = str(item.get("caption") or "")
        plain, entities = render(
            caption, item.get("parse_mode") or p.str("parse_mode"), item.get("caption_entities")
        )
        check_length(plain, caption=True)
        fields: dict[str, Any] = {"photo": known or self.photo_sizes(self._media_bytes(p, media))}
        if plain:
            fields["caption"] = plain
        if entities:
            fields["caption_entities"] = entities
        return fields, caption or None

    def _media_bytes(self, p: Params, media: str) -> bytes:
        """The bytes an item names: an attached part, a known file or a URL."""
        if media.startswith("attach://"):
            part = p.raw(media[len("attach://") :])
            if not isinstance(part, Upload):
                raise bad_request("can't parse InputMedia: media not found")
            return part.data
        if media in self.files:
            return self.files[media].data
        if media.startswith(("http://", "https://")):
            from bot.emulator.actors import _jpeg

            return _jpeg((200, 200, 200))
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _store_item(
        self, chat: Chat, p: Params, fields: dict[str, Any], raw: str | None, group_id: str | None
    ) -> dict[str, Any]:
        if group_id:
            fields["media_group_id"] = group_id
        reply = self.reply_target(chat, p)
        if reply:
            fields["reply_to_message"] = reply
        message = self.store(
            chat, self.bot, fields, raw_text=raw, disable_notification=p.bool("disable_notification")
        )
        return message.telegram()


def _items(p: Params) -> list[dict[str, Any]]:
    """The media list, refused as Telegram refuses it: absent, empty, too long, or not objects."""
    if "media" not in p:
        raise bad_request('parameter "media" is required')
    items = p.json("media", "media")
    if not isinstance(items, list) or not items:
        raise bad_request("there are no messages to send")
    if len(items) > ALBUM_MAX:
        raise bad_request("too many messages to send as an album")
    if not all(isinstance(item, dict) for item in items):
        raise bad_request("can't parse InputMedia: media not found")
    kinds = {item.get("type") for item in items}
    for alone in ("document", "audio"):  # Telegram: these go only in albums of their own type
        if alone in kinds and len(kinds) > 1:
            raise bad_request(f"{alone} can't be mixed with other media types")
    return items

"""Validation shared by Bot API methods: target chat access, markup, replies, flood control."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import ApiError, bad_request, forbidden, too_many_requests
from bot.emulator.limits import RateLimiter
from bot.emulator.model import Chat, StoredMessage
from bot.emulator.params import Params
from bot.emulator.world import World

URL_PREFIXES = ("http://", "https://", "tg://")


class Checks(World):
    """Mixin with the checks Telegram applies before performing a bot's request."""

    limiter: RateLimiter
    counters: dict[str, Any]

    def target_chat(self, p: Params, *, access: bool = True) -> Chat:
        """The chat named by chat_id, checking migration and (if `access`) the bot's rights."""
        raw = p.str("chat_id")
        if not raw:
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request("chat not found") from None
        chat = self.chats.get(chat_id)
        if chat is None and chat_id in self.users:
            chat = self.private_chat(self.users[chat_id])
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", migrate_to_chat_id=chat.migrated_to
            )
        if access:
            self.check_access(chat)
        return chat

    def check_access(self, chat: Chat) -> None:
        """403s: blocked / never started private chats, groups the bot is not in."""
        if chat.user is not None:
            if chat.user.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.user.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        kind = "supergroup" if chat.type == "supergroup" else "group"
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if not chat.bot_in:
            raise forbidden(f"bot is not a member of the {kind} chat")

    def find_message(self, chat: Chat, p: Params, missing: str) -> StoredMessage:
        """The live message named by message_id, or 400 `missing`."""
        message = chat.messages.get(p.int("message_id") or 0)
        if message is None or message.deleted:
            raise bad_request(missing)
        return message

    def parse_markup(self, p: Params) -> dict[str, Any]:
        """Split reply_markup into message fields: inline keyboard, force_reply, reply keyboard."""
        markup = p.json("reply_markup", "reply keyboard markup")
        if markup is None:
            return {}
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse inline keyboard markup")
            for button in (b for row in rows for b in row):
                _check_button(button)
            return {"inline": {"inline_keyboard": rows}} if any(rows) else {"inline": None}
        if markup.get("force_reply"):
            return {"force_reply": markup}
        if "keyboard" in markup or "remove_keyboard" in markup:
            return {"reply_keyboard": markup}
        raise bad_request("can't parse reply keyboard markup JSON object")

    def reply_target(self, chat: Chat, p: Params) -> dict[str, Any] | None:
        """The reply_to_message for reply_parameters / reply_to_message_id, if any."""
        params = p.json("reply_parameters") or {}
        message_id = params.get("message_id") or p.int("reply_to_message_id")
        if not message_id:
            return None
        source = chat
        if params.get("chat_id") not in (None, chat.id, str(chat.id)):
            source = self.chats.get(int(params["chat_id"])) or chat
        target = source.messages.get(int(message_id))
        if target is None or target.deleted:
            allow = params.get("allow_sending_without_reply", p.bool("allow_sending_without_reply"))
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.telegram().items() if k != "reply_to_message"}

    def flood_check(self, chat: Chat) -> None:
        """429 with retry_after when the configured flood limits are exceeded."""
        retry = self.limiter.check(chat.id)
        if retry is not None:
            self.counters["rate_limited"] += 1
            raise too_many_requests(retry)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        if not str(button["url"]).startswith(URL_PREFIXES):
            raise bad_request("BUTTON_URL_INVALID")
    elif not any(
        k in button
        for k in (
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "copy_text",
            "pay",
            "callback_game",
            "switch_inline_query_chosen_chat",
        )
    ):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


__all__ = ["ApiError", "Checks"]

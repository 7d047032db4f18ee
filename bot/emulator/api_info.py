"""Bot API methods about the bot, updates, chats, commands and files."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.members import member_dict, status_of
from bot.emulator.params import Params
from bot.emulator.registry import api_method
from bot.emulator.webhook import WebhookMethods
from bot.emulator.world import DEFAULT_UPDATES

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")  # Telegram: lower-case Latin letters, digits, underscores
NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


class InfoMethods(WebhookMethods):
    """getMe, getUpdates, getChat, getChatMember, commands, getFile and no-ops."""

    commands: dict[tuple[str, str], list[dict[str, str]]]
    _poll_generation: int

    @api_method("getMe")
    def get_me(self, p: Params) -> dict[str, Any]:
        """The bot's User object with the bot-only flags."""
        return {
            **self.bot.to_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("getUpdates")
    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        """Confirm updates below `offset`, then return pending ones, long-polling up to `timeout`.

        A newer getUpdates call ends a waiting one at once with 409, as Telegram does.
        """
        self.refuse_polling()
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = tuple(allowed) or DEFAULT_UPDATES
        offset = p.int("offset", 0) or 0
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = min(max(p.int("limit", 100) or 100, 1), 100)
        self._poll_generation += 1
        generation = self._poll_generation
        self.bump()  # wake an older poll so it ends with 409
        deadline = time.monotonic() + max(p.float("timeout", 0) or 0, 0)
        while True:
            self.drop_unwanted()
            remaining = deadline - time.monotonic()
            if self.updates or remaining <= 0:
                return self.updates[:limit]
            await self.wait_change(remaining)
            if generation != self._poll_generation:
                self.refuse_polling()
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    @api_method("getChat")
    def get_chat(self, p: Params) -> dict[str, Any]:
        """ChatFullInfo of a chat the bot can see."""
        chat = self.target_chat(p, access=False)
        if chat.is_group:
            self.check_access(chat)
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict(NO_GIFTS),
        }

    @api_method("getChatMember")
    def get_chat_member(self, p: Params) -> dict[str, Any]:
        """ChatMember of a user (or the bot) in a chat."""
        chat = self.target_chat(p, access=False)
        if chat.is_group:
            self.check_access(chat)
        user_id = p.int("user_id")
        if user_id is None or (user_id != self.bot.id and user_id not in self.users):
            raise bad_request("user not found" if user_id is not None else "user_id is empty")
        user = self.bot if user_id == self.bot.id else self.users[user_id]
        return member_dict(chat, user, status_of(chat, user))

    @api_method("setMyCommands")
    def set_my_commands(self, p: Params) -> bool:
        """Store the command list for a scope and language."""
        commands = p.json("commands") or []
        for command in commands:
            name, text = str(command.get("command", "")), str(command.get("description", ""))
            if not COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(text) <= 256:
                raise bad_request(
                    "command description is empty" if not text else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
        self.commands[_scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @api_method("getMyCommands")
    def get_my_commands(self, p: Params) -> list[dict[str, str]]:
        """The command list for a scope and language."""
        return list(self.commands.get(_scope_key(p), []))

    @api_method("deleteMyCommands")
    def delete_my_commands(self, p: Params) -> bool:
        """Forget the command list for a scope and language."""
        self.commands.pop(_scope_key(p), None)
        return True

    @api_method("getFile")
    def get_file(self, p: Params) -> dict[str, Any]:
        """File object with the file_path to download from /file/bot<token>/<file_path>."""
        record = self.files.get(p.str("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        return record.to_dict()

    @api_method("sendChatAction")
    def send_chat_action(self, p: Params) -> bool:
        """Typing indicators: checked for access, otherwise ignored."""
        self.target_chat(p)
        return True

    @api_method("close")
    def close(self, p: Params) -> bool:
        """Accepted and ignored."""
        return True

    @api_method("logOut")
    def log_out(self, p: Params) -> bool:
        """Accepted and ignored."""
        return True

    @api_method("setChatMenuButton")
    def set_chat_menu_button(self, p: Params) -> bool:
        """Accepted and ignored."""
        return True

    @api_method("setMyDescription")
    def set_my_description(self, p: Params) -> bool:
        """Accepted and ignored."""
        return True

    @api_method("setMyShortDescription")
    def set_my_short_description(self, p: Params) -> bool:
        """Accepted and ignored."""
        return True


def _scope_key(p: Params) -> tuple[str, str]:
    scope = p.json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.str("language_code") or ""

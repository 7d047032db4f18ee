"""A fake Bot API transport for handler tests: records every call and answers like Telegram."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 777


class FakeTransport(BaseRequest):
    """Answers Bot API calls in memory; `fail_next` makes the next call of a method fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.next_id: dict[int, int] = {}
        self.fail_next: dict[str, tuple] = {}
        self.member_status: dict[tuple[int, int], str] = {}  # (chat, user) -> status; users default to admin
        self.bot_can_delete: dict[int, bool] = {}  # chat -> the bot's right, when it is an administrator
        self.blocked: set[int] = set()  # users who blocked the bot: sending to them fails with 403

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        """Telegram's default read timeout."""
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=None,
        write_timeout=None,
        connect_timeout=None,
        pool_timeout=None,
    ):
        """Record the call and return a Telegram-shaped JSON answer."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.json_parameters if request_data else {}
        params = {k: _load(v) for k, v in params.items()}
        if request_data is not None and request_data.contains_files:  # uploads: record part name and size
            params["_uploads"] = {
                k: len(v[1]) if isinstance(v, tuple) else 0 for k, v in request_data.multipart_data.items()
            }
        self.calls.append((name, params))
        if name.startswith("send") and int(params.get("chat_id", 0)) in self.blocked:
            error = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return 403, json.dumps(error).encode()
        if name in self.fail_next:  # (code, text) fails once; (code, text, n) fails the next n calls
            code, text, *times = self.fail_next.pop(name)
            if times and times[0] > 1:
                self.fail_next[name] = (code, text, times[0] - 1)
            if text.startswith("<"):  # a gateway's HTML error page, not Telegram's JSON
                return code, text.encode()
            error: dict[str, Any] = {"ok": False, "error_code": code, "description": text}
            if code == 429:
                error["parameters"] = {"retry_after": 3}
            return code, json.dumps(error).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, p: dict[str, Any]) -> Any:
        if name == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Grid",
                "username": "grid_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if name in {"sendMessage", "sendPhoto", "editMessageText"}:
            chat = int(p["chat_id"])
            mid = p.get("message_id") or self._next(chat)
            return {
                "message_id": int(mid),
                "date": 0,
                "chat": {"id": chat, "type": "private" if chat > 0 else "group"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Grid"},
                "text": p.get("text", ""),
            }
        if name == "sendMediaGroup":  # an album: one message per item, as Telegram answers
            chat = int(p["chat_id"])
            group = {"chat": {"id": chat, "type": "private" if chat > 0 else "group"}, "date": 0}
            return [{"message_id": self._next(chat), **group} for _ in p["media"]]
        if name == "getChatMember":
            return self._member(int(p["chat_id"]), int(p["user_id"]))
        return True

    def _member(self, chat: int, user: int) -> dict[str, Any]:
        status = self.member_status.get((chat, user), "member" if user == BOT_ID else "administrator")
        data: dict[str, Any] = {
            "status": status,
            "user": {"id": user, "is_bot": user == BOT_ID, "first_name": "U"},
        }
        if status == "administrator":
            rights = (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            )
            data |= {r: True for r in rights} | {"can_be_edited": False, "is_anonymous": False}
            data["can_delete_messages"] = self.bot_can_delete.get(chat, True) if user == BOT_ID else True
        elif status == "creator":
            data["is_anonymous"] = False
        return data

    def _next(self, chat: int) -> int:
        self.next_id[chat] = self.next_id.get(chat, 1000) + 1
        return self.next_id[chat]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages sent or edited (text, buttons), optionally to one chat."""
        return [
            p | {"method": n}
            for n, p in self.calls
            if n in {"sendMessage", "editMessageText", "sendPhoto", "sendMediaGroup"}
            and (chat_id is None or int(p["chat_id"]) == chat_id)
        ]


def _load(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value
    except ValueError:
        return value

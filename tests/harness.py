"""Handler tests through Application.process_update, with a fake transport and a temporary store."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telegram import Update

from bot import config as config_mod
from bot.app import build
from bot.domain.roster import load_roster
from bot.services.roster import apply
from tests.fakebot import BOT_ID, FakeTransport

ROSTER = Path(__file__).resolve().parent.parent / "bot" / "demo" / "roster.csv"
_ids = itertools.count(1)


class Harness:
    """A bot application wired to a fake transport, and helpers to act as Telegram users."""

    def __init__(self, tmp: Path, **overrides: Any) -> None:
        cfg = config_mod.from_dict(
            {"telegram": {"token": "1:test", "rate_limiter": False}, "quiet_hours": {"enabled": False}},
            "<test>",
            tmp,
        )
        self.config = replace(cfg, database=tmp / "bot.sqlite3", **overrides)
        self.transport = FakeTransport()
        self.app = build(self.config, self.transport)

    async def start(self, roster: Path = ROSTER) -> "Harness":
        """Initialise the application as run_polling would, and import the roster."""
        await self.app.initialize()
        await self.app.post_init(self.app)
        self.ctx = self.app.bot_data["ctx"]
        self.deliverer = self.app.bot_data["deliverer"]
        await apply(self.ctx.db, load_roster(roster), datetime.now(timezone.utc))
        return self

    async def stop(self) -> None:
        """Shut down as run_polling would."""
        await self.app.post_shutdown(self.app)
        await self.app.shutdown()

    async def feed(self, data: dict[str, Any]) -> dict[str, Any]:
        """Process one update (dict form) and deliver what it caused."""
        data.setdefault("update_id", next(_ids))
        await self.app.process_update(Update.de_json(data, self.app.bot))
        await self.deliverer.deliver_due()
        return data

    @staticmethod
    def user(uid: int, name: str = "Resident") -> dict[str, Any]:
        """A Telegram user dict."""
        return {"id": uid, "is_bot": False, "first_name": name, "language_code": "zh"}

    @staticmethod
    def chat(chat_id: int) -> dict[str, Any]:
        """A chat dict: positive ids are private chats, negative ones groups."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "U"}
        return {"id": chat_id, "type": "group", "title": f"Grid group {chat_id}"}

    async def say(
        self, uid: int, chat_id: int, text: str, reply_to: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A user sends a text (commands get their entity) to a chat."""
        msg: dict[str, Any] = {
            "message_id": next(_ids),
            "date": 0,
            "chat": self.chat(chat_id),
            "from": self.user(uid),
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            msg["reply_to_message"] = {
                "message_id": reply_to,
                "date": 0,
                "chat": self.chat(chat_id),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Grid"},
                "text": "?",
            }
        return await self.feed({"message": msg})

    async def press(self, uid: int, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        """A user presses an inline button carrying `data` on a message."""
        message = {
            "message_id": message_id,
            "date": 0,
            "chat": self.chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Grid"},
            "text": "…",
        }
        return await self.feed(
            {
                "callback_query": {
                    "id": str(next(_ids)),
                    "from": self.user(uid),
                    "chat_instance": "x",
                    "data": data,
                    "message": message,
                }
            }
        )

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent or edited in a chat, in order."""
        return self.transport.sent(chat_id)

    def last(self, chat_id: int) -> dict[str, Any]:
        """The last message sent or edited in a chat."""
        found = self.sent(chat_id)
        assert found, f"nothing was sent to {chat_id}"
        return found[-1]

    def answers(self) -> list[str]:
        """Texts of the callback answers, in order."""
        return [p.get("text", "") for n, p in self.transport.calls if n == "answerCallbackQuery"]

    def button(self, message: dict[str, Any], data_prefix: str) -> str:
        """The callback data of the first button on a message starting with a prefix."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for row in rows:
            for b in row:
                if b.get("callback_data", "").startswith(data_prefix):
                    return b["callback_data"]
        raise AssertionError(f"no button {data_prefix!r} in {rows}")

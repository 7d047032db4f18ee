"""Notices: what to tell whom, stored in the outbox inside the state change's transaction."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.sla import QuietHours
from bot.store.db import ts

Buttons = list[list[tuple[str, str]]]


@dataclass
class Notice:
    """One message to deliver: `op` is send, card (send or edit a ticket's group card), delete or photo."""

    chat_id: int
    text: str = ""
    buttons: Buttons | None = None
    op: str = "send"
    ticket_id: int | None = None
    quiet: bool = False
    force_reply: bool = False
    prompt: dict[str, Any] | None = None
    photo: str | None = None
    message_id: int | None = None
    fallback_chat_id: int | None = None
    fallback_text: str | None = None
    fallback_buttons: Buttons | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> str:
        """The JSON the deliverer reads."""
        data = {k: v for k, v in asdict(self).items()
                if k in {"text", "buttons", "force_reply", "prompt", "photo", "message_id", "extra"} and v}
        return json.dumps(data, ensure_ascii=False)

    def fallback_payload(self) -> str | None:
        """The group-safe variant used when the private chat is closed to the bot."""
        if self.fallback_chat_id is None:
            return None
        return json.dumps({"text": self.fallback_text, "buttons": self.fallback_buttons}, ensure_ascii=False)


def release_at(now: datetime, quiet: QuietHours | None, zone: ZoneInfo) -> datetime:
    """When a notice written now may go out, holding it through quiet hours."""
    if quiet is None:
        return now
    local = now.astimezone(zone)
    return quiet.release_time(local).astimezone(now.tzinfo)


async def enqueue(conn: aiosqlite.Connection, notices: list[Notice], now: datetime,
                  quiet: QuietHours | None = None, zone: ZoneInfo | None = None) -> int:
    """Write notices to the outbox in order; quiet ones wait for the end of quiet hours.

    A prompt (a ForceReply question) is recorded at once, so an answer that overtakes the
    delivery bookkeeping still finds what was asked; the deliverer adds its message id.
    """
    for n in notices:
        when = release_at(now, quiet, zone) if n.quiet and zone is not None else now
        cur = await conn.execute(
            "INSERT INTO outbox (created_at, chat_id, op, payload, ticket_id, fallback_chat_id, "
            "fallback_payload, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ts(now), n.chat_id, n.op, n.payload(), n.ticket_id, n.fallback_chat_id, n.fallback_payload(),
             ts(when)))
        if n.prompt:
            await conn.execute(
                "INSERT INTO prompts (chat_id, user_id, purpose, ticket_id, created_at, outbox_id) "
                "VALUES (?, ?, ?, ?, ?, ?)", (n.chat_id, n.prompt["user_id"], n.prompt["purpose"],
                                              n.prompt.get("ticket_id"), ts(now), cur.lastrowid))
    return len(notices)

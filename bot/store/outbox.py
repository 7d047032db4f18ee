"""The outbox: notices stored with the state change that caused them, then delivered in order."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.notices import Notice, release_at
from bot.domain.sla import QuietHours
from bot.store.db import ts

_INSERT = ("INSERT INTO outbox (created_at, chat_id, op, payload, ticket_id, fallback_chat_id, "
           "fallback_payload, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


class Outbox:
    """The outbox repository, inside a unit of work."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, notices: list[Notice], now: datetime, quiet: QuietHours | None = None,
                  zone: ZoneInfo | None = None) -> int:
        """Write notices to the outbox in order; quiet ones wait for the end of quiet hours.

        A prompt (a ForceReply question) is recorded at once, so an answer that overtakes the
        delivery bookkeeping still finds what was asked; the deliverer adds its message id.
        """
        def row(n: Notice) -> tuple:
            when = release_at(now, quiet, zone) if n.quiet else now
            return (ts(now), n.chat_id, n.op, n.payload(), n.ticket_id, n.fallback_chat_id,
                    n.fallback_payload(), ts(when))
        if not any(n.prompt for n in notices):
            if notices:
                await self._conn.executemany(_INSERT, [row(n) for n in notices])
            return len(notices)
        for n in notices:
            cur = await self._conn.execute(_INSERT, row(n))
            if n.prompt:
                await self._conn.execute(
                    "INSERT INTO prompts (chat_id, user_id, purpose, ticket_id, created_at, outbox_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (n.chat_id, n.prompt["user_id"], n.prompt["purpose"],
                                                  n.prompt.get("ticket_id"), ts(now), cur.lastrowid))
        return len(notices)

    async def divert(self, chat_id: int, now: float, error: str) -> int:
        """Fail every pending notice to a chat closed to the bot; group-safe variants go to the group."""
        return await divert(self._conn, chat_id, now, error)


async def divert(conn: aiosqlite.Connection, chat_id: int, now: float, error: str) -> int:
    """Fail every pending notice to a chat the bot may not write to; each one that has a group-safe
    variant is queued to that group in its original place. Returns how many were diverted."""
    rows = await conn.execute_fetchall(
        "SELECT id, position, ticket_id, fallback_chat_id, fallback_payload FROM outbox "
        "WHERE chat_id = ? AND status = 'pending' ORDER BY COALESCE(position, id), id", (chat_id,))
    await conn.execute("UPDATE outbox SET status = 'failed', error = ? WHERE chat_id = ? AND status = 'pending'",
                       (error[:200], chat_id))
    await conn.executemany(
        "INSERT INTO outbox (created_at, chat_id, op, payload, ticket_id, not_before, position) "
        "VALUES (?, ?, 'send', ?, ?, ?, ?)",
        [(now, r["fallback_chat_id"], r["fallback_payload"], r["ticket_id"], now,
          r["position"] if r["position"] is not None else r["id"])
         for r in rows if r["fallback_chat_id"] is not None and r["fallback_payload"]])
    return len(rows)

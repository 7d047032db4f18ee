"""The outbox's bookkeeping beyond sending: diverting a closed chat's pending notices."""

from __future__ import annotations

import aiosqlite


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

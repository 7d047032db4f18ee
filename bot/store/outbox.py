"""The outbox: notices stored with the state change that caused them, then delivered in order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.notices import Notice, fold_into_cards, release_at
from bot.domain.sla import QuietHours
from bot.store.db import ts

_INSERT = (
    "INSERT INTO outbox (created_at, chat_id, op, payload, ticket_id, fallback_chat_id, "
    "fallback_payload, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _row(n: Notice, now: datetime, quiet: QuietHours | None, zone: ZoneInfo | None) -> tuple:
    """The outbox row of a notice; a quiet one waits for the end of quiet hours."""
    when = release_at(now, quiet, zone) if n.quiet else now
    return (
        ts(now),
        n.chat_id,
        n.op,
        n.payload(),
        n.ticket_id,
        n.fallback_chat_id,
        n.fallback_payload(),
        ts(when),
    )


async def _record_prompt(
    conn: aiosqlite.Connection, chat_id: int, prompt: dict[str, Any], now: datetime, outbox_id: int | None
) -> None:
    """Record the question a notice asks, so the answer finds it before the delivery bookkeeping."""
    await conn.execute(
        "INSERT INTO prompts (chat_id, user_id, purpose, ticket_id, created_at, outbox_id, "
        "photo_file_id, "
        "origin_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            chat_id,
            prompt["user_id"],
            prompt["purpose"],
            prompt.get("ticket_id"),
            ts(now),
            outbox_id,
            prompt.get("photo_file_id"),
            prompt.get("origin_message_id"),
        ),
    )


class Outbox:
    """The outbox repository, inside a unit of work."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        notices: list[Notice],
        now: datetime,
        quiet: QuietHours | None = None,
        zone: ZoneInfo | None = None,
    ) -> int:
        """Write notices to the outbox in order; quiet ones wait for the end of quiet hours.

        A prompt (a ForceReply question) is recorded at once, so an answer that overtakes the
        delivery bookkeeping still finds what was asked; the deliverer adds its message id.
        """
        notices = fold_into_cards(notices)
        if not any(n.prompt for n in notices):
            if notices:
                await self._conn.executemany(_INSERT, [_row(n, now, quiet, zone) for n in notices])
            return len(notices)
        for n in notices:
            cur = await self._conn.execute(_INSERT, _row(n, now, quiet, zone))
            if n.prompt:
                await _record_prompt(self._conn, n.chat_id, n.prompt, now, cur.lastrowid)
        return len(notices)

    async def divert(self, chat_id: int, now: float, error: str) -> int:
        """Fail every pending notice to a chat closed to the bot; group-safe variants go to the group."""
        return await divert(self._conn, chat_id, now, error)

    async def backlog(self) -> tuple[int, float | None]:
        """How many rows wait to be delivered, and the earliest time one may go."""
        rows = await self._conn.execute_fetchall(
            "SELECT COUNT(*), MIN(not_before) FROM outbox WHERE status = 'pending'"
        )
        return int(rows[0][0] or 0), rows[0][1]

    async def due(self, limit: int) -> list["Queued"]:
        """Pending rows in delivery order, with their tickets' cards."""
        return await due(self._conn, limit)

    async def record(self, done: list["Done"]) -> None:
        """Record delivered rows (status, message ids, cards, prompts)."""
        if done:
            await record(self._conn, done)

    async def later(self, row_id: int, when: float, error: str) -> None:
        """Try a row again at `when`."""
        await later(self._conn, row_id, when, error)

    async def closed_chat(self, row: "Queued", now: float, error: str) -> None:
        """The bot may not write to the row's chat: divert its pending rows."""
        await closed_chat(self._conn, row, now, error)

    async def tagged(self, chat_id: int, ticket_id: int | None, tag: str, before: int) -> int | None:
        """The id of the ticket's last message sent to the chat with this tag (before row `before`)."""
        rows = await self._conn.execute_fetchall(
            "SELECT message_id FROM outbox WHERE ticket_id = ? AND chat_id = ? AND id < ? AND status = "
            "'sent' "
            "AND message_id IS NOT NULL AND json_extract(payload, '$.extra.tag') = ? ORDER BY id DESC "
            "LIMIT 1",
            (ticket_id, chat_id, before, tag),
        )
        return rows[0][0] if rows else None

    async def card_gone(self, ticket_id: int) -> None:
        """The ticket's card message is gone: the next card is sent anew."""
        await card_gone(self._conn, ticket_id)


async def divert(conn: aiosqlite.Connection, chat_id: int, now: float, error: str) -> int:
    """Fail every pending notice to a chat the bot may not write to; each one that has a group-safe
    variant is queued to that group in its original place. Returns how many were diverted."""
    rows = await conn.execute_fetchall(
        "SELECT id, position, ticket_id, fallback_chat_id, fallback_payload FROM outbox "
        "WHERE chat_id = ? AND status = 'pending' ORDER BY COALESCE(position, id), id",
        (chat_id,),
    )
    await conn.execute(
        "UPDATE outbox SET status = 'failed', error = ? WHERE chat_id = ? AND status = 'pending'",
        (error[:200], chat_id),
    )
    await conn.executemany(
        "INSERT INTO outbox (created_at, chat_id, op, payload, ticket_id, not_before, position) "
        "VALUES (?, ?, 'send', ?, ?, ?, ?)",
        [
            (
                now,
                r["fallback_chat_id"],
                r["fallback_payload"],
                r["ticket_id"],
                now,
                r["position"] if r["position"] is not None else r["id"],
            )
            for r in rows
            if r["fallback_chat_id"] is not None and r["fallback_payload"]
        ],
    )
    return len(rows)


@dataclass(frozen=True)
class Queued:
    """A pending outbox row as the deliverer needs it, with its ticket's card where it has one."""

    id: int
    chat_id: int
    op: str
    payload: dict[str, Any]
    ticket_id: int | None
    attempts: int
    not_before: float
    card_chat_id: int | None = None
    card_message_id: int | None = None


@dataclass(frozen=True)
class Done:
    """What became of a delivered row: its status and message id (a card's also goes on its ticket)."""

    row: Queued
    status: str
    message_id: int | None = None
    error: str | None = None


async def due(conn: aiosqlite.Connection, limit: int) -> list[Queued]:
    """Pending rows in delivery order (each chat's in its original order), with their tickets' cards."""
    rows = await conn.execute_fetchall(
        "SELECT o.id, o.chat_id, o.op, o.payload, o.ticket_id, o.attempts, o.not_before, t.card_chat_id, "
        "t.card_message_id FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id AND o.op = 'card' "
        "WHERE o.status = 'pending' ORDER BY COALESCE(o.position, o.id), o.id LIMIT ?",
        (limit,),
    )
    return [Queued(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]


async def record(conn: aiosqlite.Connection, done: list[Done]) -> None:
    """Record delivered rows: their status, message ids, new card messages and sent prompts' ids."""
    await conn.executemany(
        "UPDATE outbox SET status = ?, message_id = ?, attempts = attempts + 1, error = ? WHERE id = ?",
        [(d.status, d.message_id, d.error, d.row.id) for d in done],
    )
    sent = [d for d in done if d.status == "sent" and d.message_id is not None]
    cards = [
        (d.row.chat_id, d.message_id, d.row.ticket_id)
        for d in sent
        if d.row.op == "card" and (d.row.card_chat_id, d.row.card_message_id) != (d.row.chat_id, d.message_id)
    ]
    if cards:
        await conn.executemany("UPDATE tickets SET card_chat_id = ?, card_message_id = ? WHERE id = ?", cards)
    prompts = [(d.message_id, d.row.chat_id, d.row.id) for d in sent if d.row.payload.get("prompt")]
    if prompts:
        await conn.executemany("UPDATE prompts SET message_id = ?, chat_id = ? WHERE outbox_id = ?", prompts)


async def later(conn: aiosqlite.Connection, row_id: int, when: float, error: str) -> None:
    """Try a row again at `when` (flood control, network trouble)."""
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
        (when, error[:200], row_id),
    )


async def closed_chat(conn: aiosqlite.Connection, row: Queued, now: float, error: str) -> None:
    """The bot may not write to the row's chat: count the attempt and divert the chat's pending rows."""
    await conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row.id,))
    await divert(conn, row.chat_id, now, error)


async def card_gone(conn: aiosqlite.Connection, ticket_id: int) -> None:
    """The ticket's card message was deleted in Telegram: the next card is sent anew."""
    await conn.execute("UPDATE tickets SET card_message_id = NULL WHERE id = ?", (ticket_id,))

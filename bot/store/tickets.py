"""Ticket repository: rows to domain tickets and back, and the per-ticket event log."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.tickets import Actor, Event, Ticket
from bot.store.db import dt, ts
from bot.store.seen import Seen
from bot.store.ticket_rows import WITH_RESIDENT_AND_GROUP, from_row, remember, to_row


async def insert(conn: aiosqlite.Connection, t: Ticket) -> Ticket:
    """Insert a new ticket and return it with its id."""
    row = to_row(t)
    names = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    cur = await conn.execute(f"INSERT INTO tickets ({names}) VALUES ({marks})", row)
    return Ticket(**{**{f.name: getattr(t, f.name) for f in fields(Ticket)}, "id": cur.lastrowid})


async def save(conn: aiosqlite.Connection, t: Ticket) -> None:
    """Write every mutable column of an existing ticket."""
    row = to_row(t)
    sets = ", ".join(f"{k} = :{k}" for k in row)
    await conn.execute(f"UPDATE tickets SET {sets} WHERE id = :id", {**row, "id": t.id})


async def get(conn: aiosqlite.Connection, ticket_id: int) -> Ticket | None:
    """The ticket with this id, or None."""
    rows = await conn.execute_fetchall("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return from_row(rows[0]) if rows else None


async def card_of(conn: aiosqlite.Connection, ticket_id: int) -> tuple[int | None, int | None]:
    """The (chat id, message id) of the ticket's group card, if it was posted."""
    rows = await conn.execute_fetchall(
        "SELECT card_chat_id, card_message_id FROM tickets WHERE id = ?", (ticket_id,)
    )
    return (rows[0][0], rows[0][1]) if rows else (None, None)


async def set_card(conn: aiosqlite.Connection, ticket_id: int, chat_id: int, message_id: int) -> None:
    """Remember where the ticket's group card lives."""
    await conn.execute(
        "UPDATE tickets SET card_chat_id = ?, card_message_id = ? WHERE id = ?",
        (chat_id, message_id, ticket_id),
    )


async def add_events(
    conn: aiosqlite.Connection,
    ticket_id: int,
    events: list[Event],
    actor: Actor,
    now: datetime,
    update_id: int | None = None,
) -> None:
    """Append events to the ticket's timeline: who, what, when, from which update."""
    await conn.executemany(
        "INSERT INTO ticket_events (ticket_id, at, actor_user_id, actor_person_id, action, "
        "from_status, to_status, detail, update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                ticket_id,
                ts(now),
                actor.user_id,
                actor.person_id,
                e.action,
                e.from_status,
                e.to_status,
                json.dumps(e.detail, ensure_ascii=False),
                update_id,
            )
            for e in events
        ],
    )


async def timeline(conn: aiosqlite.Connection, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's events in order, with the actor's roster name where known."""
    rows = await conn.execute_fetchall(
        "SELECT e.*, p.name AS actor_name FROM ticket_events e "
        "LEFT JOIN people p ON p.id = e.actor_person_id WHERE ticket_id = ? ORDER BY e.id",
        (ticket_id,),
    )
    return [{**dict(r), "at": dt(r["at"]), "detail": json.loads(r["detail"])} for r in rows]


async def last_event_at(conn: aiosqlite.Connection, ticket_id: int, action: str) -> datetime | None:
    """When the ticket's latest event of this kind happened, if ever."""
    rows = await conn.execute_fetchall(
        "SELECT MAX(at) FROM ticket_events WHERE ticket_id = ? AND action = ?", (ticket_id, action)
    )
    return dt(rows[0][0])


async def open_counts(conn: aiosqlite.Connection, person_ids: list[int]) -> dict[int, int]:
    """How many unfinished tickets each person holds."""
    if not person_ids:
        return {}
    marks = ", ".join("?" * len(person_ids))
    rows = await conn.execute_fetchall(
        f"SELECT assignee_id, COUNT(*) FROM tickets WHERE assignee_id IN ({marks}) "
        "AND status IN ('open', 'accepted') GROUP BY assignee_id",
        person_ids,
    )
    counts = {p: 0 for p in person_ids}
    counts.update({r[0]: r[1] for r in rows})
    return counts


async def of_resident(conn: aiosqlite.Connection, user_id: int, limit: int = 20) -> list[Ticket]:
    """A resident's tickets, newest first."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM tickets WHERE resident_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
    )
    return [from_row(r) for r in rows]


async def queue_of(conn: aiosqlite.Connection, person_id: int, limit: int = 30) -> list[Ticket]:
    """A worker's unfinished tickets, oldest first."""
    rows = await conn.execute_fetchall(
        "SELECT * FROM tickets WHERE assignee_id = ? AND status IN ('open', 'accepted') "
        "ORDER BY created_at, id LIMIT ?",
        (person_id, limit),
    )
    return [from_row(r) for r in rows]


async def recent_count(
    conn: aiosqlite.Connection, user_id: int, since: datetime
) -> tuple[int, int, float | None]:
    """(open tickets, submissions since `since`, oldest submission time since then) of a resident."""
    rows = await conn.execute_fetchall(
        "SELECT SUM(status IN ('open', 'accepted', 'closed')), SUM(created_at >= ?), "
        "MIN(CASE WHEN created_at >= ? THEN created_at END) FROM tickets WHERE resident_id = ?",
        (ts(since), ts(since), user_id),
    )
    return int(rows[0][0] or 0), int(rows[0][1] or 0), rows[0][2]


class Tickets:
    """The tickets repository: each ticket read at most once per unit of work."""

    def __init__(self, conn: aiosqlite.Connection, seen: Seen | None = None) -> None:
        self._conn = conn
        self._seen = seen or Seen()
        self._tickets: dict[int, Ticket | None] = {}

    async def get(self, ticket_id: int) -> Ticket | None:
        """The ticket with this id, or None; its resident and group come with it."""
        if ticket_id not in self._tickets:
            rows = await self._conn.execute_fetchall(WITH_RESIDENT_AND_GROUP, (ticket_id,))
            self._tickets[ticket_id] = from_row(rows[0]) if rows else None
            if rows:
                remember(self._seen, rows[0])
        return self._tickets[ticket_id]

    async def card_of(self, ticket_id: int) -> tuple[int | None, int | None]:
        """The (chat id, message id) of the ticket's group card, if it was posted."""
        return await card_of(self._conn, ticket_id)

    async def insert(self, t: Ticket) -> Ticket:
        """Insert a new ticket and return it with its id."""
        saved = await insert(self._conn, t)
        self._tickets[saved.id] = saved
        return saved

    async def save(self, t: Ticket) -> None:
        """Write every mutable column of an existing ticket."""
        await save(self._conn, t)
        self._tickets[t.id] = t

    async def add_events(
        self, ticket_id: int, events: list[Event], actor: Actor, now: datetime, update_id: int | None = None
    ) -> None:
        """Append events to the ticket's timeline."""
        await add_events(self._conn, ticket_id, events, actor, now, update_id)

    async def timeline(self, ticket_id: int) -> list[dict[str, Any]]:
        """The ticket's events in order, with the actor's roster name where known."""
        return await timeline(self._conn, ticket_id)

    async def last_event_at(self, ticket_id: int, action: str) -> datetime | None:
        """When the ticket's latest event of this kind happened, if ever."""
        return await last_event_at(self._conn, ticket_id, action)

    async def open_counts(self, person_ids: list[int]) -> dict[int, int]:
        """How many unfinished tickets each person holds."""
        if all(p in self._seen.near for p in person_ids):
            return {p: self._seen.open_counts[p] for p in person_ids}
        return await open_counts(self._conn, person_ids)

    async def of_resident(self, user_id: int, limit: int = 20) -> list[Ticket]:
        """A resident's tickets, newest first."""
        return await of_resident(self._conn, user_id, limit)

    async def queue_of(self, person_id: int, limit: int = 30) -> list[Ticket]:
        """A worker's unfinished tickets, oldest first."""
        return await queue_of(self._conn, person_id, limit)

    async def recent_count(self, user_id: int, since: datetime) -> tuple[int, int, float | None]:
        """(open tickets, submissions since `since`, oldest submission time since then) of a resident."""
        return await recent_count(self._conn, user_id, since)

    async def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of tickets something is due for at `now`, most overdue first."""
        rows = await self._conn.execute_fetchall(
            "SELECT id FROM tickets WHERE next_due <= ? ORDER BY next_due LIMIT ?", (ts(now), limit)
        )
        return [r[0] for r in rows]

    async def orphans(self) -> list[Ticket]:
        """Unfinished tickets whose assignee left the roster or no longer serves the ticket's grid."""
        rows = await self._conn.execute_fetchall(_ORPHANS)
        return [from_row(r) for r in rows]


_ORPHANS = """
SELECT t.* FROM tickets t JOIN people p ON p.id = t.assignee_id
WHERE t.status IN ('open', 'accepted') AND (p.active = 0 OR NOT EXISTS (
    WITH RECURSIVE up(code) AS (SELECT t.grid UNION SELECT g.parent FROM grids g JOIN up ON g.code = up.code
                                WHERE g.parent IS NOT NULL)
    SELECT 1 FROM roles r WHERE r.person_id = p.id AND r.grid IN (SELECT code FROM up)))
ORDER BY t.id"""

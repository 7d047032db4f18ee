"""Call-back review repository: the week's confirmed tickets to sample from, the sampled reviews and
their answers, and the results per (grid, worker) for a period."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

import aiosqlite

from bot.domain.callbacks import Results, Review
from bot.domain.reports import FLAG_ACTIONS
from bot.store.db import dt, ts

Key = tuple[str, int | None]  # (grid code, person id)
_FLAG = ", ".join(f"'{a}'" for a in FLAG_ACTIONS)
_COLUMNS = "ticket_id, leader_id, worker_id, grid, week, result, answered_at"


def _review(row: aiosqlite.Row) -> Review:
    return Review(row[0], row[1], row[2], row[3], row[4], row[5], dt(row[6]))


class Callbacks:
    """Queries and writes of the weekly call-back review."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def candidates(self, start: datetime, end: datetime) -> list[tuple[int, int | None, str]]:
        """(ticket, worker credited, grid) for tickets first done (confirmed or auto-confirmed) in
        [start, end), submitted by a resident, never sampled before."""
        rows = await self._conn.execute_fetchall(
            f"SELECT t.id, COALESCE(json_extract(e.detail, '$.credited'), t.closed_by), t.grid "
            f"FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            f"WHERE e.action IN ({_FLAG}) AND e.at >= ? AND e.at < ? AND t.self_submitted = 0 "
            f"AND e.id = (SELECT MIN(f.id) FROM ticket_events f WHERE f.ticket_id = e.ticket_id "
            f"            AND f.action IN ({_FLAG})) "
            f"AND NOT EXISTS (SELECT 1 FROM callbacks c WHERE c.ticket_id = t.id) ORDER BY t.id",
            (ts(start), ts(end)),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def add(self, reviews: Iterable[Review], now: datetime) -> list[Review]:
        """Record sampled reviews; a ticket sampled before is skipped (returned: the ones recorded)."""
        added = []
        for r in reviews:
            cur = await self._conn.execute(
                "INSERT OR IGNORE INTO callbacks (ticket_id, week, leader_id, worker_id, grid, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (r.ticket_id, r.week, r.leader_id, r.worker_id, r.grid, ts(now)),
            )
            if cur.rowcount == 1:
                added.append(r)
        return added

    async def get(self, ticket_id: int) -> Review | None:
        """The ticket's review, if it was sampled."""
        rows = await self._conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM callbacks WHERE ticket_id = ?", (ticket_id,)
        )
        return _review(rows[0]) if rows else None

    async def answer(self, review: Review) -> None:
        """Store the review's answer (once: an answered review is never overwritten)."""
        await self._conn.execute(
            "UPDATE callbacks SET result = ?, answered_at = ? WHERE ticket_id = ? AND result IS NULL",
            (review.result, ts(review.answered_at), review.ticket_id),
        )

    async def contact(self, user_id: int) -> tuple[str, str | None]:
        """The resident's first name as they gave it to Telegram (else the roster's) and the phone they
        gave the bot (else the roster's), if any: for the reviewing leader's private chat only."""
        rows = await self._conn.execute_fetchall(
            "SELECT u.first_name, p.name, COALESCE(u.phone, p.phone) FROM (SELECT ? AS id) q "
            "LEFT JOIN users u ON u.tg_user_id = q.id LEFT JOIN people p ON p.tg_user_id = q.id",
            (user_id,),
        )
        first, roster, phone = rows[0]
        return first or roster or "", phone or None

    async def phone(self, user_id: int) -> str | None:
        """The phone number the user gave the bot themselves."""
        rows = await self._conn.execute_fetchall("SELECT phone FROM users WHERE tg_user_id = ?", (user_id,))
        return rows[0][0] if rows else None

    async def set_phone(self, user_id: int, phone: str | None) -> None:
        """Keep (or, with None, forget) the phone number a user gave (their users row exists)."""
        await self._conn.execute("UPDATE users SET phone = ? WHERE tg_user_id = ?", (phone, user_id))

    async def results(self, start: datetime, end: datetime) -> dict[Key, Results]:
        """Call-back answers given in [start, end) per (grid, worker judged)."""
        return await results(self._conn, start, end)


async def results(conn: aiosqlite.Connection, start: datetime, end: datetime) -> dict[Key, Results]:
    """Call-back answers given in [start, end) per (grid, worker judged)."""
    rows = await conn.execute_fetchall(
        "SELECT grid, worker_id, SUM(result = 'satisfied'), SUM(result = 'unsatisfied'), "
        "SUM(result = 'unreachable') FROM callbacks WHERE answered_at >= ? AND answered_at < ? "
        "GROUP BY grid, worker_id",
        (ts(start), ts(end)),
    )
    return {(r[0], r[1]): Results(r[2], r[3], r[4]) for r in rows}

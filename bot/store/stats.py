"""Queries for /stats that the report queries (bot/store/reports.py) do not already answer: a
person's roles, and one worker's backlog wherever their tickets are."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.db import ts
from bot.store.reports import DEADLINE, Backlog


async def roles(conn: aiosqlite.Connection, person_id: int) -> list[tuple[str, str]]:
    """(grid, role) of every role the person holds."""
    rows = await conn.execute_fetchall(
        "SELECT grid, role FROM roles WHERE person_id = ? ORDER BY grid, role", (person_id,)
    )
    return [(r[0], r[1]) for r in rows]


async def held(
    conn: aiosqlite.Connection, person_id: int, start: datetime, end: datetime, now: datetime
) -> Backlog:
    """One person's tickets: assigned to them in [start, end), in hand now, and overdue now."""
    row = (
        await conn.execute_fetchall(
            f"SELECT COUNT(*), SUM({DEADLINE} < ?) FROM tickets WHERE assignee_id = ? "
            f"AND status IN ('open', 'accepted')",
            (ts(now), person_id),
        )
    )[0]
    new = (
        await conn.execute_fetchall(
            "SELECT COUNT(*) FROM ticket_events WHERE action = 'submit' AND at >= ? AND at < ? "
            "AND json_extract(detail, '$.assignee') = ?",
            (ts(start), ts(end), person_id),
        )
    )[0][0]
    return Backlog(new=new, open=row[0], overdue=row[1] or 0)


class Stats:
    """The /stats queries of a unit of work (usually a read over committed data)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def roles(self, person_id: int) -> list[tuple[str, str]]:
        """(grid, role) of every role the person holds."""
        return await roles(self._conn, person_id)

    async def held(self, person_id: int, start: datetime, end: datetime, now: datetime) -> Backlog:
        """One person's tickets: assigned to them in [start, end), in hand now, and overdue now."""
        return await held(self._conn, person_id, start, end, now)

"""Time-bank repository: hours earned on wishes (pending until confirmed) and hours paid for one."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.assessment import HoursEntry
from bot.store.db import ts


class TimeBank:
    """Reads and writes of the `time_bank` table (migration 024)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def earned_on(self, ticket_id: int, person_id: int) -> HoursEntry | None:
        """The helper's earning on a wish, if they recorded one."""
        rows = await self._conn.execute_fetchall(
            "SELECT minutes, counted_at FROM time_bank "
            "WHERE ticket_id = ? AND kind = 'earn' AND person_id = ?",
            (ticket_id, person_id),
        )
        return HoursEntry(rows[0][0], rows[0][1] is not None) if rows else None

    async def earn(self, ticket_id: int, person_id: int, minutes: int, at: datetime, counted: bool) -> None:
        """Record (or, while still pending, replace) a helper's hours on a wish."""
        await self._conn.execute(
            "INSERT INTO time_bank (ticket_id, person_id, kind, minutes, recorded_at, counted_at) "
            "VALUES (?, ?, 'earn', ?, ?, ?) ON CONFLICT (ticket_id, kind, person_id) DO UPDATE SET "
            "minutes = excluded.minutes, recorded_at = excluded.recorded_at, "
            "counted_at = excluded.counted_at WHERE time_bank.counted_at IS NULL",
            (ticket_id, person_id, minutes, ts(at), ts(at) if counted else None),
        )

    async def count(self, ticket_id: int, at: datetime) -> list[tuple[int, int]]:
        """The resident confirmed the wish: its pending hours count now; returns (person, minutes)."""
        rows = await self._conn.execute_fetchall(
            "UPDATE time_bank SET counted_at = ? WHERE ticket_id = ? AND kind = 'earn' "
            "AND counted_at IS NULL RETURNING person_id, minutes",
            (ts(at), ticket_id),
        )
        return [(r[0], r[1]) for r in rows]

    async def entries(self, person_id: int) -> list[HoursEntry]:
        """Every line of a person's account: earnings (counted or pending) and payments (negative)."""
        rows = await self._conn.execute_fetchall(
            "SELECT kind, minutes, counted_at FROM time_bank WHERE person_id = ? ORDER BY id", (person_id,)
        )
        return [
            HoursEntry(r[1], r[2] is not None) if r[0] == "earn" else HoursEntry(-r[1], True) for r in rows
        ]

    async def has_account(self, person_id: int) -> bool:
        """True if the person ever earned or paid hours."""
        rows = await self._conn.execute_fetchall(
            "SELECT 1 FROM time_bank WHERE person_id = ? LIMIT 1", (person_id,)
        )
        return bool(rows)

    async def paid_for(self, ticket_id: int) -> bool:
        """True if the wish was already paid for with hours."""
        rows = await self._conn.execute_fetchall(
            "SELECT 1 FROM time_bank WHERE ticket_id = ? AND kind = 'pay' LIMIT 1", (ticket_id,)
        )
        return bool(rows)

    async def pay(self, ticket_id: int, payer: int, minutes: int, helper: int | None, at: datetime) -> None:
        """Record a payment for a wish from the payer's account, naming the helper it paid for."""
        await self._conn.execute(
            "INSERT INTO time_bank (ticket_id, person_id, kind, minutes, counterpart, recorded_at, "
            "counted_at) VALUES (?, ?, 'pay', ?, ?, ?, ?)",
            (ticket_id, payer, minutes, helper, ts(at), ts(at)),
        )

    async def counted_between(self, start: datetime, end: datetime, grids: list[str]) -> dict[int, int]:
        """Minutes counted per helper in [start, end) on wishes of these grids (the monthly thanks)."""
        marks = ", ".join("?" * len(grids))
        rows = await self._conn.execute_fetchall(
            "SELECT b.person_id, SUM(b.minutes) FROM time_bank b JOIN tickets t ON t.id = b.ticket_id "
            f"WHERE b.kind = 'earn' AND b.counted_at >= ? AND b.counted_at < ? AND t.grid IN ({marks}) "
            "GROUP BY b.person_id",
            (ts(start), ts(end), *grids),
        )
        return {r[0]: r[1] for r in rows}

    async def counted_for(self, person_id: int, start: datetime, end: datetime) -> int:
        """A helper's minutes counted in [start, end) (their /stats)."""
        rows = await self._conn.execute_fetchall(
            "SELECT COALESCE(SUM(minutes), 0) FROM time_bank WHERE person_id = ? AND kind = 'earn' "
            "AND counted_at >= ? AND counted_at < ?",
            (person_id, ts(start), ts(end)),
        )
        return int(rows[0][0])

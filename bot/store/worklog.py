"""Work-log repository: a worker's entries of the day's work, by grid and day, and each worker's latest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.worklog import Entry
from bot.store.db import dt, ts


def _entry(row: Any) -> Entry:
    at = dt(row["at"])
    assert at is not None
    return Entry(
        row["id"], row["person_id"], row["grid"], at, row["text"], row["photo_file_id"], row["ticket_id"]
    )


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class WorkLogs:
    """Entries of the work log (工作日志)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self, person_id: int, grid: str, at: datetime, text: str, photo: str | None, ticket_id: int | None
    ) -> int:
        """Store one entry; its id."""
        cur = await self._conn.execute(
            "INSERT INTO work_logs (person_id, grid, at, text, photo_file_id, ticket_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (person_id, grid, ts(at), text, photo, ticket_id),
        )
        return int(cur.lastrowid or 0)

    async def between(self, grids: list[str], start: datetime, end: datetime) -> list[Entry]:
        """Entries written in these grids in [start, end), oldest first."""
        if not grids:
            return []
        rows = await self._conn.execute_fetchall(
            f"SELECT * FROM work_logs WHERE grid IN ({_marks(len(grids))}) AND at >= ? AND at < ? "
            "ORDER BY at, id",
            (*grids, ts(start), ts(end)),
        )
        return [_entry(r) for r in rows]

    async def last_logged(self, person_ids: list[int], before: datetime) -> dict[int, datetime]:
        """Each person's latest entry before a moment (people who never logged are left out)."""
        if not person_ids:
            return {}
        rows = await self._conn.execute_fetchall(
            f"SELECT person_id, MAX(at) FROM work_logs WHERE person_id IN ({_marks(len(person_ids))}) "
            "AND at < ? GROUP BY person_id",
            (*person_ids, ts(before)),
        )
        return {int(r[0]): at for r in rows if (at := dt(r[1])) is not None}

    async def counts(self, start: datetime, end: datetime) -> dict[tuple[str, int], int]:
        """Entries per (grid, person) written in [start, end)."""
        rows = await self._conn.execute_fetchall(
            "SELECT grid, person_id, COUNT(*) FROM work_logs WHERE at >= ? AND at < ? "
            "GROUP BY grid, person_id",
            (ts(start), ts(end)),
        )
        return {(r[0], int(r[1])): int(r[2]) for r in rows}

    async def logger_grids(self, person_id: int, roles: frozenset[str]) -> list[str]:
        """The grids where the person holds one of these roles (a worker's own grids), by code."""
        rows = await self._conn.execute_fetchall(
            f"SELECT DISTINCT grid FROM roles WHERE person_id = ? AND role IN ({_marks(len(roles))}) "
            "ORDER BY grid",
            (person_id, *sorted(roles)),
        )
        return [r[0] for r in rows]

    async def started(self) -> datetime | None:
        """When the work log began (this database's migration 021)."""
        rows = await self._conn.execute_fetchall("SELECT at FROM bot_facts WHERE key = 'work_log_since'")
        return dt(rows[0][0]) if rows else None

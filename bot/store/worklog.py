"""Work-log repository: a worker's entries of the day's work, by grid and day, and each worker's latest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.worklog import Entry
from bot.store.db import dt, ts


def _entry(row: Any, more: tuple[str, ...] = ()) -> Entry:
    at = dt(row["at"])
    assert at is not None
    return Entry(
        row["id"],
        row["person_id"],
        row["grid"],
        at,
        row["text"],
        row["photo_file_id"],
        row["ticket_id"],
        more,
    )


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class WorkLogs:
    """Entries of the work log (工作日志)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        person_id: int,
        grid: str,
        at: datetime,
        text: str,
        photo: str | None,
        ticket_id: int | None,
        album: str | None = None,
    ) -> int:
        """Store one entry (`album`: the media group its photo came in); its id."""
        cur = await self._conn.execute(
            "INSERT INTO work_logs (person_id, grid, at, text, photo_file_id, ticket_id, media_group_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (person_id, grid, ts(at), text, photo, ticket_id, album),
        )
        return int(cur.lastrowid or 0)

    async def of_album(self, user_id: int, album: str) -> int | None:
        """The entry this Telegram user started with a photo of this album (media group), if any."""
        rows = await self._conn.execute_fetchall(
            "SELECT w.id FROM work_logs w JOIN people p ON p.id = w.person_id "
            "WHERE w.media_group_id = ? AND p.tg_user_id = ? ORDER BY w.id LIMIT 1",
            (album, user_id),
        )
        return int(rows[0][0]) if rows else None

    async def add_photo(self, log_id: int, file_id: str) -> int:
        """Add another photo of its album to an entry; how many photos the entry has now."""
        await self._conn.execute("INSERT OR IGNORE INTO work_log_photos VALUES (?, ?)", (log_id, file_id))
        rows = await self._conn.execute_fetchall(
            "SELECT 1 + (SELECT COUNT(*) FROM work_log_photos WHERE log_id = ?)", (log_id,)
        )
        return int(rows[0][0])

    async def between(self, grids: list[str], start: datetime, end: datetime) -> list[Entry]:
        """Entries written in these grids in [start, end), oldest first."""
        if not grids:
            return []
        rows = await self._conn.execute_fetchall(
            f"SELECT * FROM work_logs WHERE grid IN ({_marks(len(grids))}) AND at >= ? AND at < ? "
            "ORDER BY at, id",
            (*grids, ts(start), ts(end)),
        )
        more = await self._more_photos([r["id"] for r in rows])
        return [_entry(r, tuple(more.get(r["id"], []))) for r in rows]

    async def _more_photos(self, log_ids: list[int]) -> dict[int, list[str]]:
        """The album photos of these entries beyond their first, in the order they came."""
        out: dict[int, list[str]] = {}
        for i in range(0, len(log_ids), 500):  # SQLite's bound-parameter limit
            part = log_ids[i : i + 500]
            for log_id, file_id in await self._conn.execute_fetchall(
                f"SELECT log_id, file_id FROM work_log_photos WHERE log_id IN ({_marks(len(part))}) "
                "ORDER BY rowid",
                part,
            ):
                out.setdefault(int(log_id), []).append(file_id)
        return out

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

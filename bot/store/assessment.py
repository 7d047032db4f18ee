"""Assessment repository: each grid's stored monthly colour (蓝黄红) and the figures behind it."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

import aiosqlite

from bot.domain.assessment import Colour, GridMonth
from bot.domain.reports import Rates
from bot.store.db import ts

_FIGURES = "on_time, due, resolved, evaluated, satisfied, rated, overdue, marks"


class Assessments:
    """Reads and writes of the field's assessments."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def save_colours(self, months: Iterable[GridMonth], now: datetime) -> None:
        """Store each grid's month; a month already stored keeps what was posted first."""
        await self._conn.executemany(
            f"INSERT OR IGNORE INTO grid_colours (grid, month, colour, {_FIGURES}, at) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(g.grid, g.month, g.colour.value, *_figures(g), ts(now)) for g in months],
        )

    async def colours(self, month: str) -> dict[str, GridMonth]:
        """The stored colours of a month (`2025-03`) by grid code."""
        rows = await self._conn.execute_fetchall(
            f"SELECT grid, month, colour, {_FIGURES} FROM grid_colours WHERE month = ?", (month,)
        )
        return {r[0]: GridMonth(r[0], r[1], Colour(r[2]), Rates(*r[3:9]), r[9], r[10]) for r in rows}


def _figures(g: GridMonth) -> tuple[int, ...]:
    r = g.rates
    return (r.on_time, r.due, r.resolved, r.evaluated, r.satisfied, r.rated, g.overdue, g.marks)

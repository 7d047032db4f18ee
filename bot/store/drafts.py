"""Drafts: a resident's unfinished private submission, one per user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.db import ts

FIELDS = ("step", "kind", "category", "text", "photo_file_id", "latitude", "longitude", "grid")


class Drafts:
    """The drafts repository."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, user_id: int) -> dict[str, Any] | None:
        """The user's draft as a dict of its fields, or None."""
        rows = await self._conn.execute_fetchall("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
        return {"user_id": user_id, **{k: rows[0][k] for k in FIELDS}} if rows else None

    async def start(self, user_id: int, grid: str | None, now: datetime) -> None:
        """Begin a new draft at its first step (replacing any older one)."""
        await self._conn.execute(
            "INSERT OR REPLACE INTO drafts (user_id, step, grid, updated_at) VALUES (?, 'kind', ?, ?)",
            (user_id, grid, ts(now)),
        )

    async def set(self, user_id: int, now: datetime, **values: object) -> None:
        """Store answers (known fields only)."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ValueError(f"not a draft field: {sorted(unknown)}")
        cols = ", ".join(f"{k} = ?" for k in values)
        await self._conn.execute(
            f"UPDATE drafts SET {cols}, updated_at = ? WHERE user_id = ?",
            (*values.values(), ts(now), user_id),
        )

    async def drop(self, user_id: int) -> None:
        """Forget the user's draft."""
        await self._conn.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))

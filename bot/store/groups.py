"""Grid groups: which Telegram group belongs to which grid, and the bot's standing there."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.records import Group
from bot.store.db import dt, ts
from bot.store.seen import Seen


def group_of(row: Any) -> Group:
    """A group from a `groups` row."""
    return Group(
        row["chat_id"],
        row["link_code"],
        row["grid"],
        row["title"],
        row["locale"],
        bool(row["member"]),
        bool(row["can_delete"]),
        row["bound_by"],
        dt(row["bound_at"]),
    )


class Groups:
    """The groups repository, each group read at most once per unit of work."""

    def __init__(self, conn: aiosqlite.Connection, seen: Seen | None = None) -> None:
        self._conn = conn
        self._seen: dict[int, Group | None] = (seen or Seen()).groups

    async def _one(self, sql: str, params: Any) -> Group | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return group_of(rows[0]) if rows else None

    async def get(self, chat_id: int | None) -> Group | None:
        """The group with this chat id."""
        if chat_id is None:
            return None
        if chat_id not in self._seen:
            self._seen[chat_id] = await self._one("SELECT * FROM groups WHERE chat_id = ?", (chat_id,))
        return self._seen[chat_id]

    async def by_link(self, link_code: str) -> Group | None:
        """The group whose deep link carries this code."""
        return await self._one("SELECT * FROM groups WHERE link_code = ?", (link_code,))

    async def ensure(self, chat_id: int, title: str | None) -> Group:
        """The group, created on first sight with its own deep-link code."""
        rows = await self._conn.execute_fetchall(
            "INSERT INTO groups (chat_id, title, link_code) VALUES (?, ?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET title = COALESCE(excluded.title, title) RETURNING *",
            (chat_id, title, secrets.token_urlsafe(6)),
        )
        self._seen[chat_id] = group_of(rows[0])
        return self._seen[chat_id]  # type: ignore[return-value]

    async def bind(
        self, chat_id: int, grid: str, by_user: int, now: datetime, previous: str | None = None
    ) -> None:
        """Bind the group to a grid, and record the binding (with the grid it was bound to before)."""
        await self._conn.execute(
            "UPDATE groups SET grid = ?, bound_by = ?, bound_at = ?, member = 1 WHERE chat_id = ?",
            (grid, by_user, ts(now), chat_id),
        )
        await self._conn.execute(
            "INSERT INTO group_bindings (chat_id, grid, previous_grid, by_user, at) VALUES (?, ?, ?, ?, ?)",
            (chat_id, grid, previous, by_user, ts(now)),
        )
        self._seen.pop(chat_id, None)

    async def set_membership(self, chat_id: int, member: bool, can_delete: bool) -> None:
        """Record whether the bot is in the group and may delete messages there."""
        await set_membership(self._conn, chat_id, member, can_delete)
        self._seen.pop(chat_id, None)

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """Set the group's language."""
        await self._conn.execute("UPDATE groups SET locale = ? WHERE chat_id = ?", (locale, chat_id))
        self._seen.pop(chat_id, None)

    async def of_grid(self, grid: str) -> list[Group]:
        """Groups bound to a grid where the bot still is."""
        rows = await self._conn.execute_fetchall(
            "SELECT * FROM groups WHERE grid = ? AND member = 1 ORDER BY chat_id", (grid,)
        )
        return [group_of(r) for r in rows]

    async def migrate(self, old_id: int, new_id: int) -> bool:
        """Move a group's binding, cards and pending posts to its new supergroup id."""
        self._seen.clear()
        return await migrate(self._conn, old_id, new_id)


async def set_membership(conn: aiosqlite.Connection, chat_id: int, member: bool, can_delete: bool) -> None:
    """Record whether the bot is in the group and may delete messages there."""
    await conn.execute(
        "UPDATE groups SET member = ?, can_delete = ? WHERE chat_id = ?",
        (int(member), int(can_delete), chat_id),
    )


async def migrate(conn: aiosqlite.Connection, old_id: int, new_id: int) -> bool:
    """Move a group's binding, cards and pending posts to its new supergroup id."""

    async def exists(chat_id: int) -> bool:
        return bool(await conn.execute_fetchall("SELECT 1 FROM groups WHERE chat_id = ?", (chat_id,)))

    if not await exists(old_id):
        return False
    if await exists(new_id):
        await conn.execute("DELETE FROM groups WHERE chat_id = ? AND grid IS NULL", (new_id,))
        if await exists(new_id):
            return False
    await conn.execute("UPDATE groups SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
    await conn.execute("UPDATE tickets SET origin_chat_id = ? WHERE origin_chat_id = ?", (new_id, old_id))
    await conn.execute(
        "UPDATE tickets SET card_chat_id = NULL, card_message_id = NULL WHERE card_chat_id = ?", (old_id,)
    )
    await conn.execute(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'", (new_id, old_id)
    )
    await conn.execute("UPDATE outbox SET fallback_chat_id = ? WHERE fallback_chat_id = ?", (new_id, old_id))
    return True

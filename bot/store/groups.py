"""Grid groups: which Telegram group belongs to which grid, and the bot's standing there."""

from __future__ import annotations

import secrets
from datetime import datetime

import aiosqlite

from bot.store.db import ts


async def get(conn: aiosqlite.Connection, chat_id: int) -> aiosqlite.Row | None:
    """The group row for a chat id."""
    rows = await conn.execute_fetchall("SELECT * FROM groups WHERE chat_id = ?", (chat_id,))
    return rows[0] if rows else None


async def by_link(conn: aiosqlite.Connection, link_code: str) -> aiosqlite.Row | None:
    """The group whose deep link carries this code."""
    rows = await conn.execute_fetchall("SELECT * FROM groups WHERE link_code = ?", (link_code,))
    return rows[0] if rows else None


async def ensure(conn: aiosqlite.Connection, chat_id: int, title: str | None) -> aiosqlite.Row:
    """The group row, created on first sight with its own deep-link code."""
    await conn.execute(
        "INSERT INTO groups (chat_id, title, link_code) VALUES (?, ?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET title = COALESCE(excluded.title, title)",
        (chat_id, title, secrets.token_urlsafe(6)))
    return await get(conn, chat_id)


async def bind(conn: aiosqlite.Connection, chat_id: int, grid: str, by_user: int, now: datetime,
               previous: str | None = None) -> None:
    """Bind the group to a grid, and record the binding (with the grid it was bound to before)."""
    await conn.execute("UPDATE groups SET grid = ?, bound_by = ?, bound_at = ?, member = 1 WHERE chat_id = ?",
                       (grid, by_user, ts(now), chat_id))
    await conn.execute("INSERT INTO group_bindings (chat_id, grid, previous_grid, by_user, at) "
                       "VALUES (?, ?, ?, ?, ?)", (chat_id, grid, previous, by_user, ts(now)))


async def set_membership(conn: aiosqlite.Connection, chat_id: int, member: bool, can_delete: bool) -> None:
    """Record whether the bot is in the group and may delete messages there."""
    await conn.execute("UPDATE groups SET member = ?, can_delete = ? WHERE chat_id = ?",
                       (int(member), int(can_delete), chat_id))


async def migrate(conn: aiosqlite.Connection, old_id: int, new_id: int) -> bool:
    """Move a group's binding, cards and pending posts to its new supergroup id."""
    if await get(conn, old_id) is None:
        return False
    if await get(conn, new_id) is not None:
        await conn.execute("DELETE FROM groups WHERE chat_id = ? AND grid IS NULL", (new_id,))
        if await get(conn, new_id) is not None:
            return False
    await conn.execute("UPDATE groups SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
    await conn.execute("UPDATE tickets SET origin_chat_id = ? WHERE origin_chat_id = ?", (new_id, old_id))
    await conn.execute("UPDATE tickets SET card_chat_id = NULL, card_message_id = NULL WHERE card_chat_id = ?",
                       (old_id,))
    await conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'", (new_id, old_id))
    await conn.execute("UPDATE outbox SET fallback_chat_id = ? WHERE fallback_chat_id = ?", (new_id, old_id))
    return True


async def set_locale(conn: aiosqlite.Connection, chat_id: int, locale: str) -> None:
    """Set the group's language."""
    await conn.execute("UPDATE groups SET locale = ? WHERE chat_id = ?", (locale, chat_id))


async def of_grid(conn: aiosqlite.Connection, grid: str) -> list[aiosqlite.Row]:
    """Groups bound to a grid where the bot still is."""
    return list(await conn.execute_fetchall(
        "SELECT * FROM groups WHERE grid = ? AND member = 1 ORDER BY chat_id", (grid,)))

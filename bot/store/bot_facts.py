"""What the bot learnt about itself from Telegram (its username), and updates skipped as poison."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.db import Database, ts


async def remember(db: Database, key: str, value: str, now: datetime) -> None:
    """Store one fact (replacing an older value) in its own transaction."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO bot_facts (key, value, at) VALUES (?, ?, ?) ON CONFLICT(key) "
            "DO UPDATE SET value = excluded.value, at = excluded.at",
            (key, value, ts(now)),
        )


async def recall(db: Database, key: str) -> str | None:
    """A stored fact, or None if never learnt."""
    row = await db.fetchone("SELECT value FROM bot_facts WHERE key = ?", (key,))
    return None if row is None else str(row[0])


async def username(db: Database, configured: str = "") -> str:
    """The bot's username as Telegram last told it (getMe), else the configured one, else ""."""
    return await recall(db, "username") or configured


async def mark_processed(conn: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """Record an update as handled (a skipped poison update too); False if it already was."""
    cur = await conn.execute("INSERT OR IGNORE INTO processed_updates VALUES (?, ?)", (update_id, ts(now)))
    return cur.rowcount > 0


async def skip(db: Database, update_id: int, now: datetime) -> None:
    """Record a poison update as processed so a redelivery is skipped too."""
    async with db.write() as conn:
        await mark_processed(conn, update_id, now)

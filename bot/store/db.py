"""The database: WAL mode, numbered migrations, serialised write transactions, idempotent updates."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, AsyncIterator, Iterable

import aiosqlite

from bot.store import connection


class AlreadyProcessed(Exception):
    """The update was handled before (a redelivery after a crash): change nothing."""


def ts(moment: datetime | None) -> float | None:
    """A datetime as epoch seconds for storage."""
    return None if moment is None else moment.timestamp()


def dt(value: float | None) -> datetime | None:
    """Epoch seconds from storage as an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, timezone.utc)


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


async def _connect(path: Path, synchronous: str = "FULL", inline: bool = False) -> aiosqlite.Connection:
    """A connection in WAL mode. synchronous=FULL on the writer: each COMMIT is fsynced before it
    returns, so a transaction whose update was then confirmed to Telegram survives a power cut
    (NORMAL, in WAL mode, survives a crash but may lose the last commits on power loss).
    `inline`: the statements of an open write transaction skip aiosqlite's thread (`connection`)."""
    conn = await connection.connect(path, inline)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute(f"PRAGMA synchronous={synchronous}")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={connection.BUSY_MS}")
    return conn


class Database:
    """One writer connection behind a lock, one reader connection that sees committed data."""

    def __init__(self, path: Path | str, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        self.synchronous = synchronous  # "NORMAL" only for the durability bench's comparison
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> "Database":
        """Open both connections and apply pending migrations."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _connect(self.path, self.synchronous, inline=True)
        await self._migrate()
        # From now on the first INSERT/UPDATE/DELETE of a transaction opens it (BEGIN IMMEDIATE) in the same
        # trip to the database thread: an update's processed mark opens its unit of work.
        self._writer.isolation_level = "IMMEDIATE"
        self._reader = await _connect(self.path, "NORMAL")  # reads only
        return self

    async def close(self) -> None:
        """Close both connections."""
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def _migrate(self) -> None:
        w = self._writer
        await w.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        done = {row[0] for row in await w.execute_fetchall("SELECT version FROM schema_migrations")}
        for version, name, sql in _migrations():
            if version in done:
                continue
            await w.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"INSERT INTO schema_migrations VALUES ({version}, '{name}', "
                f"{datetime.now(timezone.utc).timestamp()});\nCOMMIT;"
            )

    @asynccontextmanager
    async def write(
        self, update_id: int | None = None, lazy: bool = False
    ) -> AsyncIterator[aiosqlite.Connection]:
        """One serialised transaction; with an update id, a second delivery raises AlreadyProcessed.

        `lazy`: the transaction begins with its first write (for bookkeeping that reads nothing first);
        otherwise everything inside, reads included, is one IMMEDIATE transaction.
        """
        async with self._lock:
            conn = self._writer
            try:
                if update_id is not None:  # opens the transaction (implicit BEGIN IMMEDIATE)
                    cur = await conn.execute(
                        "INSERT OR IGNORE INTO processed_updates VALUES (?, ?)",
                        (update_id, datetime.now(timezone.utc).timestamp()),
                    )
                    if cur.rowcount == 0:
                        raise AlreadyProcessed(update_id)
                elif not lazy:
                    await conn.execute("BEGIN IMMEDIATE")
                yield conn
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
            else:
                if conn.in_transaction:
                    await conn.execute("COMMIT")

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read-only connection (committed data only)."""
        return self._reader

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Rows of a read-only query over committed data."""
        return list(await self._reader.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row of a read-only query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

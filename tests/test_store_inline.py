"""A write transaction's statements skip aiosqlite's thread; what may wait (another process's write lock,
COMMIT's fsync) still waits on the thread, so the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from typing import Any

import aiosqlite
import pytest

from bot.store.db import AlreadyProcessed, Database


@pytest.fixture
async def db(tmp_path):
    d = await Database(tmp_path / "s.sqlite3").open()
    yield d
    await d.close()


@pytest.fixture
def trips(monkeypatch) -> Counter[str]:
    """Counts the calls that go through aiosqlite's thread, by SQL verb."""
    seen: Counter[str] = Counter()
    original = aiosqlite.Connection._execute

    async def counted(conn: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sql = args[0] if args and isinstance(args[0], str) else getattr(fn, "__name__", "call")
        seen[sql.split()[0].upper()] += 1
        return await original(conn, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def _users(db: Database) -> list[int]:
    return [r[0] for r in await db.fetchall("SELECT tg_user_id FROM users ORDER BY tg_user_id")]


async def test_a_unit_of_work_makes_one_trip_to_the_thread_its_commit(db, trips):
    async with db.write(update_id=1) as conn:
        for uid in (11, 12, 13):
            await conn.execute("INSERT INTO users (tg_user_id, first_name) VALUES (?, ?)", (uid, "u"))
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM users")
        assert rows[0][0] == 3
    assert trips == {"COMMIT": 1}
    assert await _users(db) == [11, 12, 13]


async def test_a_failure_inside_rolls_back_the_inline_statements(db, trips):
    with pytest.raises(RuntimeError):
        async with db.write(update_id=2) as conn:
            await conn.execute("INSERT INTO users (tg_user_id, first_name) VALUES (21, 'u')")
            raise RuntimeError("the service refused")
    assert trips == {"ROLLBACK": 1}
    assert await _users(db) == []
    async with db.write(update_id=2) as conn:  # not marked processed: it may run again
        await conn.execute("INSERT INTO users (tg_user_id, first_name) VALUES (22, 'u')")
    with pytest.raises(AlreadyProcessed):
        async with db.write(update_id=2):
            pass
    assert await _users(db) == [22]


async def test_waiting_for_another_process_write_lock_does_not_stop_the_bot(db, trips):
    """Another process (a roster import, an erasure) holds the write lock: the bot's write waits on
    the thread, reads are answered meanwhile, and the write goes through once the lock is free."""
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def write() -> None:
        async with db.write(update_id=3) as conn:
            await conn.execute("INSERT INTO users (tg_user_id, first_name) VALUES (31, 'u')")

    waiting = asyncio.ensure_future(write())
    while trips["INSERT"] == 0:  # tried at once, found the lock taken, handed to the thread
        await asyncio.sleep(0)
    assert await _users(db) == []  # the reader answers while the writer waits
    assert not waiting.done()
    other.execute("COMMIT")
    other.close()
    await waiting
    assert await _users(db) == [31]

"""Backup while the bot writes: a consistent snapshot that opens, checks ok, holds every committed ticket."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.cli import backup as backup_cli
from bot.domain.tickets import Kind
from bot.services import intake
from bot.store.backup import BackupError, backup
from bot.services.context import Who
from bot.store.db import Database
from tests.test_story import GROUP, _bound

WRITES = 240


async def _writer(bot, committed: list[int], done: asyncio.Event) -> None:
    """Submit tickets through the service, one resident per ticket (no per-resident limits)."""
    try:
        for i in range(WRITES):
            kind = Kind.WISH if i % 2 else Kind.COMPLAINT
            s = intake.Submission(kind, "other", f"工单 {i} 楼道灯不亮", "GN-1-1", GROUP, 10_000 + i)
            out = await intake.submit(bot.ctx, Who(70_000 + i, f"R{i}"), s, datetime.now(timezone.utc), None)
            committed.append(out.ticket_id)  # appended only after the commit
            await asyncio.sleep(0)
    finally:
        done.set()


async def _check_copy(path: Path, must_have: set[int], may_have: set[int]) -> int:
    db = await Database(path).open()
    try:
        assert (await db.fetchone("PRAGMA integrity_check"))[0] == "ok"
        ids = {r[0] for r in await db.fetchall("SELECT id FROM tickets")}
        assert must_have <= ids, f"committed before the backup but missing: {sorted(must_have - ids)[:5]}"
        assert ids <= may_have, "a ticket that was never committed"
        submits = {
            r[0] for r in await db.fetchall("SELECT ticket_id FROM ticket_events WHERE action = 'submit'")
        }
        assert submits == ids, "ticket and its event log come from the same transaction"
        orphans = await db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE ticket_id IS NOT NULL "
            "AND ticket_id NOT IN (SELECT id FROM tickets)"
        )
        assert orphans[0] == 0
        return len(ids)
    finally:
        await db.close()


async def test_backup_while_writes_are_in_flight(bot, tmp_path):
    await _bound(bot)
    committed: list[int] = []
    done = asyncio.Event()
    writer = asyncio.create_task(_writer(bot, committed, done))
    snapshots: list[tuple[Path, set[int]]] = []
    n = 0
    while not done.is_set():
        await asyncio.sleep(0.01)
        before = set(committed)
        dest = tmp_path / f"copy{n}.sqlite3"
        result = await asyncio.to_thread(backup, bot.config.database, dest)
        assert result.integrity == "ok" and dest.is_file()
        snapshots.append((dest, before))
        n += 1
    await writer
    assert len(committed) == WRITES
    final = tmp_path / "final.sqlite3"
    await asyncio.to_thread(backup, bot.config.database, final)
    snapshots.append((final, set(committed)))
    counts = [await _check_copy(path, before, set(committed)) for path, before in snapshots]
    assert len(snapshots) >= 3, "backups should overlap the writes"
    assert any(0 < c < WRITES for c in counts), f"no backup taken mid-way: {counts}"
    assert counts[-1] == WRITES
    for path, _ in snapshots:  # a restored copy is a single file: no -wal to carry along
        assert not Path(f"{path}-wal").exists()


async def test_restore_procedure_gives_a_working_bot(bot, tmp_path):
    """docs/operations.md: stop, copy the backup over the database, delete -wal/-shm, start."""
    await _bound(bot)
    await bot.say(5001, GROUP, "/wish 帮忙修水龙头")
    copy = tmp_path / "b.sqlite3"
    backup(bot.config.database, copy)
    await bot.say(5002, GROUP, "/wish 这条在备份之后")
    await bot.stop()
    db_path = bot.config.database
    db_path.write_bytes(copy.read_bytes())
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    restored = await Database(db_path).open()
    try:
        rows = await restored.fetchall("SELECT text FROM tickets ORDER BY id")
        assert [r[0] for r in rows] == ["帮忙修水龙头"]
        async with restored.write() as conn:  # writable again
            await conn.execute("UPDATE tickets SET rating = NULL WHERE id = 1")
    finally:
        await restored.close()
    await bot.app.initialize()  # so the fixture's stop() has something to stop
    await bot.app.post_init(bot.app)


async def test_backup_refuses_bad_destinations(bot, tmp_path):
    with pytest.raises(BackupError):
        backup(bot.config.database, bot.config.database)
    with pytest.raises(BackupError):
        backup(tmp_path / "missing.sqlite3", tmp_path / "x.sqlite3")
    dest = tmp_path / "exists.sqlite3"
    dest.write_text("keep me")
    with pytest.raises(BackupError):
        backup(bot.config.database, dest)
    assert dest.read_text() == "keep me"
    backup(bot.config.database, dest, overwrite=True)
    assert dest.stat().st_size > 100


async def test_backup_command_line(bot, tmp_path, capsys):
    await _bound(bot)
    await bot.say(5001, GROUP, "/wish 借梯子")
    config = tmp_path / "c.toml"
    config.write_text(f'[storage]\ndatabase = "{bot.config.database.as_posix()}"\n', encoding="utf-8")
    dest = tmp_path / "cli.sqlite3"
    assert await asyncio.to_thread(backup_cli.main, [str(dest), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1 件事项" in out and "完整性检查 ok" in out  # the operator language defaults to zh
    assert await asyncio.to_thread(backup_cli.main, [str(dest), "--config", str(config)]) == 1
    assert "already exists" in capsys.readouterr().err

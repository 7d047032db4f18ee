"""synchronous=FULL for the writer: a commit confirmed to Telegram survives a power cut (issue 14.7)."""

from __future__ import annotations

from bench import durability
from bot.store.db import Database


async def test_the_writer_fsyncs_every_commit(tmp_path):
    db = await Database(tmp_path / "bot.sqlite3").open()
    try:
        async with db.write() as conn:
            row = await (await conn.execute("PRAGMA synchronous")).fetchone()
        assert row[0] == 2, "2 = FULL (1 = NORMAL loses the last commits on power loss)"
        journal = await (await conn.execute("PRAGMA journal_mode")).fetchone()
        assert journal[0] == "wal"
    finally:
        await db.close()


def test_durability_bench_runs_at_a_tiny_size(tmp_path, capsys):
    assert durability.main(["--commits", "5", "--rounds", "2", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "FULL / NORMAL" in out and "extra ms per update" in out

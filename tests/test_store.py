"""The store on a temporary SQLite file: migrations, WAL, serialised writes, roster import."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.domain.roster import load_roster
from bot.services.roster import apply
from bot.store.db import AlreadyProcessed, Database
from tests.harness import ROSTER

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
async def db(tmp_path):
    d = await Database(tmp_path / "s.sqlite3").open()
    yield d
    await d.close()


async def test_migrations_are_tracked_and_applied_once(tmp_path):
    first = await Database(tmp_path / "m.sqlite3").open()
    versions = [r[0] for r in await first.fetchall("SELECT version FROM schema_migrations")]
    await first.close()
    again = await Database(tmp_path / "m.sqlite3").open()
    assert [r[0] for r in await again.fetchall("SELECT version FROM schema_migrations")] == versions
    assert versions[0] == 1 and versions == sorted(versions)
    mode = await again.fetchone("PRAGMA journal_mode")
    assert mode[0] == "wal"
    await again.close()


async def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO grids VALUES ('X', 'x', NULL, 'community')")
            raise RuntimeError("boom")
    assert await db.fetchone("SELECT * FROM grids WHERE code = 'X'") is None


async def test_same_update_id_is_processed_once(db):
    async with db.write(update_id=42):
        pass
    with pytest.raises(AlreadyProcessed):
        async with db.write(update_id=42):
            pass


async def test_concurrent_writers_are_serialised(db):
    async def add(i: int) -> None:
        async with db.write() as conn:
            n = (await conn.execute_fetchall("SELECT COUNT(*) FROM grids"))[0][0]
            await asyncio.sleep(0)
            await conn.execute("INSERT INTO grids VALUES (?, 'g', NULL, 'community')", (f"G{n}",))

    await asyncio.gather(*(add(i) for i in range(20)))
    assert (await db.fetchone("SELECT COUNT(*) FROM grids"))[0] == 20


async def test_roster_import_twice_updates_without_duplicates(db):
    roster = load_roster(ROSTER)
    first = await apply(db, roster, NOW)
    second = await apply(db, roster, NOW)
    assert (first.grids_added, first.people_added) == (4, 6)
    assert (second.grids_added, second.grids_updated, second.people_added, second.people_updated) == (
        0,
        0,
        0,
        0,
    ), "re-importing an unchanged roster changes nothing and says so"
    assert (await db.fetchone("SELECT COUNT(*) FROM people"))[0] == 6
    assert [i[0] for i in second.invites] == ["p006"], "only people without a Telegram id need invites"


async def test_person_left_out_of_new_roster_is_deactivated(db, tmp_path):
    await apply(db, load_roster(ROSTER), NOW)
    smaller = tmp_path / "r.csv"
    smaller.write_text(
        "\n".join(
            l for l in ROSTER.read_text(encoding="utf-8").splitlines() if not l.startswith("person,p005")
        ),
        encoding="utf-8",
    )
    summary = await apply(db, load_roster(smaller), NOW)
    assert summary.people_deactivated == 1
    row = await db.fetchone("SELECT active FROM people WHERE code = 'p005'")
    assert row[0] == 0


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--lang", "en", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])},
    )


def test_roster_cli_reports_bad_rows_with_line_numbers_and_applies_nothing(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[storage]\ndatabase = "x.sqlite3"\n', encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(ROSTER.read_text(encoding="utf-8") + "person,p099,坏人,,,boss@GN,,,\n", encoding="utf-8")
    result = _cli("roster", "import", str(bad), "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 2
    assert "line 12" in result.stderr and "nothing was imported" in result.stderr
    good = _cli("roster", "import", str(ROSTER), "--config", str(cfg), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "people: 6 added" in good.stdout and "username is not known yet" in good.stdout
    assert "t.me" not in good.stdout, "no link from a placeholder"


def test_run_with_bad_config_names_file_and_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[telegram]\ntoken = "1:x"\n[sla.urgent]\naccept = "soon"\n', encoding="utf-8")
    result = _cli("run", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 2
    assert "c.toml" in result.stderr and "sla.urgent.accept" in result.stderr

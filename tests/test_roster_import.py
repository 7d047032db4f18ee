"""Roster changes are previewed and guarded (issue 14 point 5): --dry-run shows what would be added,
changed, deactivated and whose open tickets would move; a large deactivation needs --yes; the
summary counts only real changes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.cli import lang
from bot.cli import roster as roster_cli
from bot.domain.roster import load_roster
from bot.services.roster import TooManyDeactivated, apply
from tests.harness import ROSTER, Harness
from tests.test_story import GROUP, RESIDENT, WORKER, _bound

NOW = datetime(2025, 3, 3, 9, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _english():
    lang.use("en")
    yield
    lang.use("zh")


def _without(tmp_path, *codes: str, rename: tuple[str, str] | None = None):
    lines = [
        line
        for line in ROSTER.read_text(encoding="utf-8").splitlines()
        if not any(line.startswith(f"person,{c},") for c in codes)
    ]
    text = "\n".join(lines) + "\n"
    if rename:
        text = text.replace(*rename)
    path = tmp_path / "smaller.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def bot(tmp_path):
    harness = await Harness(tmp_path).start()
    yield harness
    await harness.stop()


async def _counts(bot: Harness) -> tuple:
    row = await bot.ctx.db.fetchone(
        "SELECT COUNT(*), SUM(active), (SELECT assignee_id FROM tickets WHERE id = 1) FROM people"
    )
    return tuple(row)


async def test_dry_run_shows_every_change_and_the_tickets_that_would_move_and_writes_nothing(bot, tmp_path):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 下水道堵了")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    before = await _counts(bot)
    smaller = _without(tmp_path, "p004", rename=("p006,陈静", "p006,陈静静"))
    s = await apply(bot.ctx.db, load_roster(smaller), NOW, bot.ctx, dry_run=True)
    assert s.dry_run and await _counts(bot) == before, "nothing was written"
    assert s.changes.deactivated == [("p004", "赵强")]
    assert s.changes.changed == [("p006", "陈静静", ["name"])]
    assert s.moves == [("赵强", 1, "王芳")]
    assert s.people_updated == 1 and s.people_added == 0


def _config(tmp_path, share: float | None = None) -> str:
    path = tmp_path / "c.toml"
    extra = f"[roster]\nmax_deactivate_share = {share}\n" if share is not None else ""
    path.write_text(
        f'[telegram]\nusername = "grid_bot"\n[storage]\ndatabase = "'
        f'{(tmp_path / "cli.sqlite3").as_posix()}"\n{extra}',
        encoding="utf-8",
    )
    return str(path)


def test_cli_dry_run_then_a_large_deactivation_needs_yes(tmp_path, capsys):
    config = _config(tmp_path)
    assert roster_cli.main(["import", str(ROSTER), "--config", config]) == 0
    capsys.readouterr()
    smaller = _without(tmp_path, "p004", "p005")  # 2 of 6 active people: 33 % > 10 %
    assert roster_cli.main(["import", str(smaller), "--config", config, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dry run: nothing was written.")
    assert "  - deactivate p004\t赵强" in out and "  - deactivate p005\t刘洋" in out
    assert "needs --yes" in out and "2 of 6" in out
    assert roster_cli.main(["import", str(smaller), "--config", config]) == 3
    err = capsys.readouterr().err
    assert "2 of 6 active people (33%)" in err and "Nothing was imported" in err
    assert roster_cli.main(["import", str(smaller), "--config", config, "--yes"]) == 0
    assert "people: 0 added, 0 changed, 2 deactivated" in capsys.readouterr().out


def test_the_share_is_configurable_and_a_small_change_needs_no_yes(tmp_path, capsys):
    config = _config(tmp_path, share=0.5)
    assert roster_cli.main(["import", str(ROSTER), "--config", config]) == 0
    assert roster_cli.main(["import", str(_without(tmp_path, "p004", "p005")), "--config", config]) == 0
    assert "2 deactivated" in capsys.readouterr().out


def test_reimporting_an_unchanged_roster_reports_no_changes(tmp_path, capsys):
    config = _config(tmp_path)
    assert roster_cli.main(["import", str(ROSTER), "--config", config]) == 0
    capsys.readouterr()
    assert roster_cli.main(["import", str(ROSTER), "--config", config]) == 0
    assert "grids: 0 added, 0 changed; people: 0 added, 0 changed, 0 deactivated" in capsys.readouterr().out
    assert roster_cli.main(["import", str(ROSTER), "--config", config, "--dry-run"]) == 0
    assert "(no changes)" in capsys.readouterr().out


async def test_too_many_deactivated_raises_before_writing(bot, tmp_path):
    smaller = _without(tmp_path, "p001", "p002", "p003")
    with pytest.raises(TooManyDeactivated):
        await apply(bot.ctx.db, load_roster(smaller), NOW, bot.ctx, max_share=0.1)
    assert (await bot.ctx.db.fetchone("SELECT SUM(active) FROM people"))[0] == 6

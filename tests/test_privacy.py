"""Privacy: export everything about a resident; erase it in one transaction with tallies unchanged."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

from bot.cli import privacy as privacy_cli
from bot.services import privacy
from bot.store.outbox import Outbox
from bot.services.notices import Notice, enqueue
from bot.store.uow import UnitOfWork
from tests.test_story import GROUP, LEADER, RESIDENT, VOLUNTEER, WORKER, _bound

OTHER = 5002
SECRETS = (
    "楼道垃圾三天没人清运",
    "帮老人买菜顺便取药",
    "已联系保洁清运完毕",
    "PHOTO-SECRET-1",
    "楼上<装修>&吵",
)

TALLY = "SELECT grid, kind, status, COUNT(*) FROM tickets GROUP BY grid, kind, status ORDER BY 1, 2, 3"
FLAGS = (
    "SELECT closed_by, COUNT(*), SUM(rating), SUM(reopen_count) FROM tickets WHERE status = 'done' "
    "AND self_submitted = 0 GROUP BY closed_by ORDER BY 1"
)
SHAPE = "SELECT ticket_id, at, actor_person_id, action, from_status, to_status FROM ticket_events ORDER BY id"
RATES = (
    "SELECT assignee_id, COUNT(*), SUM(accepted_at IS NOT NULL), SUM(done_at IS NOT NULL), "
    "AVG(rating), SUM(escalation_level) FROM tickets GROUP BY assignee_id ORDER BY 1"
)


async def _story(bot) -> None:
    """RESIDENT: a complaint carried to done and rated (with photo note), an open wish, a draft, a prompt,
    a message still waiting for them; OTHER: a wish of their own."""
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.press(WORKER, WORKER, 1, "t:1:cls")
    await bot.say(WORKER, WORKER, "已联系保洁清运完毕")
    await bot.press(RESIDENT, GROUP, 50, "t:1:yes")
    await bot.press(RESIDENT, GROUP, 50, "t:1:r:4")
    await bot.say(RESIDENT, GROUP, "/wish 帮老人买菜顺便取药")
    await bot.say(OTHER, GROUP, "/wish 借一把梯子")
    await bot.press(VOLUNTEER, GROUP, 1, "t:3:clm")
    await bot.say(RESIDENT, GROUP, "/complain")  # a reply prompt for RESIDENT in the group
    await bot.say(RESIDENT, RESIDENT, "/new")  # a draft
    await bot.press(RESIDENT, RESIDENT, 1, "d:kind:complaint")
    await bot.press(RESIDENT, RESIDENT, 2, "d:cat:dispute")
    await bot.say(RESIDENT, RESIDENT, "楼上<装修>&吵")
    await bot.feed(
        {
            "message": {
                "message_id": 77,
                "date": 0,
                "chat": bot.chat(RESIDENT),
                "from": bot.user(RESIDENT),
                "photo": [{"file_id": "PHOTO-SECRET-1", "file_unique_id": "u1", "width": 90, "height": 90}],
            }
        }
    )
    later = datetime.now(timezone.utc) + timedelta(hours=8)
    async with bot.ctx.db.write() as conn:  # held for quiet hours: still pending
        await enqueue(
            UnitOfWork(conn),
            [Notice(RESIDENT, "晚安提醒"), Notice(WORKER, "assigned: 帮老人买菜顺便取药", ticket_id=2)],
            datetime.now(timezone.utc),
        )
        await conn.execute("UPDATE outbox SET not_before = ? WHERE status = 'pending'", (later.timestamp(),))


async def _q(bot, sql):
    return [tuple(r) for r in await bot.ctx.db.fetchall(sql)]


async def _everything(bot) -> str:
    tables = [r[0] for r in await bot.ctx.db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = []
    for t in tables:
        dump += [
            json.dumps([*r], ensure_ascii=False, default=str)
            for r in await bot.ctx.db.fetchall(f"SELECT * FROM {t}")
        ]
    return "\n".join(dump)


async def test_export_has_everything_about_the_resident(bot):
    await _story(bot)
    doc = await privacy.export(bot.ctx.db, RESIDENT)
    json.dumps(doc, ensure_ascii=False)  # serialisable
    assert doc["user"]["tg_user_id"] == RESIDENT
    assert [t["id"] for t in doc["tickets"]] == [1, 2]
    first = doc["tickets"][0]
    assert first["text"] == "楼道垃圾三天没人清运" and first["rating"] == 4 and first["close_note"]
    assert [e["action"] for e in first["events"]] == ["submit", "accept", "close", "confirm", "rate"]
    assert doc["tickets"][1]["text"] == "帮老人买菜顺便取药"
    assert (
        doc["drafts"][0]["text"] == "楼上<装修>&吵" and doc["drafts"][0]["photo_file_id"] == "PHOTO-SECRET-1"
    )
    assert doc["prompts"] and doc["prompts"][0]["purpose"] == "complaint"
    assert any(m["status"] == "pending" for m in doc["messages_to_user"])
    assert doc["staff"] is None
    assert "借一把梯子" not in json.dumps(doc, ensure_ascii=False), "nobody else's data"
    assert isinstance(first["created_at"], str)


async def test_erase_anonymises_and_keeps_tallies_flags_and_rates(bot):
    await _story(bot)
    before = [await _q(bot, sql) for sql in (TALLY, FLAGS, SHAPE, RATES)]
    other_before = await _q(bot, f"SELECT * FROM tickets WHERE resident_id = {OTHER}")
    everything = await _everything(bot)
    assert all(s in everything for s in SECRETS)
    s = await privacy.erase(bot.ctx, RESIDENT, datetime.now(timezone.utc))
    assert (s.tickets, s.user_row, s.drafts, s.prompts) == (2, 1, 1, 1)
    assert s.outbox_deleted >= 1 and s.cards_updated == 1
    assert [await _q(bot, sql) for sql in (TALLY, FLAGS, SHAPE, RATES)] == before
    assert await _q(bot, f"SELECT * FROM tickets WHERE resident_id = {OTHER}") == other_before
    everything = await _everything(bot)
    for secret in SECRETS:
        assert secret not in everything, secret
    rows = await bot.ctx.db.fetchall(
        "SELECT text, resident_id, photo_file_id, latitude, close_note, close_photo "
        "FROM tickets WHERE id IN (1, 2)"
    )
    assert [tuple(r) for r in rows] == [
        ("[erased]", 0, None, None, "[erased]", None),
        ("[erased]", 0, None, None, None, None),
    ]
    for table, col in (
        ("users", "tg_user_id"),
        ("drafts", "user_id"),
        ("prompts", "user_id"),
        ("ticket_events", "actor_user_id"),
    ):
        assert (await bot.ctx.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {col} = ?", (RESIDENT,)))[
            0
        ] == 0
    pending = await bot.ctx.db.fetchall("SELECT chat_id, payload FROM outbox WHERE status = 'pending'")
    assert all(r[0] != RESIDENT for r in pending)
    assert any("[erased]" in r[1] for r in pending if r[0] == WORKER), (
        "the worker's message still goes, text cut"
    )
    # the running bot edits the wish's group card to the marker
    await bot.deliverer.deliver_due()
    card = [m for m in bot.sent(GROUP) if m["method"] == "editMessageText" and "#2" in m["text"]][-1]
    assert "[erased]" in card["text"]
    # erasing twice finds nothing; the bot keeps working for everyone, the erased user included
    again = await privacy.erase(bot.ctx, RESIDENT, datetime.now(timezone.utc))
    assert (again.tickets, again.user_row) == (0, 0)
    await bot.say(RESIDENT, RESIDENT, "/my")
    assert "[erased]" not in bot.last(RESIDENT)["text"]
    await bot.say(RESIDENT, RESIDENT, "/status 1")
    assert "#1" not in bot.last(RESIDENT)["text"] or "无权" in bot.last(RESIDENT)["text"]
    await bot.say(LEADER, LEADER, "/status 1")  # (WORKER's chat is held behind the quiet-hours row)
    assert "[erased]" in bot.last(LEADER)["text"] and "已办结" in bot.last(LEADER)["text"]


async def test_erase_is_one_transaction(bot, monkeypatch):
    await _story(bot)
    before = await _everything(bot)

    async def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Outbox, "add", boom)  # the last step (the wish cards' edits) fails
    try:
        await privacy.erase(bot.ctx, RESIDENT, datetime.now(timezone.utc))
    except RuntimeError:
        pass
    assert await _everything(bot) == before, "a failed erasure changes nothing"


def _config(bot, tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(f'[storage]\ndatabase = "{bot.config.database.as_posix()}"\n', encoding="utf-8")
    return str(path)


async def test_command_line_export_erase_and_confirmation(bot, tmp_path, capsys, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    await _story(bot)
    cfg = _config(bot, tmp_path)
    out = tmp_path / "me.json"
    assert (
        await asyncio.to_thread(
            privacy_cli.main, ["export", str(RESIDENT), "--config", cfg, "--out", str(out)]
        )
        == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["tickets"][0]["text"] == "楼道垃圾三天没人清运"
    assert out.stat().st_mode & 0o077 == 0, "the export file is readable by its owner only"
    assert await asyncio.to_thread(privacy_cli.main, ["export", str(RESIDENT), "--config", cfg]) == 0
    assert json.loads(capsys.readouterr().out)["user"]["tg_user_id"] == RESIDENT
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    assert await asyncio.to_thread(privacy_cli.main, ["erase", str(RESIDENT), "--config", cfg]) == 1
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets WHERE resident_id = ?", (RESIDENT,)))[
        0
    ] == 2

    def eof(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert await asyncio.to_thread(privacy_cli.main, ["erase", str(RESIDENT), "--config", cfg]) == 1
    monkeypatch.setattr("builtins.input", lambda prompt="": "yes")
    assert await asyncio.to_thread(privacy_cli.main, ["erase", str(RESIDENT), "--config", cfg]) == 0
    assert (await bot.ctx.db.fetchone("SELECT COUNT(*) FROM tickets WHERE resident_id = ?", (RESIDENT,)))[
        0
    ] == 0
    assert await asyncio.to_thread(privacy_cli.main, ["erase", str(OTHER), "--config", cfg, "--yes"]) == 0
    printed = capsys.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (*SECRETS, "借一把梯子"):
        assert secret not in printed.out + printed.err + logged, (
            "personal data never printed or logged by erase"
        )


async def test_erasing_a_staff_member_leaves_the_roster_alone(bot, tmp_path, capsys):
    await _bound(bot)
    await bot.say(WORKER, GROUP, "/wish 自己提的心愿")
    s = await privacy.erase(bot.ctx, WORKER, datetime.now(timezone.utc))
    assert s.staff_code == "p004" and s.tickets == 1
    row = await bot.ctx.db.fetchone("SELECT tg_user_id, name FROM people WHERE code = 'p004'")
    assert tuple(row) == (WORKER, "赵强")
    flags = await bot.ctx.db.fetchone("SELECT self_submitted FROM tickets WHERE id = 1")
    assert flags[0] == 1, "a worker's own ticket still earns no flag"

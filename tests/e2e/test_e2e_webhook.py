"""Webhook mode end to end (issue 14 point 4): `python -m bot run --webhook` with the emulator
delivering updates by POST with the secret header; an update is acknowledged only after it was
handled, so one interrupted by kill -9 is delivered again and handled once."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.conftest import GROUP_TITLE, World, free_port

pytestmark = pytest.mark.e2e
PORT = free_port()
SECRET = "e2e_Secret-token"
HOOK = {
    "webhook.url": f"http://127.0.0.1:{PORT}/tg/hook",
    "webhook.listen": "127.0.0.1",
    "webhook.port": PORT,
    "webhook.secret_token": SECRET,
    "reports.enabled": False,
}


@pytest.mark.bot_config(HOOK)
@pytest.mark.bot_args(["--webhook"])
async def test_the_story_runs_by_webhook_with_the_secret_header(grid: World):
    assert grid.emu.webhook_url == HOOK["webhook.url"] and grid.emu.webhook_secret == SECRET
    grid.emu.send(grid.resident, grid.group, "/complain 楼道灯坏了")
    card = await grid.wait(grid.worker, contains="楼道灯坏了")
    assert card, "the worker got the complaint"
    delivered = grid.emu.webhook_deliveries
    assert delivered and all(d.get("status") == 200 for d in delivered)
    assert not grid.emu.calls.get("getUpdates"), "no polling in webhook mode"


@pytest.mark.bot_config(HOOK)
@pytest.mark.bot_args(["--webhook"])
async def test_a_post_without_the_secret_is_refused(world: World):
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(
                HOOK["webhook.url"], json={"update_id": 1, "message": {}}, headers=headers
            ) as answer:
                assert answer.status == 403
    assert not world.db("SELECT 1 FROM processed_updates WHERE update_id = 1")


@pytest.mark.bot_config(HOOK)
@pytest.mark.bot_args(["--webhook"])
async def test_an_update_interrupted_by_kill_9_is_delivered_again_and_handled_once(world: World):
    w = world
    w.emu.send(w.leader, w.leader, "/start")
    await w.wait(w.leader, contains="您的账号已绑定")
    w.group = w.emu.group(GROUP_TITLE, members=[w.admin, w.leader, w.worker, w.resident])
    w.emu.add_bot(w.group, by=w.admin)
    await w.wait(w.group, contains="/bind")
    w.emu.promote_user(w.group, w.leader)
    w.emu.fault("getChatMember", "timeout_after", hold=60.0)  # the bot waits mid-handling
    asked = w.emu.calls["getChatMember"]
    w.emu.send(w.leader, w.group, "/bind GN-1-1")
    await w._race(w._poll(lambda: w.emu.calls["getChatMember"] > asked, "the bot did not start handling"))
    pending = next(
        u["update_id"] for u in w.emu.updates if (u.get("message") or {}).get("text") == "/bind GN-1-1"
    )
    w.bot.kill()
    w.emu.clear_faults()
    await w.restart_bot()
    await w.wait(w.group, contains="本群已绑定到网格")
    await w._race(w._poll(lambda: not w.emu.updates, "updates left unacknowledged"))
    statuses = [d.get("status") for d in w.emu.webhook_deliveries if d["update_id"] == pending]
    assert statuses[0] != 200 and statuses[-1] == 200, statuses
    bound = [m for m in w.from_bot(w.group) if "本群已绑定到网格" in (m.get("plain_text") or "")]
    assert len(bound) == 1
    assert w.db("SELECT grid FROM groups WHERE chat_id = ?", (w.group.id,)) == [("GN-1-1",)]


@pytest.mark.bot_config(HOOK)
@pytest.mark.bot_args(["--webhook"])
async def test_an_unparseable_update_by_webhook_is_acknowledged_and_recorded(world: World):
    poison = world.emu.emit(
        "poll_answer", {"poll_id": "9", "user": {"id": 5001, "is_bot": False, "first_name": "陈阿姨"}}
    )
    world.emu.send(world.worker, world.worker, "/start")
    await world.wait(world.worker, contains="您的账号已绑定")
    assert world.db("SELECT 1 FROM processed_updates WHERE update_id = ?", (poison["update_id"],))
    assert "Traceback" not in world.bot.stderr() and "陈阿姨" not in world.bot.stderr()

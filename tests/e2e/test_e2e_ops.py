"""Operating the real bot process: one bot per database, start-up faults, poison updates, 409s
(issue 14 point 2, issue 10 points 7 and 8)."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import BotProcess, World

pytestmark = pytest.mark.e2e


async def _answers_help(world: World, user) -> None:
    world.emu.send(user, user, "/start")
    world.emu.send(user, user, "/help")
    await world.wait(user, contains="/status")


async def test_second_bot_on_the_database_is_refused_and_kill_9_never_blocks_a_restart(world: World):
    second = BotProcess(world.bot.config, world.tmp / "second")
    (world.tmp / "second").mkdir()
    await second.start()
    code = await asyncio.wait_for(second.proc.wait(), 30)
    await second.stop()
    assert code == 3
    assert "另一个机器人进程" in second.stderr() and "Traceback" not in second.stderr()
    world.bot.kill()
    await world.restart_bot()  # the lock died with the killed process
    await _answers_help(world, world.worker)


async def test_a_500_on_start_up_calls_is_retried_or_logged_never_fatal(world: World):
    await world.bot.stop()
    world.emu.fault("setMyCommands", "500", count=1)
    world.emu.fault("getMe", "500", count=2)
    await world.start_bot()
    await _answers_help(world, world.worker)
    log = world.bot.stderr().split("--- run 2 ---", 1)[1]
    assert log.count("setMyCommands[default,zh]") == 1 and "Traceback" not in log
    assert "getMe" in log, "the failed getMe was retried and said so"


async def test_an_unparseable_update_is_skipped_recorded_and_polling_goes_on(world: World):
    poison = world.emu.emit(
        "poll_answer", {"poll_id": "77", "user": {"id": 5001, "is_bot": False, "first_name": "陈阿姨"}}
    )
    await _answers_help(world, world.worker)
    assert world.db("SELECT 1 FROM processed_updates WHERE update_id = ?", (poison["update_id"],))
    await world.confirmed()
    log = world.bot.stderr()
    assert str(poison["update_id"]) in log and "Traceback" not in log and "陈阿姨" not in log
    await world.restart_bot()  # no crash loop: the poison update is not delivered again
    await _answers_help(world, world.leader)


async def test_a_409_conflict_is_logged_and_the_bot_keeps_working(world: World):
    for _ in range(20):  # our getUpdates must arrive while the bot's long poll waits
        await world.emu.call("getUpdates", {"timeout": 0})
        try:
            await world._race(world._poll(lambda: "409" in world.bot.stderr(), "no conflict line", 2))
            break
        except AssertionError:
            continue
    log = world.bot.stderr()
    assert "409 Conflict" in log and "Traceback" not in log
    await _answers_help(world, world.worker)

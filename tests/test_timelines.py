"""/status, /my and /queue: each timeline entry on its own line, the text apart from the names;
deadlines and times written as an office writes them (11月30日 11:25, 30 Nov 11:25)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot import i18n
from tests.test_story import GROUP, RESIDENT, WORKER, _bound

TEXT = "3单元门口垃圾没人清理"


async def _accepted_complaint(bot) -> None:
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, f"/complain 环境卫生 {TEXT}")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


async def test_status_in_private_puts_text_and_each_step_on_their_own_lines(bot):
    await _accepted_complaint(bot)
    await bot.say(RESIDENT, RESIDENT, "/status 1")
    lines = _lines(bot.last(RESIDENT)["text"])
    assert lines[0].endswith("网格员 赵强"), lines
    assert lines[1] == TEXT
    assert lines[2].strip().endswith("提交") and lines[3].strip().endswith("接单（赵强）"), lines


async def test_status_in_group_puts_header_and_timeline_on_separate_lines(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/wish 帮楼上独居老人买菜")
    await bot.press(WORKER, WORKER, 1, "t:1:acc")
    await bot.say(RESIDENT, GROUP, "/status 1")
    lines = _lines(bot.last(GROUP)["text"])
    assert len(lines) == 3 and "提交" not in lines[0] and lines[1].strip().endswith("提交"), lines


async def test_status_of_a_complaint_in_group_shows_only_number_and_status(bot):
    await _accepted_complaint(bot)
    await bot.say(RESIDENT, GROUP, "/status 1")
    text = bot.last(GROUP)["text"]
    assert _lines(text) == ["<b>#1</b> · 办理中"], text  # neither who, nor what, nor who handles it


async def test_queue_and_my_list_one_step_per_line(bot):
    await _accepted_complaint(bot)
    await bot.say(WORKER, WORKER, "/queue")
    queue = _lines(bot.last(WORKER)["text"])
    await bot.say(RESIDENT, RESIDENT, "/my")
    mine = _lines(bot.last(RESIDENT)["text"])
    for lines in (queue, mine):
        assert lines[2] == TEXT and lines[3].strip().endswith("提交") and len(lines) == 5, lines


def test_times_are_written_as_an_office_writes_them():
    moment = datetime(2026, 11, 30, 3, 25, tzinfo=timezone.utc)
    assert i18n.clock("zh", moment, "Asia/Shanghai") == "11月30日 11:25"
    assert i18n.clock("en", moment, "Asia/Shanghai") == "30 Nov 11:25"
    assert i18n.clock("en", None) == "—"


async def test_steps_show_the_time_in_the_readers_style(bot):
    await _accepted_complaint(bot)
    await bot.say(RESIDENT, RESIDENT, "/status 1")
    step = _lines(bot.last(RESIDENT)["text"])[2]
    assert "月" in step and "日 " in step and "-" not in step, step

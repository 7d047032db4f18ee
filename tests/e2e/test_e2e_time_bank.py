"""The time bank for real (issue 13 point 5): a volunteer claims a wish, completes it, records the
hours (a bad answer first), the resident confirms, and /my shows the hours, in zh and then in en."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
World = object  # the `grid` fixture's type, see conftest.py


async def _claimed_and_closed(w, emu) -> dict:
    """The volunteer claims the resident's wish and closes it; returns the resident's question."""
    emu.send(w.resident, w.group, "/wish 帮楼上独居老人买菜")
    card = await w.wait(w.group, contains="#1")
    await w.answer(emu.press(w.volunteer, card, "🙋 我来认领"))
    mine = await w.wait(w.volunteer, contains="您已接单 #1")
    emu.press(w.volunteer, mine, "🏁 办结")
    prompt = await w.wait(w.volunteer, contains="请回复此消息")
    await w.reply(w.volunteer, prompt, "菜已经买好送到老人家里")
    return await w.wait(w.group, contains="问题解决了吗")


async def test_volunteer_records_hours_the_resident_confirms_and_my_shows_them(grid: World):
    w, emu = grid, grid.emu
    question = await _claimed_and_closed(w, emu)
    ask = await w.wait(w.volunteer, contains="这次服务用了多长时间", since=0)
    assert w.buttons(ask) == ["0.5 小时", "1 小时", "2 小时", "其他时长…"]
    assert (await w.answer(emu.press(w.volunteer, ask, "其他时长…")))["text"] == "请回复服务时长"
    typed = await w.wait(w.volunteer, contains="请回复心愿 #1 的服务时长")
    assert typed["force_reply"]["force_reply"] is True
    await w.reply(w.volunteer, typed, "挺久的")
    polite = await w.wait(w.volunteer, contains="没看懂这个时长")
    assert polite["plain_text"] == "没看懂这个时长。请回复例如 1.5、1小时30分 或 90分钟。"
    await w.reply(w.volunteer, typed, "1小时30分")
    recorded = await w.wait(w.volunteer, contains="已记录心愿 #1 的服务时长 1.5 小时")
    assert "居民确认后计入您的时间银行" in recorded["plain_text"]

    emu.send(w.volunteer, w.volunteer, "/my")
    pending = await w.wait(w.volunteer, contains="时间银行")
    assert "余额 0 小时\n已计入 0 小时 · 已支付 0 小时 · 待居民确认 1.5 小时" in pending["plain_text"]

    emu.press(w.resident, question, "👍 已解决")
    counted = await w.wait(w.volunteer, contains="居民已确认 #1 办结")
    assert "1.5 小时服务时长已计入您的时间银行" in counted["plain_text"]
    assert not any("时间银行" in t for t in w.seen(w.resident, w.group)), "the group hears no balances"

    emu.send(w.volunteer, w.volunteer, "/my")
    mine = await w.wait(w.volunteer, contains="时间银行")
    assert "余额 1.5 小时\n已计入 1.5 小时 · 已支付 0 小时 · 待居民确认 0 小时" in mine["plain_text"]
    emu.send(w.volunteer, w.volunteer, "/lang en")
    await w.wait(w.volunteer, contains="English")
    emu.send(w.volunteer, w.volunteer, "/my")
    english = await w.wait(w.volunteer, contains="Time bank")
    assert (
        "Time bank: 1.5 h to spend\nearned 1.5 h · spent 0 h · waiting for residents 0 h"
        in english["plain_text"]
    )
    assert w.db("SELECT kind, minutes, counted_at IS NOT NULL FROM time_bank") == [("earn", 90, 1)]

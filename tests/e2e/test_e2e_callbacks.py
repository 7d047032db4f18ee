"""The weekly call-back review for real (issue 13 point 2): the bot process against the emulator. A
complaint is handled and confirmed; the operator's `post callbacks` for that week sends the big-grid
leader the sample privately; "😞 不满意" asks for a note, and the note sends the ticket back to its
worker, who is told with the note; the resident hears it is being handled again, never who called.

Every wait is on a message or a database state the bot must produce; nothing is asserted after a sleep.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_e2e_casework import _cli, _in

pytestmark = pytest.mark.e2e
World = object
SH = ZoneInfo("Asia/Shanghai")
COMPLAINT = "3号楼楼道灯不亮"


async def _confirmed_complaint(w: World) -> None:
    """The neighbour (who started the bot) complains; the worker accepts and closes; it is confirmed."""
    emu = w.emu
    emu.send(w.neighbour, w.neighbour, "/start")
    await w.wait(w.neighbour)
    emu.send(w.neighbour, w.group, f"/complain 设施维修 {COMPLAINT}")
    request = await w.wait(w.worker, contains="新任务 #1")
    emu.press(w.worker, request, "✅ 接单")
    request = await w.edited(request, "您已接单")
    emu.press(w.worker, request, "🏁 办结")
    prompt = await w.wait(w.worker, contains="请回复此消息")
    await w.reply(w.worker, prompt, "已更换灯泡")
    ask = await w.wait(w.neighbour, contains="问题解决了吗")
    emu.press(w.neighbour, ask, "👍 已解决")
    await w.wait(w.worker, contains="居民已确认 #1 办结")


@pytest.mark.bot_config({"reports.enabled": False})
async def test_a_call_back_not_satisfied_reopens_the_ticket_to_its_worker_with_the_note(grid: World):
    w, emu = grid, grid.emu
    await _confirmed_complaint(w)
    (done,) = w.db("SELECT at FROM ticket_events WHERE action = 'confirm'")[0]
    week = datetime.fromtimestamp(done, timezone.utc).astimezone(SH).strftime("%G-W%V")
    await _cli(w, "post", "callbacks", "--period", week)
    review = await w.wait(_in(w.big_leader, lambda m: "回访 #1" in (m.get("plain_text") or "")))
    assert COMPLAINT in review["plain_text"] and "经办：网格员 赵强" in review["plain_text"]
    assert w.buttons(review) == ["😊 满意", "😞 不满意", "📵 未接通"]

    no = emu.press(w.big_leader, review, "😞 不满意")
    assert (await w.answer(no))["text"] == "请回复居民的意见"
    prompt = await w.wait(w.big_leader, contains="回访不满意：请回复此消息")
    await w.reply(w.big_leader, prompt, "居民说只有一楼的灯修好了")

    back = await w.wait(w.worker, contains="回访不满意，退回重办")
    assert "居民的意见：居民说只有一楼的灯修好了" in back["plain_text"] and COMPLAINT in back["plain_text"]
    assert w.buttons(back)[0] == "🏁 办结"
    answered = await w.edited(review, "回访结果：😞 不满意，已退回重办")
    assert w.buttons(answered) == []
    await w.wait(w.big_leader, contains="#1 已退回 网格员 赵强 重新办理")
    told = await w.wait(w.neighbour, contains="已重新办理")
    assert "李娜" not in told["plain_text"] and "只有一楼" not in told["plain_text"]
    assert w.db("SELECT status, assignee_id, reopen_count FROM tickets WHERE id = 1") == [("accepted", 4, 1)]
    assert w.db("SELECT result FROM callbacks WHERE ticket_id = 1") == [("unsatisfied",)]

    await w.caught_up()
    group = [m.get("plain_text") or "" for m in w.from_bot(w.group)]
    assert not [t for t in group if "只有一楼" in t or "回访" in t or COMPLAINT in t]

"""Presses under Bot API faults, for real (issue 10 points 10 and 11): the toast says what was
committed even when its first answer call fails, and recovered faults are one log line each."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
World = object  # the `grid` fixture's type, see conftest.py


async def test_press_answered_from_the_commit_and_faults_logged_without_tracebacks(grid: World):
    w, emu = grid, grid.emu
    for n, (kind, text) in enumerate(
        (("502", "楼道灯坏了"), ("500", "垃圾桶满了"), ("timeout", "水管漏水")), 1
    ):
        emu.send(w.resident, w.group, f"/complain {text}")
        request = await w.wait(w.worker, contains=f"新任务 #{n}")
        emu.fault("answerCallbackQuery", kind, hold=0.3)  # the first answer to this press fails
        emu.fault("editMessageText", "502", chat=w.worker)  # and so does the first edit of the request
        query = emu.press(w.worker, request, "✅ 接单")
        await w.edited(request, f"您已接单 #{n}")
        answer = await w.answer(query)
        assert answer.get("text") == f"已接单 #{n}", answer
    await w.caught_up()
    log = w.bot.stderr()
    assert "Traceback" not in log, log
    assert log.count("answerCallbackQuery failed") == 3 and "editMessageText failed" in log
    assert w.db("SELECT COUNT(*) FROM tickets WHERE status = 'accepted'") == [(3,)]

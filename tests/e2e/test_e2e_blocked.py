"""A worker who blocks the bot, for real: the leader is told at once and takes over; new tickets
pass the worker by until they unblock (issue 10 point 9)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
World = object  # the `grid` fixture's type, see conftest.py


def _assignee(w: World, ticket: int) -> str:
    rows = w.db(
        "SELECT p.code FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = ?", (ticket,)
    )
    return rows[0][0] if rows else ""


async def test_blocked_worker_leader_told_tickets_rerouted_until_unblocked(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, "/complain 楼道灯坏了")
    await w.wait(w.worker, contains="新任务 #1")
    emu.block(w.worker)
    told = await w.wait(w.leader, contains="赵强 已屏蔽机器人")
    assert "1 项未办结事项需要换人办理：#1" in told["plain_text"]
    one = await w.wait(w.leader, contains="楼道灯坏了")
    emu.send(w.resident, w.group, "/complain 垃圾桶满了")
    await w.wait(w.leader, contains="新任务 #2")
    assert _assignee(w, 2) == "p003", "the leader, not the blocked worker, gets the new ticket"
    emu.press(w.leader, one, "🙋 我来接手")
    await w.edited(one, "您已接手 #1")
    assert _assignee(w, 1) == "p003"
    emu.unblock(w.worker)
    emu.send(w.resident, w.group, "/complain 水管漏水")
    await w.wait(w.worker, contains="新任务 #3")
    assert _assignee(w, 3) == "p004"

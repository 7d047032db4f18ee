"""The daily work log for real (issue 13 point 1): the bot process against the emulator. A worker logs
two photos and a line privately; the small-group leader's daily digest (the operator's `post digests`
for that day) carries the count, the lines and the photos as one album (sendMediaGroup). /log alone asks
for the line; /log in the group is refused and stores nothing.

Every wait is on a message or a database state the bot must produce; nothing is asserted after a sleep.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_e2e_casework import _cli

pytestmark = pytest.mark.e2e
World = object
NO_REPORTS = {"reports.enabled": False}
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.bot_config(NO_REPORTS)
async def test_a_work_log_with_photos_reaches_the_leaders_daily_digest_as_an_album(grid: World):
    w, emu = grid, grid.emu
    emu.send_photo(w.worker, w.worker, caption="/log 走访3-2-401独居老人")
    await w.wait(w.worker, contains="附照片 1 张")
    emu.send_photo(w.worker, w.worker, caption="/log 清理楼道小广告")
    emu.send(w.worker, w.worker, "/log 巡查消防通道")
    await w.wait(w.worker, contains="巡查消防通道")
    (first,) = w.db("SELECT MIN(at) FROM work_logs")[0]
    day = datetime.fromtimestamp(first, timezone.utc).astimezone(SH).date().isoformat()
    await _cli(w, "post", "digests", "--period", day)
    digest = (await w.wait(w.leader, contains="每日汇总"))["plain_text"]
    part = digest[digest.index("📒 工作日志") :]
    assert "• 赵强：3 条" in part and "走访3-2-401独居老人 📷" in part and "清理楼道小广告 📷" in part
    assert "巡查消防通道" in part and "📷 照片 2 张附在下方。" in part, part
    leader = w.leader.id
    await w.wait(
        lambda m: (
            m["chat"]["id"] == leader
            and m.get("media_group_id")
            and "清理楼道小广告" in (m.get("caption") or "")
        )
    )
    album = [m for m in w.emu.inbox(w.leader) if m.get("media_group_id")]
    assert len(album) == 2 and len({m["media_group_id"] for m in album}) == 1
    assert album[0]["caption"].startswith("赵强 · ") and album[0]["caption"].endswith("走访3-2-401独居老人")
    sent_ids = {m["photo"][-1]["file_id"] for m in album}
    assert sent_ids == {
        r[0] for r in w.db("SELECT photo_file_id FROM work_logs WHERE photo_file_id IS NOT NULL")
    }
    assert not [m for m in w.from_bot(w.group) if "工作日志" in (m.get("plain_text") or "")]


async def test_log_alone_asks_and_the_group_is_told_to_use_the_private_chat(grid: World):
    w, emu = grid, grid.emu
    emu.send(w.worker, w.group, "/log 走访3-2-401独居老人")
    await w.wait(w.group, contains="请在与我的私聊中发送 /log")
    emu.send(w.worker, w.worker, "/log")
    ask = await w.wait(w.worker, contains="请发一句话")
    await w.reply(w.worker, ask, "入户核实低保情况")
    await w.wait(w.worker, contains="已记入今天的工作日志")
    assert w.db("SELECT text, photo_file_id, ticket_id FROM work_logs") == [("入户核实低保情况", None, None)]

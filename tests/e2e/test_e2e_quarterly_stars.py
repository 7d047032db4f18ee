"""The quarterly star rating for real (issue 13 point 3): the bot process against the emulator. A
complaint is handled and confirmed; the operator's `post quarterly-stars` for that quarter tells the
worker their stars privately, gives the admin the table and names the five-star worker in the group;
running it again sends nothing twice. The operator's `post monthly` stores each grid's colour (issue 13
point 4) with the post that shows it.

Every wait is on a message or a database state the bot must produce; nothing is asserted after a sleep.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import quarter_of
from tests.e2e.test_e2e_callbacks import _confirmed_complaint
from tests.e2e.test_e2e_casework import _cli

pytestmark = pytest.mark.e2e
World = object
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.bot_config({"reports.enabled": False, "assessment.stars.flag_target": 1})
async def test_the_post_command_gives_the_quarters_stars_to_worker_admin_and_group(grid: World):
    w = grid
    await _confirmed_complaint(w)
    (done,) = w.db("SELECT at FROM ticket_events WHERE action = 'confirm'")[0]
    quarter = quarter_of(datetime.fromtimestamp(done, timezone.utc), SH)
    await _cli(w, "post", "quarterly-stars", "--period", quarter.key)

    mine = await w.wait(w.worker, contains="服务星级")
    assert "赵强，您本季度获评 ⭐⭐⭐⭐⭐（5 星）。" in mine["plain_text"]
    assert "红旗 1 面（1 面计满分）" in mine["plain_text"] and "响应率 100%（1/1）" in mine["plain_text"]
    table = await w.wait(w.admin, contains="网格员星级")
    assert "⭐⭐⭐⭐⭐ 赵强（幸福小区网格）· 100 分" in table["plain_text"]
    group = await w.wait(w.group, contains="五星网格员")
    assert "恭喜 赵强 获评五星！" in group["plain_text"]
    assert "周先生" not in group["plain_text"] and "楼道灯" not in group["plain_text"]

    await _cli(w, "post", "quarterly-stars", "--period", quarter.key)  # an operator's second run
    await w.caught_up()
    for chat, words in ((w.worker, "服务星级"), (w.admin, "网格员星级"), (w.group, "五星网格员")):
        assert len([m for m in w.from_bot(chat) if words in (m.get("plain_text") or "")]) == 1
    assert w.db("SELECT kind FROM posts WHERE period = ? ORDER BY kind", (quarter.key,)) == [
        ("stars_admin",),
        ("stars_group",),
        ("stars_worker",),
    ]


@pytest.mark.bot_config({"reports.enabled": False})
async def test_the_monthly_post_command_stores_each_grids_colour_with_the_post(grid: World):
    w = grid
    await _confirmed_complaint(w)
    (done,) = w.db("SELECT at FROM ticket_events WHERE action = 'confirm'")[0]
    month = datetime.fromtimestamp(done, timezone.utc).astimezone(SH).strftime("%Y-%m")
    await _cli(w, "post", "monthly", "--period", month)
    post = await w.wait(w.group, contains="月度晒单")
    text = post.get("plain_text") or post.get("caption") or ""
    assert "1. 🔵 幸福小区网格：100% · 100% · —" in text
    # 和平里 had nothing to measure and nothing wrong: no colour, no row
    assert w.db("SELECT grid, month, colour, on_time, due, resolved, evaluated FROM grid_colours") == [
        ("GN-1-1", month, "blue", 1, 1, 1, 1)
    ]

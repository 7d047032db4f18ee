"""Collection day goes only to groups of grids with workers: a big grid's group gets no call for
wishes that would land on a grid where nobody can take them."""

from __future__ import annotations

from datetime import datetime

from bot.services import posts
from tests.test_posts import ADMIN, BIG, G1, LEADER, SH, _bind

BIG_GROUP, EMPTY_GROUP = -300, -400


async def test_collection_day_skips_groups_of_grids_without_workers(bot):
    await _bind(bot, G1, LEADER, "GN-1-1")
    await _bind(bot, BIG_GROUP, BIG, "GN-1")
    await _bind(bot, EMPTY_GROUP, ADMIN, "GN-1-2")
    async with bot.ctx.db.write() as conn:  # 和平里's only worker leaves the roster
        await conn.execute("UPDATE people SET active = 0 WHERE code = 'p006'")
    bound = await bot.ctx.db.fetchall("SELECT chat_id FROM groups WHERE grid IS NOT NULL")
    assert {r[0] for r in bound} == {G1, BIG_GROUP, EMPTY_GROUP}
    written = await posts.collection_day(bot.ctx, datetime.now(SH))
    assert [p.chat_id for p in written] == [G1]
    await bot.deliverer.deliver_due()
    assert "收集日" in bot.last(G1)["text"]

"""A worker who blocks the bot: no new tickets while someone else can take them, the leader told at once."""

from __future__ import annotations

import pytest

from bot.domain.routing import Candidate, Track, choose
from tests.test_story import GROUP, LEADER, RESIDENT, WORKER, _bound

BOT = {"id": 777, "is_bot": True, "first_name": "G"}
W1, W2, L1, L2 = 11, 12, 21, 22


@pytest.mark.parametrize(
    "workers, leaders, unreachable, expected",
    [
        ([Candidate(W1, 0), Candidate(W2, 5)], [L1], frozenset(), W1),
        ([Candidate(W1, 0, False), Candidate(W2, 5)], [L1], frozenset(), W2),
        ([Candidate(W1, 0, False)], [L1], frozenset(), L1),
        ([Candidate(W1, 0, False)], [L1, L2], frozenset({L1}), L2),
        ([Candidate(W1, 0, False)], [L1], frozenset({L1}), W1),  # nobody reachable: the worker still holds it
        ([Candidate(W1, 0, False)], [], frozenset(), W1),
        ([], [L1, L2], frozenset({L1}), L2),
        ([], [L1], frozenset({L1}), L1),
    ],
)
def test_routing_passes_over_the_unreachable(workers, leaders, unreachable, expected):
    assert choose(Track.COMMUNITY, None, workers, leaders, [], unreachable).assignee_id == expected


def test_unreachable_liaison_is_passed_over():
    assert choose(Track.PUBLIC, 31, [Candidate(W1, 0)], [L1], [], frozenset({31})).assignee_id == W1
    assert choose(Track.PUBLIC, 31, [Candidate(W1, 0)], [L1], []).assignee_id == 31


def _private_member(uid: int, status: str) -> dict:
    chat = {"id": uid, "type": "private", "first_name": "U"}
    user = {"id": uid, "is_bot": False, "first_name": "U"}
    kicked = {"status": "kicked", "user": BOT, "until_date": 0}
    member = {"status": "member", "user": BOT}
    old, new = (member, kicked) if status == "kicked" else (kicked, member)
    return {
        "my_chat_member": {
            "chat": chat,
            "from": user,
            "date": 0,
            "old_chat_member": old,
            "new_chat_member": new,
        }
    }


async def _assignee(bot, ticket: int) -> str:
    row = await bot.ctx.db.fetchone(
        "SELECT p.code FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = ?", (ticket,)
    )
    return row[0]


async def test_worker_blocking_the_bot_tells_the_leader_and_stops_routing(bot):
    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 楼道灯坏了")
    await bot.say(RESIDENT, GROUP, "/complain 垃圾桶满了")
    await bot.feed(_private_member(WORKER, "kicked"))
    told, first, second = bot.sent(LEADER)[-3:]
    assert (
        "赵强 已屏蔽机器人" in told["text"] and "2 项未办结事项" in told["text"] and "#1 #2" in told["text"]
    )
    assert "楼道灯坏了" in first["text"] and bot.button(first, "e:1:rsg") and bot.button(first, "e:1:tak")
    assert "垃圾桶满了" in second["text"] and bot.button(second, "e:2:rsg") and bot.button(second, "e:2:tak")
    await bot.say(RESIDENT, GROUP, "/complain 水管漏水")
    assert await _assignee(bot, 3) == "p003", "the leader takes new tickets while the worker is unreachable"
    assert any("水管漏水" in m["text"] for m in bot.sent(LEADER))
    await bot.press(LEADER, LEADER, 1, "e:1:tak")
    assert await _assignee(bot, 1) == "p003"


async def test_blocking_twice_tells_the_leader_once(bot):
    await _bound(bot)
    await bot.feed(_private_member(WORKER, "kicked"))
    await bot.feed(_private_member(WORKER, "kicked"))
    assert sum("已屏蔽机器人" in m["text"] for m in bot.sent(LEADER)) == 1
    assert "目前没有未办结事项" in bot.last(LEADER)["text"]


async def test_a_403_on_delivery_is_noticed_and_the_leader_told_in_their_language(bot):
    await _bound(bot)
    await bot.say(LEADER, LEADER, "/lang en")
    bot.transport.blocked.add(WORKER)
    await bot.say(RESIDENT, GROUP, "/complain 楼道灯坏了")
    await bot.deliverer.deliver_due()
    told = bot.sent(LEADER)[-2]["text"]
    assert "赵强 has blocked the bot" in told and "1 open ticket needs a new hand: #1" in told
    assert bot.button(bot.last(LEADER), "e:1:tak")
    await bot.say(RESIDENT, GROUP, "/complain 垃圾桶满了")
    assert await _assignee(bot, 2) == "p003"


@pytest.mark.parametrize("comeback", ["start", "member"])
async def test_worker_who_unblocks_gets_tickets_again(bot, comeback):
    await _bound(bot)
    await bot.feed(_private_member(WORKER, "kicked"))
    if comeback == "start":
        await bot.say(WORKER, WORKER, "/start")
    else:
        await bot.feed(_private_member(WORKER, "member"))
    await bot.say(RESIDENT, GROUP, "/complain 楼道灯坏了")
    assert await _assignee(bot, 1) == "p004"
    assert any("楼道灯坏了" in m["text"] for m in bot.sent(WORKER))


async def test_the_digest_shows_who_blocked_the_bot(bot):
    from datetime import datetime, timedelta, timezone

    from bot.services import posts

    await _bound(bot)
    await bot.say(RESIDENT, GROUP, "/complain 楼道灯坏了")
    await bot.feed(_private_member(WORKER, "kicked"))
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    await posts.digests(bot.ctx, tomorrow)
    bot.deliverer.clock = lambda: tomorrow
    await bot.deliverer.deliver_due()
    digest = next(m["text"] for m in reversed(bot.sent(LEADER)) if "每日汇总" in m["text"])
    assert "• 赵强（🚫 已屏蔽机器人，不再派单）：" in digest
    assert "刘洋（🚫" not in digest


async def test_reassign_offers_only_workers_the_bot_can_reach(bot):
    await _bound(bot)
    async with bot.ctx.db.write() as conn:
        for code, name, uid in (("p010", "孙丽", 9010), ("p011", "周敏", 9011)):
            cur = await conn.execute(
                "INSERT INTO people (code, name, tg_user_id, invite_code) VALUES (?, ?, ?, ?)",
                (code, name, uid, f"inv-{code}"),
            )
            await conn.execute(
                "INSERT INTO roles (person_id, grid, role) VALUES (?, 'GN-1-1', 'worker')", (cur.lastrowid,)
            )
    await bot.say(RESIDENT, GROUP, "/complain 楼道灯坏了")
    holder = {"p004": WORKER, "p010": 9010, "p011": 9011}[await _assignee(bot, 1)]
    await bot.feed(_private_member(holder, "kicked"))
    await bot.feed(_private_member(9011 if holder != 9011 else 9010, "kicked"))
    await bot.press(LEADER, LEADER, 1, "e:1:rsg")
    rows = [b["text"] for row in bot.last(LEADER)["reply_markup"]["inline_keyboard"] for b in row]
    reachable = {WORKER: "赵强", 9010: "孙丽", 9011: "周敏"}
    blocked = {holder, 9011 if holder != 9011 else 9010}
    assert rows == [name for uid, name in reachable.items() if uid not in blocked]
